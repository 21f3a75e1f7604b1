/**
 * /track on the built server: each public stage, the reply link, bad and unknown codes, and no personal data.
 * The queued stage comes from a server whose tracker (the GitHub stand-in) is failing; it then delivers on its
 * own, from its background retry loop.
 */
import { createHmac } from 'node:crypto';
import examples from '@octokit/webhooks-examples';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.ts';
import { postJson, startServer, validSubmission, type RunningServer } from './support.ts';

let server: RunningServer;
beforeAll(async () => {
  // Stages are set by hand below, so in-process triage stays off.
  server = await startServer({ SUBMIT_RATE_LIMIT: 'off', SUBMIT_TRIAGE: 'off' });
});
afterAll(() => server?.stop());

const track = async (url: string, code: string) => {
  const res = await fetch(`${url}/track?code=${encodeURIComponent(code)}`);
  return { status: res.status, html: await res.text() };
};
const stage = (html: string) => /id="stage">([^<]+)</.exec(html)?.[1];
/** A real `issues.labeled` delivery from @octokit/webhooks-examples, to be given this server's issue. */
const webhookExample = (examples as unknown as { name: string; examples: Record<string, any>[] }[])
  .find((e) => e.name === 'issues')!
  .examples.find((x) => x.action === 'labeled')!;

describe('/track', () => {
  it('follows an opinion from 已受理 to 办理中, 已答复 (with the reply link) and 已办结, showing no personal data', async () => {
    const res = await postJson(server.url, validSubmission(1, { submitterName: '孙八', contact: 'sunba@example.com', category: 'other' }));
    const { trackingCode } = await res.json();
    let page = await track(server.url, trackingCode);
    expect(page.status).toBe(200);
    expect(stage(page.html)).toBe('已受理');
    expect(page.html).toContain('医保经办机构');
    for (const secret of ['孙八', 'sunba@example.com', '济源市人民医院', '结算清单质控规则']) expect(page.html).not.toContain(secret);

    const tracker = server.tracker();
    const issue = (await tracker.findIssueByMarker(trackingCode))!;
    await tracker.addLabels(issue.number, ['承办:医保经办机构']);
    expect(stage((await track(server.url, trackingCode)).html)).toBe('办理中');
    await tracker.addLabels(issue.number, ['已答复']);
    page = await track(server.url, trackingCode);
    expect(stage(page.html)).toBe('已答复');
    expect(page.html).toContain(`href="/replies/${trackingCode.toLowerCase()}/"`);
    await tracker.updateIssue(issue.number, { state: 'closed' });
    expect(stage((await track(server.url, trackingCode)).html)).toBe('已办结');
    // Typed loosely: lower case, spaces, full-width.
    expect(stage((await track(server.url, ` ${trackingCode.toLowerCase().replace('-', '－')} `)).html)).toBe('已办结');
  });

  it('explains a malformed code (400) and an unknown one (404)', async () => {
    const bad = await track(server.url, 'hello');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('查询码格式不对');
    const unknown = await track(server.url, 'JY-2026-ZZZZZZ');
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain('没有找到查询码 JY-2026-ZZZZZZ');
    expect((await fetch(`${server.url}/track`)).status).toBe(200);
  });
});

describe('queued submissions (GitHub failing)', () => {
  let standIn: GitHubStandIn;
  let gh: RunningServer;
  beforeAll(async () => {
    standIn = await startGitHubStandIn();
    gh = await startServer({
      SUBMIT_RATE_LIMIT: 'off', GITHUB_TOKEN: standIn.token, GITHUB_REPOSITORY: `${standIn.owner}/${standIn.repo}`, GITHUB_API_URL: standIn.url,
      TRACKER_PACING: 'off', TRACKER_RETRIES: '0', TRACKER_TIMEOUT_MS: '1000', DELIVERY_TIMEOUT_MS: '3000', OUTBOX_RETRY_BASE_MS: '200', OUTBOX_RETRY_MAX_MS: '1000',
    });
  });
  afterAll(async () => {
    await gh?.stop();
    await standIn?.close();
  });

  it('202 while GitHub answers 503: the receipt says queued, /track says 正在登记, then it is delivered once by itself', async () => {
    standIn.injectFault({ kind: 'status', status: 503, method: 'POST', path: `/repos/${standIn.owner}/${standIn.repo}/issues`, times: 1000 });
    const res = await postJson(gh.url, validSubmission(2), { 'idempotency-key': 'queued-key-0001' });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'queued', message: expect.stringContaining('无需重复提交') });
    expect(stage((await track(gh.url, body.trackingCode)).html)).toBe('已收到，正在登记');
    // Pressing submit again changes nothing.
    expect((await (await postJson(gh.url, validSubmission(2), { 'idempotency-key': 'queued-key-0001' })).json()).trackingCode).toBe(body.trackingCode);
    expect(standIn.issues()).toHaveLength(0);

    standIn.clearFaults();
    const until = Date.now() + 20_000;
    while (standIn.issues().length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(standIn.issues().filter((i) => (i.body ?? '').includes(body.trackingCode))).toHaveLength(1);
    // The issue exists a moment before the server has read GitHub's answer and recorded the delivery.
    while (stage((await track(gh.url, body.trackingCode)).html) !== '已受理' && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const again = await postJson(gh.url, validSubmission(2), { 'idempotency-key': 'queued-key-0001' });
    expect(again.status).toBe(201);
    expect(stage((await track(gh.url, body.trackingCode)).html)).toBe('已受理');
    expect(standIn.issues()).toHaveLength(1);
  });
});

