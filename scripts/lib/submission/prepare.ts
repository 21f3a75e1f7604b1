/**
 * What a submission becomes before it is stored: the hashes of its idempotency key and of its content, the sealed
 * personal record, and the job with the redacted issue for one tracking-code attempt. It touches neither the store
 * nor the network, and the time received comes with the request, so it can run on any thread: it was about a fifth
 * of the server's CPU (bench:submit profile, issue 11: redaction 6.5%, sealing 4.5%, rendering 3.8%, the HMACs 3.7%),
 * and the server runs it on worker threads (prepare-pool.ts) while the main thread answers HTTP and writes the store.
 */
import { createHmac, type KeyObject } from 'node:crypto';
import type { Bureau } from '../../../schemas/bureau.ts';
import type { FieldError, Submission } from '../../../schemas/submission.ts';
import type { OfficeKey } from '../../../schemas/common.ts';
import { redact } from '../redact.ts';
import { seal } from '../sealed.ts';
import { chinaDate } from '../workdays.ts';
import type { OutboxJob } from './outbox.ts';
import { redactSubmission } from './redact-submission.ts';
import { renderIssue } from './render-issue.ts';
import type { SubmitInput } from './service.ts';
import { formatTrackingCode, trackingHash } from './tracking-code.ts';

/** The keys and settings a preparation needs (the same for every submission of a process). */
export interface PrepareKeys {
  /** Server secret as a key object: tracking codes and key hashes are HMACs under it. */
  secret: KeyObject;
  /** Public key names, contacts and originals are sealed to. */
  sealingKey: KeyObject;
  /** The bureau's own contact details: never masked by redaction. */
  keep: string[];
  /** The bureau's tracking-code prefix (bureau settings `codePrefix`). */
  codePrefix: string;
}

/** The keys of a bureau's server: its secret, its sealing key, its own contact details and its code prefix. */
export function prepareKeysOf(bureau: Pick<Bureau, 'contact' | 'codePrefix'>, secret: KeyObject, sealingKey: KeyObject): PrepareKeys {
  return { secret, sealingKey, keep: [bureau.contact.phone, bureau.contact.email].filter((k): k is string => !!k), codePrefix: bureau.codePrefix };
}

/** One submission to prepare: what was sent, and what the service decided from the clock and settings. */
export interface PrepareRequest extends Omit<SubmitInput, 'attachments'> {
  /** Names and sizes of the files that came with it (their contents are sealed in the store, not here). */
  attachments?: { filename: string; size: number }[];
  /** ISO instant received. */
  receivedAt: string;
  /** Due date YYYY-MM-DD. */
  deadline: string;
  office: OfficeKey;
  /** Code warnings shown on the receipt and in the issue. */
  warnings: FieldError[];
  /** Tracking-code attempt: 0, or the next when another submission holds the code (tracking-code.ts). */
  attempt: number;
}

export interface Prepared {
  keyHash: string;
  contentHash: string;
  /** Name, contact and the whole original, sealed to the bureau's key (personal-records.ts stores it). */
  sealedPersonal: string;
  job: OutboxJob;
}

/** HMAC of what a submission says, so a repeated key can be checked against the content it first came with. */
export function contentHashOf(secret: Buffer | KeyObject, input: Pick<SubmitInput, 'submission' | 'objectionTitle'>): string {
  return createHmac('sha256', secret).update(`submission-content\0${JSON.stringify(input.submission)}\0${input.objectionTitle ?? ''}`).digest('base64url').slice(0, 22);
}

/** Hash of an idempotency key under the server secret (stored instead of the key's meaning). */
export function keyHashOf(secret: Buffer | KeyObject, key: string): string {
  return createHmac('sha256', secret).update(`idempotency-key\0${key}`).digest('base64url').slice(0, 22);
}

/** A key for clients that sent none: the same client sending the same content twice gets the same key. */
export function derivedKey(secret: Buffer | KeyObject, client: string, canonicalContent: string): string {
  return `derived-${createHmac('sha256', secret).update(`derived-key\0${client}\0${canonicalContent}`).digest('base64url').slice(0, 32)}`;
}

export function prepareSubmission(keys: PrepareKeys, r: PrepareRequest): Prepared {
  const s: Submission = r.submission;
  const keyHash = keyHashOf(keys.secret, r.key);
  const contentHash = contentHashOf(keys.secret, r);
  // The tracker gets the opinion redacted and no personal data (issue 12): every free-text field is masked
  // (names, phones, e-mails, ID and record numbers, patients), and the submitter's own name and contact
  // wherever they were typed. The whole original, name and contact included, is sealed for staff in the store.
  const { redacted: shown } = redactSubmission(s, { keep: keys.keep });
  const { submitterName: name, contact, ...original } = s;
  const sealedPersonal = seal({ name, contact, original }, keys.sealingKey);
  const hash = trackingHash(keys.secret, r.key, r.attempt);
  const trackingCode = formatTrackingCode(keys.codePrefix, chinaDate(new Date(r.receivedAt)).slice(0, 4), hash);
  const issue = renderIssue({
    submission: shown, trackingCode, key: keyHash, receivedAt: r.receivedAt, deadline: r.deadline, office: r.office, warnings: r.warnings,
    objectionTitle: r.objectionTitle, source: r.source, categoryGiven: r.categoryGiven, notes: r.notes,
    attachments: r.attachments?.map((a) => ({ filename: redact(a.filename, { keep: keys.keep }).text, size: a.size })),
  });
  const job: OutboxJob = {
    v: 1, hash, trackingCode, keyHash, receivedAt: r.receivedAt, category: s.category, office: r.office, deadline: r.deadline, warnings: r.warnings,
    issue: { title: issue.title, body: issue.body, labels: issue.labels },
  };
  return { keyHash, contentHash, sealedPersonal, job };
}
