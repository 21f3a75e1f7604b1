/**
 * A local stand-in for api.github.com: a real HTTP server (node:http on 127.0.0.1, port 0) answering the
 * REST endpoints this project uses with GitHub's response shapes, so tests drive the real Octokit
 * adapter over a real socket. It keeps its state in memory for tests to inspect, and can be told to
 * misbehave the ways GitHub does: 5xx, primary and secondary rate limits, hangs, connection resets,
 * and a create that succeeds while its response is lost. Search can lag behind writes like GitHub's
 * index does.
 *
 * Endpoints (all under /repos/{owner}/{repo} unless absolute):
 *   GET /user, GET /rate_limit, GET /search/issues, GET (repo)
 *   issues: GET/POST /issues, GET/PATCH /issues/{n}
 *   comments: GET/POST /issues/{n}/comments, GET/PATCH/DELETE /issues/comments/{id}
 *   issue labels: GET/POST/PUT/DELETE /issues/{n}/labels, DELETE /issues/{n}/labels/{name}
 *   labels: GET/POST /labels, GET/PATCH/DELETE /labels/{name}
 *   permission: GET /collaborators/{login}/permission, GET /collaborators/{login}
 *   pulls: GET/POST /pulls, GET/PATCH /pulls/{n}, PUT /pulls/{n}/merge
 *   contents: GET/PUT/DELETE /contents/{path} (?ref= / body.branch)
 *   git: GET /git/ref/heads/{b}, GET /git/refs/heads/{b}, POST /git/refs, PATCH/DELETE /git/refs/heads/{b},
 *        GET /branches/{b}
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';

export type StandInPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface StandInOptions {
  owner?: string;
  repo?: string;
  /** Accepted tokens and the login each acts as. Default `{ 'test-token': 'feedback-bot' }`. */
  tokens?: Record<string, string>;
  /** Repository permission per login. Token logins default to `admin`; other logins answer 404. */
  permissions?: Record<string, StandInPermission>;
  /** Search omits issues younger than this many ms (GitHub's indexing lag). Default 0. */
  searchLagMs?: number;
  /** Search omits an issue from the first K searches made after it was created. Default 0. */
  searchLagSearches?: number;
  /** Default branch of the repository, created with `files`. Default `main`. */
  defaultBranch?: string;
  /** Files on the default branch at start: path to UTF-8 text. */
  files?: Record<string, string>;
  /** Clock for created_at / updated_at. Default real time. */
  now?: () => Date;
}

/** Which requests a fault applies to. `path` is the exact pathname (e.g. `/repos/o/r/issues`) or a RegExp. */
export interface FaultMatch {
  method?: string;
  path?: string | RegExp;
  /** How many matching requests it affects (default 1). */
  times?: number;
}

export type Fault = FaultMatch &
  (
    | { kind: 'status'; status: number; message?: string }
    /** 403 "You have exceeded a secondary rate limit" with `retry-after` seconds (default 1). */
    | { kind: 'secondary-rate-limit'; retryAfter?: number }
    /** x-ratelimit-remaining: 0 and x-ratelimit-reset this many seconds ahead (default 1); status 403 or 429. */
    | { kind: 'primary-rate-limit'; status?: 403 | 429; resetInSeconds?: number }
    /** Never answer (until close), or answer normally after `ms`. */
    | { kind: 'hang'; ms?: number }
    /** Destroy the connection without doing anything. */
    | { kind: 'reset' }
    /** Do the request (e.g. create the issue), then destroy the connection instead of answering. */
    | { kind: 'lost-response' }
  );

export interface StoredIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  user: string;
  labels: string[];
  state: 'open' | 'closed';
  state_reason: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  /** Searches made since creation (for the search lag). */
  searchesSeen: number;
  /** Set for pull requests, which share the issues' numbering. */
  pull: { head: string; base: string; draft: boolean; merged: boolean; mergedAt: string | null } | null;
}

export interface StoredComment {
  id: number;
  issue_number: number;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
}

export interface StoredLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface LoggedRequest {
  method: string;
  /** Decoded pathname. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** Login of the token, when it was accepted. */
  login: string | null;
  /** Status answered; 0 when the connection was dropped or never answered. */
  status: number;
  fault: Fault['kind'] | null;
}

export interface StandInState {
  issues: StoredIssue[];
  comments: StoredComment[];
  labels: StoredLabel[];
  permissions: Map<string, StandInPermission>;
  /** Every request in arrival order. */
  requests: LoggedRequest[];
  /** Branch name to commit sha. */
  branches: Map<string, string>;
  /** Commit sha to its files (path to bytes). */
  commits: Map<string, { message: string; parent: string | null; files: Map<string, Buffer> }>;
  searchLag: { ms: number; searches: number };
}

