/**
 * The submission core: accept (idempotently, durably), deliver to the tracker now if it answers in time, otherwise
 * keep the job in the outbox and deliver it later. Everything it touches is injected (tracker, outbox, clock,
 * keys), so tests drive it against the GitHub stand-in or the local tracker without branches for tests.
 *
 * Guarantees (issues 3 and 11, "no loss, no duplicates"):
 * - A submission is durable in the store before anyone is told it was received.
 * - One idempotency key → one tracking code → one job → at most one issue: the key hash is a UNIQUE column. A
 *   repeated request with the same content returns the first receipt; with other content it is refused
 *   (IdempotencyConflictError → 422), as the IETF Idempotency-Key draft asks, instead of silently dropping the
 *   second opinion and handing its sender somebody else's code.
 * - A redelivery first asks the tracker for the issue carrying the code (findIssueByMarker), so a crash between
 *   creating the issue and recording the delivery never duplicates it; the local tracker writes an issue and its
 *   marker in one transaction.
 * - Deliveries of one job never overlap: in-process by the in-flight map, across processes by the store's lease.
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import type { DatabaseSync } from 'node:sqlite';
import type { SourceKey } from '../../../schemas/common.ts';
import type { Submission } from '../../../schemas/submission.ts';
import type { CodeList } from '../code-list.ts';
import { dueDate } from '../due.ts';
import type { LocalTracker } from '../tracker/local.ts';
import type { TrackerIssue, TrackerPort } from '../tracker/port.ts';
import { chinaDate, type WorkCalendar } from '../workdays.ts';
import { codeWarnings } from './code-warnings.ts';
import { isTransient, nextDelayMs, receiptOf, type BackoffPolicy, type OutboxJob, type Receipt } from './outbox.ts';
import type { Outbox } from './outbox-store.ts';
import type { Preparer } from './prepare-pool.ts';
import { parseTrackingCode } from './tracking-code.ts';

export type LogLevel = 'info' | 'warn' | 'error';

export interface SubmissionServiceDeps {
  bureau: Bureau;
  calendar: WorkCalendar;
  codeList: CodeList | null;
  outbox: Outbox;
  /** The tracker, created lazily (GitHub or the local tracker, scripts/lib/tracker/from-env.ts). */
  tracker: () => Promise<TrackerPort>;
  /**
   * The tracker when it lives in the outbox's own store (the embedded tracker, tracker/local.ts): a new
   * submission's issue is then created in the transaction that stores it, one commit instead of three.
   */
  trackerInStore?: Pick<LocalTracker, 'createIssueWithin'>;
  /**
   * Where submissions are hashed, redacted, sealed and rendered (prepare.ts), with the server's secret and the
   * bureau's public key: worker threads in the server (prepare-pool.ts), this thread elsewhere (inProcessPreparer).
   */
  preparer: Preparer;
  now?: () => Date;
  log?: (level: LogLevel, message: string) => void;
  /** How long a request waits for the tracker before answering 202 (the delivery carries on in the background). */
  deliveryTimeoutMs?: number;
  /** Retry policy of queued jobs. */
  backoff?: BackoffPolicy;
  /** Called after each delivery that opened a new issue, e.g. triage on the local tracker. Failures are logged, never fatal. */
  afterDeliver?: (issueNumber: number, issue: TrackerIssue) => Promise<unknown> | unknown;
  /**
   * The account this service opens issues as. A redelivery takes an issue carrying the code as its own only when
   * this account opened it: anyone can write a code into an issue of their own (issue 11, forgery).
   */
  intakeLogin?: string;
  /** Called with the issue of every recorded delivery (the /track index learns the issue's first status). */
  onDelivered?: (issue: TrackerIssue) => Promise<unknown> | unknown;
  /**
   * Writes that belong to a new submission, run in the transaction that stores it (the runtime: the reply address,
   * sealed attachments and the receipt in the mail queue), so none exists without the submission or twice.
   */
  onAccepted?: (w: DatabaseSync, accepted: { job: OutboxJob; input: SubmitInput }) => void;
}

export interface SubmitInput {
  submission: Submission;
  /** Idempotency key (client-given or derived). */
  key: string;
  /** Title of the announcement objected to, when known. */
  objectionTitle?: string;
  /** How it reached the bureau (default the web form). */
  source?: SourceKey;
  /** False when nobody ticked a category (a letter without the form): triage decides, the record says none. */
  categoryGiven?: boolean;
  /** Notes for staff shown in the issue (free of personal data), e.g. how a mail was read. */
  notes?: string[];
  /** Files that came with it (mail attachments): sealed in the store; the issue lists names (redacted) and sizes. */
  attachments?: { filename: string; contentType: string; size: number; content: Buffer }[];
}

class DeliveryTimeoutError extends Error {
  override name = 'DeliveryTimeoutError';
}

/** The idempotency key was first used with other content: the request is refused (HTTP 422). */
export class IdempotencyConflictError extends Error {
  override name = 'IdempotencyConflictError';
  readonly trackingCode: string;
  constructor(trackingCode: string) {
    super('idempotency key already used for another submission');
    this.trackingCode = trackingCode;
  }
}

