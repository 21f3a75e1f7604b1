/**
 * Triage decisions for one opinion issue, as a plan (DEVELOPERS.md: pure decisions, writes applied
 * elsewhere behind a dry-run flag and a budget): which labels to add and take off, and the body of the one
 * triage comment (create it, update it, or leave it).
 *
 * Label rules (contracts.md "never remove labels a person set"):
 * - Triage only ever removes a label it added itself (recorded in the comment state) or the category label the
 *   submission endpoint set from the ticked box, and only to replace it with a confident classification.
 * - A category or office label that neither triage nor the endpoint set was set by a person: triage follows it.
 * - What staff decided with commands (/category, /assign, /escalate) is never overridden.
 * - Low confidence: 分类待确认 is added; the ticked box is kept (or the best guess when nothing was ticked).
 * - An opinion nobody trusted wrote (trust.ts) gets only 待核实 and the polite note (planUnverified): the routing
 *   labels triage itself added are taken off, and nothing is classified, routed or timed until /confirm.
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import { categoryKeys, officeKeys, type CategoryKey, type OfficeKey } from '../../../schemas/common.ts';
import type { OpinionRecord } from '../../../schemas/opinion.ts';
import type { Classification } from '../classify/classifier.ts';
import type { ExtractedCode } from '../classify/codes.ts';
import { dueDate } from '../due.ts';
import { categoryLabel, flags, mergeTarget, officeLabel } from '../labels.ts';
import type { TrackerComment, TrackerIssue } from '../tracker/port.ts';
import { chinaDate, type WorkCalendar } from '../workdays.ts';
import { renderTriageComment, renderUnverifiedComment, type CategorySource, type TriageView } from './comment.ts';
import { emptyState, findTriageComment, parseState, type SimilarEntry, type TriageState } from './state.ts';
import type { Doubt } from './trust.ts';

/** One write to the tracker. */
export type Operation =
  | { kind: 'addLabels'; labels: string[] }
  | { kind: 'removeLabel'; label: string }
  | { kind: 'createComment'; body: string }
  | { kind: 'updateComment'; id: number; body: string }
  | { kind: 'close' }
  /** Opens a closed issue again: the submitter was not satisfied with the reply (再次办理, scripts/lib/verdict/plan.ts). */
  | { kind: 'reopen' };

export interface TriagePlan {
  issue: number;
  /** Why the issue is left alone (not an opinion...), else null. */
  skipped: string | null;
  /** Why the opinion awaits /confirm (labelled 待核实, not routed), else null. */
  unverified: Doubt | null;
  category: CategoryKey | null;
  office: OfficeKey | null;
  escalate: boolean;
  needsCategory: boolean;
  /** Due date YYYY-MM-DD. */
  due: string | null;
  confidence: number | null;
  reasons: string[];
  codes: ExtractedCode[];
  /** Writes, in the order they must happen. */
  operations: Operation[];
  /** Warnings for the log (e.g. holiday calendar missing a year). */
  notes: string[];
}

export const skippedPlan = (issue: number, reason: string): TriagePlan => ({
  issue, skipped: reason, unverified: null, category: null, office: null, escalate: false, needsCategory: false, due: null,
  confidence: null, reasons: [], codes: [], operations: [], notes: [],
});

export interface DecideInput {
  labels: string[];
  state: TriageState;
  opinion: OpinionRecord;
  classification: Classification;
  bureau: Bureau;
  calendar: WorkCalendar;
  hasCodeList: boolean;
}

export interface Decision {
  view: TriageView;
  add: string[];
  remove: string[];
}

/** Years between two days that the work calendar has no holiday data for. */
export function calendarWarning(calendar: WorkCalendar, from: string, to: string): string | null {
  const years: number[] = [];
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) if (!calendar.covers(`${y}-06-30`)) years.push(y);
  if (!years.length) return null;
  return `节假日日历还没有 ${years.join('、')} 年的国务院放假和调休安排，答复期限暂按“周末休息”计算。请在 content/settings/holidays.json 补充当年安排，然后重新分拣（npm run triage -- --issue <编号>）。`;
}