export interface GitHubStandIn {
  /** Base URL to give Octokit (`baseUrl`), e.g. http://127.0.0.1:41234 */
  url: string;
  owner: string;
  repo: string;
  /** The first accepted token. */
  token: string;
  state: StandInState;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** Issues only (no pull requests), by number. */
  issues(): StoredIssue[];
  /** Seeds an issue as if `user` had opened it (bypasses faults and auth). */
  seedIssue(input: { title: string; body?: string; labels?: string[]; user?: string; state?: 'open' | 'closed'; createdAt?: string }): StoredIssue;
  /** Seeds a comment, e.g. a staff command from another login. */
  seedComment(issueNumber: number, input: { body: string; user: string; createdAt?: string }): StoredComment;
  /** Text of a file on a branch (default branch if omitted), or null. */
  readFile(path: string, branch?: string): string | null;
  close(): Promise<void>;
}

class HttpError extends Error {
  status: number;
  extra: Record<string, unknown>;
  constructor(status: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.extra = extra;
  }
}

const validation = (resource: string, code: string, field: string, message?: string) =>
  new HttpError(422, 'Validation Failed', { errors: [{ resource, code, field, ...(message ? { message } : {}) }] });

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const DOCS = 'https://docs.github.com/rest';
const stamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const numericId = (s: string) => parseInt(createHash('sha1').update(s).digest('hex').slice(0, 8), 16);
const nodeId = (prefix: string, id: number) => `${prefix}_kw${Buffer.from(String(id)).toString('base64url')}`;
const blobSha = (data: Buffer) => createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');

