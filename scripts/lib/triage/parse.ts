/**
 * Reads the opinion of a tracker issue: the machine block (scripts/lib/opinion-block.ts) when there is one,
 * else the sections of an issue form (.github/ISSUE_TEMPLATE, contracts.md), which GitHub renders as
 * `### <label>\n\n<value>` with `_No response_` for empty answers. Staff use the forms for opinions received by
 * mail, phone or at meetings, so those issues have no machine block.
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import { categories, categoryKeys, keyByZh, sources, submitterTypes, type CategoryKey, type SourceKey, type SubmitterTypeKey } from '../../../schemas/common.ts';
import type { OpinionRecord } from '../../../schemas/opinion.ts';
import { createHash } from 'node:crypto';
import { loadBureau } from '../bureau.ts';
import { parseOpinionBlock } from '../opinion-block.ts';
import type { TrackerIssue } from '../tracker/port.ts';

/** Issue-form headings (contracts.md); `unit` also accepts the submission schema's label. */
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
  sealedContact: ['填报人与联系方式'],
  trackingCode: ['查询码'],
} as const;

/** `### heading` sections of a Markdown body; empty answers (`_No response_`) are null. */
export function parseSections(body: string): Map<string, string | null> {
  const sections = new Map<string, string | null>();
  const parts = body.replace(/\r\n/g, '\n').split(/^###[ \t]+(.+?)[ \t]*$/m);
  for (let i = 1; i < parts.length; i += 2) {
    const value = parts[i + 1].replace(/```json opinion[\s\S]*$/, '').trim();
    sections.set(parts[i].trim(), value === '' || value === '_No response_' ? null : value);
  }
  return sections;
}

function pick(sections: Map<string, string | null>, names: readonly string[]): string | null {
  for (const name of names) {
    const v = sections.get(name);
    if (v !== undefined) return v;
  }
  return null;
}

/** A category from a form answer: its key, its Chinese name, or the name followed by the hint. */
export function categoryFromAnswer(answer: string | null): CategoryKey | null {
  if (!answer) return null;
  const a = answer.replace(/^[-*]\s*\[[xX]\]\s*/, '').trim();
  if ((categoryKeys as string[]).includes(a)) return a as CategoryKey;
  return categoryKeys.find((k) => a === categories[k].zh || a.startsWith(categories[k].zh)) ?? null;
}

const consentYes = /^(?:是|同意|yes|true)|\[[xX]\]/i;

/**
 * A deterministic 查询码 for an issue without a machine block: bureau prefix, year opened and six Crockford
 * base32 characters from a hash of the issue number, unless the form gave one (`### 查询码`).
 */
function formTrackingCode(bureau: Bureau, issue: TrackerIssue, given: string | null): string {
  if (given && /^[A-Z]{2,4}-\d{4}-[0-9A-Z]{6}$/.test(given.trim())) return given.trim();
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const n = createHash('sha256').update(`issue-form\0${issue.number}`).digest().readUInt32BE(0) >>> 2;
  let hash = '';
  for (let i = 5; i >= 0; i--) hash += alphabet[(n >>> (i * 5)) & 31];
  return `${bureau.codePrefix}-${issue.createdAt.slice(0, 4)}-${hash}`;
}

/** The opinion of an issue-form issue, or null when the body has neither the title nor the details section. */
export function opinionFromForm(issue: TrackerIssue, bureau: Bureau = loadBureau()): OpinionRecord | null {
  const s = parseSections(issue.body);
  const title = pick(s, formHeadings.title);
  const details = pick(s, formHeadings.details);
  if (title === null && details === null) return null;
  const extra = [pick(s, formHeadings.drgDip), pick(s, formHeadings.cases), pick(s, formHeadings.ambiguous)].filter(Boolean);
  const objection = pick(s, formHeadings.objection);
  // Only an encrypted string (npm run seal) counts as contact; anything else is not carried over.
  const sealed = pick(s, formHeadings.sealedContact)?.trim() ?? null;
  const sourceAnswer = pick(s, formHeadings.source);
  const typeAnswer = pick(s, formHeadings.submitterType);
  return {
    v: 1,
    trackingCode: formTrackingCode(bureau, issue, pick(s, formHeadings.trackingCode)),
    key: `issue-form:${issue.number}`,
    receivedAt: issue.createdAt,
    // Forms are for opinions that did not come through the web form; mail is the notice's main other channel.
    source: (sourceAnswer ? keyByZh<SourceKey>(sources, sourceAnswer) : undefined) ?? 'email',
    selectedCategory: categoryFromAnswer(pick(s, formHeadings.category)),
    submitterType: typeAnswer ? (keyByZh<SubmitterTypeKey>(submitterTypes, typeAnswer) ?? null) : null,
    organization: pick(s, formHeadings.organization),
    unit: pick(s, formHeadings.unit),
    publicConsent: consentYes.test(pick(s, formHeadings.publicConsent) ?? ''),
    title: title ?? issue.title,
    details: [objection ? `异议对象：${objection}` : '', details ?? '', ...extra].filter(Boolean).join('\n\n').trim(),
    sealedContact: sealed && /^sealed1\.\S+$/.test(sealed) ? sealed : null,
  };
}

/** The opinion an issue carries: machine block first, then issue-form sections; null for other issues. */
export function opinionFromIssue(issue: TrackerIssue, bureau: Bureau = loadBureau()): OpinionRecord | null {
  return parseOpinionBlock(issue.body) ?? opinionFromForm(issue, bureau);
}
