/**
 * The queue of mail and SMS to submitters (issue 14): a row is written in the same transaction as what caused it
 * (a submission's receipt with the submission), so a crash loses none and the key (`receipt:<查询码>`) makes sure
 * none goes twice. The payload is encrypted with the server's key (server-crypt.ts) and dropped once sent. A mail
 * server that is down only delays the queue (scripts/lib/mail/courier.ts sends it with retries).
 */
import { createHmac } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import type { Store } from './store.ts';

export type Channel = 'mail' | 'sms';

export interface QueuedMessage {
  key: string;
  kind: string;
  channel: Channel;
  /** Encrypted payload (the composed mail or SMS, with its address). */
  payload: string;
  attempts: number;
  createdAt: string;
  trackingCode: string | null;
}

/** HMAC of an address: how often we wrote to it, without keeping it (receipt throttling, loops). */
export const recipientHash = (secret: Buffer, address: string) => createHmac('sha256', secret).update(`recipient\0${address.trim().toLowerCase()}`).digest('base64url').slice(0, 22);

/** Inside a write: queue one message unless its key was queued before. True when queued now. */
export function enqueue(w: DatabaseSync, m: { key: string; kind: string; channel: Channel; recipientHash: string; trackingCode: string | null; payload: string; at: string }): boolean {
  return (
    w
      .prepare('INSERT OR IGNORE INTO outgoing (key, kind, channel, recipient_hash, tracking_code, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(m.key, m.kind, m.channel, m.recipientHash, m.trackingCode, m.payload, m.at).changes === 1
  );
}

export function createOutgoing(store: Store) {
  const { db } = store;
  return {
    due(nowMs: number, limit: number): QueuedMessage[] {
      return db
        .prepare("SELECT key, kind, channel, payload, attempts, created_at AS createdAt, tracking_code AS trackingCode FROM outgoing WHERE status = 'pending' AND next_at <= ? ORDER BY next_at, created_at LIMIT ?")
        .all(nowMs, limit)
        .map((r) => ({ ...r }) as unknown as QueuedMessage);
    },
    /** When messages to this recipient were sent or queued (receipt throttling against reply loops). */
    history(hash: string, sinceIso: string): string[] {
      return (db.prepare('SELECT created_at FROM outgoing WHERE recipient_hash = ? AND created_at >= ? ORDER BY created_at').all(hash, sinceIso) as { created_at: string }[]).map((r) => r.created_at);
    },
    async markSent(key: string, at: string) {
      await store.write((w) => w.prepare("UPDATE outgoing SET status = 'sent', sent_at = ?, payload = NULL, attempts = attempts + 1, last_error = NULL WHERE key = ?").run(at, key));
    },
    async markRetry(key: string, nextAtMs: number, error: string) {
      await store.write((w) => w.prepare('UPDATE outgoing SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE key = ?').run(nextAtMs, error.slice(0, 500), key));
    },
    async markFailed(key: string, error: string) {
      await store.write((w) => w.prepare("UPDATE outgoing SET status = 'failed', attempts = attempts + 1, payload = NULL, last_error = ? WHERE key = ?").run(error.slice(0, 500), key));
    },
    counts(): Record<'pending' | 'sent' | 'failed', number> {
      const out = { pending: 0, sent: 0, failed: 0 };
      for (const r of db.prepare('SELECT status, count(*) AS n FROM outgoing GROUP BY status').all() as { status: keyof typeof out; n: number }[]) out[r.status] = r.n;
      return out;
    },
  };
}
export type Outgoing = ReturnType<typeof createOutgoing>;
