/**
 * /track on the built server: each public stage, the reply link, bad and unknown codes, and no personal data.
 * The queued stage comes from a server whose tracker (the GitHub stand-in) is failing; it then delivers on its
 * own, from its background retry loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalTracker } from '../../scripts/lib/tracker/local.ts';
import { join } from 'node:path';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.ts';
import { postJson, startServer, validSubmission, type RunningServer } from './support.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ SUBMIT_RATE_LIMIT: 'off' });
});
afterAll(() => server?.stop());

const track = async (url: string, code: string) => {
  const res = await fetch(`${url}/track?code=${encodeURIComponent(code)}`);
  return { status: res.status, html: await res.text() };
};
const stage = (html: string) => /id="stage">([^<]+)</.exec(html)?.[1];

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
