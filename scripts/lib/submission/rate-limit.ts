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
