/**
 * The GitHub stand-in itself, over plain fetch: if it drifts from GitHub's behaviour, the adapter tests
 * prove nothing. Auth, Link pagination, search and its lag, fault injection, contents and pull requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn, type StandInOptions } from '../support/github-standin.ts';

let gh: GitHubStandIn;
afterEach(() => gh?.close());

async function start(options: StandInOptions = {}) {
  gh = await startGitHubStandIn(options);
  return gh;
}

async function api(path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? gh.token}`;
  const res = await fetch(path.startsWith('http') ? path : gh.url + path, {
    method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const repo = () => `/repos/${gh.owner}/${gh.repo}`;

describe('GitHub stand-in', () => {
  it('answers 401 Bad credentials without a token or with a wrong one', async () => {
    await start();
    expect(await api(`${repo()}/issues`, { token: null })).toMatchObject({ status: 401, body: { message: 'Bad credentials' } });
    expect((await api(`${repo()}/issues`, { token: 'nope' })).status).toBe(401);
    expect((await api(`${repo()}/issues`)).status).toBe(200);
    expect((await api('/user')).body.login).toBe('feedback-bot');
  });

  it('paginates with Link headers like GitHub (next, last, prev, first)', async () => {
    await start();
    for (let i = 1; i <= 45; i++) gh.seedIssue({ title: `#${i}` });
    const first = await api(`${repo()}/issues?per_page=20&state=all`);
    expect(first.body.map((i: { number: number }) => i.number)).toEqual(Array.from({ length: 20 }, (_, i) => 45 - i));
    const link = first.headers.get('link')!;
    expect(link).toMatch(/<[^>]*[?&]page=2[^>]*>; rel="next"/);
    expect(link).toMatch(/<[^>]*[?&]page=3[^>]*>; rel="last"/);
    const next = /<([^>]+)>; rel="next"/.exec(link)![1];
    expect(next).toContain('state=all');
    const last = await api(/<([^>]+)>; rel="last"/.exec(link)![1]);
    expect(last.body.map((i: { number: number }) => i.number)).toEqual([5, 4, 3, 2, 1]);
    expect(last.headers.get('link')).toMatch(/rel="prev".*rel="first"/);
    expect(last.headers.get('link')).not.toContain('rel="next"');
  });

  it('returns GitHub issue shapes and auto-creates labels named on a new issue', async () => {
    await start();
    const created = await api(`${repo()}/issues`, { method: 'POST', body: { title: '意见', body: 'text', labels: ['分类:其他'] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      number: 1, state: 'open', title: '意见', body: 'text', comments: 0, closed_at: null,
      user: { login: 'feedback-bot', type: 'User' },
      labels: [{ name: '分类:其他', color: 'ededed' }],
      html_url: `https://github.com/${gh.owner}/${gh.repo}/issues/1`,
    });
    expect(created.body.node_id).toMatch(/^I_/);
    expect(created.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(gh.state.labels.map((l) => l.name)).toEqual(['分类:其他']);
    const invalid = await api(`${repo()}/issues`, { method: 'POST', body: { body: 'no title' } });
    expect(invalid).toMatchObject({ status: 422, body: { message: 'Validation Failed', errors: [{ code: 'missing_field', field: 'title' }] } });
  });

  it('searches bodies by words, honouring repo:, is:issue and the configured indexing lag', async () => {
    await start({ searchLagSearches: 2 });
    gh.seedIssue({ title: 'a', body: 'id fb-42 end' });
    const q = (s: string) => api(`/search/issues?q=${encodeURIComponent(s)}`);
    const query = `"fb-42" repo:${gh.owner}/${gh.repo} in:body is:issue`;
    expect((await q(query)).body.total_count).toBe(0);
    expect((await q(query)).body.total_count).toBe(0);
    expect((await q(query)).body.items.map((i: { number: number }) => i.number)).toEqual([1]);
    expect((await q(`"fb-42" repo:someone/else`)).body.total_count).toBe(0);
    expect((await q(`"fb-43"`)).body.total_count).toBe(0);
  });

  it('applies faults only to matching requests, the given number of times', async () => {
    await start();
    gh.injectFault({ kind: 'status', status: 503, method: 'POST', path: `${repo()}/issues`, times: 2 });
    expect((await api(`${repo()}/issues`)).status).toBe(200);
    expect((await api(`${repo()}/issues`, { method: 'POST', body: { title: 'x' } })).status).toBe(503);
    expect((await api(`${repo()}/issues`, { method: 'POST', body: { title: 'x' } })).status).toBe(503);
    expect((await api(`${repo()}/issues`, { method: 'POST', body: { title: 'x' } })).status).toBe(201);
    expect(gh.issues()).toHaveLength(1);
    expect(gh.state.requests.map((r) => r.fault)).toEqual([null, 'status', 'status', null]);
  });

  it('sends rate-limit answers with GitHub headers and messages', async () => {
    await start();
    gh.injectFault({ kind: 'secondary-rate-limit', retryAfter: 7 });
    const secondary = await api(`${repo()}/issues`);
    expect(secondary.status).toBe(403);
    expect(secondary.headers.get('retry-after')).toBe('7');
    expect(secondary.body.message).toMatch(/secondary rate limit/);
    gh.injectFault({ kind: 'primary-rate-limit', status: 429, resetInSeconds: 30 });
    const primary = await api(`${repo()}/issues`);
    expect(primary.status).toBe(429);
    expect(primary.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(primary.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });

  it('loses the response of a create that it nevertheless performed, and can reset or delay', async () => {
    await start();
    gh.injectFault({ kind: 'lost-response', method: 'POST' });
    await expect(api(`${repo()}/issues`, { method: 'POST', body: { title: 'x' } })).rejects.toThrow();
    expect(gh.issues()).toHaveLength(1);
    gh.injectFault({ kind: 'reset' });
    await expect(api(`${repo()}/issues`)).rejects.toThrow();
    gh.injectFault({ kind: 'hang', ms: 50 });
    expect((await api(`${repo()}/issues`)).status).toBe(200);
    expect(gh.state.requests.map((r) => [r.fault, r.status])).toEqual([['lost-response', 0], ['reset', 0], ['hang', 200]]);
  });

  it('serves labels, comments and collaborator permissions', async () => {
    await start({ permissions: { clerk: 'triage' } });
    gh.seedIssue({ title: 'x' });
    expect((await api(`${repo()}/labels`, { method: 'POST', body: { name: '逾期', color: 'd93f0b' } })).status).toBe(201);
    expect((await api(`${repo()}/labels`, { method: 'POST', body: { name: '逾期', color: 'd93f0b' } })).body.errors[0].code).toBe('already_exists');
    await api(`${repo()}/issues/1/labels`, { method: 'POST', body: { labels: ['逾期'] } });
    expect((await api(`${repo()}/issues/1/labels/${encodeURIComponent('逾期')}`, { method: 'DELETE' })).status).toBe(200);
    expect((await api(`${repo()}/issues/1/labels/${encodeURIComponent('逾期')}`, { method: 'DELETE' })).status).toBe(404);
    const c = await api(`${repo()}/issues/1/comments`, { method: 'POST', body: { body: '/close' } });
    expect(c.body).toMatchObject({ body: '/close', user: { login: 'feedback-bot' } });
    expect((await api(`${repo()}/issues/1`)).body.comments).toBe(1);
    expect((await api(`${repo()}/collaborators/clerk/permission`)).body).toMatchObject({ permission: 'read', role_name: 'triage' });
    expect((await api(`${repo()}/collaborators/nobody/permission`)).status).toBe(404);
  });

  it('stores files and opens pull requests on branches', async () => {
    await start({ files: { 'content/replies/a.md': 'old' } });
    const main = await api(`${repo()}/git/ref/heads/main`);
    expect((await api(`${repo()}/git/refs`, { method: 'POST', body: { ref: 'refs/heads/publish', sha: main.body.object.sha } })).status).toBe(201);
    const current = await api(`${repo()}/contents/content/replies/a.md?ref=publish`);
    expect(Buffer.from(current.body.content, 'base64').toString()).toBe('old');
    const put = (body: Record<string, unknown>) => api(`${repo()}/contents/content/replies/a.md`, { method: 'PUT', body: { message: 'm', branch: 'publish', content: Buffer.from('new').toString('base64'), ...body } });
    expect((await put({})).status).toBe(422); // sha of the file being replaced is required
    expect((await put({ sha: '0'.repeat(40) })).status).toBe(409);
    expect((await put({ sha: current.body.sha })).status).toBe(200);
    expect(gh.readFile('content/replies/a.md', 'publish')).toBe('new');
    expect(gh.readFile('content/replies/a.md')).toBe('old');

    const pr = await api(`${repo()}/pulls`, { method: 'POST', body: { title: '发布答复', head: 'publish', base: 'main' } });
    expect(pr).toMatchObject({ status: 201, body: { number: 1, head: { ref: 'publish' }, base: { ref: 'main' }, merged: false } });
    expect((await api(`${repo()}/pulls`, { method: 'POST', body: { title: 'again', head: 'publish', base: 'main' } })).status).toBe(422);
    expect((await api(`${repo()}/pulls?head=${gh.owner}:publish`)).body).toHaveLength(1);
    expect((await api(`${repo()}/issues?state=all`)).body[0].pull_request).toBeTruthy();
    expect((await api(`${repo()}/pulls/1/merge`, { method: 'PUT' })).body.merged).toBe(true);
    expect(gh.readFile('content/replies/a.md')).toBe('new');
  });
});
