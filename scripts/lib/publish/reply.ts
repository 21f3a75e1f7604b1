/**
 * Renders one answered opinion into a reply content file (schemas/reply.ts), deterministically: the
 * same issue, comments and policies always give the same bytes, so publishing again changes nothing
 * unless something a reader sees changed (issue 5: "never a second one", no churn).
 *
 * What reaches the file (issue 5, DEVELOPERS.md privacy): the opinion's title and details after
 * scripts/lib/redact.ts; the unit only with consent; never the name or contact (they are sealed in the
 * record and never read here). The answer = the latest `/reply` comment by someone with write access
 * (contracts.md), redacted too but keeping the bureau's own published phone and mailbox.
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import { categoryKeys, officeKeys, outcomeKeys, type CategoryKey, type OutcomeKey } from '../../../schemas/common.ts';
import type { OpinionRecord } from '../../../schemas/opinion.ts';
import { replySchema, type Reply } from '../../../schemas/reply.ts';
import type { CodeList } from '../code-list.ts';
import { stringifyFrontmatter } from '../frontmatter.ts';
import { categoryLabel, keyFromLabels, officeLabel, outcomeLabel } from '../labels.ts';
import { redactText } from '../redact.ts';
import type { TrackerComment, TrackerIssue } from '../tracker/port.ts';
import { parseCommands } from '../triage/commands.ts';
import { chinaDate } from '../workdays.ts';
import { publicCodes, type CodeExtractor } from './codes.ts';
import { raisedBy } from './merged.ts';

/** A policy a reply may cite: its content id and the strings that identify it in prose. */
export interface PolicyRef {
  id: string;
  title: string;
  docNumber?: string;
}

/** The public answer given with `/reply`. */
export interface ReplyCommand {
  /** Text after `/reply`, trimmed. */
  answer: string;
  /** ISO instant of the comment. */
  at: string;
  commentId: number;
  author: string;
}

/**
 * The text after a `/reply` command (to the end of the comment), or null when the comment has none: read with
 * the staff-command parser itself (scripts/lib/triage/commands.ts), so what triage marks 已答复 and what is
 * published are the same answer, and the scan is linear in the comment's length.
 */
export function parseReplyCommand(body: string): string | null {
  const reply = parseCommands(body).find((c) => c.name === 'reply');
  return reply?.arg ? reply.arg : null;
}

/** The latest `/reply` comment written by someone with write access (`mayReply`), or null. */
export function latestReply(comments: TrackerComment[], mayReply: (login: string) => boolean): ReplyCommand | null {
  let found: ReplyCommand | null = null;
  for (const c of comments) {
    const answer = parseReplyCommand(c.body);
    if (answer === null || !mayReply(c.author)) continue;
    if (!found || c.createdAt >= found.at) found = { answer, at: c.createdAt, commentId: c.id, author: c.author };
  }
  return found;
}

const normalise = (s: string) =>
  s
    .replace(/\s+/g, '')
    .replace(/[\[［【(（]/g, '〔')
    .replace(/[\]］】)）]/g, '〕')
    .replace(/[“”"《》<>]/g, '');

/** Policies the text names, by 文号 or full title (any bracket style, spaces ignored); sorted by id. */
export function citedPolicies(text: string, policies: PolicyRef[]): string[] {
  const hay = normalise(text);
  const ids = policies
    .filter((p) => (p.docNumber && hay.includes(normalise(p.docNumber))) || (p.title.length >= 6 && hay.includes(normalise(p.title))))
    .map((p) => `policies/${p.id}`);
  return [...new Set(ids)].sort();
}

/** File name of a reply: the tracking code lower-cased (contracts.md), e.g. jy-2026-7k3m9q.md. */
export function replyId(trackingCode: string): string {
  return trackingCode.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}

export interface RenderReplyInput {
  issue: TrackerIssue;
  /** The opinion record (machine block, or what the issue-form parser read). */
  opinion: OpinionRecord;
  reply: ReplyCommand;
  bureau: Bureau;
  codeList: CodeList | null;
  extractCodes: CodeExtractor;
  policies: PolicyRef[];
  /** Opinions merged into this one (并案办理, publish/merged.ts): answered here, counted in `raisedBy`. */
  merged?: OpinionRecord[];
}

export type RenderedReply =
  | { ok: true; id: string; file: string; text: string; data: Reply }
  | { ok: false; id: string; reason: string };

/** Markdown a reader sees as text: no raw HTML from the answer reaches the page. */
function markdownSafe(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/</g, '&lt;').replace(/>/g, '&gt;').trim();
}

/** The reply content file for one answered issue, or why it cannot be published yet. */
export function renderReply(input: RenderReplyInput): RenderedReply {
  const { issue, opinion, reply, bureau } = input;
  const id = replyId(opinion.trackingCode);
  const category: CategoryKey = keyFromLabels(issue.labels, categoryLabel, categoryKeys) ?? opinion.selectedCategory ?? 'other';
  const office = keyFromLabels(issue.labels, officeLabel, officeKeys) ?? bureau.routing[category];
  const outcome: OutcomeKey | undefined = keyFromLabels(issue.labels, outcomeLabel, outcomeKeys);
  if (!outcome) return { ok: false, id, reason: `#${issue.number} 已答复但尚无办理结果：请先用 /outcome 标明结果` };

  const keep = [bureau.contact.phone, bureau.contact.email].filter((x): x is string => Boolean(x));
  const title = redactText(opinion.title.trim(), { keep });
  const question = redactText(opinion.details.trim() || opinion.title.trim(), { keep });
  const answer = redactText(reply.answer, { keep });
  const unitName = opinion.publicConsent ? opinion.organization?.trim() : undefined;
  const codes = publicCodes(input.extractCodes(`${opinion.title}\n${opinion.details}\n${reply.answer}`, input.codeList));
  const day = (iso: string) => new Date(`${chinaDate(new Date(iso))}T00:00:00Z`);
  const raised = input.merged?.length ? raisedBy(opinion, input.merged, keep) : null;

  const data: Record<string, unknown> = {
    title,
    question,
    category,
    office,
    ...(opinion.submitterType ? { submitterType: opinion.submitterType } : {}),
    ...(unitName ? { unit: redactText(unitName, { keep }) } : {}),
    unitNamed: Boolean(unitName),
    ...(raised && raised.units > 1 ? { raisedBy: raised } : {}),
    received: day(opinion.receivedAt),
    replied: day(reply.at),
    outcome,
    codes,
    tracker: { code: opinion.trackingCode, issue: issue.number },
    cites: citedPolicies(reply.answer, input.policies),
    signedBy: bureau.name,
  };
  const parsed = replySchema.safeParse(data);
  if (!parsed.success) {
    return { ok: false, id, reason: `#${issue.number}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  }
  const text = stringifyFrontmatter({ data, body: `${markdownSafe(answer)}\n` });
  return { ok: true, id, file: `replies/${id}.md`, text, data: parsed.data };
}
