/**
 * The /track index of GitHub issues: what the public status of an opinion needs (state and labels), kept in the
 * store so that no public request ever calls GitHub (issue 11: 20 look-ups of made-up codes cost 40 API requests
 * and 39 s, and could spend the bot's quota). It learns from three writers: the delivery that opened the issue,
 * the webhook (site/pages/api/github-webhook.ts) and the once-a-minute sync (syncIssueStatus). An older update
 * never overwrites a newer one (updated_at decides), so the webhook and the sync may arrive in any order.
 */
import type { TrackerPort } from '../tracker/port.ts';
import type { Store } from './store.ts';

/** What /track reads of an issue. */
export interface IssueStatus {
  state: 'open' | 'closed';
  labels: string[];
  updatedAt: string;
  /** When it was closed (the retention period of its personal data runs from here); null while open. */
  closedAt: string | null;
}

export interface IssueStatusIndex {
  get(number: number): IssueStatus | null;
  record(issues: ({ number: number } & IssueStatus)[]): Promise<void>;
  /** The `since` of the next sync (ISO instant), null before the first. */
  syncedUpTo(): string | null;
  setSyncedUpTo(iso: string): Promise<void>;
}

export function createIssueStatusIndex(store: Store): IssueStatusIndex {
  const get = store.db.prepare('SELECT state, labels, updated_at, closed_at FROM issue_status WHERE number = ?');
  const synced = store.db.prepare("SELECT value FROM meta WHERE key = 'issue-status-synced'");
  return {
    get(number) {
      const row = get.get(number) as { state: 'open' | 'closed'; labels: string; updated_at: string; closed_at: string | null } | undefined;
      return row ? { state: row.state, labels: JSON.parse(row.labels) as string[], updatedAt: row.updated_at, closedAt: row.closed_at } : null;
    },
    async record(issues) {
      if (!issues.length) return;
      await store.write((w) => {
        const upsert = w.prepare(
          `INSERT INTO issue_status (number, state, labels, updated_at, closed_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (number) DO UPDATE SET state = excluded.state, labels = excluded.labels, updated_at = excluded.updated_at, closed_at = excluded.closed_at
           WHERE excluded.updated_at >= issue_status.updated_at`,
        );
        for (const i of issues) upsert.run(i.number, i.state, JSON.stringify(i.labels), i.updatedAt, i.state === 'closed' ? i.closedAt : null);
      });
    },
    syncedUpTo: () => (synced.get() as { value: string } | undefined)?.value ?? null,
    async setSyncedUpTo(iso) {
      await store.write((w) => {
        w.prepare("INSERT INTO meta (key, value) VALUES ('issue-status-synced', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(iso);
      });
    },
  };
}

/**
 * One round of the sync: the issues updated since the last round, at most `budget` of them (oldest first, so the
 * next round carries on where this one stopped). The first round looks back `firstLookBackMs`.
 */
export async function syncIssueStatus(
  tracker: TrackerPort,
  index: IssueStatusIndex,
  opts: { now: Date; budget: number; firstLookBackMs?: number },
): Promise<{ recorded: number; more: boolean }> {
  const since = index.syncedUpTo() ?? new Date(opts.now.getTime() - (opts.firstLookBackMs ?? 7 * 24 * 3600_000)).toISOString();
  const updated = (await tracker.listIssues({ state: 'all', since })).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
  const taken = updated.slice(0, opts.budget);
  await index.record(taken.map((i) => ({ number: i.number, state: i.state, labels: i.labels, updatedAt: i.updatedAt, closedAt: i.closedAt })));
  const more = updated.length > taken.length;
  // Up to the last issue taken when the budget cut the round short, else up to when this round started.
  await index.setSyncedUpTo(more ? taken[taken.length - 1].updatedAt : opts.now.toISOString());
  return { recorded: taken.length, more };
}
