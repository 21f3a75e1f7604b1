/**
 * Triage through the TrackerPort (contracts.md): the same functions run in GitHub Actions (Octokit), in the
 * submission server after a delivery to the local tracker (offline `npm start`), and from the command line.
 * Each reads the tracker, computes a plan with the pure functions of this folder, and applies it behind
 * `dryRun` and the operations budget.
 *
 *   triageIssue(port, n, deps)            classify, label, route, time; one triage comment
 *   handleComment(port, n, comment, deps) staff commands (write permission only)
 *   triageUntriaged(port, deps)           every open opinion without an office label (or all, with force)
 *   checkOverdue(port, deps)              逾期 reminders and 逾期督办
 *
 * Every one of them first asks trust.ts whether the opinion is believed: one nobody trusted wrote is labelled
 * 待核实 with one polite comment and is neither classified, routed, timed nor reminded about until /confirm.
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import type { CodeList } from '../code-list.ts';
import { createClassifier, type Classification, type Classifier } from '../classify/classifier.ts';
import { flags, mergeTarget, officeLabel } from '../labels.ts';
import { canWrite, type Permission, type TrackerIssue, type TrackerPort } from '../tracker/port.ts';
import { chinaDate, type WorkCalendar } from '../workdays.ts';
import { applyOperations, toBudget, type Budget } from './apply.ts';
import { applyCommands, errorNote, noteMarker, parseCommands, permissionNote, type Command } from './commands.ts';
import { planOverdue, type OverduePlan } from './overdue.ts';
import { readClaim } from './parse.ts';
import { planTriage, planUnverified, skippedPlan, type Operation, type TriagePlan } from './plan.ts';
import { emptyState, findTriageComment, parseState } from './state.ts';
import { contentDigest, createVerifier, type BotLogins, type Verification } from './trust.ts';
import { readMergeFacts } from './merge.ts';
import type { SimilarEntry } from './state.ts';
import { createSimilarCorpus, similarText, type SimilarCorpus } from '../similar/corpus.ts';
import type { ReplyTemplate } from '../reply-templates.ts';
import { findVerdictComment, parseVerdictState, planRevisit, redoActive } from '../verdict/plan.ts';
import type { OpinionRecord } from '../../../schemas/opinion.ts';
import { officeKeys } from '../../../schemas/common.ts';

export interface TriageDeps {
  bureau: Bureau;
  calendar: WorkCalendar;
  codeList: CodeList | null;
  /** Clock (command log times, overdue "today"); default now. */
  now?: Date;
  /** Compute and report, write nothing. */
  dryRun?: boolean;
  /** Writes allowed in this run: a number, or a budget shared by several calls. Default 50. */
  budget?: number | Budget;
  /**
   * The system's own accounts (cli.ts botLoginsFromEnv): the one triage comments are written as, and the one the
   * submission server opens issues as, whose machine blocks alone are believed.
   */
  bots: BotLogins;
  /**
   * The opinions new ones are compared with (scripts/lib/similar/corpus.ts). A long-lived process passes one corpus
   * for all its runs, so each refresh reads only what changed; default: a fresh one per triageIssue (one read of the
   * open and recently answered opinions) and one per triageUntriaged run.
   */
  similar?: SimilarCorpus;
  /** The bureau's reply templates, for /reply-template (triage/cli.ts reads content/settings/reply-templates/). */
  replyTemplates?: readonly ReplyTemplate[];
}

export type TriageResult = TriagePlan & { applied: boolean; budgetExhausted: boolean };

let cached: { bureau: Bureau; codeList: CodeList | null; classifier: Classifier } | undefined;
function classifierFor(deps: TriageDeps): Classifier {
  if (cached?.bureau !== deps.bureau || cached.codeList !== deps.codeList) {
    cached = { bureau: deps.bureau, codeList: deps.codeList, classifier: createClassifier({ routing: deps.bureau.routing, codeList: deps.codeList }) };
  }
  return cached.classifier;
}

const classifyOpinion = (deps: TriageDeps, opinion: OpinionRecord): Classification =>
  classifierFor(deps).classify({ title: opinion.title, body: opinion.details, selected: opinion.selectedCategory });

