/**
 * The Octokit tracker against the local GitHub stand-in over real HTTP: round trips, and the failure
 * modes that must never lose or duplicate an opinion (5xx, rate limits, timeouts, lost responses).
 * Waits are scaled down (retryBaseMs, rateLimitSecondMs) so the suite does not sleep for real seconds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isRetryable, TrackerRequestError, TrackerUnavailableError, type OctokitTrackerOptions, type RateLimitEvent } from '../../scripts/lib/tracker/octokit.ts';
import { startGitHubStandIn, type GitHubStandIn, type StandInOptions } from '../support/github-standin.ts';
import { standInEnv, standInTracker } from '../support/github-tracker.ts';
import { createTrackerFromEnv } from '../../scripts/lib/tracker/from-env.ts';

let gh: GitHubStandIn | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

async function setup(options: Partial<OctokitTrackerOptions> = {}, standIn: StandInOptions = {}) {
  gh = await startGitHubStandIn(standIn);
  const events: RateLimitEvent[] = [];
  const tracker = standInTracker(gh, { onRateLimit: (e) => events.push(e), ...options });
  return { gh, tracker, events };
}

const opinion = (marker: string) => ({
  title: '关于QY歧义组入组规则的意见',
  body: `请核查 HQY 入组。\n\n<!-- ${marker} -->\n`,
  labels: ['意见建议', '分类:分组技术类'],
  marker,
});

const posts = (g: GitHubStandIn, path = `/repos/${g.owner}/${g.repo}/issues`) =>
  g.state.requests.filter((r) => r.method === 'POST' && r.path === path);

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('octokit tracker: round trips', () => {
  it('creates, reads, updates and closes an issue with Chinese labels', async () => {
    const { gh, tracker } = await setup();
    const created = await tracker.createIssue(opinion('fb-0001'));
    expect(created).toMatchObject({ number: 1, title: '关于QY歧义组入组规则的意见', labels: ['意见建议', '分类:分组技术类'], state: 'open', author: 'feedback-bot', closedAt: null });
    expect(created.url).toBe(`https://github.com/${gh.owner}/${gh.repo}/issues/1`);
    expect((await tracker.getIssue(1))?.body).toContain('fb-0001');
    expect(await tracker.getIssue(99)).toBeNull();

    const closed = await tracker.updateIssue(1, { title: '新标题', state: 'closed' });
    expect(closed).toMatchObject({ title: '新标题', state: 'closed' });
    expect(closed.closedAt).toBeTruthy();
    expect(gh.issues()[0].state).toBe('closed');
  });

  it('writes the marker into the body when the caller did not, so the issue can be found by it', async () => {
    const { tracker } = await setup();
    const issue = await tracker.createIssue({ title: 't', body: '正文', labels: [], marker: 'fb-0010' });
    expect(issue.body).toBe('正文\n\n<!-- fb-0010 -->\n');
    expect((await tracker.findIssueByMarker('fb-0010'))?.number).toBe(issue.number);
  });

  it('adds and removes labels, and removing an absent label is not an error', async () => {
    const { gh, tracker } = await setup();
    await tracker.createIssue(opinion('fb-0002'));
    await tracker.addLabels(1, ['承办:医保行政部门', '报送上级']);
    await tracker.addLabels(1, []);
    await tracker.removeLabel(1, '报送上级');
    await tracker.removeLabel(1, '报送上级');
    expect(gh.issues()[0].labels).toEqual(['意见建议', '分类:分组技术类', '承办:医保行政部门']);
    expect((await tracker.getIssue(1))?.labels).toEqual(['意见建议', '分类:分组技术类', '承办:医保行政部门']);
  });

  it('lists every issue across pages, filters by label, state and since, and leaves pull requests out', async () => {
    const { gh, tracker } = await setup();
    for (let i = 1; i <= 150; i++) gh.seedIssue({ title: `意见 ${i}`, labels: i % 3 === 0 ? ['逾期'] : [], state: i % 10 === 0 ? 'closed' : 'open' });
    // A pull request shares the issues' numbering and appears in GitHub's issues list.
    await tracker.octokit.request('POST /repos/{owner}/{repo}/git/refs', { owner: gh.owner, repo: gh.repo, ref: 'refs/heads/replies', sha: gh.state.branches.get('main')! });
    await tracker.octokit.rest.pulls.create({ owner: gh.owner, repo: gh.repo, title: '发布答复', head: 'replies', base: 'main' });

    const open = await tracker.listIssues();
    expect(open).toHaveLength(135);
    const all = await tracker.listIssues({ state: 'all' });
    expect(all.map((i) => i.number)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(gh.state.requests.some((r) => r.path === `/repos/${gh.owner}/${gh.repo}/issues` && r.query.page === '2')).toBe(true);
    expect(await tracker.listIssues({ state: 'all', labels: ['逾期'] })).toHaveLength(50);
    expect((await tracker.listIssues({ state: 'closed', labels: ['逾期'] })).map((i) => i.number)).toEqual([30, 60, 90, 120, 150]);

    gh.state.issues.forEach((i) => (i.updated_at = '2026-01-01T00:00:00Z'));
    gh.state.issues[4].updated_at = '2026-03-01T00:00:00Z';
    expect((await tracker.listIssues({ state: 'all', since: '2026-02-01T00:00:00Z' })).map((i) => i.number)).toEqual([5]);
  });

  it('creates, lists and edits comments', async () => {
    const { gh, tracker } = await setup();
    await tracker.createIssue(opinion('fb-0003'));
    gh.seedComment(1, { body: '/category policy', user: 'staff-a' });
    const mine = await tracker.createComment(1, '分类：分组技术类');
    await tracker.updateComment(mine.id, '分类：政策措施类');
    const comments = await tracker.listComments(1);
    expect(comments.map((c) => [c.author, c.body])).toEqual([
      ['staff-a', '/category policy'],
      ['feedback-bot', '分类：政策措施类'],
    ]);
  });

  it('reads repository permissions, with 404 meaning none', async () => {
    const { tracker } = await setup({}, { permissions: { 'staff-a': 'write', lead: 'maintain', helper: 'triage', visitor: 'read' } });
    expect(await tracker.getPermission('feedback-bot')).toBe('admin');
    expect(await tracker.getPermission('staff-a')).toBe('write');
    expect(await tracker.getPermission('lead')).toBe('maintain');
    expect(await tracker.getPermission('helper')).toBe('triage');
    expect(await tracker.getPermission('visitor')).toBe('read');
    expect(await tracker.getPermission('stranger')).toBe('none');
  });

  it('upserts labels: creates, then updates colour and description without a second label', async () => {
    const { gh, tracker } = await setup();
    await tracker.upsertLabel({ name: '逾期', color: 'd93f0b', description: '已超过办理时限' });
    await tracker.upsertLabel({ name: '逾期', color: 'b60205', description: '超过办理时限' });
    expect(await tracker.listLabels()).toEqual([{ name: '逾期', color: 'b60205', description: '超过办理时限' }]);
    expect(gh.state.labels).toHaveLength(1);
  });
});

describe('octokit tracker: failures', () => {
  it('retries a 502 on create and ends with exactly one issue', async () => {
    const { gh, tracker } = await setup();
    gh.injectFault({ kind: 'status', status: 502, method: 'POST', path: `/repos/${gh.owner}/${gh.repo}/issues` });
    const issue = await tracker.createIssue(opinion('fb-0100'));
    expect(gh.issues()).toHaveLength(1);
    expect(issue.number).toBe(1);
    expect(posts(gh)).toHaveLength(2);
  });

  it('retries 5xx on reads, and reports lasting 5xx as retryable TrackerUnavailableError', async () => {
    const { gh, tracker } = await setup({ retries: 2 });
    gh.seedIssue({ title: 'x' });
    gh.injectFault({ kind: 'status', status: 503, method: 'GET', times: 2 });
    expect((await tracker.getIssue(1))?.title).toBe('x');

    gh.injectFault({ kind: 'status', status: 500, times: 10 });
    const err = await rejection(tracker.listIssues());
    expect(err).toBeInstanceOf(TrackerUnavailableError);
    expect(err).toMatchObject({ reason: 'server', status: 500 });
    expect(isRetryable(err)).toBe(true);
  });

  it('honours a secondary rate limit retry-after and creates exactly one issue', async () => {
    const { gh, tracker, events } = await setup();
    gh.injectFault({ kind: 'secondary-rate-limit', retryAfter: 1, method: 'POST' });
    await tracker.createIssue(opinion('fb-0101'));
    expect(gh.issues()).toHaveLength(1);
    expect(events).toEqual([expect.objectContaining({ kind: 'secondary', retryAfter: 1, retryCount: 0, willRetry: true, method: 'POST' })]);
  });

  it('gives up after the rate-limit retries with a retryable error and creates nothing', async () => {
    const { gh, tracker, events } = await setup({ rateLimitRetries: 2 });
    gh.injectFault({ kind: 'secondary-rate-limit', retryAfter: 1, method: 'POST', times: 10 });
    const err = await rejection(tracker.createIssue(opinion('fb-0102')));
    expect(err).toBeInstanceOf(TrackerUnavailableError);
    expect(err).toMatchObject({ reason: 'rate-limit', status: 403, retryAfterSeconds: 1 });
    expect(isRetryable(err)).toBe(true);
    expect(gh.issues()).toHaveLength(0);
    expect(posts(gh)).toHaveLength(3);
    expect(events.map((e) => e.willRetry)).toEqual([true, true, false]);
  });

  it('does not wait when GitHub asks for longer than maxRateLimitWaitSeconds', async () => {
    const { gh, tracker, events } = await setup({ maxRateLimitWaitSeconds: 30 });
    gh.injectFault({ kind: 'secondary-rate-limit', retryAfter: 600 });
    const err = await rejection(tracker.getIssue(1));
    expect(err).toMatchObject({ reason: 'rate-limit', retryAfterSeconds: 600 });
    expect(events).toEqual([expect.objectContaining({ retryAfter: 600, willRetry: false })]);
  });

  it.each([403, 429] as const)('waits out a primary rate limit (%i) until x-ratelimit-reset', async (status) => {
    const { gh, tracker, events } = await setup();
    gh.injectFault({ kind: 'primary-rate-limit', status, resetInSeconds: 1 });
    expect(await tracker.listLabels()).toEqual([]);
    expect(events).toEqual([expect.objectContaining({ kind: 'primary', willRetry: true })]);
    expect(gh.state.requests.filter((r) => r.path.endsWith('/labels'))).toHaveLength(2);
  });

  it('reports a request that never answers as a timeout', async () => {
    const { gh, tracker } = await setup({ timeoutMs: 200, retries: 1 });
    gh.injectFault({ kind: 'hang', times: 5 });
    const err = await rejection(tracker.listLabels());
    expect(err).toBeInstanceOf(TrackerUnavailableError);
    expect(err).toMatchObject({ reason: 'timeout' });
    expect(isRetryable(err)).toBe(true);
    expect(gh.state.requests).toHaveLength(2);
  });

  it('retries a reset connection, and reports a lasting one as a network failure', async () => {
    const { gh, tracker } = await setup({ retries: 2 });
    gh.injectFault({ kind: 'reset' });
    expect(await tracker.listLabels()).toEqual([]);
    gh.injectFault({ kind: 'reset', times: 10 });
    expect(await rejection(tracker.listLabels())).toMatchObject({ name: 'TrackerUnavailableError', reason: 'network' });
  });

  it('recovers a create whose response was lost without a second issue, despite search lag', async () => {
    const { gh, tracker } = await setup({}, { searchLagSearches: 100 });
    gh.injectFault({ kind: 'lost-response', method: 'POST', path: `/repos/${gh.owner}/${gh.repo}/issues` });
    const issue = await tracker.createIssue(opinion('fb-0200'));
    expect(gh.issues()).toHaveLength(1);
    expect(issue.number).toBe(1);
    expect(posts(gh)).toHaveLength(1);
    // Search could not see it yet; the scan of recent issues did.
    expect(gh.state.requests.some((r) => r.path === '/search/issues')).toBe(true);
    expect(gh.state.requests.some((r) => r.path === `/repos/${gh.owner}/${gh.repo}/issues` && r.method === 'GET' && r.query.sort === 'created')).toBe(true);
  });

  it('lets a caller that lost a create find it by marker before retrying: exactly one issue', async () => {
    const { gh, tracker } = await setup({ retries: 0 }, { searchLagMs: 60_000 });
    const input = opinion('fb-0201');
    gh.injectFault({ kind: 'lost-response', method: 'POST' });
    const err = await rejection(tracker.createIssue(input));
    expect(isRetryable(err)).toBe(true);
    expect(gh.issues()).toHaveLength(1); // GitHub made it; we never heard back

    // What the outbox does on redelivery: look for the marker first, create only if absent.
    const deliver = async () => (await tracker.findIssueByMarker(input.marker)) ?? (await tracker.createIssue(input));
    const delivered = await deliver();
    expect(delivered.number).toBe(1);
    expect((await deliver()).number).toBe(1);
    expect(gh.issues()).toHaveLength(1);
  });

  it('also recovers a comment whose response was lost', async () => {
    const { gh, tracker } = await setup();
    gh.seedIssue({ title: 'x' });
    gh.injectFault({ kind: 'lost-response', method: 'POST', path: /\/comments$/ });
    const c = await tracker.createComment(1, '分诊结果：分组技术类');
    expect(gh.state.comments).toHaveLength(1);
    expect(c.id).toBe(gh.state.comments[0].id);
  });

  it('finds by marker through search, re-checks near misses, skips pull requests, answers null when absent', async () => {
    const { gh, tracker } = await setup();
    gh.seedIssue({ title: 'a', body: 'submission fb-0300' });
    gh.seedIssue({ title: 'b', body: '参考 fb 0300 一案' }); // a search hit (words match) but not the marker
    await tracker.octokit.request('POST /repos/{owner}/{repo}/git/refs', { owner: gh.owner, repo: gh.repo, ref: 'refs/heads/replies', sha: gh.state.branches.get('main')! });
    await tracker.octokit.rest.pulls.create({ owner: gh.owner, repo: gh.repo, title: 'PR', head: 'replies', base: 'main', body: 'fb-0301' });

    expect((await tracker.findIssueByMarker('fb-0300'))?.number).toBe(1);
    const listed = () => gh.state.requests.filter((r) => r.method === 'GET' && r.path === `/repos/${gh.owner}/${gh.repo}/issues`).length;
    expect(listed()).toBe(0); // search found it: no scan needed
    expect(await tracker.findIssueByMarker('fb-0301')).toBeNull();
    expect(await tracker.findIssueByMarker('fb-9999')).toBeNull();
    expect(listed()).toBe(2); // the absent ones were confirmed by a scan
  });

  it('does not claim absence when search is down and the scan finds nothing', async () => {
    const { gh, tracker } = await setup({ retries: 0 });
    gh.injectFault({ kind: 'status', status: 503, path: '/search/issues' });
    expect(await rejection(tracker.findIssueByMarker('fb-0400'))).toMatchObject({ reason: 'server' });
    gh.seedIssue({ title: 'x', body: 'fb-0401' });
    gh.injectFault({ kind: 'status', status: 503, path: '/search/issues' });
    expect((await tracker.findIssueByMarker('fb-0401'))?.number).toBe(1);
  });

  it('treats bad credentials as permanent: TrackerRequestError 401, not retried', async () => {
    const { gh, tracker } = await setup({ token: 'wrong' });
    const err = await rejection(tracker.createIssue(opinion('fb-0500')));
    expect(err).toBeInstanceOf(TrackerRequestError);
    expect(err).toMatchObject({ status: 401 });
    expect(isRetryable(err)).toBe(false);
    expect(gh.state.requests).toHaveLength(1);
  });

  it('treats validation failures as permanent (422)', async () => {
    const { tracker } = await setup();
    const err = await rejection(tracker.createIssue({ ...opinion('fb-0501'), title: '长'.repeat(300) }));
    expect(err).toMatchObject({ name: 'TrackerRequestError', status: 422 });
    expect(isRetryable(err)).toBe(false);
  });
});

describe('octokit tracker: selection from the environment', () => {
  it('uses GitHub when GITHUB_TOKEN and GITHUB_REPOSITORY are set, pointed at GITHUB_API_URL', async () => {
    gh = await startGitHubStandIn();
    const tracker = await createTrackerFromEnv({ ...standInEnv(gh) });
    const issue = await tracker.createIssue(opinion('fb-0600'));
    expect(issue.url).toBe(`https://github.com/${gh.owner}/${gh.repo}/issues/1`);
    expect(gh.issues()).toHaveLength(1);
    await expect(createTrackerFromEnv({ ...standInEnv(gh), GITHUB_REPOSITORY: 'only-owner' })).rejects.toThrow(/owner\/name/);
  });
});
