import { createPublicKey, createSecretKey } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSubmission, type Submission } from '../../schemas/submission.ts';
import { loadBureau } from '../../scripts/lib/bureau.ts';
import { generateSealingKeyPair } from '../../scripts/lib/sealed.ts';
import { openStore, type Store } from '../../scripts/lib/store/store.ts';
import { createOutbox, type Outbox } from '../../scripts/lib/submission/outbox-store.ts';
import { nextDelayMs } from '../../scripts/lib/submission/outbox.ts';
import { createSubmissionService, IdempotencyConflictError } from '../../scripts/lib/submission/service.ts';
import { inProcessPreparer } from '../../scripts/lib/submission/prepare-pool.ts';
import { prepareKeysOf } from '../../scripts/lib/submission/prepare.ts';
import { createLocalTracker } from '../../scripts/lib/tracker/local.ts';
import { TrackerUnavailableError } from '../../scripts/lib/tracker/errors.ts';
import type { TrackerPort } from '../../scripts/lib/tracker/port.ts';
import { loadWorkCalendar } from '../../scripts/lib/workdays-fs.ts';

const keys = generateSealingKeyPair();
// Several stores per test stand for separate processes on one DATA_DIR (one may "crash"); all are closed afterwards.
const opened: Store[] = [];
const storeAt = (dir: string) => {
  const store = openStore(join(dir, 'store.sqlite'));
  opened.push(store);
  return store;
};
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});
const secret = Buffer.from('0123456789abcdef0123456789abcdef');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function submission(title = '建议调整核心要素的计算口径'): Submission {
  const r = parseSubmission({
    organization: '济源市第二人民医院', submitterName: '赵六', contact: '13900139000', submitterType: 'hospital',
    category: 'core-elements', title, details: '基准点数的测算口径与实际成本差异较大，建议公开测算方法。',
  });
  if (!r.ok) throw new Error('fixture');
  return r.value;
}

/** The local tracker behind a switch: `down` fails like GitHub being unreachable; `lose` creates, then loses the answer. */
function switchable(inner: TrackerPort) {
  const state = { down: false, lose: 0, hangMs: 0, creates: 0 };
  const port: TrackerPort = {
    ...inner,
    async createIssue(input) {
      if (state.down) throw new TrackerUnavailableError('GitHub 503', { reason: 'server', status: 503 });
      if (state.hangMs) await sleep(state.hangMs);
      state.creates++;
      const issue = await inner.createIssue(input);
      if (state.lose > 0) {
        state.lose--;
        throw new TrackerUnavailableError('socket hang up', { reason: 'network' });
      }
      return issue;
    },
    async findIssueByMarker(marker) {
      if (state.down) throw new TrackerUnavailableError('GitHub 503', { reason: 'server', status: 503 });
      return inner.findIssueByMarker(marker);
    },
  };
  return { port, state };
}

function setup(dir = mkdtempSync(join(tmpdir(), 'outbox-')), wrap: (o: Outbox) => Outbox = (o) => o) {
  const store = storeAt(dir);
  const local = createLocalTracker({ store });
  const { port, state } = switchable(local);
  const outbox = wrap(createOutbox(store));
  const service = createSubmissionService({
    bureau: loadBureau(), calendar: loadWorkCalendar(), codeList: null, outbox, tracker: async () => port,
    preparer: inProcessPreparer(prepareKeysOf(loadBureau(), createSecretKey(secret), createPublicKey(keys.publicKey))), log: () => {}, deliveryTimeoutMs: 300, backoff: { baseMs: 1, maxMs: 5 },
  });
  return { dir, local, state, outbox, service };
}

