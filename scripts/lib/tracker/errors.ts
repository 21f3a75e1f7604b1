/**
 * Typed tracker failures, so callers decide without knowing Octokit: a `TrackerUnavailableError` means
 * "try again later" (the submission endpoint puts the opinion in the outbox, a scheduled run retries);
 * a `TrackerRequestError` means the request itself is wrong (bad token, missing repo, validation) and
 * retrying the same request will fail the same way.
 */

export type UnavailableReason = 'server' | 'timeout' | 'network' | 'rate-limit';

export class TrackerUnavailableError extends Error {
  override name = 'TrackerUnavailableError';
  /** Why the tracker could not be reached. */
  readonly reason: UnavailableReason;
  /** HTTP status when there was a response (5xx, 403/429 for rate limits). */
  readonly status: number | undefined;
  /** Seconds GitHub asked us to wait (retry-after or until x-ratelimit-reset), when it said. */
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, init: { reason: UnavailableReason; status?: number; retryAfterSeconds?: number; cause?: unknown }) {
    super(message, { cause: init.cause });
    this.reason = init.reason;
    this.status = init.status;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

export class TrackerRequestError extends Error {
  override name = 'TrackerRequestError';
  /** HTTP status: 401 bad credentials, 403 forbidden, 404 not found, 422 validation failed... */
  readonly status: number;
  constructor(message: string, init: { status: number; cause?: unknown }) {
    super(message, { cause: init.cause });
    this.status = init.status;
  }
}

/** True when the same call may succeed later (queue it); false for errors retrying cannot fix. */
export function isRetryable(err: unknown): boolean {
  return err instanceof TrackerUnavailableError;
}