export function createSubmissionService(deps: SubmissionServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? ((level, m) => console[level === 'info' ? 'log' : level](m));
  const timeoutMs = deps.deliveryTimeoutMs ?? 10_000;
  const backoff = deps.backoff ?? { baseMs: 5_000, maxMs: 10 * 60_000 };
  const { preparer } = deps;
  // Due dates depend on the receiving day and category only: computed once per day and category.
  const dueCache = new Map<string, string>();
  const due = (received: Date, category: Submission['category']) => {
    const k = `${chinaDate(received)}|${category}`;
    let d = dueCache.get(k);
    if (!d) {
      if (dueCache.size > 1000) dueCache.clear();
      d = dueDate(deps.bureau, deps.calendar, received, category);
      dueCache.set(k, d);
    }
    return d;
  };

  const inFlight = new Map<string, Promise<boolean>>();
  /** Jobs waiting for a retry: hash → attempts so far and when to try next. */
  const waiting = new Map<string, { job: OutboxJob; attempts: number; nextAt: number }>();

  async function deliverOnce(job: OutboxJob, mayExist: boolean): Promise<boolean> {
    const tracker = await deps.tracker();
    const found = mayExist ? await tracker.findIssueByMarker(job.trackingCode) : null;
    const existing = found && (!deps.intakeLogin || found.author === deps.intakeLogin) ? found : null;
    if (found && !existing) log('warn', `${job.trackingCode}: #${found.number} 含有此查询码，但不是本系统账号（${deps.intakeLogin}）登记的，不作为本意见`);
    const issue = existing ?? (await tracker.createIssue({ ...job.issue, marker: job.trackingCode }));
    await deps.outbox.markDelivered(job.hash, { issueNumber: issue.number, url: issue.url, deliveredAt: now().toISOString() });
    await recordedDelivery(job, issue, !!existing);
    return true;
  }

  /** What follows a recorded delivery: the /track index, the log line, in-process triage of a new issue. */
  async function recordedDelivery(job: OutboxJob, issue: TrackerIssue, existing: boolean) {
    waiting.delete(job.hash);
    if (deps.onDelivered) await Promise.resolve(deps.onDelivered(issue)).catch((e) => log('warn', `${job.trackingCode}: 记录议题状态失败：${(e as Error).message}`));
    log('info', `${job.trackingCode}: ${existing ? '已在跟踪系统中找到' : '已登记为'} #${issue.number}`);
    if (deps.afterDeliver && !existing) {
      Promise.resolve()
        .then(() => deps.afterDeliver!(issue.number, issue))
        .catch((e) => log('warn', `${job.trackingCode}: 登记后的自动分拣失败（#${issue.number}）：${(e as Error).message}`));
    }
  }

  /**
   * One delivery attempt, joined to any attempt already running for the job. Resolves false when the tracker
   * failed or did not answer within the timeout (the attempt may still finish later and record itself).
   */
  function deliver(job: OutboxJob, mayExist: boolean): Promise<boolean> {
    let running = inFlight.get(job.hash);
    if (!running) {
      running = deliverOnce(job, mayExist)
        .catch((e) => {
          schedule(job, e);
          void deps.outbox.markFailed(job.hash, String((e as Error)?.message ?? e)).catch(() => {});
          return false;
        })
        .finally(() => inFlight.delete(job.hash));
      inFlight.set(job.hash, running);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        log('warn', `${job.trackingCode}: 跟踪系统 ${timeoutMs} ms 内未响应，已转入待登记队列`);
        schedule(job, new DeliveryTimeoutError('timeout'));
        resolve(false);
      }, timeoutMs);
    });
    return Promise.race([running, timeout]).finally(() => clearTimeout(timer));
  }

  function schedule(job: OutboxJob, err: unknown) {
    const prev = waiting.get(job.hash);
    const attempts = (prev?.attempts ?? 0) + 1;
    const retryAfter = (err as { retryAfterSeconds?: number }).retryAfterSeconds;
    const transient = isTransient(err);
    // A request the tracker rejects outright (bad token, missing repository) is retried slowly: it needs a person.
    const delay = transient ? nextDelayMs(attempts, backoff, retryAfter) : backoff.maxMs;
    waiting.set(job.hash, { job, attempts, nextAt: now().getTime() + delay });
    if (!(err instanceof DeliveryTimeoutError)) {
      log(transient ? 'warn' : 'error', `${job.trackingCode}: 登记失败（第 ${attempts} 次，${Math.round(delay / 1000)} 秒后重试）：${(err as Error)?.message ?? err}`);
    }
  }

  const receiptFor = (job: OutboxJob, repeated: boolean): Receipt => receiptOf(job, !!deps.outbox.delivery(job.hash), repeated);
  /** The answer to a key used before: its receipt when the content is the same, else a conflict. */
  const repeatOf = (existing: { job: OutboxJob; contentHash: string | null }, contentHash: string): Receipt => {
    // Jobs imported from the journal store have no content hash: their keys are honoured as before.
    if (existing.contentHash !== null && existing.contentHash !== contentHash) throw new IdempotencyConflictError(existing.job.trackingCode);
    return receiptFor(existing.job, true);
  };

  return {
    /** Accepts a valid submission. Resolves once it is durable; `status` says whether the issue exists yet. */
    async submit(input: SubmitInput): Promise<Receipt> {
      const s = input.submission;
      const received = now();
      const { attachments, ...sent } = input;
      const request = {
        ...sent, receivedAt: received.toISOString(), deadline: due(received, s.category), office: deps.bureau.routing[s.category], warnings: codeWarnings(s, deps.codeList),
        attachments: attachments?.map((a) => ({ filename: a.filename, size: a.size })),
      };
      for (let attempt = 0; attempt < 20; attempt++) {
        const { keyHash, contentHash, sealedPersonal, job } = await preparer.prepare({ ...request, attempt });
        if (attempt === 0) {
          const seen = deps.outbox.byKey(keyHash);
          if (seen) return repeatOf(seen, contentHash);
        }
        let issueWithin: TrackerIssue | undefined;
        const inStore = deps.trackerInStore;
        const claimed = await deps.outbox.claim(job, contentHash, sealedPersonal, {
          alsoWrite: deps.onAccepted && ((w) => deps.onAccepted!(w, { job, input })),
          deliverWithin: inStore && ((w) => {
            issueWithin = inStore.createIssueWithin(w, { ...job.issue, marker: job.trackingCode });
            return { issueNumber: issueWithin.number, url: issueWithin.url, deliveredAt: now().toISOString() };
          }),
        });
        if (!claimed.created) {
          if (claimed.reason === 'code-taken') continue; // another submission owns this code: take the next
          return repeatOf({ job: claimed.existing, contentHash: claimed.contentHash }, contentHash); // a racing twin won
        }
        if (claimed.delivery && issueWithin) {
          await recordedDelivery(job, issueWithin, false);
          return receiptOf(job, true, false);
        }
        return receiptOf(job, await deliver(job, false), false);
      }
      throw new Error('无法分配查询码（20 次冲突）');
    },

    /** Delivers queued jobs (the retry loop and `npm run outbox:deliver`). Stops early while the tracker is down. */
    async deliverPending(opts: { minAgeMs?: number; budget?: number; owner?: string } = {}) {
      const result = { delivered: 0, failed: 0, skipped: 0, remaining: 0, locked: false };
      const release = await deps.outbox.tryLock(opts.owner ?? `pid-${process.pid}`, Math.max(60_000, timeoutMs * 4));
      if (!release) return { ...result, locked: true };
      try {
        const jobs = deps.outbox.pending();
        let budget = opts.budget ?? Infinity;
        let down = false;
        for (const job of jobs) {
          const young = now().getTime() - Date.parse(job.receivedAt) < (opts.minAgeMs ?? 0);
          if (down || young || budget <= 0 || inFlight.has(job.hash)) {
            result.skipped++;
            continue;
          }
          budget--;
          if (await deliver(job, true)) result.delivered++;
          else {
            result.failed++;
            down = true; // the tracker is failing: leave the rest for the next round instead of hammering it
          }
        }
        result.remaining = jobs.length - result.delivered;
        return result;
      } finally {
        await release();
      }
    },

    /** Runs due retries: call periodically (the runtime does, every second). */
    async retryDue(): Promise<void> {
      const t = now().getTime();
      const due = [...waiting.values()].filter((w) => w.nextAt <= t && !inFlight.has(w.job.hash));
      if (!due.length) return;
      const release = await deps.outbox.tryLock(`server-${process.pid}`, Math.max(60_000, timeoutMs * 4));
      if (!release) return;
      try {
        for (const w of due.sort((a, b) => a.nextAt - b.nextAt)) {
          if (deps.outbox.delivery(w.job.hash)) {
            waiting.delete(w.job.hash);
            continue;
          }
          if (!(await deliver(w.job, true))) break;
        }
      } finally {
        await release();
      }
    },

    /** Loads queued jobs from disk into the retry schedule (at start-up, and now and then). */
    async recover(): Promise<number> {
      let n = 0;
      for (const job of deps.outbox.pending()) {
        if (!waiting.has(job.hash) && !inFlight.has(job.hash)) {
          waiting.set(job.hash, { job, attempts: 0, nextAt: now().getTime() });
          n++;
        }
      }
      return n;
    },

    /** Number of jobs this process is waiting to retry. */
    waitingCount: () => waiting.size,

    /** The job and delivery for a tracking code, or nulls. */
    async lookup(code: string): Promise<{ job: OutboxJob | null; issueNumber: number | null }> {
      const parsed = parseTrackingCode(code);
      if (!parsed) return { job: null, issueNumber: null };
      const job = deps.outbox.get(parsed.hash);
      if (!job || job.trackingCode !== parsed.code) return { job: null, issueNumber: null };
      const d = deps.outbox.delivery(parsed.hash);
      return { job, issueNumber: d?.issueNumber ?? null };
    },
  };
}

export type SubmissionService = ReturnType<typeof createSubmissionService>;
