/**
 * Reads the dedicated mailbox (专用电子信箱) into opinions (issue 14), crash-safe in this order: a message already
 * in `mail_processed` is only flagged; otherwise it becomes an opinion through the same service as the web form
 * (schema, redaction, sealing, outbox, triage), keyed by its Message-ID so a retry after a crash gets the same
 * 查询码; then it is recorded as processed, and only then flagged on the IMAP server. Messages are never deleted.
 * Auto-replies, bounces, list mail and our own mail are skipped; a mail over the size limit gets one polite note.
 */
import type { MailboxReader } from './imap-fs.ts';
import { opinionFromMessage, type InboundOptions } from './inbound.ts';
import { composeInvalid, composeTooLarge, originalOf, type MailIdentity } from './outbound.ts';
import { queueMessage, receiptAllowed, type CourierDeps, type MailOrigin } from './courier.ts';
import type { Outgoing } from '../store/outgoing.ts';
import type { Store } from '../store/store.ts';
import type { SubmissionService } from '../submission/service.ts';

export interface PollDeps {
  reader: MailboxReader;
  store: Store;
  service: SubmissionService;
  outgoing: Outgoing;
  courier: CourierDeps;
  identity: MailIdentity | null;
  /** Origins of the mails being submitted right now, read by the submission's onAccepted writes (courier.ts). */
  origins: Map<string, MailOrigin>;
  inbound: Omit<InboundOptions, 'size' | 'alreadyProcessed'>;
  now?: () => Date;
  log: (level: 'info' | 'warn', m: string) => void;
}

export async function pollMailbox(deps: PollDeps): Promise<{ opinions: number; skipped: number; invalid: number }> {
  const now = deps.now ?? (() => new Date());
  const counts = { opinions: 0, skipped: 0, invalid: 0 };
  const processed = deps.store.db.prepare('SELECT 1 FROM mail_processed WHERE message_key = ?');
  const record = (key: string, result: string, code: string | null, also?: (w: import('node:sqlite').DatabaseSync) => void) =>
    deps.store.write((w) => {
      w.prepare('INSERT OR IGNORE INTO mail_processed (message_key, result, tracking_code, processed_at) VALUES (?, ?, ?, ?)').run(key, result, code, now().toISOString());
      also?.(w);
    });
  for (const message of await deps.reader.fetchNew()) {
    const result = await opinionFromMessage(message.parsed, { ...deps.inbound, size: message.size, alreadyProcessed: (k) => !!processed.get(k) });
    if (result.kind === 'opinion') {
      const original = originalOf(message.parsed);
      deps.origins.set(result.idempotencyKey, { receiptTo: result.receiptTo, original, sendReceipt: receiptAllowed(deps.outgoing, deps.courier.secret, result.receiptTo, now()) });
      try {
        const receipt = await deps.service.submit({
          submission: result.submission, key: result.idempotencyKey, source: 'email', categoryGiven: result.categoryGiven, notes: result.notes, attachments: result.attachments,
        });
        await record(result.messageId, 'opinion', receipt.trackingCode);
        deps.log('info', `邮件 ${message.uid} 已登记为 ${receipt.trackingCode}${receipt.repeated ? '（此前已登记）' : ''}`);
        counts.opinions++;
      } finally {
        deps.origins.delete(result.idempotencyKey);
      }
    } else if (result.kind === 'invalid') {
      await record(result.messageId, 'invalid', null, (w) => {
        if (deps.identity && receiptAllowed(deps.outgoing, deps.courier.secret, result.receiptTo, now()))
          queueMessage(w, deps.courier, { key: `invalid:${result.messageId}`, kind: 'note', trackingCode: null, to: result.receiptTo, payload: { mail: composeInvalid(deps.identity, { to: result.receiptTo, errors: result.errors, original: originalOf(message.parsed) }) } });
      });
      deps.log('info', `邮件 ${message.uid} 缺少必要内容，已回信说明`);
      counts.invalid++;
    } else {
      await record(result.messageId, `skip:${result.reason}`, null, (w) => {
        if (result.notify && deps.identity && receiptAllowed(deps.outgoing, deps.courier.secret, result.notify, now()))
          queueMessage(w, deps.courier, { key: `too-large:${result.messageId}`, kind: 'note', trackingCode: null, to: result.notify, payload: { mail: composeTooLarge(deps.identity, { to: result.notify, size: message.size, maxBytes: deps.inbound.maxBytes, original: originalOf(message.parsed) }) } });
      });
      deps.log('info', `邮件 ${message.uid} 跳过：${result.detail}`);
      counts.skipped++;
    }
    await deps.reader.markProcessed(message.uid);
  }
  return counts;
}
