/**
 * Carries verdicts from the store to the issue tracker: the thin shell around plan.ts. The verdict is stored
 * first (scripts/lib/store/verdicts.ts) and the submitter is answered from the store, so a tracker that is down
 * delays the comment and labels, never loses the verdict: its `synced_at` stays null and `syncPendingVerdicts`,
 * called from the server's background loop, applies it later. Each sync re-reads the issue and re-plans from
 * what is there, so a retry after a partial write finishes the job without doing anything twice.
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import type { VerdictRecord } from '../../../schemas/verdict.ts';
import { createBudget } from '../publish/plan.ts';
import type { Verdicts } from '../store/verdicts.ts';
import type { TrackerIssue, TrackerPort } from '../tracker/port.ts';
import { applyOperations } from '../triage/apply.ts';
import type { BotLogins } from '../triage/trust.ts';
import type { WorkCalendar } from '../workdays.ts';
import { planWebVerdict, type VerdictPlan } from './plan.ts';

export interface VerdictSyncDeps {
  verdicts: Verdicts;
  tracker: () => Promise<TrackerPort>;
  /** The issue number of a tracking code, null while the opinion is still queued (runtime.service.lookup). */
  issueOf: (trackingCode: string) => Promise<number | null>;
  bureau: Bureau;
  calendar: WorkCalendar;
  /** The system's own accounts: the verdict comment is recognised only when one of them wrote it. */
  bots: BotLogins;
  now?: () => Date;
  /** Told the issue as it is after the writes (the /track index of GitHub issues learns the new state at once). */
  onApplied?: (issue: TrackerIssue) => unknown;
}

export type SyncOutcome =
  | { status: 'synced'; plan: VerdictPlan }
  /** The opinion is not in the tracker yet (queued): tried again later. */
  | { status: 'waiting' }
  /** The tracker failed (down, rate-limited, timed out): tried again later. */
  | { status: 'failed'; error: string };

/** Applies one stored verdict to its issue and marks it synced. Never throws: failures are outcomes. */
export async function syncVerdict(record: VerdictRecord, deps: VerdictSyncDeps): Promise<SyncOutcome> {
  const now = deps.now ?? (() => new Date());
  try {
    const number = await deps.issueOf(record.trackingCode);
    if (number === null) return { status: 'waiting' };
    const port = await deps.tracker();
    const issue = await port.getIssue(number);
    if (!issue) return { status: 'failed', error: `找不到议题 #${number}` };
    const comments = await port.listComments(number);
    const plan = planWebVerdict({ issue, comments, bots: deps.bots, bureau: deps.bureau, calendar: deps.calendar, record });
    // One verdict's writes are a handful; the budget is there for applyOperations' all-or-nothing rule.
    await applyOperations(port, number, plan.operations, { dryRun: false, budget: createBudget(plan.operations.length) });
    await deps.verdicts.markSynced(record.trackingCode, record.changedAt, now());
    if (deps.onApplied && plan.operations.length) {
      const after = await port.getIssue(number);
      if (after) await deps.onApplied(after);
    }
    return { status: 'synced', plan };
  } catch (e) {
    return { status: 'failed', error: (e as Error).message };
  }
}

export interface PendingResult {
  synced: number;
  waiting: number;
  failed: number;
  /** The first failure's message, for the log. */
  error: string | null;
}

/**
 * One round of the retry loop: every verdict not yet on its issue, oldest change first, at most `limit`. Stops at
 * the first tracker failure (the tracker is most likely down for all of them; the next round tries again). A
 * verdict changed less than `settleMs` ago (default 60 s) is left to the request that stored it, which syncs it
 * at once: two syncs of one verdict at the same moment could each create the comment.
 */
export async function syncPendingVerdicts(deps: VerdictSyncDeps, options: { limit?: number; settleMs?: number } = {}): Promise<PendingResult> {
  const result: PendingResult = { synced: 0, waiting: 0, failed: 0, error: null };
  const now = (deps.now ?? (() => new Date()))();
  const before = new Date(now.getTime() - (options.settleMs ?? 60_000)).toISOString();
  for (const record of deps.verdicts.pending(options.limit ?? 20, before)) {
    const outcome = await syncVerdict(record, deps);
    if (outcome.status === 'synced') result.synced++;
    else if (outcome.status === 'waiting') result.waiting++;
    else {
      result.failed++;
      result.error ??= outcome.error;
      break;
    }
  }
  return result;
}
