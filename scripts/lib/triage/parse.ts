/**
 * Reads what an issue says about its opinion, before anyone decides whether to believe it (trust.ts does):
 * the machine block (scripts/lib/opinion-block.ts) and the sections of an issue form (.github/ISSUE_TEMPLATE,
 * contracts.md), which GitHub renders as `### <label>\n\n<value>` with `_No response_` for empty answers. Staff
 * use the forms for opinions received by mail, phone or at meetings, so those issues have no machine block.
 *
 * Everything here reads text anyone can write, so every scan is linear in the body's length (issue 11: the old
 * heading pattern `^###[ \t]+(.+?)[ \t]*$` took seconds on one heading padded with spaces): lines are found with
 * indexOf, and the only patterns left are anchored and bounded to one short answer.
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import { categories, categoryKeys, keyByZh, sources, submitterTypes, type CategoryKey, type SourceKey, type SubmitterTypeKey } from '../../../schemas/common.ts';
import type { OpinionRecord } from '../../../schemas/opinion.ts';
import { createHash } from 'node:crypto';
import { OPINION_FENCE, parseOpinionBlock } from '../opinion-block.ts';
import { codeFromDigest, formatTrackingCode } from '../submission/tracking-code.ts';
import type { TrackerIssue } from '../tracker/port.ts';

/**
 * Issue-form headings (contracts.md); `unit` also accepts the submission schema's label. There is no 查询码
 * heading: tracking codes come only from the submission server's secret (issue 11), never from a form.
 */
export const formHeadings = {
  organization: ['单位名称'],
  unit: ['所在单位/科室', '所在单位'],
  submitterType: ['提交人类型'],
  category: ['问题分类'],
  title: ['主要意见及建议'],
  details: ['具体问题和建议'],
  source: ['来源渠道'],
  publicConsent: ['同意公开单位名称'],
  drgDip: ['DRG/DIP 名称与代码'],
  cases: ['病案举例'],
  ambiguous: ['歧义组信息'],
  objection: ['异议对象'],
} as const;

/** The heading text of a `### heading` line, or null for any other line. */
function headingOf(line: string): string | null {
  if (!line.startsWith('###') || (line[3] !== ' ' && line[3] !== '\t')) return null;
  const text = line.slice(4).trim();
  return text === '' ? null : text;
}

/**
 * `### heading` sections of a Markdown body, in one pass over its lines; empty answers (`_No response_`) are
 * null. Text before the first heading is not a section; a later section with the same heading wins; a machine
 * block and everything after it is not part of any answer.
 */
export function parseSections(body: string): Map<string, string | null> {
  const sections = new Map<string, string | null>();
  const text = body.includes('\r') ? body.replace(/\r\n?/g, '\n') : body;
  let heading: string | null = null;
  let from = 0; // start of the current section's value
  const close = (end: number) => {
    if (heading === null) return;
    let value = text.slice(from, end);
    const fence = value.indexOf(OPINION_FENCE);
    if (fence >= 0) value = value.slice(0, fence);
    value = value.trim();
    sections.set(heading, value === '' || value === '_No response_' ? null : value);
  };
  for (let start = 0; start <= text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const h = text.startsWith('###', start) ? headingOf(text.slice(start, end)) : null;
    if (h !== null) {
      close(start);
      heading = h;
      from = end + 1;
    }
    start = end + 1;
  }
  close(text.length);
  return sections;
}

function pick(sections: Map<string, string | null>, names: readonly string[]): string | null {
  for (const name of names) {
    const v = sections.get(name);
    if (v !== undefined) return v;
  }
  return null;
}

/** A form answer without a leading ticked task box (`- [x] `), as GitHub renders checkboxes. */
function untick(answer: string): string {
  const a = answer.trimStart();
  if ((a[0] === '-' || a[0] === '*') && /^[-*][ \t]*\[[xX]\]/.test(a.slice(0, 16))) return a.slice(a.indexOf(']') + 1).trim();
  return answer.trim();
}

/** A category from a form answer: its key, its Chinese name, or the name followed by the hint. */
export function categoryFromAnswer(answer: string | null): CategoryKey | null {
  if (!answer) return null;
  const a = untick(answer);
  if ((categoryKeys as string[]).includes(a)) return a as CategoryKey;
  return categoryKeys.find((k) => a === categories[k].zh || a.startsWith(categories[k].zh)) ?? null;
}

/** 同意公开单位名称: 是 / 同意 / yes / true, or a ticked box anywhere in the answer. */
function consentGiven(answer: string | null): boolean {
  if (!answer) return false;
  const a = answer.trimStart().toLowerCase();
  return ['是', '同意', 'yes', 'true'].some((w) => a.startsWith(w)) || a.includes('[x]');
}

/**
 * The 查询码 of an opinion that did not come through the web form (staff-entered, or confirmed with /confirm):
 * bureau prefix, year opened and six Crockford base32 characters from a hash of the issue number. Derived from
 * the issue alone, so it is the same on every run and nobody can choose it.
 */
export function issueTrackingCode(bureau: Bureau, issue: TrackerIssue): string {
  return formatTrackingCode(bureau.codePrefix, issue.createdAt.slice(0, 4), codeFromDigest(createHash('sha256').update(`issue-form\0${issue.number}`).digest()));
}

/**
 * The opinion of an issue-form issue, or null when the body has neither the title nor the details section. Its
 * code is derived from the issue (issueTrackingCode) and its received instant is when the issue was opened.
 */
export function opinionFromForm(issue: TrackerIssue, bureau: Bureau): OpinionRecord | null {
  const s = parseSections(issue.body);
  const title = pick(s, formHeadings.title);
  const details = pick(s, formHeadings.details);
  if (title === null && details === null) return null;
  const extra = [pick(s, formHeadings.drgDip), pick(s, formHeadings.cases), pick(s, formHeadings.ambiguous)].filter(Boolean);
  const objection = pick(s, formHeadings.objection);
  const sourceAnswer = pick(s, formHeadings.source);
  const typeAnswer = pick(s, formHeadings.submitterType);
  return {
    v: 1,
    trackingCode: issueTrackingCode(bureau, issue),
    key: `issue-form:${issue.number}`,
    receivedAt: issue.createdAt,
    // Forms are for opinions that did not come through the web form; mail is the notice's main other channel.
    source: (sourceAnswer ? keyByZh<SourceKey>(sources, sourceAnswer) : undefined) ?? 'email',
    selectedCategory: categoryFromAnswer(pick(s, formHeadings.category)),
    submitterType: typeAnswer ? (keyByZh<SubmitterTypeKey>(submitterTypes, typeAnswer) ?? null) : null,
    organization: pick(s, formHeadings.organization),
    unit: pick(s, formHeadings.unit),
    publicConsent: consentGiven(pick(s, formHeadings.publicConsent)),
    title: title ?? issue.title,
    details: [objection ? `异议对象：${objection}` : '', details ?? '', ...extra].filter(Boolean).join('\n\n').trim(),
  };
}

/** What an issue claims to carry: its machine block and its form answers, either or both null. */
export interface IssueClaim {
  block: OpinionRecord | null;
  form: OpinionRecord | null;
}

/** The claims of an issue, or null when it carries neither a machine block nor form answers (not an opinion). */
export function readClaim(issue: TrackerIssue, bureau: Bureau): IssueClaim | null {
  const block = parseOpinionBlock(issue.body);
  const form = opinionFromForm(issue, bureau);
  return block || form ? { block, form } : null;
}
