/**
 * Reads the opinions of a period from the tracker into plain public facts, the input of the quarterly
 * summary, the exports and the ADRG report. Through the TrackerPort only; comments are read only for
 * answered issues (to date the first reply), each read counting against the operations budget.
 * Everything a fact holds is public: tracking code, redacted title and text, labels-derived keys, days.
 * Only believed opinions count (scripts/lib/triage/trust.ts, issue 11): one labelled 待核实, or any issue whose
 * opinion nobody trusted wrote and staff have not confirmed, is left out of every figure.
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import type { MentionedCode } from '../../../schemas/codes.ts';
import {
  categoryKeys, officeKeys, outcomeKeys, sourceKeys,
  type CategoryKey, type OfficeKey, type OutcomeKey, type SourceKey, type SubmitterTypeKey,
} from '../../../schemas/common.ts';
import type { CodeList } from '../code-list.ts';
import { dueDate } from '../due.ts';
import { verdictKeys, type VerdictKey } from '../../../schemas/verdict.ts';
import { categoryLabel, flags, keyFromLabels, mergeTarget, officeLabel, outcomeLabel, revisitLabel, sourceLabel, verdictLabel } from '../labels.ts';
import { redactText } from '../redact.ts';
import { canWrite, type Permission, type TrackerIssue, type TrackerPort } from '../tracker/port.ts';
import { chinaDate, type WorkCalendar } from '../workdays.ts';
import { publicCodes, type CodeExtractor } from './codes.ts';
import type { OpinionReader } from '../triage/trust.ts';
import { chinaDayStart } from './periods.ts';
import type { Budget } from './plan.ts';
import { parseReplyCommand } from './reply.ts';
import { raisedBy } from './merged.ts';
import type { OpinionRecord } from '../../../schemas/opinion.ts';

export interface OpinionFacts {
  /** Tracker issue number. */
  number: number;
  /** Tracking code (查询码). */
  code: string;
  /** Title after redaction. */
  title: string;
  /** Title and details after redaction (hot topics). */
  text: string;
  category: CategoryKey;
  office: OfficeKey;
  submitterType: SubmitterTypeKey | null;
  source: SourceKey;
  outcome: OutcomeKey | null;
  /** China day received. */
  received: string;
  /** Due day (scripts/lib/due.ts). */
  due: string;
  /** China day of the first /reply by staff; null when not answered. */
  replied: string | null;
  state: 'open' | 'closed';
  escalated: boolean;
  reserved: boolean;
  codes: MentionedCode[];
  /**
   * The submitter's verdict on the reply (labels 评价:… given on /track; else 回访:… heard by staff on the phone,
   * /revisit), null when none; `verdictSource` says which.
   */
  verdict: VerdictKey | null;
  verdictSource: 'online' | 'revisit' | null;
  /** Handled again after a 不满意 verdict (label 再次办理). */
  redo: boolean;
  /**
   * 并案办理 (issue 13): the opinion this one was merged into (/merge; labels.ts mergeTarget), whose question it is;
   * absent or null when it stands on its own.
   */
  mergedInto?: { issue: number; code: string } | null;
  /** Units behind this opinion's question: with opinions merged into it, how many units raised it (merged.ts); absent: 1. */
  units?: number;
}

export interface CollectDeps {
  bureau: Bureau;
  calendar: WorkCalendar;
  codeList: CodeList | null;
  extractCodes: CodeExtractor;
  /** The verified opinion of an issue (trust.ts createOpinionReader; context-fs.ts loadOpinionReader). */
  readOpinion: OpinionReader;
  budget: Budget;
}

export interface CollectResult {
  facts: OpinionFacts[];
  /** True when the budget ran out before every answered issue's comments were read. */
  incomplete: boolean;
}

/**
 * Facts for opinions received (China days) from `from` to `to` inclusive. Reply days are read (one
 * comments request each) only for answered opinions received on or after `repliesFrom` (default `from`).
 */
