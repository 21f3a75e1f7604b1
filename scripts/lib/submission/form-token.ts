/**
 * Minimum fill time: the form carries `formToken` = `<issued ms, base 36>.<nonce>.<HMAC>` signed with the server
 * secret, so a client cannot forge an older start time. A post sooner than the minimum after the form was served
 * is a script, not a person; the person who is that fast just submits again (the re-rendered form carries a token
 * already old enough).
 *
 * The nonce makes every served form's token unique — two people opening /submit in the same millisecond must not
 * share one — because a token is good for one submission (one-time-tokens.ts), recorded under its signature
 * (`formTokenId`), which covers the time and the nonce.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const sign = (secret: Buffer | string, issued: number, nonce: string) =>
  createHmac('sha256', secret).update(`form-token\0${issued}\0${nonce}`).digest('base64url').slice(0, 22);

export function issueFormToken(secret: Buffer | string, issuedAt: number, nonce: string = randomBytes(8).toString('base64url')): string {
  const issued = Math.floor(issuedAt);
  return `${issued.toString(36)}.${nonce}.${sign(secret, issued, nonce)}`;
}

export type FormTokenCheck = 'ok' | 'missing' | 'invalid' | 'too-fast' | 'expired';

const TOKEN = /^([0-9a-z]{1,12})\.([\w-]{11})\.([\w-]{22})$/;

export function checkFormToken(
  token: string | undefined,
  secret: Buffer | string,
  opts: { now: number; minFillMs: number; maxAgeMs: number },
): FormTokenCheck {
  if (!token) return 'missing';
  const m = TOKEN.exec(token);
  if (!m) return 'invalid';
  const issued = parseInt(m[1], 36);
  const want = Buffer.from(sign(secret, issued, m[2]));
  const got = Buffer.from(m[3]);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return 'invalid';
  const age = opts.now - issued;
  if (age < opts.minFillMs) return 'too-fast';
  if (age > opts.maxAgeMs) return 'expired';
  return 'ok';
}

/**
 * What a checked token is recorded under when it is spent: its signature (unique per served form, unforgeable)
 * and the moment it expires anyway, after which the record can go. Undefined for a malformed token.
 */
export function formTokenId(token: string, maxAgeMs: number): { id: string; expiresAtMs: number } | undefined {
  const m = TOKEN.exec(token);
  return m ? { id: m[3], expiresAtMs: parseInt(m[1], 36) + maxAgeMs } : undefined;
}
