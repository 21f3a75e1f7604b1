/**
 * Label vocabulary of the tracker, shared by the submission endpoint (initial labels), triage (category,
 * office, flags), staff commands (outcome), publishing (replied) and /track (public status). Names are
 * Chinese because staff read them; `labelsAsCode()` lists them all for .github/labels.json sync.
 */
import { categories, offices, outcomes, sources, type CategoryKey, type OfficeKey, type OutcomeKey, type SourceKey } from '../../schemas/common.ts';
import { verdicts, type VerdictKey } from '../../schemas/verdict.ts';
import type { TrackerLabel } from './tracker/port.ts';

export const categoryLabel = (key: CategoryKey) => `分类:${categories[key].zh}`;
export const officeLabel = (key: OfficeKey) => `承办:${offices[key].zh}`;
export const sourceLabel = (key: SourceKey) => `来源:${sources[key].zh}`;
export const outcomeLabel = (key: OutcomeKey) => `结果:${outcomes[key].zh}`;
/** The submitter's own verdict on the reply, given on /track (好差评); exactly one at a time. */
export const verdictLabel = (key: VerdictKey) => `评价:${verdicts[key].zh}`;
/** The verdict staff heard on a phone follow-up (/revisit); exactly one at a time. */
export const revisitLabel = (key: VerdictKey) => `回访:${verdicts[key].zh}`;

/** Flags. */
export const flags = {
  /** Beyond the bureau's authority: goes in the report to the province (济源 二(二)2). */
  escalate: '报送上级',
  /** The classifier was not confident: a person confirms the category. */
  needsCategory: '分类待确认',
  /** Past its due date. */
  overdue: '逾期',
  /** Overdue past the further limit: escalated to the bureau's leadership. */
  overdueEscalated: '逾期督办',
  /** Kept for the next grouping revision (意见留用, 济源 三(二)). */
  reserved: '意见留用',
  /** A public answer was given with /reply: publishing renders it onto the site. */
  replied: '已答复',
  /** Marks every opinion issue, whatever its source. */
  opinion: '意见建议',
  /**
   * Handled together with another opinion that raises the same question (并案办理, /merge #12, issue 13): closed, its
   * /track follows that opinion, and it counts once, as one more unit behind that opinion's question. The target is
   * in a second label, mergeTargetLabel.
   */
  merged: '并案办理',
  /**
   * An opinion nobody trusted wrote (issue 11): its machine block is not from the submission server's account, or
   * its issue form was filled by someone without write access. Kept out of routing, due dates, replies and the
   * statistics until staff confirm it with /confirm.
   */
  unverified: '待核实',
  /**
   * The submitter was not satisfied with the reply (评价 or 回访 不满意): the opinion is handled again with a new due
   * date, 国办发〔2019〕51号 “差评”整改. Stays after the new answer, so the quarterly summary counts it.
   */
  redo: '再次办理',
} as const;

const colours = { category: '1d76db', office: '5319e7', source: 'c5def5', outcome: '0e8a16', flag: 'd93f0b', verdict: 'fbca04' };

export function labelsAsCode(): TrackerLabel[] {
  const out: TrackerLabel[] = [];
  for (const k of Object.keys(categories) as CategoryKey[]) out.push({ name: categoryLabel(k), color: colours.category, description: categories[k].hint });
  for (const k of Object.keys(offices) as OfficeKey[]) out.push({ name: officeLabel(k), color: colours.office, description: `由${offices[k].zh}办理` });
  for (const k of Object.keys(sources) as SourceKey[]) out.push({ name: sourceLabel(k), color: colours.source, description: `通过${sources[k].zh}收到` });
  for (const k of Object.keys(outcomes) as OutcomeKey[]) out.push({ name: outcomeLabel(k), color: colours.outcome, description: `办理结果：${outcomes[k].zh}` });
  for (const k of Object.keys(verdicts) as VerdictKey[]) out.push({ name: verdictLabel(k), color: colours.verdict, description: `提交人在网站上对答复的评价：${verdicts[k].zh}` });
  for (const k of Object.keys(verdicts) as VerdictKey[]) out.push({ name: revisitLabel(k), color: colours.verdict, description: `电话回访中提交人对答复的评价：${verdicts[k].zh}` });
  const flagText: Record<keyof typeof flags, string> = {
    escalate: '超出本级权限，纳入向上级医保部门的报送',
    needsCategory: '自动分类置信度低，请人工确认分类',
    overdue: '已超过答复期限',
    overdueEscalated: '逾期未办，已提醒分管负责人督办',
    reserved: '暂不采纳，留作新版分组升级参考',
    replied: '已给出公开答复，待发布或已发布到网站',
    opinion: '意见建议（所有来源）',
    merged: '与提出同一问题的其他意见并案办理（见“并入:#编号”标签），随该意见答复',
    unverified: '不是网站提交或工作人员登记的意见，暂不分派、不计时、不公开、不统计，工作人员核实后用 /confirm 确认',
    redo: '提交人对答复不满意，重新办理并在新的期限内再次答复',
  };
  for (const k of Object.keys(flags) as (keyof typeof flags)[]) out.push({ name: flags[k], color: colours.flag, description: flagText[k] });
  return out;
}

/** Reads a category/office/outcome key back from an issue's labels (the last one wins). */
export function keyFromLabels<K extends string>(labels: string[], toLabel: (k: K) => string, keys: readonly K[]): K | undefined {
  let found: K | undefined;
  for (const k of keys) if (labels.includes(toLabel(k))) found = k;
  return found;
}

/**
 * The label naming the opinion a merged one is handled with, e.g. `并入:#12 JY-2026-7K3M9Q`: the issue number for
 * staff and for /track to read the target's status (from labels alone, which is all the /track index holds of a
 * GitHub issue), and the target's 查询码 for the link to its reply page.
 */
export const mergeTargetLabel = (issue: number, trackingCode: string) => `并入:#${issue} ${trackingCode}`;

/** The target of a merged opinion read back from its labels (mergeTargetLabel), or null. Linear, no regex. */
export function mergeTarget(labels: readonly string[]): { issue: number; trackingCode: string } | null {
  for (const label of labels) {
    if (!label.startsWith('并入:#')) continue;
    const space = label.indexOf(' ', 4);
    const issue = Number(label.slice(4, space < 0 ? undefined : space));
    const trackingCode = space < 0 ? '' : label.slice(space + 1).trim();
    if (Number.isInteger(issue) && issue > 0 && trackingCode) return { issue, trackingCode };
  }
  return null;
}
