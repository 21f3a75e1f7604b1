/**
 * Writing back to submitters (issue 14): what to queue when a submission is accepted (its reply address and its
 * receipt, by mail or SMS), and the sender that empties the queue with retries. The queue and the addresses are in
 * the store, encrypted with the server's key; a mail server or SMS gateway that is down delays messages, never
 * loses them, and never blocks a submission (queueing is part of the submission's own transaction; sending is not).
 */
import type { DatabaseSync } from 'node:sqlite';
import { contactKind } from '../../../schemas/submission.ts';
import { sealJson } from '../sealed.ts';
import { enqueue, recipientHash, type Outgoing, type QueuedMessage } from '../store/outgoing.ts';
import type { ServerCrypt } from '../store/server-crypt.ts';
import type { OutboxJob } from '../submission/outbox.ts';
import type { SubmitInput } from '../submission/service.ts';
import { shouldSendReceipt } from './inbound.ts';
import { composeReceipt, composeSms, type MailIdentity, type OriginalMessage, type OutgoingMail } from './outbound.ts';
import { mobileNumber, SmsGatewayError, type SmsGateway, type SmsMessage } from './sms.ts';
import { classifyMailError, defaultMailRetryPolicy, MailTransportError, nextMailAttempt, type MailRetryPolicy, type MailTransport } from './transport.ts';
export { defaultMailRetryPolicy };
import type { KeyObject } from 'node:crypto';

/** What the queue holds for one message, encrypted. */
type Payload = { mail: OutgoingMail } | { sms: SmsMessage };

/** How a submission came in by mail: where its answers go, and the message to thread them to. */
export interface MailOrigin {
  receiptTo: string;
  original: OriginalMessage;
  /** False when the receipt is held back (the sender got several already: an auto-responder loop). */
  sendReceipt: boolean;
}

export interface CourierDeps {
  crypt: ServerCrypt;
  /** Server secret, for recipient hashes. */
  secret: Buffer;
  identity: MailIdentity | null;
  /** Which channels can send at all (an SMTP transport or .eml writer; an SMS gateway): nothing is queued for the others. */
  channels: { mail: boolean; sms: boolean };
  sealingKey: KeyObject;
  now?: () => Date;
}

/**
 * The writes that belong to a new submission (run in its transaction, service.ts onAccepted): the reply address,
 * the sealed attachments, and the receipt in the queue.
 */
export function acceptedWrites(deps: CourierDeps, mailOrigins: Map<string, MailOrigin>) {
  const now = deps.now ?? (() => new Date());
  return (w: DatabaseSync, { job, input }: { job: OutboxJob; input: SubmitInput }) => {
    const at = now().toISOString();
    const origin = mailOrigins.get(input.key);
    for (const a of input.attachments ?? []) {
      const sealed = sealJson({ filename: a.filename, contentType: a.contentType, content: a.content.toString('base64') }, deps.sealingKey);
      w.prepare('INSERT INTO attachments (tracking_code, sealed, size, created_at) VALUES (?, ?, ?, ?)').run(job.trackingCode, sealed, a.size, at);
    }
    const contact = input.submission.contact;
    const kind = origin ? 'email' : contactKind(contact);
    const address = origin?.receiptTo ?? (kind === 'email' ? contact.trim() : kind === 'mobile' ? mobileNumber(contact) : null);
    if (!address || (kind !== 'email' && kind !== 'mobile')) return;
    const channel = kind === 'email' ? 'mail' : 'sms';
    if (!deps.channels[channel]) return; // e.g. no SMS gateway configured: there is no way to write back by SMS
    w.prepare('INSERT OR IGNORE INTO reply_addresses (tracking_code, channel, address, thread) VALUES (?, ?, ?, ?)').run(
      job.trackingCode, channel, deps.crypt.encrypt(address), origin ? deps.crypt.encrypt(JSON.stringify(origin.original)) : null,
    );
    if (origin && !origin.sendReceipt) return;
    let payload: Payload;
    if (channel === 'mail') {
      if (!deps.identity) return; // no sender address configured: nothing can be mailed
      payload = {
        mail: composeReceipt(deps.identity, {
          to: address, trackingCode: job.trackingCode, receivedAt: job.receivedAt, deadline: job.deadline, office: job.office, category: job.category,
          categoryGiven: input.categoryGiven !== false, title: input.submission.title, attachments: (input.attachments ?? []).map((a) => ({ filename: a.filename, size: a.size })),
          status: 'delivered', original: origin?.original,
        }),
      };
    } else {
      if (!deps.identity) return;
      payload = { sms: { ...composeSms(deps.identity, 'receipt', { trackingCode: job.trackingCode, deadline: job.deadline }), to: address, key: `receipt:${job.trackingCode}` } };
    }
    enqueue(w, { key: `receipt:${job.trackingCode}`, kind: 'receipt', channel, recipientHash: recipientHash(deps.secret, address), trackingCode: job.trackingCode, payload: deps.crypt.encrypt(JSON.stringify(payload)), at });
  };
}

