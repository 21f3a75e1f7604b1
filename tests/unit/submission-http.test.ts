/**
 * handleSubmissionPost at the HTTP boundary (issue 11), with a recording service: one submission per served form
 * (and the same post again still gets its receipt), an Idempotency-Key reused for other content (422), and
 * oversized bodies read to the end so the client hears the 413.
 */
import { describe, expect, it } from 'vitest';
import { drainLimit, readBodyCapped } from '../../scripts/lib/submission/body.ts';
import { issueFormToken } from '../../scripts/lib/submission/form-token.ts';
import { handleSubmissionPost, type PostContext } from '../../scripts/lib/submission/http.ts';
import { createMemoryOneTimeTokens } from '../../scripts/lib/submission/one-time-tokens.ts';
import type { Receipt } from '../../scripts/lib/submission/outbox.ts';
import { createRateLimiter } from '../../scripts/lib/submission/rate-limit.ts';
import type { SubmissionRuntime } from '../../scripts/lib/submission/runtime.ts';
import type { SubmitInput } from '../../scripts/lib/submission/service.ts';

const secret = Buffer.from('s'.repeat(32));
const T0 = 1_800_000_000_000;

class IdempotencyConflictError extends Error {
  override name = 'IdempotencyConflictError';
}

/** A service that remembers keys like the real one: same key + same content → the first receipt, else a conflict. */
function fakeRuntime(bodyLimit = 128 * 1024) {
  const byKey = new Map<string, { content: string; receipt: Receipt }>();
  const submitted: SubmitInput[] = [];
  const service = {
    async submit(input: SubmitInput): Promise<Receipt> {
      const content = JSON.stringify(input.submission);
      const seen = byKey.get(input.key);
      if (seen) {
        if (seen.content !== content) throw new IdempotencyConflictError('conflict');
        return { ...seen.receipt, repeated: true };
      }
      submitted.push(input);
      const receipt = { trackingCode: `JY-2026-${String(submitted.length).padStart(6, '0')}`, status: 'delivered', repeated: false } as unknown as Receipt;
      byKey.set(input.key, { content, receipt });
      return receipt;
    },
  };
  const runtime = {
    config: { bodyLimit, minFillMs: 3000, maxFormAgeMs: 7 * 86_400_000, allowedOrigins: ['https://example.org'], trustedHops: 0 },
    secret,
    captcha: null,
    submitLimiter: createRateLimiter(null),
    service,
  } as unknown as SubmissionRuntime;
  return { runtime, submitted };
}

const fields = {
  organization: '济源市人民医院',
  submitterName: '张三',
  contact: '13800138000',
  submitterType: 'hospital',
  category: 'policy',
  title: '关于完善结算清单质控规则的建议',
  details: '目前结算清单质控规则与病案首页填写要求存在差异，建议统一口径。',
  publicConsent: 'false',
};

const form = (values: Record<string, string>) =>
  new Request('http://localhost/submit', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(values) });
