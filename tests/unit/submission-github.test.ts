/**
 * The submission service delivering through the real Octokit adapter to the local GitHub stand-in, while the
 * stand-in fails the ways GitHub does: 5xx, secondary rate limits, timeouts, lost responses, search lag.
 * Every submission must end up as exactly one issue.
 */
import { createPublicKey, createSecretKey } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSubmission, type Submission } from '../../schemas/submission.ts';
import { loadBureau } from '../../scripts/lib/bureau.ts';
import { parseOpinionBlock } from '../../scripts/lib/opinion-block.ts';
import { generateSealingKeyPair } from '../../scripts/lib/sealed.ts';
import { openStore, type Store } from '../../scripts/lib/store/store.ts';
import { createOutbox, type Outbox } from '../../scripts/lib/submission/outbox-store.ts';
import { createSubmissionService } from '../../scripts/lib/submission/service.ts';
import { inProcessPreparer } from '../../scripts/lib/submission/prepare-pool.ts';
import { prepareKeysOf } from '../../scripts/lib/submission/prepare.ts';
import { createOctokitTracker } from '../../scripts/lib/tracker/octokit.ts';
import { loadWorkCalendar } from '../../scripts/lib/workdays-fs.ts';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.ts';

const keys = generateSealingKeyPair();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let standIn: GitHubStandIn | undefined;
let store: Store | undefined;
afterEach(async () => {
  await standIn?.close();
  store?.close();
  standIn = undefined;
  store = undefined;
});