/** Whether a receipt may go to this sender now (the queue's history: at most a few an hour, against mail loops). */
export function receiptAllowed(outgoing: Outgoing, secret: Buffer, address: string, now: Date): boolean {
  return shouldSendReceipt(outgoing.history(recipientHash(secret, address), new Date(now.getTime() - 24 * 3600_000).toISOString()), now);
}

/** Queues any other message (a reply, a note) for an address, outside a submission. */
export function queueMessage(w: DatabaseSync, deps: CourierDeps, m: { key: string; kind: string; trackingCode: string | null; to: string; payload: Payload }) {
  return enqueue(w, {
    key: m.key, kind: m.kind, channel: 'mail' in m.payload ? 'mail' : 'sms', recipientHash: recipientHash(deps.secret, m.to), trackingCode: m.trackingCode,
    payload: deps.crypt.encrypt(JSON.stringify(m.payload)), at: (deps.now ?? (() => new Date()))().toISOString(),
  });
}

export interface Courier {
  /** Sends what is due; returns how many went, and how many were put off or given up. */
  deliverDue(limit?: number): Promise<{ sent: number; retry: number; failed: number }>;
}

export function createCourier(deps: {
  outgoing: Outgoing;
  crypt: ServerCrypt;
  transport: MailTransport | null;
  sms: SmsGateway | null;
  /** Retry policy (default: from a minute up to six hours, for three days). */
  retry?: MailRetryPolicy;
  now?: () => Date;
  log: (level: 'info' | 'warn', m: string) => void;
}): Courier {
  const now = deps.now ?? (() => new Date());
  let busy = false;
  return {
    async deliverDue(limit = 50) {
      const result = { sent: 0, retry: 0, failed: 0 };
      if (busy) return result;
      busy = true;
      try {
        for (const m of deps.outgoing.due(now().getTime(), limit)) {
          const outcome = await sendOne(m);
          result[outcome]++;
        }
        return result;
      } finally {
        busy = false;
      }
    },
  };

  async function sendOne(m: QueuedMessage): Promise<'sent' | 'retry' | 'failed'> {
    let payload: Payload;
    try {
      payload = JSON.parse(deps.crypt.decrypt(m.payload)) as Payload;
    } catch (e) {
      await deps.outgoing.markFailed(m.key, `无法解密（服务器密钥是否更换？）：${(e as Error).message}`);
      return 'failed';
    }
    try {
      if ('mail' in payload) {
        if (!deps.transport) throw new MailTransportError('未配置发信方式', 'config');
        const r = await deps.transport.send(payload.mail);
        deps.log('info', `${m.key}: 邮件已发出（${deps.transport.kind === 'eml' ? `写入 ${r.response}` : r.response}）`);
      } else {
        if (!deps.sms) throw new MailTransportError('未配置短信网关（SMS_GATEWAY_URL）', 'config');
        await deps.sms.send(payload.sms);
        deps.log('info', `${m.key}: 短信已发出`);
      }
      await deps.outgoing.markSent(m.key, now().toISOString());
      return 'sent';
    } catch (e) {
      const error =
        e instanceof SmsGatewayError ? new MailTransportError(e.message, e.transient ? 'transient' : 'permanent') : e instanceof MailTransportError ? e : classifyMailError(e);
      const decision = nextMailAttempt({ attempts: m.attempts + 1, createdAt: m.createdAt }, error, now(), deps.retry);
      if (decision.action === 'retry') {
        await deps.outgoing.markRetry(m.key, decision.at.getTime(), error.message);
        deps.log('warn', `${m.key}: 发送失败，${decision.at.toISOString()} 重试：${error.message}`);
        return 'retry';
      }
      await deps.outgoing.markFailed(m.key, decision.reason);
      deps.log('warn', `${m.key}: 放弃发送：${decision.reason}`);
      return 'failed';
    }
  }
}