export async function collectFacts(
  port: TrackerPort,
  range: { from: string; to: string; repliesFrom?: string },
  deps: CollectDeps,
): Promise<CollectResult> {
  const repliesFrom = range.repliesFrom ?? range.from;
  if (!deps.budget.take()) return { facts: [], incomplete: true };
  // An issue received in the range was created, hence updated, at or after the range's first instant.
  const issues = await port.listIssues({ state: 'all', labels: [flags.opinion], since: chinaDayStart(range.from) });
  const keep = [deps.bureau.contact.phone, deps.bureau.contact.email].filter((x): x is string => Boolean(x));
  const permissions = new Map<string, Permission>();
  const facts: OpinionFacts[] = [];
  let incomplete = false;

  // Opinions merged into another, by that one's number, whenever received: they add units to its question. (One merged
  // after the main opinion was received was updated then, so it is among the issues read.)
  const members = new Map<number, OpinionRecord[]>();
  const mains = new Map<number, { fact: OpinionFacts; opinion: OpinionRecord }>();
  for (const issue of issues.sort((a, b) => a.number - b.number)) {
    const read = await deps.readOpinion(issue, port);
    if (read.status !== 'trusted') continue;
    const opinion = read.opinion;
    const target = mergeTarget(issue.labels);
    if (target) members.set(target.issue, [...(members.get(target.issue) ?? []), opinion]);
    const receivedAt = opinion.receivedAt;
    const received = chinaDate(new Date(receivedAt));
    if (received < range.from || received > range.to) continue;
    const category = keyFromLabels(issue.labels, categoryLabel, categoryKeys) ?? opinion.selectedCategory ?? 'other';
    const outcome = keyFromLabels(issue.labels, outcomeLabel, outcomeKeys) ?? null;
    const online = keyFromLabels(issue.labels, verdictLabel, verdictKeys) ?? null;
    const revisit = keyFromLabels(issue.labels, revisitLabel, verdictKeys) ?? null;
    const title = opinion.title;
    const details = opinion.details;
    let replied: string | null = null;
    // Handled again (再次办理) after a 不满意 verdict: 已答复 is off until the new answer, but the first one counts.
    if (received >= repliesFrom && (issue.labels.includes(flags.replied) || issue.labels.includes(flags.redo))) {
      if (deps.budget.take()) {
        for (const c of (await port.listComments(issue.number)).sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
          if (parseReplyCommand(c.body) === null) continue;
          if (!permissions.has(c.author)) permissions.set(c.author, await port.getPermission(c.author));
          if (!canWrite(permissions.get(c.author)!)) continue;
          replied = chinaDate(new Date(c.createdAt));
          break;
        }
      } else incomplete = true;
    }
    facts.push({
      number: issue.number,
      code: opinion.trackingCode,
      title: redactText(title, { keep }),
      text: redactText(`${title}\n${details}`, { keep }),
      category,
      office: keyFromLabels(issue.labels, officeLabel, officeKeys) ?? deps.bureau.routing[category],
      submitterType: opinion.submitterType,
      source: keyFromLabels(issue.labels, sourceLabel, sourceKeys) ?? opinion.source,
      outcome,
      received,
      due: dueDate(deps.bureau, deps.calendar, receivedAt, category),
      replied,
      state: issue.state,
      escalated: issue.labels.includes(flags.escalate) || outcome === 'escalated',
      reserved: issue.labels.includes(flags.reserved) || outcome === 'reserved',
      codes: publicCodes(deps.extractCodes(`${title}\n${details}`, deps.codeList)),
      verdict: online ?? revisit,
      verdictSource: online ? 'online' : revisit ? 'revisit' : null,
      redo: issue.labels.includes(flags.redo),
      mergedInto: target ? { issue: target.issue, code: target.trackingCode } : null,
      units: 1,
    });
    mains.set(issue.number, { fact: facts[facts.length - 1], opinion });
  }
  for (const [n, list] of members) {
    const main = mains.get(n);
    if (main && !main.fact.mergedInto) main.fact.units = raisedBy(main.opinion, list, keep).units;
  }
  return { facts, incomplete };
}