const json = (body: unknown, headers: Record<string, string> = {}) =>
  new Request('http://localhost/api/submissions', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('one submission per served form', () => {
  const setup = () => {
    const { runtime, submitted } = fakeRuntime();
    const ctx: PostContext = { runtime, clientAddress: '192.0.2.1', oneTimeTokens: createMemoryOneTimeTokens({ now: () => T0 }), now: () => T0 };
    return { ctx, submitted, token: issueFormToken(secret, T0 - 10_000) };
  };

  it('refuses a genuine token replayed for another submission, keeping what was typed', async () => {
    const { ctx, submitted, token } = setup();
    const first = await handleSubmissionPost(form({ ...fields, formToken: token, idempotencyKey: 'web-key-aaaa-0001' }), ctx);
    expect(first.outcome).toMatchObject({ kind: 'accepted', status: 201 });
    const replay = await handleSubmissionPost(form({ ...fields, title: '另一份意见', formToken: token, idempotencyKey: 'web-key-bbbb-0002' }), ctx);
    expect(replay.outcome).toMatchObject({ kind: 'refused', status: 409, message: expect.stringContaining('这份表单已经提交过一次意见') });
    expect(replay.values.title).toBe('另一份意见');
    expect(replay.genuineForm).toBe(true);
    // Without a key of its own a form post gets one derived from the content: still a different submission.
    const derived = await handleSubmissionPost(form({ ...fields, title: '第三份意见', formToken: token }), ctx);
    expect(derived.outcome).toMatchObject({ kind: 'refused', status: 409 });
    expect(submitted).toHaveLength(1);
  });

  it('the same post again (double click, reload of the receipt) gets the same receipt, not a refusal', async () => {
    const { ctx, submitted, token } = setup();
    const post = () => handleSubmissionPost(form({ ...fields, formToken: token, idempotencyKey: 'web-key-aaaa-0001' }), ctx);
    const a = await post();
    const b = await post();
    expect(a.outcome).toMatchObject({ kind: 'accepted' });
    expect(b.outcome).toMatchObject({ kind: 'accepted', receipt: { repeated: true } });
    expect(submitted).toHaveLength(1);
  });

  it('a post with errors does not spend the token: the corrected post goes through', async () => {
    const { ctx, submitted, token } = setup();
    const bad = await handleSubmissionPost(form({ ...fields, contact: 'abc', formToken: token, idempotencyKey: 'web-key-aaaa-0001' }), ctx);
    expect(bad.outcome).toMatchObject({ kind: 'invalid', status: 400 });
    const fixed = await handleSubmissionPost(form({ ...fields, formToken: token, idempotencyKey: 'web-key-aaaa-0001' }), ctx);
    expect(fixed.outcome).toMatchObject({ kind: 'accepted' });
    expect(submitted).toHaveLength(1);
  });

  it('JSON clients that send the form token are held to it too, and told which field', async () => {
    const { ctx, token } = setup();
    const body = { ...fields, publicConsent: false, formToken: token };
    expect((await handleSubmissionPost(json(body, { 'idempotency-key': 'client-key-0001' }), ctx)).outcome.kind).toBe('accepted');
    const replay = await handleSubmissionPost(json({ ...body, title: '另一份关于质控规则的意见' }, { 'idempotency-key': 'client-key-0002' }), ctx);
    expect(replay.outcome).toMatchObject({ kind: 'refused', status: 409, field: 'formToken' });
  });

  it('the in-memory store forgets expired tokens and stays bounded', async () => {
    let t = 0;
    const tokens = createMemoryOneTimeTokens({ maxEntries: 3, now: () => t });
    expect(await tokens.consume('a', 'k1', 100)).toBe(true);
    expect(await tokens.consume('a', 'k2', 100)).toBe(false);
    expect(await tokens.consume('a', 'k1', 100)).toBe(true);
    t = 100; // expired: the token is refused by its signature anyway, the record may go
    expect(await tokens.consume('a', 'k2', 200)).toBe(true);
    for (const id of ['b', 'c', 'd', 'e']) await tokens.consume(id, 'k', 10_000);
    expect(tokens.size()).toBe(3);
  });
});

describe('Idempotency-Key reused for other content', () => {
  it('422 naming the header, in Chinese; the first submission stands', async () => {
    const { runtime, submitted } = fakeRuntime();
    const ctx: PostContext = { runtime, clientAddress: '192.0.2.1' };
    const body = { ...fields, publicConsent: false };
    expect((await handleSubmissionPost(json(body, { 'idempotency-key': 'client-key-0001' }), ctx)).outcome.kind).toBe('accepted');
    const same = await handleSubmissionPost(json(body, { 'idempotency-key': 'client-key-0001' }), ctx);
    expect(same.outcome).toMatchObject({ kind: 'accepted', receipt: { repeated: true } });
    const other = await handleSubmissionPost(json({ ...body, title: '另一份意见' }, { 'idempotency-key': 'client-key-0001' }), ctx);
    expect(other.outcome).toMatchObject({ kind: 'conflict', status: 422, field: 'Idempotency-Key', message: expect.stringContaining('该 Idempotency-Key 已用于另一份内容不同的意见') });
    const inBody = await handleSubmissionPost(json({ ...body, title: '又一份关于质控规则的意见', idempotencyKey: 'client-key-0001' }), ctx);
    expect(inBody.outcome).toMatchObject({ kind: 'conflict', field: 'idempotencyKey' });
    expect(submitted).toHaveLength(1);
  });

  it('a changed form posted again with its old key gets a form-level explanation', async () => {
    const { runtime } = fakeRuntime();
    const ctx: PostContext = { runtime, clientAddress: '192.0.2.1', now: () => T0 };
    const token = issueFormToken(secret, T0 - 10_000);
    await handleSubmissionPost(form({ ...fields, formToken: token, idempotencyKey: 'web-key-aaaa-0001' }), ctx);
    const changed = await handleSubmissionPost(form({ ...fields, title: '改过的标题', formToken: token, idempotencyKey: 'web-key-aaaa-0001' }), ctx);
    expect(changed.outcome).toMatchObject({ kind: 'conflict', status: 422, field: 'form', message: expect.stringContaining('修改后的内容没有登记') });
    expect(changed.values.title).toBe('改过的标题');
  });

  it('other service errors are not dressed up as conflicts', async () => {
    const { runtime } = fakeRuntime();
    (runtime.service as { submit: unknown }).submit = async () => {
      throw new Error('disk full');
    };
    await expect(handleSubmissionPost(json({ ...fields, publicConsent: false }), { runtime, clientAddress: '192.0.2.1' })).rejects.toThrow('disk full');
  });
});

/** A request whose body is `size` bytes in 64 KiB chunks, counting how much of it was read. */
function bigRequest(size: number, declare: boolean) {
  let pulled = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (pulled >= size) return c.close();
      const n = Math.min(chunk.byteLength, size - pulled);
      pulled += n;
      c.enqueue(chunk.subarray(0, n));
    },
  });
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(declare ? { 'content-length': String(size) } : {}) };
  const request = new Request('http://localhost/api/submissions', { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
  return { request, pulled: () => pulled };
}

describe('oversized bodies', () => {
  const limit = 128 * 1024;

  it('bounds the draining at 64 times the limit, at most 8 MiB', () => {
    expect(drainLimit(128 * 1024)).toBe(8 * 1024 * 1024);
    expect(drainLimit(16 * 1024)).toBe(1024 * 1024);
    expect(drainLimit(1024 * 1024)).toBe(8 * 1024 * 1024);
  });

  for (const declare of [true, false]) {
    it(`reads a 5 MB body to its end before answering 413 (${declare ? 'Content-Length' : 'chunked'})`, async () => {
      const big = bigRequest(5_000_000, declare);
      const read = await readBodyCapped(big.request, limit);
      expect(read).toEqual({ ok: false, reason: 'too-large', close: false });
      expect(big.pulled()).toBe(5_000_000);
    });

    it(`stops reading beyond the bound and asks to close the connection (${declare ? 'Content-Length' : 'chunked'})`, async () => {
      const big = bigRequest(50_000_000, declare);
      const read = await readBodyCapped(big.request, limit);
      expect(read).toEqual({ ok: false, reason: 'too-large', close: true });
      expect(big.pulled()).toBeLessThanOrEqual(drainLimit(limit) + 2 * 64 * 1024);
    });
  }

  it('the handler answers 413 in Chinese, and closes only beyond the bound', async () => {
    const { runtime } = fakeRuntime(limit);
    const small = await handleSubmissionPost(bigRequest(5_000_000, true).request, { runtime, clientAddress: '192.0.2.1' });
    expect(small.outcome).toMatchObject({ kind: 'refused', status: 413, message: expect.stringContaining('128 KB 的上限') });
    expect((small.outcome as { closeConnection?: boolean }).closeConnection).toBeUndefined();
    const huge = await handleSubmissionPost(bigRequest(50_000_000, false).request, { runtime, clientAddress: '192.0.2.1' });
    expect(huge.outcome).toMatchObject({ kind: 'refused', status: 413, closeConnection: true });
  });

  it('a refusal before reading (415) still reads the body, so the client hears it', async () => {
    const { runtime } = fakeRuntime(limit);
    const big = bigRequest(1_000_000, true);
    const request = new Request(big.request, { headers: { 'content-type': 'text/plain', 'content-length': '1000000' } });
    const handled = await handleSubmissionPost(request, { runtime, clientAddress: '192.0.2.1' });
    expect(handled.outcome).toMatchObject({ kind: 'refused', status: 415 });
    expect(big.pulled()).toBe(1_000_000);
  });
});
