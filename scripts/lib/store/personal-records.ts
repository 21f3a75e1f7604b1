/**
 * Personal data kept on the bureau's server (issue 12; 《个人信息保护法》第三十六条: personal information processed by
 * state organs is stored inside China). A record holds the name, the contact and the original text of one opinion,
 * sealed to the bureau's public key, so the server itself cannot read it either: staff decrypt on their own
 * computers (npm run contact). The tracker (GitHub) gets the redacted opinion and the tracking code only.
 * Every read, addition and erasure is logged (access_log).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Store } from './store.ts';

/** How staff name a record: a tracking code (web and mail submissions) or `#<issue>` (opinions staff entered). */
export type RecordRef = { trackingCode: string } | { issueNumber: number };

export const refText = (ref: RecordRef) => ('trackingCode' in ref ? ref.trackingCode : `#${ref.issueNumber}`);

export interface PersonalRecord {
  ref: string;
  trackingCode: string | null;
  issueNumber: number | null;
  /** Null once erased. */
  sealed: string | null;
  createdAt: string;
  erasedAt: string | null;
  erasedWhy: 'retention' | 'request' | null;
}

export interface AccessEntry {
  at: string;
  person: string;
  tokenId: number | null;
  action: 'read' | 'add' | 'erase' | 'purge' | 'refused';
  record: string;
}

/** Inside a write: the record of a new submission, in the same transaction as its outbox row (outbox-store.ts). */
export function insertSubmissionRecord(w: DatabaseSync, trackingCode: string, sealed: string, at: string): void {
  // Prepared once per connection: this runs for every submission.
  let statement = insertStatements.get(w);
  if (!statement) insertStatements.set(w, (statement = w.prepare('INSERT INTO personal_records (tracking_code, sealed, created_at) VALUES (?, ?, ?)')));
  statement.run(trackingCode, sealed, at);
}
const insertStatements = new WeakMap<DatabaseSync, StatementSync>();

export interface PersonalRecords {
  find(ref: RecordRef): PersonalRecord | null;
  /** The sealed attachments of a mailed opinion (empty once erased). */
  attachments(trackingCode: string): { id: number; size: number; sealed: string }[];
  /** Adds (or replaces, while not erased) the sealed contact of an opinion staff entered by hand. */
  add(ref: RecordRef, sealed: string, who: Who): Promise<PersonalRecord>;
  /** Erases the sealed data (the opinion, its reply and the statistics stay). */
  erase(ref: RecordRef, why: 'retention' | 'request', who: Who): Promise<boolean>;
  /** Records a read (call after deciding to hand the record out). */
  logRead(ref: RecordRef, who: Who): Promise<void>;
  logRefused(record: string, who: Who): Promise<void>;
  /** Records not yet erased whose opinion has closed, with the close time. */
  closedRecords(): { ref: RecordRef; closedAt: string }[];
  accessLog(limit: number): AccessEntry[];
}

export interface Who {
  person: string;
  tokenId: number | null;
}

interface Row {
  tracking_code: string | null;
  issue_number: number | null;
  sealed: string | null;
  created_at: string;
  erased_at: string | null;
  erased_why: 'retention' | 'request' | null;
}

const toRecord = (r: Row): PersonalRecord => ({
  ref: r.tracking_code ?? `#${r.issue_number}`,
  trackingCode: r.tracking_code,
  issueNumber: r.issue_number,
  sealed: r.sealed,
  createdAt: r.created_at,
  erasedAt: r.erased_at,
  erasedWhy: r.erased_why,
});

