/**
 * The embedded tracker, in the server's store (scripts/lib/store/), so the whole flow runs offline with
 * `npm start`. An issue and its marker are one row written in one transaction (the marker column is UNIQUE): a
 * crash can never leave an issue without its marker, which made redelivery open a second issue (issue 11). Labels
 * and comments are rows of their own, so a staff command and in-process triage writing at the same moment never
 * overwrite each other's change; numbers come from the table's AUTOINCREMENT, so processes sharing the store never
 * get the same number.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { Store } from '../store/store.ts';
import type { IssueFilter, Permission, TrackerComment, TrackerIssue, TrackerLabel, TrackerPort } from './port.ts';

export interface LocalTrackerOptions {
  store: Store;
  /** Login recorded as the author of issues and comments this process creates. */
  actor?: string;
  /** Clock, injectable for tests. */
  now?: () => Date;
}

export interface LocalTracker extends TrackerPort {
  /** Who may run staff commands on the local tracker (GitHub: repository collaborators). */
  setPermission(login: string, permission: Permission): Promise<void>;
  /**
   * createIssue inside a write the caller already runs on this store (the outbox's claim), so an accepted
   * submission, its issue and its delivery are one commit instead of three (issue 11: each commit waited for its
   * own sync). An issue with the same marker is returned instead of a second one.
   */
  createIssueWithin(w: DatabaseSync, input: Parameters<TrackerPort['createIssue']>[0]): TrackerIssue;
}

interface IssueRow {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  author: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  labels: string | null;
}

const selectIssue = `SELECT i.number, i.title, i.body, i.state, i.author, i.created_at, i.updated_at, i.closed_at,
  (SELECT json_group_array(name) FROM (SELECT name FROM tracker_issue_labels l WHERE l.issue = i.number ORDER BY rowid)) AS labels
  FROM tracker_issues i`;

const toIssue = (r: IssueRow): TrackerIssue => ({
  number: r.number,
  title: r.title,
  body: r.body,
  labels: r.labels ? (JSON.parse(r.labels) as string[]) : [],
  state: r.state,
  author: r.author,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  closedAt: r.closed_at,
  url: `tracker://local/issues/${r.number}`,
});