describe('outbox store', () => {
  const job = (hash: string, keyHash: string) => ({
    v: 1 as const, hash, trackingCode: `JY-2026-${hash}`, keyHash, receivedAt: new Date(1_700_000_000_000).toISOString(), category: 'policy' as const,
    office: 'admin' as const, deadline: '2026-12-01', warnings: [], issue: { title: 't', body: 'b', labels: [] },
  });

  it('claims a code exclusively and durably, by key and by code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const outbox = createOutbox(storeAt(dir));
    expect(await outbox.claim(job('ABC123', 'a'), 'content-1', 'sealed-a')).toEqual({ created: true });
    expect(await outbox.claim(job('ABC123', 'b'), 'content-2', 'sealed-b')).toEqual({ created: false, reason: 'code-taken' });
    expect(await outbox.claim(job('XYZ789', 'a'), 'content-1', 'sealed-c')).toMatchObject({ created: false, reason: 'same-key', existing: { hash: 'ABC123' }, contentHash: 'content-1' });
    expect(outbox.pending().map((j) => j.hash)).toEqual(['ABC123']);
    await outbox.markDelivered('ABC123', { issueNumber: 1, url: 'u', deliveredAt: job('ABC123', 'a').receivedAt });
    expect(outbox.pending()).toEqual([]);
    // Another process (or the next start) reads the same store.
    const reopened = createOutbox(storeAt(dir));
    expect(reopened.get('ABC123')).toEqual(job('ABC123', 'a'));
    expect(reopened.delivery('ABC123')).toMatchObject({ issueNumber: 1 });
    expect(reopened.byKey('a')).toMatchObject({ job: { hash: 'ABC123' }, contentHash: 'content-1' });
    // A late answer from a slow attempt never moves the recorded issue.
    await reopened.markDelivered('ABC123', { issueNumber: 7, url: 'u7', deliveredAt: 'later' });
    expect(outbox.delivery('ABC123')).toMatchObject({ issueNumber: 1 });
  });

  it('commits concurrent claims of two processes without losing or doubling one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const [p1, p2] = [createOutbox(storeAt(dir)), createOutbox(storeAt(dir))];
    const jobs = Array.from({ length: 60 }, (_, i) => job(`B${String(i).padStart(5, '0')}`, `k${i % 30}`));
    const results = await Promise.all(jobs.map((j, i) => (i % 2 ? p1 : p2).claim(j, 'c', 'sealed')));
    // 30 keys, each claimed twice (by different codes): exactly one claim per key wins.
    expect(results.filter((r) => r.created)).toHaveLength(30);
    expect(new Set(p1.pending().map((j) => j.keyHash)).size).toBe(30);
    expect(p2.pending()).toHaveLength(30);
  });

  it('lets one process at a time deliver, and lets a lease left by a dead process expire', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    let now = 1_000_000;
    const a = createOutbox(storeAt(dir), () => now);
    const b = createOutbox(storeAt(dir), () => now);
    const release = await a.tryLock('a', 60_000);
    expect(release).toBeTypeOf('function');
    expect(await b.tryLock('b', 60_000)).toBeNull();
    await release!();
    const dead = await b.tryLock('b', 60_000); // b takes it and "dies" without releasing
    expect(dead).toBeTypeOf('function');
    expect(await a.tryLock('a', 60_000)).toBeNull();
    now += 60_001;
    expect(await a.tryLock('a', 60_000)).toBeTypeOf('function');
    // The dead holder's late release does not free the new holder's lease.
    await dead!();
    expect(await b.tryLock('b', 60_000)).toBeNull();
  });

  it('backs off exponentially, with jitter, never sooner than the tracker asked', () => {
    const p = { baseMs: 1000, maxMs: 60_000 };
    expect(nextDelayMs(1, p, undefined, () => 0.5)).toBe(1000);
    expect(nextDelayMs(3, p, undefined, () => 0.5)).toBe(4000);
    expect(nextDelayMs(20, p, undefined, () => 0.5)).toBe(60_000);
    expect(nextDelayMs(1, p, 30, () => 0)).toBe(30_000);
  });
});

