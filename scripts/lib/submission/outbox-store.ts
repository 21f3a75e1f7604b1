/**
 * The durable outbox in the store (scripts/lib/store/): one `submissions` row per accepted submission, written in
 * the same group commit as everything else and acknowledged only once on disk. The idempotency-key hash and the
 * tracking code are UNIQUE columns, so one key can never become two jobs, in one process or several sharing a
 * DATA_DIR. The job holds the redacted issue only; the submitter's personal data is a sealed row of its own.
 * A later delivery is an UPDATE of the same row; the delivery lock is a lease row with an expiry, so a
 * process that dies holding it only delays the others until the lease runs out.
 */
import type { DatabaseSync } from 'node:sqlite';
import { insertSubmissionRecord } from '../store/personal-records.ts';
import type { Store } from '../store/store.ts';
import type { Delivery, OutboxJob } from './outbox.ts';

export type ClaimResult =
  /** Stored; `delivery` when the issue was created in the same transaction (ClaimExtras.deliverWithin). */
  | { created: true; delivery?: Delivery }
  /** The key was used before: that submission, and the content hash it came with. */
  | { created: false; reason: 'same-key'; existing: OutboxJob; contentHash: string | null }
  /** Another key's submission holds this tracking code: try the next code. */
  | { created: false; reason: 'code-taken' };

/** What a claim writes besides the job and its sealed record, in the same transaction. */
export interface ClaimExtras {
  /** Whatever must exist with the job: the reply address and the receipt in the mail queue (courier.ts). */
  alsoWrite?: (w: DatabaseSync) => void;
  /** Creates the issue in a tracker kept in this same store and returns its delivery, recorded with the job. */
  deliverWithin?: (w: DatabaseSync) => Delivery;
}

export interface Outbox {
  /**
   * Stores a new job unless its key or its code is taken (checked and inserted in one transaction), with the
   * submitter's sealed personal record beside it (personal-records.ts) and the extras: none exists without the
   * others.
   */
  claim(job: OutboxJob, contentHash: string, sealedPersonal: string, extras?: ClaimExtras): Promise<ClaimResult>;
  /** The job an idempotency-key hash belongs to, with the content hash it came with. */
  byKey(keyHash: string): { job: OutboxJob; contentHash: string | null } | null;
  get(hash: string): OutboxJob | null;
  delivery(hash: string): Delivery | null;
  markDelivered(hash: string, delivery: Delivery): Promise<void>;
  /** Records a failed attempt (for the operator's view and `npm run outbox:deliver`). */
  markFailed(hash: string, error: string): Promise<void>;
  /** Every job not yet delivered, oldest first (whoever recorded it). */
  pending(): OutboxJob[];
  /** Exclusive right to run deliveries across processes (server retry loop, `npm run outbox:deliver`). */
  tryLock(owner: string, ttlMs: number): Promise<(() => Promise<void>) | null>;
}

interface Row {
  job: string;
  content_hash: string | null;
}

export function createOutbox(store: Store, now: () => number = Date.now): Outbox {
  const { db } = store;
  const byKeyQuery = db.prepare('SELECT job, content_hash FROM submissions WHERE key_hash = ?');
  const byHash = db.prepare('SELECT job, content_hash, key_hash FROM submissions WHERE hash = ?');
  const deliveryQuery = db.prepare('SELECT issue_number, issue_url, delivered_at FROM submissions WHERE hash = ? AND issue_number IS NOT NULL');
  const pendingQuery = db.prepare('SELECT job FROM submissions WHERE issue_number IS NULL ORDER BY received_at, hash');
  // Statements are prepared once: preparing them on every write was a third of a submission's CPU (bench:submit).
  const codeTaken = db.prepare('SELECT 1 FROM submissions WHERE hash = ?');
  // A job delivered in its own transaction (the embedded tracker) is inserted delivered: inserting it pending and
  // updating it at once rewrote the ~4 KB row and both delivery indexes for nothing (bench:submit profile).
  const insert = db.prepare(
    'INSERT INTO submissions (hash, tracking_code, key_hash, content_hash, received_at, job, issue_number, issue_url, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const delivered = db.prepare('UPDATE submissions SET issue_number = ?, issue_url = ?, delivered_at = ?, last_error = NULL WHERE hash = ? AND issue_number IS NULL');
  const failed = db.prepare('UPDATE submissions SET attempts = attempts + 1, last_error = ? WHERE hash = ? AND issue_number IS NULL');

  return {
    claim(job, contentHash, sealedPersonal, extras = {}) {
      return store.write((w) => {
        const sameKey = byKeyQuery.get(job.keyHash) as Row | undefined;
        if (sameKey) return { created: false, reason: 'same-key', existing: JSON.parse(sameKey.job) as OutboxJob, contentHash: sameKey.content_hash } as const;
        if (codeTaken.get(job.hash)) return { created: false, reason: 'code-taken' } as const;
        const delivery = extras.deliverWithin?.(w);
        insert.run(
          job.hash, job.trackingCode, job.keyHash, contentHash, job.receivedAt, JSON.stringify(job),
          delivery?.issueNumber ?? null, delivery?.url ?? null, delivery?.deliveredAt ?? null,
        );
        insertSubmissionRecord(w, job.trackingCode, sealedPersonal, job.receivedAt);
        extras.alsoWrite?.(w);
        return delivery ? ({ created: true, delivery } as const) : ({ created: true } as const);
      });
    },
    byKey(keyHash) {
      const row = byKeyQuery.get(keyHash) as Row | undefined;
      return row ? { job: JSON.parse(row.job) as OutboxJob, contentHash: row.content_hash } : null;
    },
    get(hash) {
      const row = byHash.get(hash) as Row | undefined;
      return row ? (JSON.parse(row.job) as OutboxJob) : null;
    },
    delivery(hash) {
      const row = deliveryQuery.get(hash) as { issue_number: number; issue_url: string; delivered_at: string } | undefined;
      return row ? { issueNumber: row.issue_number, url: row.issue_url, deliveredAt: row.delivered_at } : null;
    },
    async markDelivered(hash, d) {
      await store.write(() => {
        // The first delivery recorded wins: a late answer from a slow attempt never moves the issue number.
        delivered.run(d.issueNumber, d.url, d.deliveredAt, hash);
      });
    },
    async markFailed(hash, error) {
      await store.write(() => {
        failed.run(error.slice(0, 500), hash);
      });
    },
    pending() {
      return (pendingQuery.all() as { job: string }[]).map((r) => JSON.parse(r.job) as OutboxJob);
    },
    async tryLock(owner, ttlMs) {
      const token = `${owner}:${now()}:${Math.random().toString(36).slice(2)}`;
      const got = await store.write((w) => {
        const row = w.prepare("SELECT value FROM meta WHERE key = 'delivery-lock'").get() as { value: string } | undefined;
        const until = row ? Number(row.value.split('|')[1]) : 0;
        if (row && until > now()) return false;
        w.prepare("INSERT INTO meta (key, value) VALUES ('delivery-lock', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(`${token}|${now() + ttlMs}`);
        return true;
      });
      if (!got) return null;
      return async () => {
        await store.write((w) => {
          w.prepare("DELETE FROM meta WHERE key = 'delivery-lock' AND value LIKE ? ESCAPE '\\'").run(`${token.replace(/[\\%_]/g, (c) => `\\${c}`)}|%`);
        });
      };
    },
  };
}
