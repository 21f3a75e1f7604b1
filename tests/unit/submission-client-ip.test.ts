/**
 * Who a request counts against (issue 11): the address N trusted hops from the right of X-Forwarded-For, never
 * what the client wrote at the left; IPv6 clients by their /64; IPv4-mapped IPv6 as IPv4.
 */
import { describe, expect, it } from 'vitest';
import { clientAddressOf, clientIp } from '../../scripts/lib/submission/http.ts';
import { createRateLimiter, normaliseIp, parseRateLimit, rateLimitKey } from '../../scripts/lib/submission/rate-limit.ts';

const req = (xff?: string | string[]) => {
  const headers = new Headers();
  for (const v of [xff ?? []].flat()) headers.append('x-forwarded-for', v);
  return new Request('http://localhost/api/submissions', { method: 'POST', headers });
};

describe('clientIp behind trusted proxies', () => {
  it('ignores X-Forwarded-For with no trusted hop', () => {
    expect(clientIp(req('203.0.113.9'), '10.0.0.1', 0)).toBe('10.0.0.1');
    expect(clientIp(req(), '10.0.0.1', 1)).toBe('10.0.0.1');
    expect(clientIp(req(), undefined, 0)).toBe('unknown');
  });

  it('one hop: the rightmost entry, whatever the client put to its left', () => {
    expect(clientIp(req('198.51.100.7'), '10.0.0.1', 1)).toBe('198.51.100.7');
    expect(clientIp(req('1.1.1.1, 2.2.2.2, 198.51.100.7'), '10.0.0.1', 1)).toBe('198.51.100.7');
    // Several header lines are one list, in order.
    expect(clientIp(req(['1.1.1.1', '198.51.100.7']), '10.0.0.1', 1)).toBe('198.51.100.7');
  });

  it('N hops: the entry N from the right; a shorter header gives its leftmost entry', () => {
    const xff = '203.0.113.5, 198.51.100.7, 10.0.0.2';
    expect(clientIp(req(xff), '10.0.0.1', 2)).toBe('198.51.100.7');
    expect(clientIp(req(xff), '10.0.0.1', 3)).toBe('203.0.113.5');
    expect(clientIp(req('198.51.100.7, 10.0.0.2'), '10.0.0.1', 5)).toBe('198.51.100.7');
  });

  it('an entry that is not an address counts against the proxy that wrote it', () => {
    expect(clientIp(req('unknown'), '10.0.0.1', 1)).toBe('10.0.0.1');
    expect(clientIp(req(' , '), '10.0.0.1', 1)).toBe('10.0.0.1');
    expect(clientIp(req(`1.2.3.4, ${'9'.repeat(10_000)}`), '10.0.0.1', 1)).toBe('10.0.0.1');
  });

  it('a spoofing client cannot escape the limit by varying the left of the header', () => {
    const limiter = createRateLimiter(parseRateLimit('20/60', null), () => 0);
    const outcomes = Array.from({ length: 300 }, (_, i) => limiter.take(clientIp(req(`10.${i >> 8}.${i & 255}.1, 198.51.100.7`), '127.0.0.1', 1)).ok);
    expect(outcomes.filter(Boolean)).toHaveLength(20);
  });

  it('keeps the precise address for the CAPTCHA check, the /64 for limits', () => {
    expect(clientAddressOf(req('2001:db8:1:2:aaaa::1'), '10.0.0.1', 1)).toBe('2001:db8:1:2:aaaa:0:0:1');
    expect(clientIp(req('2001:db8:1:2:aaaa::1'), '10.0.0.1', 1)).toBe('2001:db8:1:2::/64');
  });
});

describe('IPv6 clients are limited per /64', () => {
  it('maps every address of one /64 to one key, and other /64s to others', () => {
    expect(rateLimitKey('2001:db8:0:1::1')).toBe('2001:db8:0:1::/64');
    expect(rateLimitKey('2001:0DB8:0000:0001:ffff:ffff:ffff:ffff')).toBe('2001:db8:0:1::/64');
    expect(rateLimitKey('[2001:db8:0:1:1234::9]:443')).toBe('2001:db8:0:1::/64');
    expect(rateLimitKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(rateLimitKey('2001:db8:0:2::1')).toBe('2001:db8:0:2::/64');
    expect(rateLimitKey('::1')).toBe('0:0:0:0::/64');
  });

  it('IPv4-mapped IPv6 (a dual-stack socket) is the IPv4 address; IPv4 with a port too', () => {
    expect(rateLimitKey('::ffff:192.0.2.33')).toBe('192.0.2.33');
    expect(rateLimitKey('::FFFF:c000:0221')).toBe('192.0.2.33');
    expect(rateLimitKey('0:0:0:0:0:ffff:192.0.2.33')).toBe('192.0.2.33');
    expect(rateLimitKey('192.0.2.33:51234')).toBe('192.0.2.33');
    expect(rateLimitKey(' 192.0.2.33 ')).toBe('192.0.2.33');
  });

  it('is not fooled by malformed input', () => {
    for (const bad of ['', 'unknown', '1.2.3', '1.2.3.256', '1.2.3.4.5', '2001:db8::1::2', '2001:db8:1:2:3:4:5:6:7', '12345::1', 'g::1', '::ffff:1.2.3', '1.2.3.4::', '[::1', 'a'.repeat(100)])
      expect(rateLimitKey(bad), bad).toBeUndefined();
    expect(normaliseIp('2001:db8::')).toBe('2001:db8:0:0:0:0:0:0');
  });

  it('one rate-limit bucket for a client rotating through its /64', () => {
    const limiter = createRateLimiter(parseRateLimit('5/60', null), () => 0);
    const ok = Array.from({ length: 50 }, (_, i) => limiter.take(clientIp(req(`2001:db8:aa:bb:${i.toString(16)}::1`), '10.0.0.1', 1)).ok);
    expect(ok.filter(Boolean)).toHaveLength(5);
    expect(limiter.take(clientIp(req('2001:db8:aa:bc::1'), '10.0.0.1', 1)).ok).toBe(true);
  });
});