function submission(n: number): Submission {
  const r = parseSubmission({
    organization: `第${n}人民医院`, submitterName: '钱七', contact: `1380013${String(8000 + n).padStart(4, '0')}`, submitterType: 'hospital',
    category: 'grouping', title: `关于 FM1 入组规则的第 ${n} 条建议`, details: '部分病例因主要诊断选择问题进入歧义组，建议完善入组规则。', drgCode: 'FM19',
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

async function setup(opts: { retries?: number; searchLagMs?: number; deliveryTimeoutMs?: number } = {}) {
  standIn = await startGitHubStandIn({ searchLagMs: opts.searchLagMs ?? 0 });
  const tracker = createOctokitTracker({
    token: standIn.token, owner: standIn.owner, repo: standIn.repo, baseUrl: standIn.url,
    timeoutMs: 300, retries: opts.retries ?? 0, retryBaseMs: 10, rateLimitRetries: 1, rateLimitSecondMs: 10, pacing: false,
  });
  store = openStore(join(mkdtempSync(join(tmpdir(), 'gh-outbox-')), 'store.sqlite'));
  const box = createOutbox(store);
  const service = createSubmissionService({
    bureau: loadBureau(), calendar: loadWorkCalendar(), codeList: null, outbox: box, tracker: async () => tracker,
    preparer: inProcessPreparer(prepareKeysOf(loadBureau(), createSecretKey(Buffer.from('s'.repeat(32))), createPublicKey(keys.publicKey))), log: () => {},
    deliveryTimeoutMs: opts.deliveryTimeoutMs ?? 2000, backoff: { baseMs: 1, maxMs: 5 },
  });
  const issuesPath = `/repos/${standIn.owner}/${standIn.repo}/issues`;
  const drain = async () => {
    // Retries honour GitHub's retry-after (a second here), so allow some seconds; no timing is asserted.
    const until = Date.now() + 15_000;
    while (box.pending().length && Date.now() < until) {
      await sleep(25);
      await service.recover();
      await service.retryDue();
    }
  };
  return { standIn, service, outbox: box, issuesPath, drain };
}

/** Each tracking code appears in exactly one issue, and every code has one. */
function expectOneIssueEach(standIn: GitHubStandIn, codes: string[]) {
  const issues = standIn.issues();
  for (const code of codes) expect(issues.filter((i) => (i.body ?? '').includes(code)), code).toHaveLength(1);
  expect(issues).toHaveLength(codes.length);
}

describe('delivering submissions to GitHub through Octokit', () => {
  it('opens one issue with the labels and machine block on a healthy API (201)', async () => {
    const { standIn, service } = await setup();
    const r = await service.submit({ submission: submission(1), key: 'gh-healthy-001' });
    expect(r.status).toBe('delivered');
    const [issue] = standIn.issues();
    expect(issue.labels).toEqual(['意见建议', '来源:网页表单', '分类:分组技术类']);
    expect(parseOpinionBlock(issue.body ?? '')).toMatchObject({ trackingCode: r.trackingCode, source: 'web' });
    expect(issue.body).not.toContain('钱七');
  });

  it('queues on 5xx and delivers later, once', async () => {
    const { standIn, service, issuesPath, drain } = await setup();
    standIn.injectFault({ kind: 'status', status: 502, method: 'POST', path: issuesPath, times: 3 });
    const r = await service.submit({ submission: submission(2), key: 'gh-5xx-0000001' });
    expect(r.status).toBe('queued');
    expect(standIn.issues()).toHaveLength(0);
    await drain();
    expectOneIssueEach(standIn, [r.trackingCode]);
  });

  it('rides out a short secondary rate limit, and queues a long one', async () => {
    const { standIn, service, issuesPath, drain } = await setup();
    standIn.injectFault({ kind: 'secondary-rate-limit', retryAfter: 1, method: 'POST', path: issuesPath, times: 1 });
    const a = await service.submit({ submission: submission(3), key: 'gh-secondary-01' });
    expect(a.status).toBe('delivered');
    standIn.injectFault({ kind: 'secondary-rate-limit', retryAfter: 1, method: 'POST', path: issuesPath, times: 5 });
    const b = await service.submit({ submission: submission(4), key: 'gh-secondary-02' });
    expect(b.status).toBe('queued');
    await drain();
    expectOneIssueEach(standIn, [a.trackingCode, b.trackingCode]);
  });

  it('queues when GitHub does not answer in time (timeout) and delivers once later', async () => {
    const { standIn, service, issuesPath, drain } = await setup();
    standIn.injectFault({ kind: 'hang', method: 'POST', path: issuesPath, times: 1 });
    const r = await service.submit({ submission: submission(5), key: 'gh-timeout-001' });
    expect(r.status).toBe('queued');
    await drain();
    expectOneIssueEach(standIn, [r.trackingCode]);
  });

  it('never duplicates when GitHub created the issue but the response was lost, even with search lagging', async () => {
    const { standIn, service, issuesPath, drain } = await setup({ searchLagMs: 60_000 });
    standIn.injectFault({ kind: 'lost-response', method: 'POST', path: issuesPath, times: 1 });
    const r = await service.submit({ submission: submission(6), key: 'gh-lost-000001' });
    expect(r.status).toBe('queued');
    expect(standIn.issues()).toHaveLength(1); // GitHub has it, we were not told
    await drain();
    expectOneIssueEach(standIn, [r.trackingCode]);
    expect((await service.lookup(r.trackingCode)).issueNumber).toBe(standIn.issues()[0].number);
  });

  it('queues while the network is down (connection reset) and catches up', async () => {
    const { standIn, service, issuesPath, drain } = await setup();
    standIn.injectFault({ kind: 'reset', method: 'POST', path: issuesPath, times: 2 });
    const r = await service.submit({ submission: submission(7), key: 'gh-reset-00001' });
    expect(r.status).toBe('queued');
    await drain();
    expectOneIssueEach(standIn, [r.trackingCode]);
  });

  it('ends with exactly one issue per submission under mixed faults and repeated requests', async () => {
    const { standIn, service, issuesPath, drain } = await setup({ retries: 1 });
    const kinds = ['status', 'lost-response', 'reset', 'secondary-rate-limit'] as const;
    const codes: string[] = [];
    for (let n = 0; n < 12; n++) {
      const kind = kinds[n % kinds.length];
      if (n % 3 !== 2) standIn.injectFault(kind === 'status' ? { kind, status: 503, method: 'POST', path: issuesPath, times: 2 } : kind === 'secondary-rate-limit' ? { kind, retryAfter: 1, method: 'POST', path: issuesPath, times: 3 } : { kind, method: 'POST', path: issuesPath, times: 1 });
      const key = `gh-mixed-${String(n).padStart(5, '0')}`;
      const r = await service.submit({ submission: submission(10 + n), key });
      codes.push(r.trackingCode);
      // The person presses submit again (same key): same code, nothing new.
      expect((await service.submit({ submission: submission(10 + n), key })).trackingCode).toBe(r.trackingCode);
      standIn.clearFaults();
    }
    await drain();
    expectOneIssueEach(standIn, codes);
  });
});
