/**
 * TrackerPort on GitHub Issues through Octokit, with @octokit/plugin-retry (5xx, network errors,
 * timeouts) and @octokit/plugin-throttling (primary and secondary rate limits, honouring retry-after
 * and x-ratelimit-reset). Every failure leaves as a typed error from `errors.ts`: callers only ask
 * `isRetryable(err)` to decide between "queue it in the outbox" and "this request is wrong".
 *
 * Creating is the one operation that must never happen twice (DEVELOPERS.md: nothing a submitter sent is
 * ever duplicated). A POST that times out or answers 5xx may still have been applied by GitHub, so
 * creates are never retried blindly: before each retry we look for what the lost attempt may have made
 * (the marker for issues, an identical recent comment for comments).
 */
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { TrackerRequestError, TrackerUnavailableError, isRetryable } from './errors.ts';
import type { IssueFilter, Permission, TrackerComment, TrackerIssue, TrackerLabel, TrackerPort } from './port.ts';

export { TrackerRequestError, TrackerUnavailableError, isRetryable } from './errors.ts';

/** What the rate-limit hook is told; returned for logging and tests. */
export interface RateLimitEvent {
  kind: 'primary' | 'secondary';
  /** Seconds GitHub asked us to wait. */
  retryAfter: number;
  /** Retries already made for this request. */
  retryCount: number;
  /** Whether the adapter waits and retries (false: it gives up with TrackerUnavailableError). */
  willRetry: boolean;
  method: string;
  url: string;
}

export interface OctokitTrackerOptions {
  /** A token with issues read/write and metadata read (contents + pull requests write for publishing). */
  token: string;
  owner: string;
  repo: string;
  /** API root; default https://api.github.com (GitHub Enterprise: https://HOST/api/v3; tests: the stand-in). */
  baseUrl?: string;
  userAgent?: string;
  /** Per-attempt request timeout in ms (default 10,000). A timeout counts as "unavailable". */
  timeoutMs?: number;
  /** Retries after 5xx, network errors and timeouts (default 3; waits retryBaseMs x 1, 4, 9...). */
  retries?: number;
  /** Milliseconds of the back-off unit between those retries (default 1000). */
  retryBaseMs?: number;
  /** Retries after a primary or secondary rate limit (default 2). */
  rateLimitRetries?: number;
  /** Give up at once when GitHub asks for a longer wait than this, in seconds (default 60). */
  maxRateLimitWaitSeconds?: number;
  /**
   * Milliseconds per second of a retry-after / x-ratelimit-reset wait (default 1000). Tests shrink it so a
   * "retry-after: 1" is honoured without sleeping a whole second.
   */
  rateLimitSecondMs?: number;
  /**
   * Space writes (1 s), searches (2 s) and notifying writes (3 s) apart as GitHub's REST best practices
   * ask, to stay clear of secondary rate limits (default true). Tests against the stand-in turn it off.
   */
  pacing?: boolean;
  /** Called on every rate-limit answer (logging, tests). */
  onRateLimit?: (event: RateLimitEvent) => void;
  /** fetch implementation (default globalThis.fetch). */
  fetch?: typeof globalThis.fetch;
  /** findIssueByMarker's fallback scan: at most this many pages of 100 recent issues (default 3). */
  scanPages?: number;
  /** ... and only issues created in the last this many ms (default 24 h). */
  scanWindowMs?: number;
}

/**
 * Operational tuning from the environment, so one deployment can differ from another without code:
 * TRACKER_TIMEOUT_MS, TRACKER_RETRIES, TRACKER_RETRY_BASE_MS, TRACKER_RATE_LIMIT_RETRIES,
 * TRACKER_MAX_RATE_LIMIT_WAIT_S (numbers) and TRACKER_PACING=off. Unset or invalid values keep the defaults.
 * (Not GITHUB_*: GitHub reserves that prefix for its own variables.)
 */
