/**
 * The mail transport port and the mail queue's retry decision (pure). Two transports implement the port
 * (transport-fs.ts): SMTP through nodemailer, and an .eml writer under DATA_DIR/mail for a server without SMTP, where
 * staff (or a test) can open what would have been sent. The queue itself (a table in the store) belongs to the
 * runtime; what it needs to decide is here: is this failure worth retrying, and when.
 */
import { nextDelayMs, type BackoffPolicy } from '../submission/outbox.ts';
import type { OutgoingMail } from './outbound.ts';

export interface SendResult {
  /** The Message-ID the mail went out with. */
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** The server's last answer (SMTP) or the file written (.eml). */
  response: string;
}

export interface MailTransport {
  /** `smtp` or `eml`, for logs and the status page. */
  readonly kind: 'smtp' | 'eml';
  /** Sends one mail; throws MailTransportError. */
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): Promise<void>;
}

/**
 * - `transient`: the server is down, slow, or said "try later" (4xx): retry with backoff.
 * - `config`: our side is wrong (login refused, TLS refused, no credentials): retry slowly, a person must fix it.
 * - `permanent`: the server refused this mail for good (5xx: no such mailbox, policy): do not retry.
 */
export type MailFailureKind = 'transient' | 'config' | 'permanent';

export class MailTransportError extends Error {
  override name = 'MailTransportError';
  readonly kind: MailFailureKind;
  /** nodemailer's code (ECONNECTION, EAUTH, …) or the socket's. */
  readonly code?: string;
  /** The SMTP reply code, when the server answered. */
  readonly responseCode?: number;
  constructor(message: string, kind: MailFailureKind, code?: string, responseCode?: number) {
    super(message);
    this.kind = kind;
    this.code = code;
    this.responseCode = responseCode;
  }
  get transient() {
    return this.kind === 'transient';
  }
}

const transientCodes = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROXY', 'EMAXLIMIT', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE', 'EPROTOCOL', 'EABORT']);
const configCodes = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ETLS', 'EREQUIRETLS', 'ECONFIG', 'ENOTFOUND']);

/** Any error from a transport → a MailTransportError with its kind (nodemailer's codes and SMTP reply codes). */
export function classifyMailError(err: unknown): MailTransportError {
  if (err instanceof MailTransportError) return err;
  const e = (err ?? {}) as { message?: string; code?: string; responseCode?: number; permanent?: boolean; originalCode?: string };
  const message = e.message ?? String(err);
  const code = e.code;
  const rc = e.responseCode;
  if (typeof rc === 'number' && rc >= 400) {
    // RFC 5321 §4.2.1: 4yz is transient, 5yz permanent; 503 (bad sequence) is a session problem, not the mail's.
    const permanent = e.permanent ?? (rc >= 500 && rc !== 503);
    if (code === 'EAUTH') return new MailTransportError(message, 'config', code, rc);
    return new MailTransportError(message, permanent ? 'permanent' : 'transient', code, rc);
  }
  if (code && configCodes.has(code)) return new MailTransportError(message, 'config', code, rc);
  if ((code && transientCodes.has(code)) || (e.originalCode && transientCodes.has(e.originalCode))) return new MailTransportError(message, 'transient', code, rc);
  if (code === 'EENVELOPE' || code === 'EMESSAGE') return new MailTransportError(message, 'permanent', code, rc);
  // Unknown: retrying costs little and loses nothing; the age limit ends it.
  return new MailTransportError(message, 'transient', code, rc);
}

export interface MailRetryPolicy extends BackoffPolicy {
  /** Attempts before giving up on a transient failure. */
  maxAttempts: number;
  /** Age after which a mail is given up (a receipt three days late helps nobody). */
  maxAgeMs: number;
}

/** One minute, doubling to six hours, for up to three days. */
export const defaultMailRetryPolicy: MailRetryPolicy = { baseMs: 60_000, maxMs: 6 * 3600_000, maxAttempts: 20, maxAgeMs: 3 * 24 * 3600_000 };

export type RetryDecision = { action: 'retry'; at: Date } | { action: 'give-up'; reason: string };

/**
 * After a failed attempt: when to try again, or give up (the queue row is marked failed and staff see it).
 * `attempts` counts the failed attempts including this one; `createdAt` is when the mail was queued.
 */
export function nextMailAttempt(
  entry: { attempts: number; createdAt: Date | string },
  error: MailTransportError,
  now: Date,
  policy: MailRetryPolicy = defaultMailRetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  if (error.kind === 'permanent') return { action: 'give-up', reason: `收件服务器拒收：${error.message}` };
  const age = now.getTime() - new Date(entry.createdAt).getTime();
  if (age >= policy.maxAgeMs) return { action: 'give-up', reason: `${Math.round(policy.maxAgeMs / 3600_000)} 小时内未能发出：${error.message}` };
  if (error.kind === 'transient' && entry.attempts >= policy.maxAttempts) return { action: 'give-up', reason: `重试 ${entry.attempts} 次仍失败：${error.message}` };
  // A configuration problem waits the longest interval each time: hammering a server that refuses our login helps nothing.
  const delay = error.kind === 'config' ? policy.maxMs : nextDelayMs(entry.attempts, policy, undefined, random);
  return { action: 'retry', at: new Date(Math.min(now.getTime() + delay, new Date(entry.createdAt).getTime() + policy.maxAgeMs)) };
}
