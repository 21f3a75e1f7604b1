/**
 * The opinions merged into others (并案办理, /merge, issue 13) as publishing needs them: which opinions each main
 * opinion answers besides its own, and how many units that makes. Read through the TrackerPort with one listing of
 * the issues labelled 并案办理; only believed opinions count (trust.ts), like everywhere else in publishing.
 */
import type { OpinionRecord } from '../../../schemas/opinion.ts';
import { flags, mergeTarget } from '../labels.ts';
import { redactText } from '../redact.ts';
import type { TrackerPort } from '../tracker/port.ts';
import type { OpinionReader } from '../triage/trust.ts';

export interface MergedMember {
  issue: number;
  opinion: OpinionRecord;
}

/** Believed merged opinions by the issue number they are merged into, each list in issue order. */
export async function readMergedMembers(port: TrackerPort, readOpinion: OpinionReader): Promise<Map<number, MergedMember[]>> {
  const out = new Map<number, MergedMember[]>();
  const issues = await port.listIssues({ state: 'all', labels: [flags.merged] });
  for (const issue of issues.sort((a, b) => a.number - b.number)) {
    const target = mergeTarget(issue.labels);
    if (!target || target.issue === issue.number) continue;
    const v = await readOpinion(issue, port);
    if (v.status !== 'trusted') continue;
    out.set(target.issue, [...(out.get(target.issue) ?? []), { issue: issue.number, opinion: v.opinion }]);
  }
  return out;
}

/** A unit as one thing however it was typed (spaces, full-width letters); an opinion without a unit is its own. */
const unitKey = (o: OpinionRecord) => {
  const name = (o.organization ?? '').normalize('NFKC').replace(/\s+/g, '');
  return name ? `unit:${name}` : `opinion:${o.key}`;
};

/**
 * How many units raised the question of `main` and the opinions merged into it (a unit that wrote twice counts once),
 * and the names of those that agreed to be named, redacted as every published text is, main first, each once.
 */
export function raisedBy(main: OpinionRecord, members: OpinionRecord[], keep: string[]): { units: number; named: string[] } {
  const all = [main, ...members];
  const units = new Set(all.map(unitKey)).size;
  const named: string[] = [];
  const seen = new Set<string>();
  for (const o of all) {
    const name = o.organization?.trim();
    if (!o.publicConsent || !name || seen.has(unitKey(o))) continue;
    seen.add(unitKey(o));
    named.push(redactText(name, { keep }));
  }
  return { units, named };
}

/** The reply page's line for a question several units raised: the number, and the names only of those that agreed. */
export function raisedByLine(r: { units: number; named: string[] }): string {
  if (r.named.length >= r.units) return `${r.units} 家单位提出：${r.named.join('、')}`;
  if (r.named.length) return `${r.units} 家单位提出，其中同意公开名称的有：${r.named.join('、')}`;
  return `${r.units} 家单位提出（均未同意公开单位名称）`;
}