export function trackerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<OctokitTrackerOptions> {
  const num = (name: string) => {
    const v = env[name];
    return v !== undefined && v !== '' && Number.isFinite(Number(v)) && Number(v) >= 0 ? Number(v) : undefined;
  };
  const out: Partial<OctokitTrackerOptions> = {
    timeoutMs: num('TRACKER_TIMEOUT_MS'),
    retries: num('TRACKER_RETRIES'),
    retryBaseMs: num('TRACKER_RETRY_BASE_MS'),
    rateLimitRetries: num('TRACKER_RATE_LIMIT_RETRIES'),
    maxRateLimitWaitSeconds: num('TRACKER_MAX_RATE_LIMIT_WAIT_S'),
    pacing: env.TRACKER_PACING === 'off' ? false : undefined,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

type GitHubIssue = {
  number: number;
  title: string;
  body?: string | null;
  labels: (string | { name?: string })[];
  state: string;
  user: { login: string } | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  html_url: string;
  pull_request?: unknown;
};
type GitHubComment = { id: number; body?: string; user: { login: string } | null; created_at: string };

export function toTrackerIssue(i: GitHubIssue): TrackerIssue {
  return {
    number: i.number,
    title: i.title,
    body: i.body ?? '',
    labels: i.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
    state: i.state === 'closed' ? 'closed' : 'open',
    author: i.user?.login ?? 'ghost',
    createdAt: i.created_at,
    updatedAt: i.updated_at,
    closedAt: i.closed_at,
    url: i.html_url,
  };
}

const toTrackerComment = (c: GitHubComment): TrackerComment => ({
  id: c.id,
  author: c.user?.login ?? 'ghost',
  body: c.body ?? '',
  createdAt: c.created_at,
});

type HttpError = Error & { status?: number; response?: { headers?: Record<string, string | undefined>; data?: unknown } };

function causes(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = err; e && out.length < 8; e = (e as { cause?: unknown }).cause) out.push(e);
  return out;
}

function isRateLimit(e: HttpError): boolean {
  const h = e.response?.headers ?? {};
  return e.status === 429 || (e.status === 403 && (h['x-ratelimit-remaining'] === '0' || h['retry-after'] !== undefined || /rate limit/i.test(e.message)));
}

function rateLimitWait(e: HttpError): number | undefined {
  const h = e.response?.headers ?? {};
  if (h['retry-after'] !== undefined) return Number(h['retry-after']) || undefined;
  if (h['x-ratelimit-reset'] !== undefined) return Math.max(0, Math.ceil(Number(h['x-ratelimit-reset']) - Date.now() / 1000));
  return undefined;
}

/** Maps an Octokit / fetch failure onto the two tracker error types; other errors pass through. */
export function toTrackerError(err: unknown, what: string): unknown {
  if (err instanceof TrackerUnavailableError || err instanceof TrackerRequestError) return err;
  const e = err as HttpError;
  const message = `GitHub ${what}: ${e?.message ?? String(err)}`;
  const chain = causes(err);
  if (chain.some((c) => ['TimeoutError', 'AbortError'].includes((c as Error)?.name))) {
    return new TrackerUnavailableError(message, { reason: 'timeout', cause: err });
  }
  if (typeof e?.status !== 'number') return err;
  if (isRateLimit(e)) {
    return new TrackerUnavailableError(message, { reason: 'rate-limit', status: e.status, retryAfterSeconds: rateLimitWait(e), cause: err });
  }
  // @octokit/request reports a fetch that failed before any response as status 500 without a response.
  if (!e.response) return new TrackerUnavailableError(message, { reason: 'network', cause: err });
  if (e.status >= 500) return new TrackerUnavailableError(message, { reason: 'server', status: e.status, cause: err });
  if (e.status >= 400) return new TrackerRequestError(message, { status: e.status, cause: err });
  return err;
}

const statusOf = (err: unknown) => (err as HttpError)?.status;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Bottleneck.Group look-alike that runs jobs at once: `pacing: false`. */
const unpaced = { key: () => ({ schedule: (_opts: unknown, fn: (...a: unknown[]) => unknown, ...args: unknown[]) => fn(...args) }) };

const RetryingOctokit = Octokit.plugin(retry, throttling);

export function createOctokitTracker(options: OctokitTrackerOptions): TrackerPort & { octokit: InstanceType<typeof RetryingOctokit> } {
  const { owner, repo } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 3;
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const rateLimitRetries = options.rateLimitRetries ?? 2;
  const maxWait = options.maxRateLimitWaitSeconds ?? 60;
  const scanPages = options.scanPages ?? 3;
  const scanWindowMs = options.scanWindowMs ?? 24 * 3600_000;
  const baseFetch = options.fetch ?? globalThis.fetch;

  // One timeout per attempt (a signal given to the constructor would be shared by every request).
  const fetchWithTimeout: typeof globalThis.fetch = (input, init = {}) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return baseFetch(input, { ...init, signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  };

  const onLimit = (kind: RateLimitEvent['kind']) => (retryAfter: number, req: { method: string; url: string }, _o: unknown, retryCount: number) => {
    const willRetry = retryCount < rateLimitRetries && retryAfter <= maxWait;
    options.onRateLimit?.({ kind, retryAfter, retryCount, willRetry, method: req.method, url: req.url });
    return willRetry;
  };

  const octokit = new RetryingOctokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'drg-feedback-tracker',
    request: { fetch: fetchWithTimeout },
    log: { debug: () => {}, info: () => {}, warn: console.warn, error: console.error },
    // 429 is left to the throttling plugin alone, or both plugins would retry it.
    retry: { retries, retryAfterBaseValue: retryBaseMs, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    throttle: {
      // Limiter queues are per process and per id: one per API host and repository.
      id: `${options.baseUrl ?? 'https://api.github.com'}|${owner}/${repo}`,
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      retryAfterBaseValue: options.rateLimitSecondMs ?? 1000,
      ...(options.pacing === false ? ({ write: unpaced, search: unpaced, notifications: unpaced } as object) : {}),
    },
  });

  /** Runs one API call, mapping its failure to a tracker error. */
  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toTrackerError(err, what);
    }
  }

  /**
   * A POST that must take effect once. Octokit's own retry is off for it; after a failure that may
   * have been applied (timeout, 5xx, lost connection) we look for its result before posting again.
   * Rate-limit refusals were not applied and the throttling plugin already retried them.
   */
  async function createOnce<T>(what: string, post: () => Promise<T>, findExisting: () => Promise<T | null>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call(what, post);
      } catch (err) {
        if (!(err instanceof TrackerUnavailableError) || err.reason === 'rate-limit' || attempt >= retries) throw err;
        await sleep((attempt + 1) ** 2 * retryBaseMs);
        const existing = await findExisting();
        if (existing) return existing;
      }
    }
  }

  const noRetry = { request: { retries: 0 } };

  async function findByMarker(marker: string): Promise<TrackerIssue | null> {
    // 1. Search. Quoted so the marker is matched as a phrase; the body is re-checked because search
    //    tokenises and may match a near miss.
    let searchError: unknown;
    try {
      const q = `"${marker.replace(/"/g, ' ')}" repo:${owner}/${repo} in:body is:issue`;
      const { data } = await octokit.request('GET /search/issues', { q, per_page: 20 });
      const hit = (data.items as GitHubIssue[]).find((i) => !i.pull_request && (i.body ?? '').includes(marker));
      if (hit) return toTrackerIssue(hit);
    } catch (err) {
      searchError = toTrackerError(err, 'search issues');
      if (!isRetryable(searchError)) throw searchError;
    }
    // 2. Scan recently created issues. GitHub's search index lags behind writes by seconds to minutes,
    //    and the case this lookup exists for is exactly the fresh one: the process created the issue,
    //    then crashed or lost the response before the outbox recorded it, and a retry runs moments
    //    later. That issue is among the newest, so a bounded scan of recent issues finds it where search
    //    cannot yet. Older issues are long indexed, so the window and page limit keep this cheap.
    const cutoff = Date.now() - scanWindowMs;
    const found = await call('scan recent issues', async () => {
      let pages = 0;
      const iterator = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
        owner, repo, state: 'all', sort: 'created', direction: 'desc', per_page: 100,
      });
      for await (const { data } of iterator) {
        for (const i of data as GitHubIssue[]) {
          if (Date.parse(i.created_at) < cutoff) return null;
          if (!i.pull_request && (i.body ?? '').includes(marker)) return toTrackerIssue(i);
        }
        if (++pages >= scanPages) return null;
      }
      return null;
    });
    if (found) return found;
    // Search failed and the scan did not find it: absence is not proven, so do not answer "no".
    if (searchError) throw searchError;
    return null;
  }

  return {
    octokit,

    async createIssue({ title, body: text, labels, marker }) {
      // findIssueByMarker reads bodies, so the marker must be in this one (callers usually embed it).
      const body = text.includes(marker) ? text : `${text}\n\n<!-- ${marker} -->\n`;
      return createOnce(
        'create issue',
        async () => toTrackerIssue((await octokit.rest.issues.create({ owner, repo, title, body, labels, ...noRetry })).data as GitHubIssue),
        () => findByMarker(marker),
      );
    },

    findIssueByMarker: (marker) => findByMarker(marker),

    async getIssue(number) {
      try {
        const { data } = await octokit.rest.issues.get({ owner, repo, issue_number: number });
        return data.pull_request ? null : toTrackerIssue(data as GitHubIssue);
      } catch (err) {
        if (statusOf(err) === 404 || statusOf(err) === 410) return null;
        throw toTrackerError(err, `get issue #${number}`);
      }
    },

    async listIssues(filter: IssueFilter = {}) {
      const items = await call('list issues', () =>
        octokit.paginate(octokit.rest.issues.listForRepo, {
          owner, repo, per_page: 100,
          state: filter.state ?? 'open',
          ...(filter.labels?.length ? { labels: filter.labels.join(',') } : {}),
          ...(filter.since ? { since: filter.since } : {}),
        }),
      );
      // The issues endpoint also returns pull requests; the tracker holds only issues.
      return (items as GitHubIssue[]).filter((i) => !i.pull_request).map(toTrackerIssue).sort((a, b) => a.number - b.number);
    },

    async updateIssue(number, patch) {
      const { data } = await call(`update issue #${number}`, () => octokit.rest.issues.update({ owner, repo, issue_number: number, ...patch }));
      return toTrackerIssue(data as GitHubIssue);
    },

    async addLabels(number, labels) {
      if (labels.length === 0) return;
      await call(`label issue #${number}`, () => octokit.rest.issues.addLabels({ owner, repo, issue_number: number, labels }));
    },

    async removeLabel(number, label) {
      try {
        await octokit.rest.issues.removeLabel({ owner, repo, issue_number: number, name: label });
      } catch (err) {
        if (statusOf(err) === 404) return; // not on the issue: already the state we want
        throw toTrackerError(err, `remove label from #${number}`);
      }
    },

    async listComments(number) {
      const items = await call(`list comments of #${number}`, () =>
        octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 }),
      );
      return (items as GitHubComment[]).map(toTrackerComment);
    },

    async createComment(number, body) {
      const started = Date.now() - 60_000; // tolerate clock skew between us and GitHub
      return createOnce(
        `comment on #${number}`,
        async () => toTrackerComment((await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body, ...noRetry })).data as GitHubComment),
        async () => {
          const comments = await call(`list comments of #${number}`, () =>
            octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 }),
          );
          const same = (comments as GitHubComment[]).find((c) => c.body === body && Date.parse(c.created_at) >= started);
          return same ? toTrackerComment(same) : null;
        },
      );
    },

    async updateComment(id, body) {
      await call(`update comment ${id}`, () => octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body }));
    },

    async getPermission(login) {
      try {
        const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: login });
        // `permission` is the legacy four-level value (maintain shows as write); role_name is exact.
        const role = (data as { role_name?: string }).role_name;
        const levels: Permission[] = ['admin', 'maintain', 'write', 'triage', 'read', 'none'];
        return levels.includes(role as Permission) ? (role as Permission) : levels.includes(data.permission as Permission) ? (data.permission as Permission) : 'none';
      } catch (err) {
        if (statusOf(err) === 404) return 'none'; // not a collaborator, or no such user
        throw toTrackerError(err, `permission of ${login}`);
      }
    },

    async listLabels() {
      const items = await call('list labels', () => octokit.paginate(octokit.rest.issues.listLabelsForRepo, { owner, repo, per_page: 100 }));
      return items.map((l) => ({ name: l.name, color: l.color, description: l.description ?? '' }));
    },

    async upsertLabel({ name, color, description }) {
      try {
        await octokit.rest.issues.createLabel({ owner, repo, name, color, description });
      } catch (err) {
        const errors = ((err as HttpError).response?.data as { errors?: { code?: string }[] } | undefined)?.errors ?? [];
        if (statusOf(err) !== 422 || !errors.some((e) => e.code === 'already_exists')) throw toTrackerError(err, `create label ${name}`);
        await call(`update label ${name}`, () => octokit.rest.issues.updateLabel({ owner, repo, name, color, description }));
      }
    },
  };
}