export function createLocalTracker(options: LocalTrackerOptions): LocalTracker {
  const { store } = options;
  const actor = options.actor ?? 'feedback-bot';
  const now = options.now ?? (() => new Date());
  const { db } = store;
  const byNumber = db.prepare(`${selectIssue} WHERE i.number = ?`);
  const byMarker = db.prepare(`${selectIssue} WHERE i.marker = ?`);

  // Prepared once: createIssue and label writes run for every submission.
  const markerNumber = db.prepare('SELECT number FROM tracker_issues WHERE marker = ?');
  const insertIssue = db.prepare("INSERT INTO tracker_issues (marker, title, body, state, author, created_at, updated_at) VALUES (?, ?, ?, 'open', ?, ?, ?)");
  const insertLabel = db.prepare('INSERT OR IGNORE INTO tracker_issue_labels (issue, name) VALUES (?, ?)');
  const exists = db.prepare('SELECT 1 FROM tracker_issues WHERE number = ?');
  const touchIssue = db.prepare('UPDATE tracker_issues SET updated_at = ? WHERE number = ?');
  const read = (n: number) => {
    const row = byNumber.get(n) as IssueRow | undefined;
    return row ? toIssue(row) : null;
  };
  const mustExist = (_w: DatabaseSync, n: number) => {
    if (!exists.get(n)) throw new Error(`local tracker: no issue #${n} in ${store.file}`);
  };
  const touch = (_w: DatabaseSync, n: number, stamp: string) => touchIssue.run(stamp, n);

  const createIssueWithin: LocalTracker['createIssueWithin'] = (_w, { title, body, labels, marker }) => {
    const existing = markerNumber.get(marker) as { number: number } | undefined;
    if (existing) return read(existing.number)!;
    const stamp = now().toISOString();
    const { lastInsertRowid } = insertIssue.run(marker, title, body, actor, stamp, stamp);
    for (const label of labels) insertLabel.run(lastInsertRowid, label);
    // The row just written, without reading it back (a submission's hot path).
    const number = Number(lastInsertRowid);
    return { number, title, body, labels: [...new Set(labels)], state: 'open', author: actor, createdAt: stamp, updatedAt: stamp, closedAt: null, url: `tracker://local/issues/${number}` };
  };

  return {
    createIssueWithin,
    async createIssue(input) {
      return store.write((w) => createIssueWithin(w, input));
    },
    async findIssueByMarker(marker) {
      const row = byMarker.get(marker) as IssueRow | undefined;
      return row ? toIssue(row) : null;
    },
    async getIssue(n) {
      return read(n);
    },
    async listIssues(filter: IssueFilter = {}) {
      const where: string[] = [];
      const params: string[] = [];
      const state = filter.state ?? 'open';
      if (state !== 'all') {
        where.push('i.state = ?');
        params.push(state);
      }
      if (filter.since) {
        where.push('i.updated_at >= ?');
        params.push(filter.since);
      }
      for (const label of filter.labels ?? []) {
        where.push('EXISTS (SELECT 1 FROM tracker_issue_labels l WHERE l.issue = i.number AND l.name = ?)');
        params.push(label);
      }
      const sql = `${selectIssue}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY i.number`;
      return (db.prepare(sql).all(...params) as unknown as IssueRow[]).map(toIssue);
    },
    async updateIssue(n, patch) {
      const stamp = now().toISOString();
      await store.write((w) => {
        mustExist(w, n);
        if (patch.title !== undefined) w.prepare('UPDATE tracker_issues SET title = ? WHERE number = ?').run(patch.title, n);
        if (patch.body !== undefined) w.prepare('UPDATE tracker_issues SET body = ? WHERE number = ?').run(patch.body, n);
        if (patch.state) {
          w.prepare('UPDATE tracker_issues SET closed_at = CASE WHEN ? = state THEN closed_at WHEN ? = \'closed\' THEN ? ELSE NULL END, state = ? WHERE number = ?').run(
            patch.state, patch.state, stamp, patch.state, n,
          );
        }
        touch(w, n, stamp);
      });
      return read(n)!;
    },
    async addLabels(n, labels) {
      const stamp = now().toISOString();
      await store.write((w) => {
        mustExist(w, n);
        for (const label of labels) insertLabel.run(n, label);
        touch(w, n, stamp);
      });
    },
    async removeLabel(n, label) {
      const stamp = now().toISOString();
      await store.write((w) => {
        mustExist(w, n);
        w.prepare('DELETE FROM tracker_issue_labels WHERE issue = ? AND name = ?').run(n, label);
        touch(w, n, stamp);
      });
    },
    async listComments(n) {
      if (!read(n)) throw new Error(`local tracker: no issue #${n} in ${store.file}`);
      return db.prepare('SELECT id, author, body, created_at AS createdAt FROM tracker_comments WHERE issue = ? ORDER BY id').all(n).map((r) => ({ ...r }) as unknown as TrackerComment);
    },
    async createComment(n, body) {
      const createdAt = now().toISOString();
      const id = await store.write((w) => {
        mustExist(w, n);
        const { lastInsertRowid } = w.prepare('INSERT INTO tracker_comments (issue, author, body, created_at) VALUES (?, ?, ?, ?)').run(n, actor, body, createdAt);
        touch(w, n, createdAt);
        return Number(lastInsertRowid);
      });
      return { id, author: actor, body, createdAt };
    },
    async updateComment(id, body) {
      const stamp = now().toISOString();
      await store.write((w) => {
        const row = w.prepare('SELECT issue FROM tracker_comments WHERE id = ?').get(id) as { issue: number } | undefined;
        if (!row) throw new Error(`local tracker: no comment ${id}`);
        w.prepare('UPDATE tracker_comments SET body = ? WHERE id = ?').run(body, id);
        touch(w, row.issue, stamp);
      });
    },
    async getPermission(login) {
      const row = db.prepare('SELECT permission FROM tracker_people WHERE login = ?').get(login) as { permission: Permission } | undefined;
      if (row) return row.permission;
      // Until someone is named, the local operator (`staff`, the CLI's default) and this process's own actor are
      // the bureau; everybody else may only read, as on a repository nobody has been invited to.
      const anyone = db.prepare('SELECT 1 FROM tracker_people LIMIT 1').get();
      return !anyone && (login === 'staff' || login === actor) ? 'admin' : 'none';
    },
    async setPermission(login, permission) {
      await store.write((w) => {
        w.prepare('INSERT INTO tracker_people (login, permission) VALUES (?, ?) ON CONFLICT (login) DO UPDATE SET permission = excluded.permission').run(login, permission);
      });
    },
    async listLabels() {
      return db.prepare('SELECT name, color, description FROM tracker_labels ORDER BY name').all().map((r) => ({ ...r }) as unknown as TrackerLabel);
    },
    async upsertLabel(label) {
      await store.write((w) => {
        w.prepare('INSERT INTO tracker_labels (name, color, description) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET color = excluded.color, description = excluded.description').run(
          label.name, label.color, label.description,
        );
      });
    },
  };
}