export function decideTriage(input: DecideInput): Decision {
  const { opinion, classification: c, bureau } = input;
  const labels = new Set(input.labels);
  const state: TriageState = structuredClone(input.state);
  const managed = new Set(state.added);
  const add = new Set<string>();
  const remove = new Set<string>();
  const want = (label: string) => {
    if (labels.has(label)) return;
    add.add(label);
    managed.add(label);
  };
  const drop = (label: string) => {
    if (labels.has(label) && managed.has(label)) remove.add(label);
    managed.delete(label);
  };

  // Category.
  const ticked = opinion.selectedCategory;
  const machineSet = (k: CategoryKey) => managed.has(categoryLabel(k)) || k === ticked;
  const present = categoryKeys.filter((k) => labels.has(categoryLabel(k)));
  const byPerson = present.filter((k) => !machineSet(k));
  let category: CategoryKey;
  let categorySource: CategorySource;
  let needsCategory = false;
  if (input.state.staff.category) {
    category = input.state.staff.category;
    categorySource = 'staff';
  } else if (byPerson.length) {
    category = byPerson[byPerson.length - 1];
    categorySource = 'label';
  } else if (c.needsReview && ticked) {
    category = ticked;
    categorySource = 'ticked';
    needsCategory = true;
  } else {
    category = c.category;
    categorySource = 'classifier';
    needsCategory = c.needsReview;
  }
  if (categorySource === 'classifier' || categorySource === 'ticked') {
    want(categoryLabel(category));
    for (const k of present) {
      if (k === category || !machineSet(k)) continue;
      remove.add(categoryLabel(k));
      managed.delete(categoryLabel(k));
    }
  }
  if (needsCategory) want(flags.needsCategory);
  else drop(flags.needsCategory);

  // Office.
  const presentOffices = officeKeys.filter((k) => labels.has(officeLabel(k)));
  const officeByPerson = presentOffices.filter((k) => !managed.has(officeLabel(k)));
  let office: OfficeKey;
  let officeSource: TriageView['officeSource'];
  if (input.state.staff.office) {
    office = input.state.staff.office;
    officeSource = 'staff';
  } else if (officeByPerson.length) {
    office = officeByPerson[officeByPerson.length - 1];
    officeSource = 'label';
  } else {
    office = bureau.routing[category];
    officeSource = 'routing';
    want(officeLabel(office));
    for (const k of presentOffices) if (k !== office) drop(officeLabel(k));
  }

  // Escalation (报送上级).
  let escalate: boolean;
  let escalateSource: TriageView['escalateSource'] = null;
  if (input.state.staff.escalate) {
    escalate = true;
    escalateSource = 'staff';
  } else if (labels.has(flags.escalate) && !managed.has(flags.escalate)) {
    escalate = true;
    escalateSource = 'label';
  } else if (c.escalate) {
    escalate = true;
    escalateSource = 'classifier';
    want(flags.escalate);
  } else {
    escalate = false;
    drop(flags.escalate);
  }

  want(flags.opinion);
  drop(flags.unverified);

  const after = new Set([...labels, ...add].filter((l) => !remove.has(l)));
  state.added = [...managed].filter((l) => after.has(l)).sort();

  const receivedDay = chinaDate(new Date(opinion.receivedAt));
  const due = dueDate(bureau, input.calendar, opinion.receivedAt, category);
  const view: TriageView = {
    state, classification: c, selected: ticked, category, categorySource, office, officeSource, needsCategory,
    escalate, escalateSource, receivedDay, due, calendarWarning: calendarWarning(input.calendar, receivedDay, due),
    hasCodeList: input.hasCodeList, bureau,
    similar: state.similar ?? null, mergedInto: state.staff.mergedInto ?? mergeTarget([...after])?.issue ?? null,
  };
  return { view, add: [...add], remove: [...remove] };
}

export interface PlanTriageInput extends Omit<DecideInput, 'labels' | 'state'> {
  issue: TrackerIssue;
  comments: TrackerComment[];
  botLogin: string;
  /** Labels and state after staff commands (commands.ts); default: the issue's and the comment's. */
  labels?: string[];
  state?: TriageState;
  /** Similar opinions just found (run.ts, scripts/lib/similar/); default: those the state remembers. */
  similar?: SimilarEntry[];
}

/** Label writes, then the comment: removals first so an issue never shows two categories at once. */
export function planTriage(input: PlanTriageInput): TriagePlan & { view: TriageView } {
  const existing = findTriageComment(input.comments, input.botLogin);
  const remembered = input.state ?? (existing ? parseState(existing.body) : null) ?? emptyState();
  const state = input.similar ? { ...remembered, similar: input.similar } : remembered;
  const d = decideTriage({ ...input, labels: input.labels ?? input.issue.labels, state });
  const body = renderTriageComment(d.view);
  const operations: Operation[] = [];
  // The comment goes first: it records which labels triage is about to add, so if the budget runs out before
  // the labels are written, the next run still knows they are triage's own.
  if (!existing) operations.push({ kind: 'createComment', body });
  else if (existing.body !== body) operations.push({ kind: 'updateComment', id: existing.id, body });
  for (const label of d.remove) operations.push({ kind: 'removeLabel', label });
  if (d.add.length) operations.push({ kind: 'addLabels', labels: d.add });
  const v = d.view;
  return {
    issue: input.issue.number,
    skipped: null,
    unverified: null,
    category: v.category,
    office: v.office,
    escalate: v.escalate,
    needsCategory: v.needsCategory,
    due: v.due,
    confidence: v.classification.confidence,
    reasons: v.classification.reasons,
    codes: v.classification.codes,
    operations,
    notes: v.calendarWarning ? [v.calendarWarning] : [],
    view: v,
  };
}

export interface PlanUnverifiedInput {
  issue: TrackerIssue;
  comments: TrackerComment[];
  botLogin: string;
  doubt: Doubt;
  bureau: Bureau;
  /** Labels and state after staff commands (commands.ts); default: the issue's and the comment's. */
  labels?: string[];
  state?: TriageState;
}

/**
 * An opinion that awaits /confirm: 待核实 on, every label triage added for routing (category, office, flags) off,
 * and the one triage comment holding the polite note; labels a person set stay.
 */
export function planUnverified(input: PlanUnverifiedInput): TriagePlan {
  const existing = findTriageComment(input.comments, input.botLogin);
  const state: TriageState = structuredClone(input.state ?? (existing ? parseState(existing.body) : null) ?? emptyState());
  const labels = new Set(input.labels ?? input.issue.labels);
  const keep = new Set<string>([flags.unverified, flags.opinion]);
  const remove = state.added.filter((l) => labels.has(l) && !keep.has(l));
  const add = labels.has(flags.unverified) ? [] : [flags.unverified];
  state.added = [...new Set([...state.added.filter((l) => keep.has(l) && labels.has(l)), ...add])].sort();
  const body = renderUnverifiedComment({ state, doubt: input.doubt, bureau: input.bureau });
  const operations: Operation[] = [];
  if (!existing) operations.push({ kind: 'createComment', body });
  else if (existing.body !== body) operations.push({ kind: 'updateComment', id: existing.id, body });
  for (const label of remove) operations.push({ kind: 'removeLabel', label });
  if (add.length) operations.push({ kind: 'addLabels', labels: add });
  return { ...skippedPlan(input.issue.number, ''), skipped: null, unverified: input.doubt, operations };
}
