/**
 * Only trusted writers count (issue 11). Anyone who may open an issue can type a ```json opinion``` block or fill
 * the offline-opinion issue form with any 查询码, received date, unit or consent; before this, triage, reply
 * publishing and the quarterly statistics took that as a real opinion. Now an issue's opinion is believed when:
 *
 * - `intake`: its machine block is in an issue the submission server's own account opened (`bots.intake`); the
 *   block is then the server's record, tracking code (from the server's secret) and all;
 * - `staff`: its issue form was filled by someone with write access (staff entering an opinion received by mail,
 *   phone or at a meeting), checked with TrackerPort.getPermission;
 * - `confirmed`: a person with write access vouched for it with /confirm, and the title and body are still the
 *   ones they saw (contentDigest; an edit after /confirm needs a new one).
 *
 * Anything else is `unverified`: labelled 待核实, answered with one polite comment, and kept out of routing, due
 * dates, overdue reminders, replies and statistics. Whatever is typed into an issue never supplies its 查询码 or
 * its received instant: those come from the issue itself (parse.ts issueTrackingCode, the instant it was opened),
 * and an unverified opinion has no 查询码 at all.
 *
 * The decision (decideTrust) is pure; createVerifier reads only what the decision needs, in order of cost: nothing
 * for the server's own issues (nearly all of them), the author's permission for form issues, the bot's triage
 * comment only for issues that could have been confirmed.
 */
import { createHash } from 'node:crypto';
import type { Bureau } from '../../../schemas/bureau.ts';
import type { OpinionRecord } from '../../../schemas/opinion.ts';
import { flags } from '../labels.ts';
import { canWrite, type Permission, type TrackerComment, type TrackerIssue, type TrackerPort } from '../tracker/port.ts';
import { issueTrackingCode, readClaim, type IssueClaim } from './parse.ts';
import { findTriageComment, parseState, type TriageState } from './state.ts';

/** The tracker accounts that are the system itself. */
export interface BotLogins {
  /** Login triage's comments are written as; its memory (state.ts) is read only from that account's comments. */
  triage: string;
  /** Login the submission server opens issues as: the only author whose machine block is believed. */
  intake: string;
}

/** Why an opinion is believed. */
export type Trust = 'intake' | 'staff' | 'confirmed';

/**
 * Why it is not (yet): `block` a machine block in an issue someone else opened, `form` an issue form filled by
 * someone without write access, `changed` confirmed once but edited since.
 */
export type Doubt = 'block' | 'form' | 'changed';

export type Verification =
  | { status: 'trusted'; trust: Trust; opinion: OpinionRecord }
  | { status: 'unverified'; doubt: Doubt }
  /** Neither a machine block nor form answers: not an opinion issue. */
  | { status: 'none' };

/** Digest of what a person reads when they confirm: the title and the body (line ends normalised). */
export function contentDigest(issue: Pick<TrackerIssue, 'title' | 'body'>): string {
  return createHash('sha256').update(issue.title).update('\0').update(issue.body.replace(/\r\n?/g, '\n')).digest('hex');
}

/**
 * The opinion as staff vouch for it: what the issue says (its machine block, the fuller record, else its form
 * answers), with the tracking code, key and received instant taken from the issue itself rather than from anything
 * typed into it.
 */
function vouched(claim: IssueClaim, issue: TrackerIssue, bureau: Bureau): OpinionRecord {
  const said = (claim.block ?? claim.form)!;
  return { ...said, trackingCode: issueTrackingCode(bureau, issue), key: `issue:${issue.number}`, receivedAt: issue.createdAt };
}

export interface TrustFacts {
  bureau: Bureau;
  bots: BotLogins;
  /** Whether the issue's author has write access; null when not looked up (only form issues need it). */
  authorCanWrite: boolean | null;
  /** Triage's memory from the bot's comment (or after this comment's commands); null when there is none. */
  state: TriageState | null;
}

/**
 * The decision, from the issue, what it claims and the facts about its author and triage's memory. An issue
 * labelled 待核实 that is not the server's or staff's own is unverified whatever the memory says: the label is
 * taken off only together with a /confirm, so it can never be the stale half of one.
 */
