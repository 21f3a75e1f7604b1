/**
 * The outbox's records and its retry policy (pure). A job is everything needed to open the issue later, rendered
 * once at acceptance, so a delivery days later produces exactly what the receipt promised; it holds no personal
 * data (the issue is redacted; name, contact and original text are a sealed record of their own, personal-records.ts).
 */
import type { CategoryKey, OfficeKey } from '../../../schemas/common.ts';
import type { FieldError } from '../../../schemas/submission.ts';

export interface OutboxJob {
  v: 1;
  /** Six-character code part, also the file name (scripts/lib/submission/tracking-code.ts). */
  hash: string;
  /** Full 查询码, the tracker marker. */
  trackingCode: string;
  /** HMAC of the idempotency key: proves a later request with the same key is the same submission. */
  keyHash: string;
  /** ISO instant received. */
  receivedAt: string;
  category: CategoryKey;
  office: OfficeKey;
  /** Due date YYYY-MM-DD. */
  deadline: string;
  /** Code warnings shown on the receipt. */
  warnings: FieldError[];
  /** The issue to open. */
  issue: { title: string; body: string; labels: string[] };
}

/** Written when the tracker has the issue. */
export interface Delivery {
  issueNumber: number;
  url: string;
  deliveredAt: string;
}

/** What the submitter is told, now or on a repeated request with the same key. */
export interface Receipt {
  trackingCode: string;
  /** `delivered`: the issue exists; `queued`: accepted into the outbox, delivered later. */
  status: 'delivered' | 'queued';
  receivedAt: string;
  deadline: string;
  office: OfficeKey;
  category: CategoryKey;
  warnings: FieldError[];
  /** True when this request repeated an earlier one (same idempotency key): nothing new was created. */
  repeated: boolean;
}

export function receiptOf(job: OutboxJob, delivered: boolean, repeated: boolean): Receipt {
  return {
    trackingCode: job.trackingCode,
    status: delivered ? 'delivered' : 'queued',
    receivedAt: job.receivedAt,
    deadline: job.deadline,
    office: job.office,
    category: job.category,
    warnings: job.warnings,
    repeated,
  };
}

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * Wait before the next attempt: exponential from `baseMs`, capped, with ±20% jitter so queued jobs do not retry in
 * lockstep; never sooner than the tracker asked (Retry-After / rate-limit reset).
 */
export function nextDelayMs(attempts: number, policy: BackoffPolicy, retryAfterSeconds?: number, random = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  const jittered = exp * (0.8 + 0.4 * random());
  return Math.max(jittered, (retryAfterSeconds ?? 0) * 1000);
}

/** True for failures worth retrying soon: the tracker is down, slow, or rate-limiting us. */
export function isTransient(err: unknown): boolean {
  const e = err as { name?: string; status?: number; code?: string } | null;
  if (!e) return false;
  if (e.name === 'TrackerUnavailableError' || e.name === 'DeliveryTimeoutError') return true;
  if (typeof e.status === 'number') return e.status >= 500 || e.status === 429 || e.status === 408;
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'].includes(e.code ?? '');
}