const notOpinion = '不是意见建议议题（没有机读块，也没有意见表单栏目）';

/** Cheap check before any tracker read: does the issue carry a machine block or form answers at all? */
const readsAsOpinion = (issue: TrackerIssue, deps: TriageDeps) => readClaim(issue, deps.bureau) !== null;

/**
 * The opinions similar to this one (issue 13), or undefined to keep what the state remembers: an opinion merged into
 * another is not searched for again (it is that opinion's question now).
 */
async function similarFor(port: TrackerPort, issue: TrackerIssue, opinion: OpinionRecord, deps: TriageDeps, corpus: SimilarCorpus): Promise<SimilarEntry[] | undefined> {
  if (issue.labels.includes(flags.merged) || mergeTarget(issue.labels)) return undefined;
  await corpus.refresh(port, createVerifier(port, deps), deps.now ?? new Date());
  return corpus.find(similarText(opinion, deps.bureau), issue.number);
}

async function runTriage(port: TrackerPort, issue: TrackerIssue, deps: TriageDeps, budget: Budget, corpus: SimilarCorpus): Promise<TriageResult> {
  if (!readsAsOpinion(issue, deps)) return { ...skippedPlan(issue.number, notOpinion), applied: false, budgetExhausted: false };
  const comments = await port.listComments(issue.number);
  const v = await createVerifier(port, deps)(issue, { comments });
  if (v.status === 'none') return { ...skippedPlan(issue.number, notOpinion), applied: false, budgetExhausted: false };
  let plan: TriagePlan;
  if (v.status === 'unverified') {
    plan = planUnverified({ issue, comments, botLogin: deps.bots.triage, doubt: v.doubt, bureau: deps.bureau });
  } else {
    const { view: _view, ...planned } = planTriage({
      issue, comments, opinion: v.opinion, classification: classifyOpinion(deps, v.opinion), bureau: deps.bureau, calendar: deps.calendar,
      hasCodeList: deps.codeList !== null, botLogin: deps.bots.triage, similar: await similarFor(port, issue, v.opinion, deps, corpus),
    });
    plan = planned;
  }
  const result = await applyOperations(port, issue.number, plan.operations, { dryRun: deps.dryRun ?? false, budget });
  if (result.budgetExhausted) plan.notes.push(`操作预算已用完：#${issue.number} 的 ${plan.operations.length} 项写操作未执行，下次运行会补上`);
  return { ...plan, applied: result.applied, budgetExhausted: result.budgetExhausted };
}

/** Classifies, labels, routes and times one issue; creates or updates its one triage comment. */
export async function triageIssue(port: TrackerPort, issueNumber: number, deps: TriageDeps): Promise<TriageResult> {
  const issue = await port.getIssue(issueNumber);
  if (!issue) return { ...skippedPlan(issueNumber, `找不到议题 #${issueNumber}`), applied: false, budgetExhausted: false };
  return runTriage(port, issue, deps, toBudget(deps.budget), deps.similar ?? createSimilarCorpus({ bureau: deps.bureau }));
}

/** Triage for every open issue that has none yet (no office label), or for all open issues with `force`. */
export async function triageUntriaged(port: TrackerPort, deps: TriageDeps & { force?: boolean }): Promise<TriageResult[]> {
  const budget = toBudget(deps.budget);
  const corpus = deps.similar ?? createSimilarCorpus({ bureau: deps.bureau });
  const results: TriageResult[] = [];
  const issues = await port.listIssues({ state: 'open' });
  for (const issue of issues.sort((a, b) => a.number - b.number)) {
    if (!deps.force && officeKeys.some((k) => issue.labels.includes(officeLabel(k)))) continue;
    const r = await runTriage(port, issue, deps, budget, corpus);
    if (r.skipped && !deps.force && !issue.labels.includes(flags.opinion)) continue; // not an opinion: not worth a line
    results.push(r);
    if (r.budgetExhausted) break;
  }
  return results;
}

export interface CommentResult {
  issue: number;
  commands: Command[];
  /** The author's permission, when it had to be checked. */
  permission: Permission | null;
  skipped: string | null;
  errors: string[];
  operations: Operation[];
  applied: boolean;
  budgetExhausted: boolean;
  /** Notes posted on other issues: the targets of /merge and /unmerge. */
  notes: { issue: number; body: string }[];
}

