/**
 * The public 查询码, e.g. `JY-2026-7K3M9Q` (contracts.md): bureau prefix, year received, and six Crockford
 * base32 characters taken from an HMAC of the submission's idempotency key under the server secret. So the code
 * is the same for every retry of one submission (no duplicates), yet cannot be guessed or enumerated from other
 * codes (not sequential; 32^6 ≈ 10^9 values, and /track is rate-limited). `attempt` picks another code in the rare
 * case two keys collide (the outbox claims codes exclusively).
 */
import { createHmac, type KeyObject } from 'node:crypto';
import { chinaDate } from '../workdays.ts';

/** Crockford's alphabet: no I, L, O, U, so codes read aloud over the phone are unambiguous. */
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Six Crockford characters from the first 30 bits of a digest: the one encoder of every 查询码. */
export function codeFromDigest(digest: Buffer): string {
  const n = digest.readUInt32BE(0) >>> 2;
  let out = '';
  for (let i = 5; i >= 0; i--) out += alphabet[(n >>> (i * 5)) & 31];
  return out;
}

/** Six characters identifying a submission: an HMAC of its idempotency key under the server secret. */
export function trackingHash(secret: Buffer | string | KeyObject, key: string, attempt = 0): string {
  return codeFromDigest(createHmac('sha256', secret).update(`tracking-code\0${attempt}\0${key}`).digest());
}

export function formatTrackingCode(prefix: string, year: number | string, hash: string): string {
  return `${prefix}-${year}-${hash}`;
}

/**
 * Reads a code as people type it: any case, full-width characters, spaces, and the letters Crockford maps
 * (O→0, I/L→1). Returns null when it is not a tracking code.
 */
export function parseTrackingCode(input: string): { prefix: string; year: number; hash: string; code: string } | null {
  const s = input.normalize('NFKC').replace(/[\s\u200B-\u200F\uFEFF]/g, '').toUpperCase().replace(/[‐-―−]/g, '-');
  const m = /^([A-Z]{2,4})-?(\d{4})-?([0-9A-Z]{6})$/.exec(s);
  if (!m) return null;
  const hash = m[3].replace(/O/g, '0').replace(/[IL]/g, '1');
  if (/[U]/.test(hash)) return null;
  return { prefix: m[1], year: Number(m[2]), hash, code: formatTrackingCode(m[1], m[2], hash) };
}

/**
 * The first year a code can carry: 2019, when the national DRG payment pilots began (国家医保局, 30 个城市 DRG 付费
 * 国家试点); no feedback platform of this kind predates them.
 */
export const firstCodeYear = 2019;

/**
 * Why a well-formed code cannot be one of this bureau's, or null when it can: another bureau's prefix, or a year
 * before the platform or after the current one (China time). /track refuses these before any look-up.
 */
export function trackingCodeProblem(parsed: { prefix: string; year: number }, prefix: string, now: Date): string | null {
  if (parsed.prefix !== prefix) return `查询码应以本局的 ${prefix}- 开头（${parsed.prefix}- 开头的查询码属于其他单位，请到对应网站查询）`;
  // The year of chinaDate (arithmetic on UTC+8): a new Intl.DateTimeFormat per look-up was 12.5% of the server's
  // CPU under bench:submit's /track run.
  const thisYear = Number(chinaDate(now).slice(0, 4));
  if (parsed.year < firstCodeYear || parsed.year > thisYear) return `查询码中的年份 ${parsed.year} 不对：应为 ${firstCodeYear} 到 ${thisYear} 年之间提交意见的年份`;
  return null;
}
