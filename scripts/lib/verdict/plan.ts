/**
 * What a submitter's verdict on the reply (好差评, schemas/verdict.ts) does to the opinion's issue, as a plan of
 * tracker writes (pure, like scripts/lib/triage/plan.ts; sync.ts and triage/run.ts apply it):
 *
 * - one verdict comment per opinion, found by its hidden marker `<!-- drg:verdict … -->` and only when the system
 *   wrote it (so nobody can forge it), updated in place when the verdict changes (it keeps its id). It shows the
 *   verdict given on /track, the phone follow-ups staff recorded with /revisit, and any round of handling again;
 * - exactly one label 评价:满意 / 评价:基本满意 / 评价:不满意 for the verdict given on /track (回访:… labels are
 *   the staff command's, commands.ts);
 * - 不满意 starts a round of handling again (国办发〔2019〕51号: 差评 is followed up and the matter handled again):
 *   the issue is reopened if it was closed, labelled 再次办理, and 已答复 comes off so it needs answering again;
 *   the new due date — the category's `replyDays` working days from the China day of the verdict — is written in
 *   the comment, which names the handling office (its `bureau.notify` handle when configured, so GitHub tells it);
 * - a verdict on /track changed back from 不满意 before staff answered again withdraws the round that verdict
 *   started: 已答复 back, 再次办理 off (unless an earlier round was completed), closed again if it was reopened for
 *   it. A round staff started after a phone call is theirs to finish (/reply or /close).
 *
 * Idempotent: every plan is derived from the issue's labels and state and the comment's hidden state, so applying
 * it twice writes nothing the second time. The comment is written last: it is what records that a verdict has
 * been acted on, so a run cut short before it is done again in full by the next one.
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import { categories, categoryKeys, offices, officeKeys, type CategoryKey, type OfficeKey } from '../../../schemas/common.ts';
import { verdictKeys, verdicts, type VerdictKey, type VerdictRecord } from '../../../schemas/verdict.ts';
import { categoryLabel, flags, keyFromLabels, officeLabel, verdictLabel } from '../labels.ts';
import { neutraliseInline } from '../submission/neutralise.ts';
import type { TrackerComment, TrackerIssue } from '../tracker/port.ts';
import type { Operation } from '../triage/plan.ts';
import type { BotLogins } from '../triage/trust.ts';
import { addWorkdays, chinaDate, chinaDateTime, type WorkCalendar } from '../workdays.ts';

export const VERDICT_MARKER = '<!-- drg:verdict';

/** One phone follow-up recorded with /revisit. */
export interface Revisit {
  verdict: VerdictKey;
  /** Staff's note, redacted; null when none. Kept neutralised (inert Markdown) in the comment's state. */
  note: string | null;
  /** ISO instant of the command comment. */
  at: string;
  /** Login of the member of staff. */
  by: string;
}

/** A round of handling again. */
export interface RedoRound {
  /** China day it started (the day of the 不满意 verdict). */
  from: string;
  /** New due date, YYYY-MM-DD. */
  due: string;
  /** What started it: the verdict on /track, or a phone follow-up. */
  by: 'web' | 'revisit';
  /** ISO instant of the verdict that started it (the record's changedAt, or the command comment's time). */
  at: string;
  /** The issue was closed and was reopened for this round. */
  reopened: boolean;
}

/** What the verdict comment remembers, kept in its hidden marker. */
export interface VerdictState {
  v: 1;
  /**
   * The verdict given on /track that the comment shows; `at` is its changedAt, identifying it. The reason is kept
   * as the comment shows it (redacted and neutralised), so not even the hidden state holds a live mention.
   */
  web: { verdict: VerdictKey; reason: string | null; at: string; changeableUntil: string } | null;
  /** Phone follow-ups, oldest first (the last 20). */
  revisits: Revisit[];
  /** The round in force or the last one, null when none was started (or the only one was withdrawn). */
  redo: RedoRound | null;
  /** Rounds started and not withdrawn. */
  rounds: number;
}

export const emptyVerdictState = (): VerdictState => ({ v: 1, web: null, revisits: [], redo: null, rounds: 0 });

const isVerdict = (v: unknown): v is VerdictKey => typeof v === 'string' && (verdictKeys as string[]).includes(v);
const isDay = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function renderVerdictState(state: VerdictState): string {
  const json = JSON.stringify(state).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
  return `${VERDICT_MARKER} ${json} -->`;
}