describe('submission service: no loss, no duplicates', () => {
  it('answers a repeated key with the same code and creates nothing new, even concurrently', async () => {
    const { service, local, state } = setup();
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => service.submit({ submission: submission(), key: 'same-key-0001' })));
    const d = await service.submit({ submission: submission(), key: 'same-key-0001' });
    expect(new Set([a, b, c, d].map((r) => r.trackingCode)).size).toBe(1);
    expect([a, b, c].filter((r) => !r.repeated)).toHaveLength(1);
    expect(d).toMatchObject({ status: 'delivered', repeated: true });
    expect(await local.listIssues({ state: 'all' })).toHaveLength(1);
    expect(state.creates).toBe(1);
    const other = await service.submit({ submission: submission(), key: 'other-key-0002' });
    expect(other.trackingCode).not.toBe(a.trackingCode);
    expect(a.trackingCode).toMatch(/^JY-\d{4}-[0-9A-HJKMNP-TV-Z]{6}$/);
  });

  it('refuses a repeated key that comes with other content, and keeps the first opinion', async () => {
    const { service, local } = setup();
    const first = await service.submit({ submission: submission('第一份意见'), key: 'reused-key-0001' });
    const second = service.submit({ submission: submission('另一份不同的意见'), key: 'reused-key-0001' });
    await expect(second).rejects.toBeInstanceOf(IdempotencyConflictError);
    await expect(second).rejects.toMatchObject({ trackingCode: first.trackingCode });
    // Both at once: one is accepted, the other refused; never two issues, never a silent drop with a shared code.
    const racing = await Promise.allSettled([
      service.submit({ submission: submission('并发意见甲'), key: 'race-key-0001' }),
      service.submit({ submission: submission('并发意见乙'), key: 'race-key-0001' }),
    ]);
    expect(racing.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await local.listIssues({ state: 'all' })).map((i) => i.title).sort()).toHaveLength(2);
  });

  it('queues while the tracker is down, says so, and delivers exactly once when it is back', async () => {
    const { service, local, state, outbox } = setup();
    state.down = true;
    const r = await service.submit({ submission: submission(), key: 'down-key-0001' });
    expect(r.status).toBe('queued');
    expect(outbox.pending()).toHaveLength(1);
    await service.retryDue(); // still down
    expect(await local.listIssues({ state: 'all' })).toHaveLength(0);
    state.down = false;
    await sleep(20);
    await service.retryDue();
    expect(outbox.pending()).toHaveLength(0);
    const issues = await local.listIssues({ state: 'all' });
    expect(issues).toHaveLength(1);
    expect(issues[0].body).toContain(r.trackingCode);
    expect(await service.submit({ submission: submission(), key: 'down-key-0001' })).toMatchObject({ trackingCode: r.trackingCode, status: 'delivered', repeated: true });
  });

  it('does not duplicate when the tracker created the issue but the answer was lost', async () => {
    const { service, local, state } = setup();
    state.lose = 1;
    const r = await service.submit({ submission: submission(), key: 'lost-key-0001' });
    expect(r.status).toBe('queued');
    await sleep(20);
    await service.retryDue();
    expect(await local.listIssues({ state: 'all' })).toHaveLength(1);
    expect(state.creates).toBe(1);
    expect((await service.lookup(r.trackingCode)).issueNumber).toBe(1);
  });

  it('answers 202 when the tracker is slow and records the late success without a second issue', async () => {
    const { service, local, state, outbox } = setup();
    state.hangMs = 700;
    const r = await service.submit({ submission: submission(), key: 'slow-key-0001' });
    expect(r.status).toBe('queued');
    await service.retryDue(); // the first attempt is still running: no second attempt
    await sleep(900);
    await service.retryDue();
    expect(outbox.pending()).toHaveLength(0);
    expect(await local.listIssues({ state: 'all' })).toHaveLength(1);
    expect(state.creates).toBe(1);
  });

  it('loses nothing across a crash between creating the issue and recording it', async () => {
    const first = setup();
    first.state.down = true;
    const r = await first.service.submit({ submission: submission(), key: 'crash-key-0001' });
    // The old process created the issue, then died before recording the delivery.
    const job = (first.outbox.pending())[0];
    await first.local.createIssue({ ...job.issue, marker: job.trackingCode });
    // A new process on the same folders.
    const second = setup(first.dir);
    expect(await second.service.recover()).toBe(1);
    await second.service.retryDue();
    expect(second.outbox.pending()).toHaveLength(0);
    expect(await second.local.listIssues({ state: 'all' })).toHaveLength(1);
    expect(second.state.creates).toBe(0);
    expect((await second.service.lookup(r.trackingCode)).issueNumber).toBe(1);
  });

  it('delivers queued jobs from a one-shot run (npm run outbox:deliver) but leaves young ones to the server', async () => {
    const { service, local, state } = setup();
    state.down = true;
    await service.submit({ submission: submission('第一条意见'), key: 'batch-key-0001' });
    await service.submit({ submission: submission('第二条意见'), key: 'batch-key-0002' });
    state.down = false;
    expect(await service.deliverPending({ minAgeMs: 60_000 })).toMatchObject({ delivered: 0, skipped: 2, remaining: 2 });
    expect(await service.deliverPending({ minAgeMs: 0 })).toMatchObject({ delivered: 2, remaining: 0 });
    expect((await local.listIssues({ state: 'all' })).map((i) => i.title).sort()).toEqual(['第一条意见', '第二条意见']);
  });

  it('takes the next code when two keys collide on one', async () => {
    let forced = false;
    const { service } = setup(undefined, (o) => ({
      ...o,
      async claim(job, contentHash, sealed) {
        if (!forced) {
          forced = true;
          return { created: false, reason: 'code-taken' };
        }
        return o.claim(job, contentHash, sealed);
      },
    }));
    const r = await service.submit({ submission: submission(), key: 'collide-key-01' });
    expect(r.status).toBe('delivered');
    expect(forced).toBe(true);
  });

  it('has written the job to disk before answering', async () => {
    const { service, state, dir } = setup();
    state.down = true;
    const r = await service.submit({ submission: submission(), key: 'disk-key-0001' });
    // A fresh reader of the same store (another process, or this one after a crash) finds it.
    expect(createOutbox(storeAt(dir)).get(r.trackingCode.slice(-6))).toMatchObject({ trackingCode: r.trackingCode });
  });
});