export function createPersonalRecords(store: Store, now: () => Date = () => new Date()): PersonalRecords {
  const { db } = store;
  const cols = 'tracking_code, issue_number, sealed, created_at, erased_at, erased_why';
  const byCode = db.prepare(`SELECT ${cols} FROM personal_records WHERE tracking_code = ?`);
  // A web submission's record is found by its issue number too, through the outbox row.
  const byIssue = db.prepare(
    `SELECT ${cols} FROM personal_records WHERE issue_number = ?1
     UNION ALL SELECT p.tracking_code, p.issue_number, p.sealed, p.created_at, p.erased_at, p.erased_why
       FROM personal_records p JOIN submissions s ON s.tracking_code = p.tracking_code WHERE s.issue_number = ?1
     LIMIT 1`,
  );
  const find = (ref: RecordRef) => {
    const row = ('trackingCode' in ref ? byCode.get(ref.trackingCode) : byIssue.get(ref.issueNumber)) as Row | undefined;
    return row ? toRecord(row) : null;
  };
  const log = (w: DatabaseSync, action: AccessEntry['action'], record: string, who: Who) =>
    w.prepare('INSERT INTO access_log (at, person, token_id, action, record) VALUES (?, ?, ?, ?, ?)').run(now().toISOString(), who.person, who.tokenId, action, record);

  return {
    find,
    attachments(trackingCode) {
      return db.prepare('SELECT id, size, sealed FROM attachments WHERE tracking_code = ? AND sealed IS NOT NULL ORDER BY id').all(trackingCode).map((r) => ({ ...r }) as unknown as { id: number; size: number; sealed: string });
    },
    async add(ref, sealed, who) {
      await store.write((w) => {
        const existing = find(ref);
        if (existing?.erasedAt) throw new Error(`${refText(ref)} 的个人信息已于 ${existing.erasedAt} 删除，不能再添加`);
        if (existing) {
          w.prepare(`UPDATE personal_records SET sealed = ? WHERE ${existing.trackingCode ? 'tracking_code = ?' : 'issue_number = ?'}`).run(sealed, existing.trackingCode ?? existing.issueNumber);
        } else if ('trackingCode' in ref) {
          w.prepare('INSERT INTO personal_records (tracking_code, sealed, created_at) VALUES (?, ?, ?)').run(ref.trackingCode, sealed, now().toISOString());
        } else {
          w.prepare('INSERT INTO personal_records (issue_number, sealed, created_at) VALUES (?, ?, ?)').run(ref.issueNumber, sealed, now().toISOString());
        }
        log(w, 'add', refText(ref), who);
      });
      return find(ref)!;
    },
    async erase(ref, why, who) {
      return store.write((w) => {
        const existing = find(ref);
        if (!existing || existing.erasedAt) return false;
        w.prepare(`UPDATE personal_records SET sealed = NULL, erased_at = ?, erased_why = ? WHERE ${existing.trackingCode ? 'tracking_code = ?' : 'issue_number = ?'}`).run(
          now().toISOString(), why, existing.trackingCode ?? existing.issueNumber,
        );
        // Everything else personal kept for the same opinion goes with it: where to write back, mail waiting to go
        // out, and the attachments of a mailed opinion.
        if (existing.trackingCode) {
          w.prepare('UPDATE reply_addresses SET address = NULL, thread = NULL WHERE tracking_code = ?').run(existing.trackingCode);
          w.prepare("UPDATE outgoing SET payload = NULL, status = 'failed', last_error = '个人信息已删除' WHERE tracking_code = ? AND status = 'pending'").run(existing.trackingCode);
          w.prepare('UPDATE attachments SET sealed = NULL WHERE tracking_code = ?').run(existing.trackingCode);
        }
        log(w, why === 'retention' ? 'purge' : 'erase', refText(ref), who);
        return true;
      });
    },
    async logRead(ref, who) {
      await store.write((w) => log(w, 'read', refText(ref), who));
    },
    async logRefused(record, who) {
      await store.write((w) => log(w, 'refused', record.slice(0, 100), who));
    },
    closedRecords() {
      // Local tracker issues and the /track index of GitHub issues: whichever this server uses holds the close time.
      const rows = db
        .prepare(
          `SELECT p.tracking_code, p.issue_number, COALESCE(ti.closed_at, st.closed_at) AS closed_at
           FROM personal_records p
           LEFT JOIN submissions s ON s.tracking_code = p.tracking_code
           LEFT JOIN tracker_issues ti ON ti.number = COALESCE(p.issue_number, s.issue_number) AND ti.state = 'closed'
           LEFT JOIN issue_status st ON st.number = COALESCE(p.issue_number, s.issue_number) AND st.state = 'closed'
           WHERE p.sealed IS NOT NULL AND COALESCE(ti.closed_at, st.closed_at) IS NOT NULL`,
        )
        .all() as { tracking_code: string | null; issue_number: number | null; closed_at: string }[];
      return rows.map((r) => ({ ref: r.tracking_code ? { trackingCode: r.tracking_code } : { issueNumber: r.issue_number! }, closedAt: r.closed_at }));
    },
    accessLog(limit) {
      return db
        .prepare('SELECT at, person, token_id AS tokenId, action, record FROM access_log ORDER BY id DESC LIMIT ?')
        .all(limit)
        .map((r) => ({ ...r }) as unknown as AccessEntry);
    },
  };
}