/** The hidden state of a verdict comment; anything malformed is dropped field by field (the comment is rewritten). */
export function parseVerdictState(body: string): VerdictState | null {
  const start = body.indexOf(VERDICT_MARKER);
  if (start < 0) return null;
  const end = body.indexOf('-->', start);
  if (end < 0) return null;
  let raw: Record<string, any>;
  try {
    raw = JSON.parse(body.slice(start + VERDICT_MARKER.length, end).trim());
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const w = raw.web;
  const r = raw.redo;
  return {
    v: 1,
    web: w && isVerdict(w.verdict) && str(w.at) && isDay(w.changeableUntil) ? { verdict: w.verdict, reason: str(w.reason), at: w.at, changeableUntil: w.changeableUntil } : null,
    revisits: Array.isArray(raw.revisits)
      ? raw.revisits.filter((x: any) => x && isVerdict(x.verdict) && str(x.at) && str(x.by)).map((x: any) => ({ verdict: x.verdict, note: str(x.note), at: x.at, by: x.by }))
      : [],
    redo: r && isDay(r.from) && isDay(r.due) && (r.by === 'web' || r.by === 'revisit') && str(r.at) ? { from: r.from, due: r.due, by: r.by, at: r.at, reopened: r.reopened === true } : null,
    rounds: Number.isInteger(raw.rounds) && raw.rounds >= 0 ? raw.rounds : 0,
  };
}

/** The verdict comment: the first one carrying the marker written by one of the system's own accounts. */
export function findVerdictComment(comments: TrackerComment[], bots: BotLogins): TrackerComment | undefined {
  return comments.find((c) => (c.author === bots.intake || c.author === bots.triage) && c.body.includes(VERDICT_MARKER));
}

/** A round is in force while the issue is labelled 再次办理 and not (yet) answered again. */
export const redoActive = (labels: Iterable<string>) => {
  const set = new Set(labels);
  return set.has(flags.redo) && !set.has(flags.replied);
};

export interface VerdictContext {
  issue: TrackerIssue;
  comments: TrackerComment[];
  bots: BotLogins;
  bureau: Bureau;
  calendar: WorkCalendar;
  /** The issue's labels as they will be before these writes (default: the issue's); staff commands pass theirs. */
  labels?: string[];
}

export interface VerdictPlan {
  state: VerdictState;
  /** The comment's body after the plan. */
  body: string;
  /** Labels after the plan. */
  labels: string[];
  /** The issue is to be reopened (再次办理) / closed again (a withdrawn round). */
  reopen: boolean;
  close: boolean;
  /** The round in force after the plan, for messages (null when none). */
  redo: RedoRound | null;
  /** Writes in order: label removals, additions, reopen/close, then the comment. */
  operations: Operation[];
}

/** The category and office in force, from the labels (the routing when no office label is there yet). */
function routing(labels: Set<string>, bureau: Bureau): { category: CategoryKey; office: OfficeKey } {
  const category = keyFromLabels<CategoryKey>([...labels], categoryLabel, categoryKeys) ?? 'other';
  const office = keyFromLabels<OfficeKey>([...labels], officeLabel, officeKeys) ?? bureau.routing[category];
  return { category, office };
}

/**
 * The due date of a round of handling again started by a verdict at `at`: the category's reply limit in working
 * days from the verdict's China day (the day itself not counted, like every due date: scripts/lib/due.ts).
 */
export function redoDue(bureau: Bureau, calendar: WorkCalendar, at: string, category: CategoryKey): { from: string; due: string } {
  const from = chinaDate(new Date(at));
  return { from, due: addWorkdays(calendar, from, bureau.replyDays[category]) };
}

type Event = { kind: 'web'; record: VerdictRecord } | { kind: 'revisit'; revisits: Revisit[] };

function decide(ctx: VerdictContext, event: Event): VerdictPlan {
  const existing = findVerdictComment(ctx.comments, ctx.bots);
  const prev = (existing ? parseVerdictState(existing.body) : null) ?? emptyVerdictState();
  const state: VerdictState = structuredClone(prev);
  const before = ctx.labels ?? ctx.issue.labels;
  const labels = new Set(before);
  const { category } = routing(labels, ctx.bureau);
  let open = ctx.issue.state === 'open';
  const wasOpen = open;

  const startRound = (by: RedoRound['by'], at: string) => {
    const round: RedoRound = { ...redoDue(ctx.bureau, ctx.calendar, at, category), by, at, reopened: !open };
    open = true;
    labels.add(flags.redo);
    labels.delete(flags.replied);
    // A new due date: reminders about the first one no longer apply (the overdue check reminds about this one).
    labels.delete(flags.overdue);
    labels.delete(flags.overdueEscalated);
    return round;
  };

  if (event.kind === 'web') {
    const r = event.record;
    for (const k of verdictKeys) if (k !== r.verdict) labels.delete(verdictLabel(k));
    labels.add(verdictLabel(r.verdict));
    if (state.web?.at !== r.changedAt) {
      state.web = { verdict: r.verdict, reason: r.reason === null ? null : neutraliseInline(r.reason), at: r.changedAt, changeableUntil: r.changeableUntil };
      const active = redoActive(labels);
      if (r.verdict === 'unsatisfied') {
        if (active && state.redo?.by === 'revisit') {
          // Staff's round after a phone call goes on as it is.
        } else if (active && state.redo) {
          // A new reason for the same 不满意: the round restarts from it (the office has the latest word).
          state.redo = { ...startRound('web', r.changedAt), reopened: state.redo.reopened };
        } else {
          state.redo = startRound('web', r.changedAt);
          state.rounds++;
        }
      } else if (active && state.redo?.by === 'web') {
        // Changed back before staff answered again: the round it started is withdrawn.
        labels.add(flags.replied);
        state.rounds = Math.max(0, state.rounds - 1);
        if (state.rounds === 0) labels.delete(flags.redo);
        if (state.redo.reopened) open = false;
        state.redo = null;
      }
    }
  } else {
    for (const visit of event.revisits) {
      state.revisits = [...state.revisits, { ...visit, note: visit.note === null ? null : neutraliseInline(visit.note) }].slice(-20);
      if (visit.verdict === 'unsatisfied' && !(redoActive(labels) && state.redo)) {
        state.redo = startRound('revisit', visit.at);
        state.rounds++;
      }
    }
  }

  const body = renderVerdictComment(state, { bureau: ctx.bureau, labels });
  const operations: Operation[] = [];
  for (const l of before) if (!labels.has(l)) operations.push({ kind: 'removeLabel', label: l });
  const add = [...labels].filter((l) => !before.includes(l));
  if (add.length) operations.push({ kind: 'addLabels', labels: add });
  const reopen = open && !wasOpen;
  const close = !open && wasOpen;
  if (reopen) operations.push({ kind: 'reopen' });
  if (close) operations.push({ kind: 'close' });
  if (!existing) operations.push({ kind: 'createComment', body });
  else if (existing.body !== body) operations.push({ kind: 'updateComment', id: existing.id, body });
  return { state, body, labels: [...labels], reopen, close, redo: redoActive(labels) ? state.redo : null, operations };
}

/** The plan for the verdict given on /track (the store's record in force). */
export function planWebVerdict(ctx: VerdictContext & { record: VerdictRecord }): VerdictPlan {
  return decide(ctx, { kind: 'web', record: ctx.record });
}

/** The plan for phone follow-ups recorded with /revisit (labels: after the staff commands, with 回访:… already set). */
export function planRevisit(ctx: VerdictContext & { revisits: Revisit[] }): VerdictPlan {
  return decide(ctx, { kind: 'revisit', revisits: ctx.revisits });
}

const cell = (s: string) => s.replace(/\|/g, '／').replace(/\n/g, ' ');

/** The office as the comment names it: its GitHub handle too when bureau.notify has one, so it is notified. */
export function officeMention(bureau: Bureau, office: OfficeKey): string {
  const handle = bureau.notify?.[office];
  // A space after the handle: a mention must end at a non-word character, and Chinese text would run on.
  return handle ? `${offices[office].zh} ${handle} ` : offices[office].zh;
}

/**
 * The verdict comment. Only computed text and the redacted, neutralised reason and note (neutralise.ts: no mention,
 * reference, HTML or Markdown survives from them), so nothing a submitter types can notify anyone or spoof a section.
 */
export function renderVerdictComment(state: VerdictState, ctx: { bureau: Bureau; labels: Set<string> }): string {
  const lines = [renderVerdictState(state), '### 提交人对答复的评价', ''];
  if (state.web) {
    const w = state.web;
    lines.push(
      '| 项目 | 内容 |',
      '| --- | --- |',
      `| 网上评价 | **${verdicts[w.verdict].zh}**（${chinaDateTime(w.at)}，提交人可修改至 ${w.changeableUntil}） |`,
      `| 评价理由 | ${w.reason ?? '（未填写）'} |`,
    );
  } else {
    lines.push('提交人尚未在网站上评价。');
  }
  if (state.revisits.length) {
    lines.push('', '**电话回访记录**', '');
    for (const v of state.revisits) lines.push(`- ${chinaDateTime(v.at)} ${cell(v.by)}：**${verdicts[v.verdict].zh}**${v.note ? `；备注：${cell(v.note)}` : ''}`);
  }
  if (state.redo) {
    const r = state.redo;
    const { category, office } = routing(ctx.labels, ctx.bureau);
    const why = r.by === 'web' ? '提交人在网站上评价“不满意”' : '电话回访中提交人表示“不满意”';
    lines.push(
      '',
      `### 再次办理${state.rounds > 1 ? `（第 ${state.rounds} 次）` : ''}`,
      '',
      `⚠️ ${why}，本意见转为**再次办理**${r.reopened ? '（议题已重新打开）' : ''}。请${officeMention(ctx.bureau, office)}重新研究办理，` +
        `在 **${r.due}** 前（${categories[category].zh} ${ctx.bureau.replyDays[category]} 个工作日，${r.from} 起算）用 \`/reply <答复正文>\` 再次答复。`,
    );
  }
  lines.push(
    '',
    '<details><summary>说明</summary>',
    '',
    `提交人凭查询码在网站“查询办理进度”页评价（满意 / 基本满意 / 不满意），首次评价后 15 个工作日内可修改；评价为“不满意”时自动转为再次办理，新的答复期限按该分类的答复时限计算。` +
      '工作人员电话回访后用 `/revisit 满意|基本满意|不满意 备注` 登记。评价理由已自动隐去个人信息。',
    '',
    '</details>',
  );
  return lines.join('\n');
}