export function decideTrust(issue: TrackerIssue, claim: IssueClaim | null, facts: TrustFacts): Verification {
  if (!claim) return { status: 'none' };
  if (claim.block && issue.author === facts.bots.intake) return { status: 'trusted', trust: 'intake', opinion: claim.block };
  if (claim.form && facts.authorCanWrite) return { status: 'trusted', trust: 'staff', opinion: claim.form };
  const confirmed = facts.state?.staff.confirmed;
  const digest = contentDigest(issue);
  if (confirmed?.digest === digest && !issue.labels.includes(flags.unverified)) {
    return { status: 'trusted', trust: 'confirmed', opinion: vouched(claim, issue, facts.bureau) };
  }
  return { status: 'unverified', doubt: confirmed && confirmed.digest !== digest ? 'changed' : claim.block ? 'block' : 'form' };
}

/** Whether the decision needs the author's permission: a form, in an issue that is not the server's own. */
const needsPermission = (issue: TrackerIssue, claim: IssueClaim, bots: BotLogins) => !(claim.block && issue.author === bots.intake) && claim.form !== null;

export interface VerifyOptions {
  bureau: Bureau;
  bots: BotLogins;
}

/** What the caller has already read, so the verifier does not read it again. */
export interface Known {
  comments?: TrackerComment[];
  /** Triage's memory to decide with (e.g. after this comment's commands); overrides the bot's comment. */
  state?: TriageState | null;
  /** Labels to decide with (e.g. after this comment's commands); default the issue's. */
  labels?: string[];
}

export type Verifier = (issue: TrackerIssue, known?: Known) => Promise<Verification>;

/** Verifies issues through the port; permissions are looked up once per login for the verifier's lifetime. */
export function createVerifier(port: TrackerPort, options: VerifyOptions): Verifier {
  const permissions = new Map<string, Promise<Permission>>();
  const permissionOf = (login: string) => {
    if (!permissions.has(login)) {
      permissions.set(login, port.getPermission(login).catch((e: unknown) => {
        permissions.delete(login); // a failed look-up is not remembered
        throw e;
      }));
    }
    return permissions.get(login)!;
  };
  const memory = (comments: TrackerComment[]) => {
    const comment = findTriageComment(comments, options.bots.triage);
    return comment ? parseState(comment.body) : null;
  };
  return async (input, known = {}) => {
    const issue = known.labels ? { ...input, labels: known.labels } : input;
    const claim = readClaim(issue, options.bureau);
    if (!claim) return { status: 'none' };
    const authorCanWrite = needsPermission(issue, claim, options.bots) ? canWrite(await permissionOf(issue.author)) : null;
    let state = known.state !== undefined ? known.state : known.comments ? memory(known.comments) : undefined;
    let v = decideTrust(issue, claim, { ...options, authorCanWrite, state: state ?? null });
    // Only an unverified issue without the 待核实 label can have been confirmed: only then are comments read.
    if (v.status === 'unverified' && state === undefined && !issue.labels.includes(flags.unverified)) {
      state = memory(await port.listComments(issue.number));
      v = decideTrust(issue, claim, { ...options, authorCanWrite, state });
    }
    return v;
  };
}

/**
 * How publishing reads an issue's opinion: the verification, through the port the caller reads the tracker with.
 * One reader keeps one verifier (and its permission cache) per port.
 */
export type OpinionReader = (issue: TrackerIssue, port: TrackerPort) => Promise<Verification>;

export function createOpinionReader(options: VerifyOptions): OpinionReader {
  const verifiers = new Map<TrackerPort, Verifier>();
  return (issue, port) => {
    if (!verifiers.has(port)) verifiers.set(port, createVerifier(port, options));
    return verifiers.get(port)!(issue);
  };
}

/** Why publishing leaves an issue out, in staff's words. */
export function verificationNote(v: Exclude<Verification, { status: 'trusted' }>): string {
  if (v.status === 'none') return '找不到意见记录（机读块或表单栏目）';
  return v.doubt === 'changed' ? '待核实：核实后议题内容有修改，需要重新 /confirm' : '待核实：不是网站提交或工作人员登记的意见，工作人员尚未 /confirm';
}