describe('/track with GitHub configured: answered from the store, never from GitHub (issue 11)', () => {
  let standIn: GitHubStandIn;
  let gh: RunningServer;
  const webhookSecret = 'webhook-secret-for-tests-0123456789';
  beforeAll(async () => {
    standIn = await startGitHubStandIn();
    gh = await startServer({
      SUBMIT_RATE_LIMIT: 'off', TRACK_RATE_LIMIT: 'off', GITHUB_TOKEN: standIn.token, GITHUB_REPOSITORY: `${standIn.owner}/${standIn.repo}`, GITHUB_API_URL: standIn.url,
      TRACKER_PACING: 'off', TRACKER_RETRIES: '0', GITHUB_WEBHOOK_SECRET: webhookSecret, ISSUE_SYNC_SECONDS: '1',
    });
  });
  afterAll(async () => {
    await gh?.stop();
    await standIn?.close();
  });
  const trackerRequests = () => standIn.state.requests.filter((r) => !r.path.endsWith('/issues') || r.method !== 'GET').length;
  const sign = (body: string) => `sha256=${createHmac('sha256', webhookSecret).update(body).digest('hex')}`;
  const hook = (body: string, signature: string | null) =>
    fetch(`${gh.url}/api/github-webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'issues', ...(signature ? { 'x-hub-signature-256': signature } : {}) }, body });

  it('looks up made-up codes, other bureaus\' codes and impossible years without one request to GitHub', async () => {
    const before = trackerRequests();
    const made = Array.from({ length: 20 }, (_, i) => `JY-2026-${'ABCDEFGHJK'[i % 10]}${String(i).padStart(5, '0')}`.slice(0, 14));
    for (const code of made) expect((await track(gh.url, code)).status).toBe(404);
    const other = await track(gh.url, 'ZZ-2026-7K3M9Q');
    expect(other.status).toBe(400);
    expect(other.html).toContain('JY-');
    expect((await track(gh.url, 'JY-1999-7K3M9Q')).status).toBe(400);
    expect((await track(gh.url, 'JY-2999-7K3M9Q')).status).toBe(400);
    // The background sync lists updated issues; nothing a visitor does adds a request.
    expect(trackerRequests()).toBe(before);
  });

  it('learns status changes from a signed webhook and refuses a bad signature', async () => {
    const res = await postJson(gh.url, validSubmission(31), { 'idempotency-key': 'webhook-key-0001' });
    expect(res.status).toBe(201);
    const { trackingCode } = await res.json();
    expect(stage((await track(gh.url, trackingCode)).html)).toBe('已受理');
    const issue = standIn.issues().find((i) => (i.body ?? '').includes(trackingCode))!;
    const event = (labels: string[], updatedAt: string) =>
      JSON.stringify({ ...webhookExample, issue: { ...webhookExample.issue, number: issue.number, state: 'open', labels: labels.map((name) => ({ name })), updated_at: updatedAt } });
    const forged = event(['已答复'], '2099-01-01T00:00:00Z');
    expect((await hook(forged, null)).status).toBe(401);
    expect((await hook(forged, sign(forged).replace(/.$/, (c) => (c === '0' ? '1' : '0')))).status).toBe(401);
    expect(stage((await track(gh.url, trackingCode)).html)).toBe('已受理');
    const real = event(['承办:医保行政部门'], new Date(Date.now() + 1000).toISOString());
    expect((await hook(real, sign(real))).status).toBe(200);
    expect(stage((await track(gh.url, trackingCode)).html)).toBe('办理中');
  });

  it('learns changes the webhook missed from the once-a-minute sync', async () => {
    const res = await postJson(gh.url, validSubmission(32), { 'idempotency-key': 'sync-key-0001' });
    const { trackingCode } = await res.json();
    const issue = standIn.issues().find((i) => (i.body ?? '').includes(trackingCode))!;
    // Staff close it on GitHub; no webhook arrives.
    issue.state = 'closed';
    issue.closed_at = issue.updated_at = new Date(Date.now() + 2000).toISOString();
    const until = Date.now() + 15_000;
    while (stage((await track(gh.url, trackingCode)).html) !== '已办结' && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(stage((await track(gh.url, trackingCode)).html)).toBe('已办结');
  });
});