export async function startGitHubStandIn(options: StandInOptions = {}): Promise<GitHubStandIn> {
  const owner = options.owner ?? 'bureau';
  const repo = options.repo ?? 'feedback';
  const tokens = options.tokens ?? { 'test-token': 'feedback-bot' };
  const now = options.now ?? (() => new Date());
  const defaultBranch = options.defaultBranch ?? 'main';
  const htmlBase = `https://github.com/${owner}/${repo}`;
  let base = ''; // http://127.0.0.1:port, known once listening
  const repoPath = `/repos/${owner}/${repo}`;

  const state: StandInState = {
    issues: [],
    comments: [],
    labels: [],
    permissions: new Map(Object.entries(options.permissions ?? {})),
    requests: [],
    branches: new Map(),
    commits: new Map(),
    searchLag: { ms: options.searchLagMs ?? 0, searches: options.searchLagSearches ?? 0 },
  };
  for (const login of Object.values(tokens)) if (!state.permissions.has(login)) state.permissions.set(login, 'admin');

  let faults: (Fault & { left: number })[] = [];
  const delays = new Set<NodeJS.Timeout>(); // pending `hang` delays, cleared on close
  let seq = 0; // ids for issues, comments, labels
  const nextId = () => 1_000_000 + ++seq;

  // --- git storage ------------------------------------------------------------------------------
  function commit(parent: string | null, files: Map<string, Buffer>, message: string): string {
    const sha = createHash('sha1').update(`${parent}\n${message}\n${randomBytes(8).toString('hex')}`).digest('hex');
    state.commits.set(sha, { message, parent, files });
    return sha;
  }
  state.branches.set(
    defaultBranch,
    commit(null, new Map(Object.entries(options.files ?? {}).map(([p, t]) => [p, Buffer.from(t)])), 'Initial commit'),
  );
  const branchFiles = (branch: string) => {
    const sha = state.branches.get(branch);
    if (!sha) throw new HttpError(404, `No commit found for the ref ${branch}`);
    return { sha, files: state.commits.get(sha)!.files };
  };

  // --- response shapes ----------------------------------------------------------------------------
  const userJson = (login: string) => {
    const id = numericId(login);
    return {
      login, id, node_id: nodeId('U', id), type: login.endsWith('[bot]') ? 'Bot' : 'User', site_admin: false,
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`, url: `${base}/users/${login}`, html_url: `https://github.com/${login}`,
    };
  };
  const findLabel = (name: string) => state.labels.find((l) => l.name.toLowerCase() === name.toLowerCase());
  const labelJson = (l: StoredLabel) => ({
    id: l.id, node_id: nodeId('LA', l.id), url: `${base}${repoPath}/labels/${encodeURIComponent(l.name)}`,
    name: l.name, color: l.color, default: false, description: l.description,
  });
  const ensureLabel = (name: string) => {
    let label = findLabel(name);
    if (!label) state.labels.push((label = { id: nextId(), name, color: 'ededed', description: null }));
    return label;
  };
  const commentCount = (n: number) => state.comments.filter((c) => c.issue_number === n).length;
  const issueJson = (i: StoredIssue) => {
    const url = `${base}${repoPath}/issues/${i.number}`;
    return {
      id: i.id, node_id: nodeId(i.pull ? 'PR' : 'I', i.id), url, repository_url: `${base}${repoPath}`,
      labels_url: `${url}/labels{/name}`, comments_url: `${url}/comments`, events_url: `${url}/events`,
      html_url: `${htmlBase}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
      number: i.number, title: i.title, body: i.body, user: userJson(i.user),
      labels: i.labels.map((n) => labelJson(ensureLabel(n))),
      state: i.state, state_reason: i.state_reason, locked: false, assignee: null, assignees: [], milestone: null,
      comments: commentCount(i.number), created_at: i.created_at, updated_at: i.updated_at, closed_at: i.closed_at,
      author_association: state.permissions.get(i.user) === 'admin' ? 'OWNER' : 'NONE',
      ...(i.pull
        ? { pull_request: { url: `${base}${repoPath}/pulls/${i.number}`, html_url: `${htmlBase}/pull/${i.number}`,
            diff_url: `${htmlBase}/pull/${i.number}.diff`, patch_url: `${htmlBase}/pull/${i.number}.patch`, merged_at: i.pull.mergedAt } }
        : {}),
    };
  };
  const pullJson = (i: StoredIssue) => {
    const p = i.pull!;
    return {
      ...issueJson(i), url: `${base}${repoPath}/pulls/${i.number}`, html_url: `${htmlBase}/pull/${i.number}`,
      issue_url: `${base}${repoPath}/issues/${i.number}`, draft: p.draft, merged: p.merged, merged_at: p.mergedAt,
      head: { ref: p.head, sha: state.branches.get(p.head) ?? null, label: `${owner}:${p.head}` },
      base: { ref: p.base, sha: state.branches.get(p.base) ?? null, label: `${owner}:${p.base}` },
    };
  };
  const commentJson = (c: StoredComment) => ({
    id: c.id, node_id: nodeId('IC', c.id), url: `${base}${repoPath}/issues/comments/${c.id}`,
    html_url: `${htmlBase}/issues/${c.issue_number}#issuecomment-${c.id}`, issue_url: `${base}${repoPath}/issues/${c.issue_number}`,
    body: c.body, user: userJson(c.user), created_at: c.created_at, updated_at: c.updated_at,
    author_association: state.permissions.get(c.user) === 'admin' ? 'OWNER' : 'NONE',
  });

  // --- pagination -----------------------------------------------------------------------------------
  function page<T>(items: T[], url: URL): { items: T[]; headers: Record<string, string> } {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page')) || 30));
    const current = Math.max(1, Number(url.searchParams.get('page')) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number, rel: string) => {
      const u = new URL(url.pathname + url.search, base);
      u.searchParams.set('per_page', String(perPage));
      u.searchParams.set('page', String(p));
      return `<${u}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (current > 1) links.push(link(current - 1, 'prev'));
    if (current < last) links.push(link(current + 1, 'next'), link(last, 'last'));
    if (current > 1) links.push(link(1, 'first'));
    return { items: items.slice((current - 1) * perPage, current * perPage), headers: links.length ? { link: links.join(', ') } : {} };
  }

  // --- handlers -------------------------------------------------------------------------------------
  const getIssue = (n: number) => {
    const issue = state.issues.find((i) => i.number === n);
    if (!issue) throw new HttpError(404, 'Not Found');
    return issue;
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const labelNames = (v: unknown): string[] => {
    const list = Array.isArray(v) ? v : Array.isArray((v as { labels?: unknown })?.labels) ? (v as { labels: unknown[] }).labels : null;
    if (!list) throw validation('Label', 'invalid', 'labels');
    return list.map((l) => (typeof l === 'string' ? l : str((l as { name?: unknown })?.name) ?? '')).filter(Boolean);
  };
  const touch = (i: StoredIssue) => (i.updated_at = stamp(now()));

  function createIssue(input: { title: string; body?: string | null; labels?: string[]; user: string; state?: 'open' | 'closed'; createdAt?: string; pull?: StoredIssue['pull'] }): StoredIssue {
    const created = input.createdAt ?? stamp(now());
    const issue: StoredIssue = {
      id: nextId(), number: state.issues.length + 1, title: input.title, body: input.body ?? null, user: input.user,
      labels: [...new Set(input.labels ?? [])].map((n) => ensureLabel(n).name),
      state: input.state ?? 'open', state_reason: input.state === 'closed' ? 'completed' : null,
      created_at: created, updated_at: created, closed_at: input.state === 'closed' ? created : null,
      searchesSeen: 0, pull: input.pull ?? null,
    };
    state.issues.push(issue);
    return issue;
  }

  function listIssues(url: URL): Reply {
    const q = url.searchParams;
    const st = q.get('state') ?? 'open';
    const wanted = (q.get('labels') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    const since = q.get('since') ? Date.parse(q.get('since')!) : null;
    const sort = q.get('sort') ?? 'created';
    const dir = q.get('direction') === 'asc' ? 1 : -1;
    const key = (i: StoredIssue) => (sort === 'updated' ? Date.parse(i.updated_at) : sort === 'comments' ? commentCount(i.number) : i.number);
    const items = state.issues
      .filter((i) => st === 'all' || i.state === st)
      .filter((i) => wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)))
      .filter((i) => since === null || Date.parse(i.updated_at) >= since)
      .filter((i) => !q.get('creator') || i.user === q.get('creator'))
      .sort((a, b) => (key(a) - key(b)) * dir || (a.number - b.number) * dir);
    const p = page(items, url);
    return { status: 200, body: p.items.map(issueJson), headers: p.headers };
  }

  function search(url: URL): Reply {
    const q = url.searchParams.get('q');
    if (!q) throw validation('Search', 'missing', 'q');
    // Like GitHub, match on words, not characters: punctuation separates words, so the phrase "fb-0300"
    // also matches "fb 0300". Callers must re-check what they need exactly.
    const words = (s: string) => s.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(Boolean).join(' ');
    const phrases = [...q.matchAll(/"([^"]*)"/g)].map((m) => words(m[1])).filter(Boolean);
    const rest = q.replace(/"[^"]*"/g, ' ').split(/\s+/).filter(Boolean);
    const quals = rest.filter((t) => t.includes(':'));
    const terms = rest.filter((t) => !t.includes(':')).map(words).filter(Boolean);
    const qual = (name: string) => quals.filter((t) => t.toLowerCase().startsWith(`${name}:`)).map((t) => t.slice(name.length + 1));
    const repos = qual('repo');
    if (repos.length && !repos.some((r) => r.toLowerCase() === `${owner}/${repo}`.toLowerCase())) {
      return { status: 200, body: { total_count: 0, incomplete_results: false, items: [] } };
    }
    const fields = qual('in');
    const is = qual('is').concat(qual('type'));
    const stateQ = qual('state')[0] ?? (is.includes('open') ? 'open' : is.includes('closed') ? 'closed' : null);
    const labelsQ = qual('label').map((l) => l.replace(/^"|"$/g, '').toLowerCase());
    const nowMs = now().getTime();
    const hits = state.issues
      .slice()
      .reverse()
      .filter((i) => {
        // Indexing lag: an issue is invisible until it is old enough and enough searches have gone by.
        const indexed = nowMs - Date.parse(i.created_at) >= state.searchLag.ms && i.searchesSeen >= state.searchLag.searches;
        i.searchesSeen++;
        if (!indexed) return false;
        if (is.includes('issue') && i.pull) return false;
        if ((is.includes('pr') || is.includes('pull-request')) && !i.pull) return false;
        if (stateQ && i.state !== stateQ) return false;
        if (!labelsQ.every((l) => i.labels.some((x) => x.toLowerCase() === l))) return false;
        const text = words([fields.length === 0 || fields.includes('title') ? i.title : '', fields.length === 0 || fields.includes('body') ? (i.body ?? '') : ''].join('\n'));
        return phrases.every((p) => text.includes(p)) && terms.every((w) => text.includes(w));
      });
    const p = page(hits, url);
    return { status: 200, body: { total_count: hits.length, incomplete_results: false, items: p.items.map((i) => ({ ...issueJson(i), score: 1 })) }, headers: p.headers };
  }

  function contents(method: string, path: string, url: URL, body: Record<string, unknown>): Reply {
    const branch = str(body.branch) ?? url.searchParams.get('ref') ?? defaultBranch;
    const { sha: head, files } = branchFiles(branch);
    const fileJson = (p: string, data: Buffer) => ({
      type: 'file', encoding: 'base64', size: data.length, name: p.split('/').pop(), path: p, sha: blobSha(data),
      content: data.toString('base64'), url: `${base}${repoPath}/contents/${p}?ref=${branch}`,
      html_url: `${htmlBase}/blob/${branch}/${p}`, download_url: null,
    });
    const existing = files.get(path);
    if (method === 'GET') {
      if (existing) return { status: 200, body: fileJson(path, existing) };
      const prefix = path === '' ? '' : `${path}/`;
      const entries = [...new Set([...files.keys()].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length).split('/')[0]))];
      if (entries.length === 0) throw new HttpError(404, 'Not Found');
      return {
        status: 200,
        body: entries.sort().map((name) => {
          const full = prefix + name;
          const data = files.get(full);
          return data ? { ...fileJson(full, data), content: undefined, encoding: undefined } : { type: 'dir', name, path: full, sha: null, size: 0 };
        }),
      };
    }
    const message = str(body.message);
    if (!message) throw validation('Commit', 'missing_field', 'message');
    if (existing && !str(body.sha)) throw new HttpError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
    if (existing && body.sha !== blobSha(existing)) throw new HttpError(409, `${path} does not match ${body.sha}`);
    const next = new Map(files);
    if (method === 'DELETE') {
      if (!existing) throw new HttpError(404, 'Not Found');
      next.delete(path);
    } else {
      if (typeof body.content !== 'string') throw validation('Commit', 'missing_field', 'content');
      next.set(path, Buffer.from(body.content, 'base64'));
    }
    const sha = commit(head, next, message);
    state.branches.set(branch, sha);
    const commitJson = { sha, message, html_url: `${htmlBase}/commit/${sha}` };
    if (method === 'DELETE') return { status: 200, body: { content: null, commit: commitJson } };
    return { status: existing ? 200 : 201, body: { content: { ...fileJson(path, next.get(path)!), content: undefined, encoding: undefined }, commit: commitJson } };
  }

  const refJson = (branch: string) => {
    const sha = state.branches.get(branch);
    if (!sha) throw new HttpError(404, 'Not Found');
    return { ref: `refs/heads/${branch}`, node_id: nodeId('REF', numericId(branch)), url: `${base}${repoPath}/git/refs/heads/${branch}`, object: { sha, type: 'commit', url: `${base}${repoPath}/git/commits/${sha}` } };
  };

  // Routes match the raw pathname, so a %2F inside a label name stays inside it; Octokit also sends
  // `{ref}` = heads/main as heads%2Fmain, which the git ref routes accept like GitHub does.
  type Route = [method: string, pattern: RegExp, handler: (m: string[], url: URL, body: Record<string, unknown>, login: string) => Reply];
  const R = (s: string) => new RegExp(`^${s.replace('{repo}', repoPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))}$`, 'i');
  const routes: Route[] = [
    ['GET', R('/user'), (_m, _u, _b, login) => ({ status: 200, body: userJson(login) })],
    ['GET', R('/rate_limit'), () => ({ status: 200, body: { resources: { core: { limit: 5000, remaining: 4999, reset: 0, used: 1 } }, rate: { limit: 5000, remaining: 4999, reset: 0, used: 1 } } })],
    ['GET', R('/search/issues'), (_m, url) => search(url)],
    ['GET', R('{repo}'), () => ({
      status: 200,
      body: { id: numericId(repoPath), node_id: nodeId('R', numericId(repoPath)), name: repo, full_name: `${owner}/${repo}`, owner: userJson(owner),
        private: false, html_url: htmlBase, url: `${base}${repoPath}`, default_branch: defaultBranch, has_issues: true,
        permissions: { admin: true, maintain: true, push: true, triage: true, pull: true } },
    })],
    ['GET', R('{repo}/issues'), (_m, url) => listIssues(url)],
    ['POST', R('{repo}/issues'), (_m, _u, b, login) => {
      const title = str(b.title);
      if (!title) throw validation('Issue', 'missing_field', 'title');
      if (title.length > 256) throw validation('Issue', 'custom', 'title', 'title is too long (maximum is 256 characters)');
      if (b.body != null && typeof b.body !== 'string') throw validation('Issue', 'invalid', 'body');
      if (typeof b.body === 'string' && b.body.length > 65536) throw validation('Issue', 'custom', 'body', 'body is too long (maximum is 65536 characters)');
      const issue = createIssue({ title, body: str(b.body) ?? null, labels: b.labels ? labelNames(b.labels) : [], user: login });
      return { status: 201, body: issueJson(issue), headers: { location: `${base}${repoPath}/issues/${issue.number}` } };
    }],
    ['GET', R('{repo}/issues/(\\d+)'), (m) => ({ status: 200, body: issueJson(getIssue(Number(m[1]))) })],
    ['PATCH', R('{repo}/issues/(\\d+)'), (m, _u, b) => {
      const issue = getIssue(Number(m[1]));
      if (b.title !== undefined) issue.title = str(b.title) ?? issue.title;
      if (b.body !== undefined) issue.body = str(b.body) ?? null;
      if (b.labels !== undefined) issue.labels = labelNames(b.labels).map((n) => ensureLabel(n).name);
      if (b.state === 'open' || b.state === 'closed') {
        if (b.state !== issue.state) {
          issue.state = b.state;
          issue.closed_at = b.state === 'closed' ? stamp(now()) : null;
          issue.state_reason = b.state === 'closed' ? (str(b.state_reason) ?? 'completed') : 'reopened';
        }
      } else if (b.state !== undefined) throw validation('Issue', 'invalid', 'state');
      touch(issue);
      return { status: 200, body: issueJson(issue) };
    }],
    ['GET', R('{repo}/issues/(\\d+)/comments'), (m, url) => {
      const n = getIssue(Number(m[1])).number;
      const since = url.searchParams.get('since');
      const list = state.comments.filter((c) => c.issue_number === n && (!since || Date.parse(c.updated_at) >= Date.parse(since)));
      const p = page(list, url);
      return { status: 200, body: p.items.map(commentJson), headers: p.headers };
    }],
    ['POST', R('{repo}/issues/(\\d+)/comments'), (m, _u, b, login) => {
      const issue = getIssue(Number(m[1]));
      const body = str(b.body);
      if (!body) throw validation('IssueComment', 'missing_field', 'body');
      if (body.length > 65536) throw validation('IssueComment', 'custom', 'body', 'body is too long (maximum is 65536 characters)');
      const c = addComment(issue, body, login);
      return { status: 201, body: commentJson(c) };
    }],
    ['GET', R('{repo}/issues/comments/(\\d+)'), (m) => ({ status: 200, body: commentJson(getComment(Number(m[1]))) })],
    ['PATCH', R('{repo}/issues/comments/(\\d+)'), (m, _u, b) => {
      const c = getComment(Number(m[1]));
      const body = str(b.body);
      if (!body) throw validation('IssueComment', 'missing_field', 'body');
      c.body = body;
      c.updated_at = stamp(now());
      return { status: 200, body: commentJson(c) };
    }],
    ['DELETE', R('{repo}/issues/comments/(\\d+)'), (m) => {
      const c = getComment(Number(m[1]));
      state.comments.splice(state.comments.indexOf(c), 1);
      return { status: 204 };
    }],
    ['GET', R('{repo}/issues/(\\d+)/labels'), (m, url) => {
      const p = page(getIssue(Number(m[1])).labels.map((n) => labelJson(ensureLabel(n))), url);
      return { status: 200, body: p.items, headers: p.headers };
    }],
    ['POST', R('{repo}/issues/(\\d+)/labels'), (m, _u, b) => {
      const issue = getIssue(Number(m[1]));
      for (const n of labelNames(b)) if (!issue.labels.some((l) => l.toLowerCase() === n.toLowerCase())) issue.labels.push(ensureLabel(n).name);
      touch(issue);
      return { status: 200, body: issue.labels.map((n) => labelJson(ensureLabel(n))) };
    }],
    ['PUT', R('{repo}/issues/(\\d+)/labels'), (m, _u, b) => {
      const issue = getIssue(Number(m[1]));
      issue.labels = [...new Set(labelNames(b).map((n) => ensureLabel(n).name))];
      touch(issue);
      return { status: 200, body: issue.labels.map((n) => labelJson(ensureLabel(n))) };
    }],
    ['DELETE', R('{repo}/issues/(\\d+)/labels'), (m) => {
      const issue = getIssue(Number(m[1]));
      issue.labels = [];
      touch(issue);
      return { status: 204 };
    }],
    ['DELETE', R('{repo}/issues/(\\d+)/labels/([^/]+)'), (m) => {
      const issue = getIssue(Number(m[1]));
      const before = issue.labels.length;
      issue.labels = issue.labels.filter((l) => l.toLowerCase() !== m[2].toLowerCase());
      if (issue.labels.length === before) throw new HttpError(404, 'Label does not exist');
      touch(issue);
      return { status: 200, body: issue.labels.map((n) => labelJson(ensureLabel(n))) };
    }],
    ['GET', R('{repo}/labels'), (_m, url) => {
      const p = page(state.labels, url);
      return { status: 200, body: p.items.map(labelJson), headers: p.headers };
    }],
    ['POST', R('{repo}/labels'), (_m, _u, b) => {
      const name = str(b.name);
      if (!name) throw validation('Label', 'missing_field', 'name');
      if (findLabel(name)) throw validation('Label', 'already_exists', 'name');
      const color = (str(b.color) ?? 'ededed').replace(/^#/, '');
      if (!/^[0-9a-f]{6}$/i.test(color)) throw validation('Label', 'invalid', 'color');
      const label = { id: nextId(), name, color, description: str(b.description) ?? null };
      state.labels.push(label);
      return { status: 201, body: labelJson(label) };
    }],
    ['GET', R('{repo}/labels/([^/]+)'), (m) => ({ status: 200, body: labelJson(mustLabel(m[1])) })],
    ['PATCH', R('{repo}/labels/([^/]+)'), (m, _u, b) => {
      const label = mustLabel(m[1]);
      const newName = str(b.new_name);
      if (newName && newName.toLowerCase() !== label.name.toLowerCase() && findLabel(newName)) throw validation('Label', 'already_exists', 'name');
      if (b.color !== undefined) {
        const color = (str(b.color) ?? '').replace(/^#/, '');
        if (!/^[0-9a-f]{6}$/i.test(color)) throw validation('Label', 'invalid', 'color');
        label.color = color;
      }
      if (b.description !== undefined) label.description = str(b.description) ?? null;
      if (newName) {
        for (const i of state.issues) i.labels = i.labels.map((l) => (l === label.name ? newName : l));
        label.name = newName;
      }
      return { status: 200, body: labelJson(label) };
    }],
    ['DELETE', R('{repo}/labels/([^/]+)'), (m) => {
      const label = mustLabel(m[1]);
      state.labels.splice(state.labels.indexOf(label), 1);
      for (const i of state.issues) i.labels = i.labels.filter((l) => l !== label.name);
      return { status: 204 };
    }],
    ['GET', R('{repo}/collaborators/([^/]+)/permission'), (m) => {
      const perm = state.permissions.get(m[1]);
      if (!perm) throw new HttpError(404, `${m[1]} is not a user`);
      // `permission` is GitHub's legacy four-level value; role_name carries maintain and triage.
      const legacy = perm === 'maintain' ? 'write' : perm === 'triage' ? 'read' : perm;
      return { status: 200, body: { permission: legacy, role_name: perm, user: { ...userJson(m[1]), permissions: { admin: perm === 'admin', push: ['admin', 'maintain', 'write'].includes(perm), pull: perm !== 'none' } } } };
    }],
    ['GET', R('{repo}/collaborators/([^/]+)'), (m) => {
      const perm = state.permissions.get(m[1]);
      if (!perm || perm === 'none') throw new HttpError(404, 'Not Found');
      return { status: 204 };
    }],
    ['GET', R('{repo}/pulls'), (_m, url) => {
      const st = url.searchParams.get('state') ?? 'open';
      const head = url.searchParams.get('head')?.replace(/^[^:]*:/, '');
      const baseRef = url.searchParams.get('base');
      const list = state.issues.filter((i) => i.pull && (st === 'all' || i.state === st) && (!head || i.pull.head === head) && (!baseRef || i.pull.base === baseRef)).reverse();
      const p = page(list, url);
      return { status: 200, body: p.items.map(pullJson), headers: p.headers };
    }],
    ['POST', R('{repo}/pulls'), (_m, _u, b, login) => {
      const title = str(b.title), head = str(b.head)?.replace(/^[^:]*:/, ''), baseRef = str(b.base);
      if (!title) throw validation('PullRequest', 'missing_field', 'title');
      if (!head || !state.branches.has(head)) throw validation('PullRequest', 'invalid', 'head');
      if (!baseRef || !state.branches.has(baseRef)) throw validation('PullRequest', 'invalid', 'base');
      if (state.issues.some((i) => i.pull && i.state === 'open' && i.pull.head === head && i.pull.base === baseRef)) {
        throw validation('PullRequest', 'custom', 'head', `A pull request already exists for ${owner}:${head}.`);
      }
      const pr = createIssue({ title, body: str(b.body) ?? null, user: login, pull: { head, base: baseRef, draft: b.draft === true, merged: false, mergedAt: null } });
      return { status: 201, body: pullJson(pr) };
    }],
    ['GET', R('{repo}/pulls/(\\d+)'), (m) => ({ status: 200, body: pullJson(mustPull(Number(m[1]))) })],
    ['PATCH', R('{repo}/pulls/(\\d+)'), (m, _u, b) => {
      const pr = mustPull(Number(m[1]));
      if (b.title !== undefined) pr.title = str(b.title) ?? pr.title;
      if (b.body !== undefined) pr.body = str(b.body) ?? null;
      if (b.state === 'open' || b.state === 'closed') {
        pr.state = b.state;
        pr.closed_at = b.state === 'closed' ? stamp(now()) : null;
      }
      touch(pr);
      return { status: 200, body: pullJson(pr) };
    }],
    ['PUT', R('{repo}/pulls/(\\d+)/merge'), (m) => {
      const pr = mustPull(Number(m[1]));
      if (pr.state !== 'open') throw new HttpError(405, 'Pull Request is not mergeable');
      const head = branchFiles(pr.pull!.head), target = branchFiles(pr.pull!.base);
      const sha = commit(target.sha, new Map(head.files), `Merge pull request #${pr.number}`);
      state.branches.set(pr.pull!.base, sha);
      pr.pull!.merged = true;
      pr.state = 'closed';
      pr.closed_at = pr.pull!.mergedAt = stamp(now());
      touch(pr);
      return { status: 200, body: { sha, merged: true, message: 'Pull Request successfully merged' } };
    }],
    ['GET', R('{repo}/contents/?(.*)'), (m, url) => contents('GET', m[1], url, {})],
    ['PUT', R('{repo}/contents/(.+)'), (m, url, b) => contents('PUT', m[1], url, b)],
    ['DELETE', R('{repo}/contents/(.+)'), (m, url, b) => contents('DELETE', m[1], url, b)],
    ['GET', R('{repo}/git/refs?/heads(?:/|%2F)(.+)'), (m) => ({ status: 200, body: refJson(m[1]) })],
    ['GET', R('{repo}/branches/(.+)'), (m) => ({ status: 200, body: { name: m[1], commit: { sha: branchFiles(m[1]).sha }, protected: false } })],
    ['POST', R('{repo}/git/refs'), (_m, _u, b) => {
      const ref = str(b.ref), sha = str(b.sha);
      if (!ref?.startsWith('refs/heads/')) throw new HttpError(422, 'Reference name must start with refs/heads/');
      if (!sha || !state.commits.has(sha)) throw new HttpError(422, 'Object does not exist');
      const branch = ref.slice('refs/heads/'.length);
      if (state.branches.has(branch)) throw new HttpError(422, 'Reference already exists');
      state.branches.set(branch, sha);
      return { status: 201, body: refJson(branch) };
    }],
    ['PATCH', R('{repo}/git/refs/heads(?:/|%2F)(.+)'), (m, _u, b) => {
      const sha = str(b.sha);
      if (!state.branches.has(m[1])) throw new HttpError(422, 'Reference does not exist');
      if (!sha || !state.commits.has(sha)) throw new HttpError(422, 'Object does not exist');
      state.branches.set(m[1], sha);
      return { status: 200, body: refJson(m[1]) };
    }],
    ['DELETE', R('{repo}/git/refs/heads(?:/|%2F)(.+)'), (m) => {
      if (!state.branches.delete(m[1])) throw new HttpError(422, 'Reference does not exist');
      return { status: 204 };
    }],
  ];

  function getComment(id: number) {
    const c = state.comments.find((x) => x.id === id);
    if (!c) throw new HttpError(404, 'Not Found');
    return c;
  }
  function mustLabel(name: string) {
    const l = findLabel(name);
    if (!l) throw new HttpError(404, 'Not Found');
    return l;
  }
  function mustPull(n: number) {
    const i = getIssue(n);
    if (!i.pull) throw new HttpError(404, 'Not Found');
    return i;
  }
  function addComment(issue: StoredIssue, body: string, user: string, createdAt?: string): StoredComment {
    const at = createdAt ?? stamp(now());
    const c: StoredComment = { id: nextId(), issue_number: issue.number, body, user, created_at: at, updated_at: at };
    state.comments.push(c);
    if (!createdAt) touch(issue);
    return c;
  }

  function route(method: string, url: URL, body: Record<string, unknown>, login: string): Reply {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    for (const [m, pattern, handler] of routes) {
      if (m !== method) continue;
      const match = pattern.exec(path);
      if (match) return handler(match.map((g) => decodeURIComponent(g ?? "")), url, body, login);
    }
    throw new HttpError(404, 'Not Found');
  }

  // --- faults ----------------------------------------------------------------------------------------
  function takeFault(method: string, path: string): Fault | null {
    const f = faults.find((x) =>
      (!x.method || x.method.toUpperCase() === method) &&
      (!x.path || (typeof x.path === 'string' ? x.path === path : x.path.test(path))));
    if (!f) return null;
    if (--f.left <= 0) faults = faults.filter((x) => x !== f);
    return f;
  }
  const rateHeaders = (remaining: number, resetInSeconds = 3600) => ({
    'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-used': String(5000 - remaining),
    'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + resetInSeconds), 'x-ratelimit-resource': 'core',
  });
  function faultReply(f: Fault): Reply | null {
    switch (f.kind) {
      case 'status':
        return { status: f.status, body: { message: f.message ?? (f.status >= 500 ? 'Server Error' : 'Error'), documentation_url: DOCS } };
      case 'secondary-rate-limit':
        return {
          status: 403,
          headers: { 'retry-after': String(f.retryAfter ?? 1) },
          body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' },
        };
      case 'primary-rate-limit':
        return {
          status: f.status ?? 403,
          headers: rateHeaders(0, f.resetInSeconds ?? 1),
          body: { message: 'API rate limit exceeded for user ID 1.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' },
        };
      default:
        return null;
    }
  }

  // --- server --------------------------------------------------------------------------------------
  function send(res: ServerResponse, reply: Reply) {
    const headers: Record<string, string> = {
      ...rateHeaders(4999),
      'x-github-request-id': randomBytes(6).toString('hex').toUpperCase(),
      'x-github-api-version-selected': '2022-11-28',
      ...reply.headers,
    };
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers).end();
    } else {
      res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(reply.body));
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', base);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = decodeURIComponent(url.pathname);
    const text = Buffer.concat(chunks).toString('utf8');
    const entry: LoggedRequest = { method, path, query: Object.fromEntries(url.searchParams), body: undefined, login: null, status: 0, fault: null };
    state.requests.push(entry);
    let body: Record<string, unknown> = {};
    let reply: Reply;
    const fault = takeFault(method, path.replace(/\/+$/, '') || '/');
    entry.fault = fault?.kind ?? null;
    if (fault?.kind === 'reset') return void req.socket.destroy();
    if (fault?.kind === 'hang') {
      if (fault.ms === undefined) return; // never answered; close() drops the connection
      await new Promise<void>((r) => {
        const timer = setTimeout(() => (delays.delete(timer), r()), fault.ms);
        delays.add(timer);
      });
      if (res.destroyed || req.socket.destroyed) return;
    }
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const login = token ? tokens[token] : undefined;
    const injected = fault ? faultReply(fault) : null;
    if (!login) {
      reply = { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } };
    } else if (injected) {
      entry.login = login;
      reply = injected;
    } else {
      entry.login = login;
      try {
        if (text) {
          body = JSON.parse(text);
          entry.body = body;
        }
        reply = route(method, url, body ?? {}, login);
      } catch (err) {
        if (err instanceof SyntaxError) reply = { status: 400, body: { message: 'Problems parsing JSON', documentation_url: DOCS } };
        else if (err instanceof HttpError) reply = { status: err.status, body: { message: err.message, ...err.extra, documentation_url: DOCS, status: String(err.status) } };
        else reply = { status: 500, body: { message: `stand-in error: ${(err as Error).message}` } };
      }
    }
    if (fault?.kind === 'lost-response') return void req.socket.destroy();
    entry.status = reply.status;
    send(res, reply);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    owner,
    repo,
    token: Object.keys(tokens)[0],
    state,
    injectFault(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    clearFaults() {
      faults = [];
    },
    issues: () => state.issues.filter((i) => !i.pull),
    seedIssue: (input) => createIssue({ ...input, user: input.user ?? Object.values(tokens)[0] }),
    seedComment: (n, input) => addComment(getIssue(n), input.body, input.user, input.createdAt),
    readFile(path, branch = defaultBranch) {
      const sha = state.branches.get(branch);
      const data = sha ? state.commits.get(sha)!.files.get(path) : undefined;
      return data ? data.toString('utf8') : null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of delays) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
