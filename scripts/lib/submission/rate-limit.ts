/**
 * Per-client rate limit: a token bucket per key (the client IP). Pure and in memory: a restart forgets, which is
 * fine for abuse control; nothing is ever lost because a refused client keeps what it typed and is told when to
 * retry (429 + Retry-After). Configured as `<count>/<seconds>`, e.g. SUBMIT_RATE_LIMIT=20/60; `0` or `off` disables.
 */

export interface RateLimit {
  /** Requests allowed in a burst. */
  capacity: number;
  /** Seconds to refill the whole bucket. */
  perSeconds: number;
}

export function parseRateLimit(value: string | undefined, fallback: RateLimit | null): RateLimit | null {
  if (value === undefined || value.trim() === '') return fallback;
  if (/^(0|off|none|false)$/i.test(value.trim())) return null;
  const m = /^(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*s?$/.exec(value.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) <= 0) throw new Error(`限流配置 "${value}" 格式应为 次数/秒数，例如 20/60；设为 off 关闭`);
  return { capacity: Number(m[1]), perSeconds: Number(m[2]) };
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiter {
  take(key: string): RateDecision;
}

export function createRateLimiter(limit: RateLimit | null, now: () => number = Date.now): RateLimiter {
  if (!limit) return { take: () => ({ ok: true }) };
  const rate = limit.capacity / (limit.perSeconds * 1000);
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const t = now();
      if (buckets.size > 50_000) {
        // Forget full buckets so a flood of distinct addresses cannot grow memory without bound.
        for (const [k, b] of buckets) if (b.tokens + (t - b.at) * rate >= limit.capacity) buckets.delete(k);
      }
      const b = buckets.get(key) ?? { tokens: limit.capacity, at: t };
      b.tokens = Math.min(limit.capacity, b.tokens + (t - b.at) * rate);
      b.at = t;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000)) };
    },
  };
}

/**
 * The rate-limit identity of a client address: an IPv4 address as is; an IPv6 address by its /64, because one
 * subscriber (one home, one office, one VPS) is routinely given a whole /64 and picks addresses from it at will
 * (RFC 6177, RFC 8981 temporary addresses), so limiting per address would limit nobody. IPv4-mapped IPv6
 * (`::ffff:1.2.3.4`, how a dual-stack socket reports an IPv4 client) is the IPv4 address. Returns undefined for
 * anything that is not an IP address.
 */
export function rateLimitKey(address: string): string | undefined {
  const ip = parseIp(address);
  if (!ip) return undefined;
  return ip.v4 ?? `${ip.v6.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** The address in canonical text (IPv4 dotted, IPv6 as parsed groups, mapped IPv4 unwrapped), or undefined. */
export function normaliseIp(address: string): string | undefined {
  const ip = parseIp(address);
  if (!ip) return undefined;
  return ip.v4 ?? ip.v6.map((g) => g.toString(16)).join(':');
}

type ParsedIp = { v4: string; v6?: undefined } | { v4?: undefined; v6: number[] };

/**
 * Parses an address as proxies and sockets write it: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:443`,
 * `fe80::1%eth0`, `::ffff:1.2.3.4`. Split-based, no backtracking regex over the input, and the input is capped.
 */
function parseIp(raw: string): ParsedIp | undefined {
  let s = raw.trim();
  if (s.length === 0 || s.length > 64) return undefined;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return undefined;
    s = s.slice(1, end);
  } else if (s.indexOf(':') === s.lastIndexOf(':') && s.includes('.')) {
    s = s.split(':')[0]; // IPv4 with a port
  }
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!s.includes(':')) {
    const v4 = ipv4Octets(s);
    return v4 && { v4: v4.join('.') };
  }
  const v6 = ipv6Groups(s);
  if (!v6) return undefined;
  if (v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff) {
    return { v4: [v6[6] >> 8, v6[6] & 0xff, v6[7] >> 8, v6[7] & 0xff].join('.') };
  }
  return { v6 };
}

function ipv4Octets(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const octets = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return octets.every((o) => o <= 255) ? octets : undefined;
}

function ipv6Groups(s: string): number[] | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const fields = part.split(':');
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      if (i === fields.length - 1 && f.includes('.')) {
        const v4 = ipv4Octets(f);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-f]{1,4}$/i.test(f)) {
        out.push(parseInt(f, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  // An embedded IPv4 is only allowed at the very end.
  if (halves[0].includes('.')) return undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}