describe('submission service with the embedded tracker in the same store', () => {
  function inStore() {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-in-store-'));
    const store = storeAt(dir);
    // Counts the store's transactions: the submission, its issue and its delivery should be one.
    const writes = { n: 0 };
    const write = store.write.bind(store);
    store.write = (fn) => {
      writes.n++;
      return write(fn);
    };
    const local = createLocalTracker({ store });
    const outbox = createOutbox(store);
    const failAccepted = { on: false };
    const service = createSubmissionService({
      bureau: loadBureau(), calendar: loadWorkCalendar(), codeList: null, outbox, tracker: async () => local, trackerInStore: local,
      preparer: inProcessPreparer(prepareKeysOf(loadBureau(), createSecretKey(secret), createPublicKey(keys.publicKey))), log: () => {},
      onAccepted: () => {
        if (failAccepted.on) throw new Error('mail queue full');
      },
    });
    return { store, local, outbox, service, writes, failAccepted };
  }

  it('stores the opinion, opens its issue and records the delivery in one commit', async () => {
    const { local, outbox, service, writes } = inStore();
    const r = await service.submit({ submission: submission(), key: 'one-commit-0001' });
    expect(r.status).toBe('delivered');
    expect(writes.n).toBe(1);
    const issue = await local.findIssueByMarker(r.trackingCode);
    expect(issue).toMatchObject({ title: expect.stringContaining('建议调整核心要素的计算口径'), state: 'open', author: 'feedback-bot' });
    expect(outbox.delivery(r.trackingCode.slice(-6))).toMatchObject({ issueNumber: issue!.number, url: issue!.url });
    expect(outbox.pending()).toEqual([]);
    // The same key again: the same receipt, no second issue, no write.
    const again = await service.submit({ submission: submission(), key: 'one-commit-0001' });
    expect(again).toMatchObject({ trackingCode: r.trackingCode, status: 'delivered' });
    expect(writes.n).toBe(1);
    expect(await local.listIssues({ state: 'all' })).toHaveLength(1);
  });

  it('leaves neither an issue nor a job when a write of the same transaction fails, and accepts the retry once', async () => {
    const { local, outbox, service, failAccepted } = inStore();
    failAccepted.on = true;
    await expect(service.submit({ submission: submission(), key: 'atomic-0001' })).rejects.toThrow('mail queue full');
    expect(await local.listIssues({ state: 'all' })).toEqual([]);
    expect(outbox.pending()).toEqual([]);
    failAccepted.on = false;
    const r = await service.submit({ submission: submission(), key: 'atomic-0001' });
    expect(r.status).toBe('delivered');
    expect((await local.listIssues({ state: 'all' })).map((i) => i.number)).toHaveLength(1);
  });
});
