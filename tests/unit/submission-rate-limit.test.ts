import { describe, expect, it } from 'vitest';
import { createRateLimiter, parseRateLimit } from '../../scripts/lib/submission/rate-limit.ts';
import { checkFormToken, formTokenId, issueFormToken } from '../../scripts/lib/submission/form-token.ts';
import { parseTrackingCode, trackingCodeProblem, trackingHash } from '../../scripts/lib/submission/tracking-code.ts';

describe('rate limit, form token, tracking code', () => {
  it('allows a burst per client, then tells when to retry, and refills with time', () => {
    let t = 0;
    const limiter = createRateLimiter(parseRateLimit('3/60', null), () => t);
    expect([1, 2, 3].map(() => limiter.take('1.2.3.4').ok)).toEqual([true, true, true]);
    expect(limiter.take('1.2.3.4')).toEqual({ ok: false, retryAfterSeconds: 20 });
    expect(limiter.take('5.6.7.8').ok).toBe(true);
    t = 20_000;
    expect(limiter.take('1.2.3.4').ok).toBe(true);
    expect(createRateLimiter(parseRateLimit('off', null)).take('x').ok).toBe(true);
    expect(() => parseRateLimit('lots', null)).toThrow(/次数\/秒数/);
  });

  it('signs the form start time so it cannot be forged, and enforces the minimum fill time', () => {
    const secret = Buffer.from('k'.repeat(32));
    const token = issueFormToken(secret, 1_000_000);
    const opts = { minFillMs: 3000, maxAgeMs: 86_400_000 };
    expect(checkFormToken(token, secret, { ...opts, now: 1_001_000 })).toBe('too-fast');
    expect(checkFormToken(token, secret, { ...opts, now: 1_004_000 })).toBe('ok');
    expect(checkFormToken(token, secret, { ...opts, now: 1_000_000 + 86_400_001 })).toBe('expired');
    expect(checkFormToken(issueFormToken(Buffer.from('x'.repeat(32)), 0), secret, { ...opts, now: 1_004_000 })).toBe('invalid');
    const [, nonce, sig] = token.split('.');
    // Neither the time nor the nonce can be changed under the signature.
    expect(checkFormToken(`${(0).toString(36)}.${nonce}.${sig}`, secret, { ...opts, now: 1_004_000 })).toBe('invalid');
    expect(checkFormToken(`${(1_000_000).toString(36)}.${'A'.repeat(11)}.${sig}`, secret, { ...opts, now: 1_004_000 })).toBe('invalid');
    expect(checkFormToken(undefined, secret, { ...opts, now: 0 })).toBe('missing');
  });

  it('gives every served form its own token, even in the same millisecond, recorded under its signature', () => {
    const secret = Buffer.from('k'.repeat(32));
    const tokens = Array.from({ length: 1000 }, () => issueFormToken(secret, 1_000_000));
    expect(new Set(tokens).size).toBe(1000);
    const ids = tokens.map((t) => formTokenId(t, 7 * 86_400_000)!);
    expect(new Set(ids.map((i) => i.id)).size).toBe(1000);
    expect(ids[0]).toEqual({ id: tokens[0].split('.')[2], expiresAtMs: 1_000_000 + 7 * 86_400_000 });
    expect(formTokenId('not-a-token', 1)).toBeUndefined();
  });

  it('derives tracking codes from the key under the secret: stable, not sequential, read as typed', () => {
    const a = trackingHash('secret-a', 'key-1');
    expect(trackingHash('secret-a', 'key-1')).toBe(a);
    expect(trackingHash('secret-b', 'key-1')).not.toBe(a);
    expect(trackingHash('secret-a', 'key-1', 1)).not.toBe(a);
    const codes = new Set(Array.from({ length: 2000 }, (_, i) => trackingHash('secret-a', `key-${i}`)));
    expect(codes.size).toBe(2000);
    expect(parseTrackingCode(' jy－2026－7k3m9q ')).toMatchObject({ code: 'JY-2026-7K3M9Q' });
    expect(parseTrackingCode('JY-2026-7K3M9O')?.hash).toBe('7K3M90');
    expect(parseTrackingCode('JY-2026')).toBeNull();
  });

  it("refuses a code year after this year in China, which starts eight hours before UTC's", () => {
    const code = (year: number) => ({ prefix: 'JY', year });
    // 2026-12-31 16:30 UTC is 2027-01-01 00:30 in 济源: a code of 2027 may exist.
    expect(trackingCodeProblem(code(2027), 'JY', new Date('2026-12-31T16:30:00Z'))).toBeNull();
    expect(trackingCodeProblem(code(2027), 'JY', new Date('2026-12-31T15:30:00Z'))).toMatch(/年份 2027 不对：应为 2019 到 2026 年之间/);
    expect(trackingCodeProblem(code(2018), 'JY', new Date('2026-06-01T00:00:00Z'))).toMatch(/年份 2018 不对/);
    expect(trackingCodeProblem(code(2026), 'ZZ', new Date('2026-06-01T00:00:00Z'))).toMatch(/本局的 ZZ- 开头/);
  });
});
