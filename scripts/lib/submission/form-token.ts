/**
 * Minimum fill time: the form carries `formToken` = `<issued ms>.<HMAC>` signed with the server secret, so a
 * client cannot forge an older start time. A post sooner than the minimum after the form was served is a script,
 * not a person; the person who is that fast just submits again (the re-rendered form carries a token already
 * old enough).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const sign = (secret: Buffer | string, issued: number) => createHmac('sha256', secret).update(`form-token\0${issued}`).digest('base64url').slice(0, 22);

export function issueFormToken(secret: Buffer | string, issuedAt: number): string {
  const issued = Math.floor(issuedAt);
  return `${issued.toString(36)}.${sign(secret, issued)}`;
}

export type FormTokenCheck = 'ok' | 'missing' | 'invalid' | 'too-fast' | 'expired';

export function checkFormToken(
  token: string | undefined,
  secret: Buffer | string,
  opts: { now: number; minFillMs: number; maxAgeMs: number },
): FormTokenCheck {
  if (!token) return 'missing';
  const m = /^([0-9a-z]{1,12})\.([\w-]{22})$/.exec(token);
  if (!m) return 'invalid';
  const issued = parseInt(m[1], 36);
  const want = Buffer.from(sign(secret, issued));
  const got = Buffer.from(m[2]);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return 'invalid';
  const age = opts.now - issued;
  if (age < opts.minFillMs) return 'too-fast';
  if (age > opts.maxAgeMs) return 'expired';
  return 'ok';
}