/**
 * Staff commands in a new comment. Only users with write access (canWrite) are obeyed; anyone else gets a
 * polite note and nothing changes. Handled comment ids are remembered, so a re-delivered event does nothing.
 */
export async function handleComment(
  port: TrackerPort,
  issueNumber: number,
  comment: { id: number; author: string; body: string; createdAt?: string },
  deps: TriageDeps,
): Promise<CommentResult> {
  const commands = parseCommands(comment.body);
  const result: CommentResult = { issue: issueNumber, commands, permission: null, skipped: null, errors: [], operations: [], applied: false, budgetExhausted: false, notes: [] };
  const botLogin = deps.bots.triage;
  if (!commands.length) return { ...result, skipped: '评论中没有指令' };
  if (comment.author === botLogin) return { ...result, skipped: '机器人自己的评论' };
  const issue = await port.getIssue(issueNumber);
  if (!issue) return { ...result, skipped: `找不到议题 #${issueNumber}` };
  const comments = await port.listComments(issueNumber);
  const triageComment = findTriageComment(comments, botLogin);
  const state = (triageComment ? parseState(triageComment.body) : null) ?? emptyState();
  const answered = comments.some((c) => c.author === botLogin && c.body.includes(noteMarker(comment.id)));
  if (state.handled.includes(comment.id) || answered) return { ...result, skipped: `评论 ${comment.id} 已处理过` };

  result.permission = await port.getPermission(comment.author);
  const budget = toBudget(deps.budget);
  const dryRun = deps.dryRun ?? false;
  const verify = createVerifier(port, deps);
  const before = canWrite(result.permission) ? await verify(issue, { comments, state }) : null;
  if (!before) {
    result.operations = [{ kind: 'createComment', body: permissionNote(comment.id, commands) }];
    result.skipped = `${comment.author} 没有写权限（${result.permission}），指令未执行`;
  } else if (before.status === 'none') {
    result.errors = ['本议题不是意见建议（没有机读块或意见表单栏目），指令未执行'];
    result.operations = [{ kind: 'createComment', body: errorNote(comment.id, result.errors) }];
  } else {
    const at = comment.createdAt ?? (deps.now ?? new Date()).toISOString();
    const effect = applyCommands(commands, {
      labels: issue.labels, state, bureau: deps.bureau, author: comment.author, at, commentId: comment.id,
      trust: before.status === 'trusted' ? before.trust : null, digest: contentDigest(issue),
      merge: await readMergeFacts(port, issue, commands, verify), templates: deps.replyTemplates ?? [],
    });
    result.errors = effect.errors;
    // Believed after the commands? (/confirm makes it so; 待核实 is already off in effect.labels.)
    const after: Verification = await verify(issue, { comments, state: effect.state, labels: effect.labels });
    const triage: TriagePlan = after.status === 'trusted'
      ? planTriage({
          issue, comments, opinion: after.opinion, classification: classifyOpinion(deps, after.opinion), bureau: deps.bureau, calendar: deps.calendar,
          hasCodeList: deps.codeList !== null, botLogin, labels: effect.labels, state: effect.state,
          // Never searched yet (just confirmed, or triaged before issue 13): search now, as triage would.
          similar: effect.state.similar === undefined
            ? await similarFor(port, { ...issue, labels: effect.labels }, after.opinion, deps, deps.similar ?? createSimilarCorpus({ bureau: deps.bureau }))
            : undefined,
        })
      : planUnverified({ issue, comments, botLogin, doubt: after.status === 'unverified' ? after.doubt : 'block', bureau: deps.bureau, labels: effect.labels, state: effect.state });
    // Labels after the commands and what triage derives from them, written as one difference from now;
    // then the comment that records this comment id as handled (last, so a run cut short is redone in full).
    const final = new Set(effect.labels);
    for (const o of triage.operations) {
      if (o.kind === 'removeLabel') final.delete(o.label);
      if (o.kind === 'addLabels') o.labels.forEach((l) => final.add(l));
    }
    // Phone follow-ups (/revisit): the one verdict comment, and for 不满意 a round of handling again (verdict/plan.ts).
    const visit = effect.revisits.length
      ? planRevisit({ issue, comments, bots: deps.bots, bureau: deps.bureau, calendar: deps.calendar, labels: [...final], revisits: effect.revisits })
      : null;
    if (visit) {
      final.clear();
      for (const l of visit.labels) final.add(l);
    }
    const ops: Operation[] = issue.labels.filter((l) => !final.has(l)).map((label) => ({ kind: 'removeLabel', label }));
    const add = [...final].filter((l) => !issue.labels.includes(l));
    if (add.length) ops.push({ kind: 'addLabels', labels: add });
    if (effect.close && issue.state !== 'closed') ops.push({ kind: 'close' });
    else if (visit?.reopen) ops.push({ kind: 'reopen' });
    if (effect.reopen && issue.state === 'closed' && !visit?.reopen) ops.push({ kind: 'reopen' });
    if (visit) ops.push(...visit.operations.filter((o) => o.kind === 'createComment' || o.kind === 'updateComment'));
    ops.push(...triage.operations.filter((o) => o.kind === 'createComment' || o.kind === 'updateComment'));
    if (effect.errors.length) ops.push({ kind: 'createComment', body: errorNote(comment.id, effect.errors) });
    ops.push(...effect.drafts.map((body): Operation => ({ kind: 'createComment', body })));
    result.operations = ops;
    result.notes = effect.notes;
  }
  const applied = await applyOperations(port, issueNumber, result.operations, { dryRun, budget });
  // The merge notes on the targets, once this issue is done; each at most once (a re-delivered event finds it).
  if (applied.applied) {
    for (const note of result.notes) {
      const marker = note.body.slice(0, note.body.indexOf('\n'));
      if ((await port.listComments(note.issue)).some((c) => c.author === botLogin && c.body.startsWith(marker))) continue;
      await applyOperations(port, note.issue, [{ kind: 'createComment', body: note.body }], { dryRun, budget });
    }
  }
  return { ...result, applied: applied.applied, budgetExhausted: applied.budgetExhausted };
}

