import { createPublicKey } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSubmission, type Submission } from '../../schemas/submission.ts';
import { loadBureau } from '../../scripts/lib/bureau.ts';
import { generateSealingKeyPair } from '../../scripts/lib/sealed.ts';
import { createOutbox, type Outbox } from '../../scripts/lib/submission/outbox-fs.ts';
import { nextDelayMs } from '../../scripts/lib/submission/outbox.ts';
import { createSubmissionService } from '../../scripts/lib/submission/service.ts';
import { createLocalTracker } from '../../scripts/lib/tracker/local.ts';
import { TrackerUnavailableError } from '../../scripts/lib/tracker/errors.ts';
import type { TrackerPort } from '../../scripts/lib/tracker/port.ts';
import { loadWorkCalendar } from '../../scripts/lib/workdays-fs.ts';

const keys = generateSealingKeyPair();
// Several outboxes per test stand for separate processes (one may "crash"); all are closed afterwards, so none
// is left for the garbage collector to close.
const opened: Outbox[] = [];
const outboxAt = (options: Parameters<typeof createOutbox>[0]) => {
  const outbox = createOutbox(options);
  opened.push(outbox);
  return outbox;
};
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
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
  const local = createLocalTracker({ dir: join(dir, 'tracker') });
  const { port, state } = switchable(local);
  const outbox = wrap(outboxAt({ dir: join(dir, 'outbox') }));
  const service = createSubmissionService({
    bureau: loadBureau(), calendar: loadWorkCalendar(), codeList: null, outbox, tracker: async () => port,
    sealingKey: createPublicKey(keys.publicKey), secret, log: () => {}, deliveryTimeoutMs: 300, backoff: { baseMs: 1, maxMs: 5 },
  });
  return { dir, local, state, outbox, service };
}

describe('outbox store', () => {
  it('claims a code exclusively and durably', async () => {
    const outbox = outboxAt({ dir: mkdtempSync(join(tmpdir(), 'outbox-')) });
    const job = { v: 1 as const, hash: 'ABC123', trackingCode: 'JY-2026-ABC123', keyHash: 'a', receivedAt: new Date().toISOString(), category: 'policy' as const, office: 'admin' as const, deadline: '2026-12-01', warnings: [], issue: { title: 't', body: 'b', labels: [] } };
    expect(await outbox.claim(job)).toEqual({ created: true });
    const again = await outbox.claim({ ...job, keyHash: 'b' });
    expect(again).toMatchObject({ created: false, existing: { keyHash: 'a' } });
    expect((await outbox.pending()).map((j) => j.hash)).toEqual(['ABC123']);
    await outbox.markDelivered('ABC123', { issueNumber: 1, url: 'u', deliveredAt: job.receivedAt });
    expect(await outbox.pending()).toEqual([]);
    // Another process (or the next start) reads the same journal.
    const reopened = outboxAt({ dir: outbox.dir });
    expect(await reopened.get('ABC123')).toEqual(job);
    expect(await reopened.delivery('ABC123')).toMatchObject({ issueNumber: 1 });
    expect(await reopened.claim({ ...job, keyHash: 'c' })).toMatchObject({ created: false, existing: { keyHash: 'a' } });
  });

  it('commits concurrent claims in shared batches and skips a torn last line after a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const outbox = outboxAt({ dir });
    const jobs = Array.from({ length: 50 }, (_, i) => ({ v: 1 as const, hash: `B${String(i).padStart(5, '0')}`, trackingCode: `JY-2026-B${i}`, keyHash: `k${i}`, receivedAt: new Date(1_700_000_000_000 + i).toISOString(), category: 'policy' as const, office: 'admin' as const, deadline: '2026-12-01', warnings: [], issue: { title: `t${i}`, body: 'b', labels: [] } }));
    expect((await Promise.all(jobs.map((j) => outbox.claim(j)))).every((r) => r.created)).toBe(true);
    await outbox.close();
    const [segment] = readdirSync(join(dir, 'journal'));
    appendFileSync(join(dir, 'journal', segment), '{"t":"job","hash":"TORN');
    const reopened = outboxAt({ dir });
    expect((await reopened.pending()).map((j) => j.hash)).toEqual(jobs.map((j) => j.hash));
    expect(await reopened.get('TORN')).toBeNull();
  });

  it('lets one process at a time deliver, and breaks a lock left by a dead process', async () => {
    const outbox = outboxAt({ dir: mkdtempSync(join(tmpdir(), 'outbox-')) });
    const release = await outbox.tryLock('a', 60_000);
    expect(release).toBeTypeOf('function');
    expect(await outbox.tryLock('b', 60_000)).toBeNull();
    await release!();
    expect(await outbox.tryLock('b', 60_000)).toBeTypeOf('function');
    writeFileSync(join(outbox.dir, 'deliver.lock'), JSON.stringify({ owner: 'x', pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), expires: Date.now() + 60_000 }));
    expect(await outbox.tryLock('c', 60_000)).toBeTypeOf('function');
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
    expect(d).toMatchObject({ status: 'delivered', repeated: true });
    expect(await local.listIssues({ state: 'all' })).toHaveLength(1);
    expect(state.creates).toBe(1);
    const other = await service.submit({ submission: submission(), key: 'other-key-0002' });
    expect(other.trackingCode).not.toBe(a.trackingCode);
    expect(a.trackingCode).toMatch(/^JY-\d{4}-[0-9A-HJKMNP-TV-Z]{6}$/);
  });

  it('queues while the tracker is down, says so, and delivers exactly once when it is back', async () => {
    const { service, local, state, outbox } = setup();
    state.down = true;
    const r = await service.submit({ submission: submission(), key: 'down-key-0001' });
    expect(r.status).toBe('queued');
    expect(await outbox.pending()).toHaveLength(1);
    await service.retryDue(); // still down
    expect(await local.listIssues({ state: 'all' })).toHaveLength(0);
    state.down = false;
    await sleep(20);
    await service.retryDue();
    expect(await outbox.pending()).toHaveLength(0);
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
    expect(await outbox.pending()).toHaveLength(0);
    expect(await local.listIssues({ state: 'all' })).toHaveLength(1);
    expect(state.creates).toBe(1);
  });

  it('loses nothing across a crash between creating the issue and recording it', async () => {
    const first = setup();
    first.state.down = true;
    const r = await first.service.submit({ submission: submission(), key: 'crash-key-0001' });
    // The old process created the issue, then died before writing delivered/.
    const job = (await first.outbox.pending())[0];
    await first.local.createIssue({ ...job.issue, marker: job.trackingCode });
    // A new process on the same folders.
    const second = setup(first.dir);
    expect(await second.service.recover()).toBe(1);
    await second.service.retryDue();
    expect(await second.outbox.pending()).toHaveLength(0);
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
      async claim(job) {
        if (!forced) {
          forced = true;
          return { created: false, existing: { ...job, keyHash: 'someone-else' } };
        }
        return o.claim(job);
      },
    }));
    const r = await service.submit({ submission: submission(), key: 'collide-key-01' });
    expect(r.status).toBe('delivered');
    expect(forced).toBe(true);
  });

  it('has written the job to disk before answering', async () => {
    const { service, state, outbox } = setup();
    state.down = true;
    const r = await service.submit({ submission: submission(), key: 'disk-key-0001' });
    // A fresh reader of the same folder (another process, or this one after a crash) finds it.
    expect(await outboxAt({ dir: outbox.dir }).get(r.trackingCode.slice(-6))).toMatchObject({ trackingCode: r.trackingCode });
  });
});