export interface OverdueResult {
  today: string;
  plans: (OverduePlan & { applied: boolean })[];
  budgetExhausted: boolean;
}

/** The daily check over every open opinion issue. */
export async function checkOverdue(port: TrackerPort, deps: TriageDeps & { today?: string }): Promise<OverdueResult> {
  const today = deps.today ?? chinaDate(deps.now ?? new Date());
  const budget = toBudget(deps.budget);
  const out: OverdueResult = { today, plans: [], budgetExhausted: false };
  const issues = await port.listIssues({ state: 'open', labels: [flags.opinion] });
  const verify = createVerifier(port, deps);
  for (const issue of issues.sort((a, b) => a.number - b.number)) {
    // Closed and answered issues need no verification (and no reads).
    const v: Verification | null = issue.state === 'closed' || issue.labels.includes(flags.replied) ? null : await verify(issue);
    // Handled again (再次办理): the new due date is the one in the verdict comment (verdict/plan.ts).
    const redo = v?.status === 'trusted' && redoActive(issue.labels) ? findVerdictComment(await port.listComments(issue.number), deps.bots) : undefined;
    const redoDue = redo ? (parseVerdictState(redo.body)?.redo?.due ?? null) : null;
    const plan: OverduePlan = v?.status === 'unverified'
      ? { issue: issue.number, skipped: '待核实：工作人员尚未用 /confirm 核实，不计算答复期限', due: null, lateWorkdays: 0, operations: [] }
      : planOverdue(issue, v?.status === 'trusted' ? v.opinion : null, { bureau: deps.bureau, calendar: deps.calendar, today, redoDue });
    if (out.budgetExhausted) {
      if (plan.operations.length) out.plans.push({ ...plan, applied: false, skipped: '操作预算已用完，下次运行继续' });
      continue;
    }
    const r = await applyOperations(port, issue.number, plan.operations, { dryRun: deps.dryRun ?? false, budget });
    if (r.budgetExhausted) out.budgetExhausted = true;
    out.plans.push({ ...plan, applied: r.applied, ...(r.budgetExhausted ? { skipped: '操作预算已用完，下次运行继续' } : {}) });
  }
  return out;
}
