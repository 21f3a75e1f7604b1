/**
 * Shared shell of the triage entry scripts (triage.ts, staff.ts, check-overdue.ts): flags, dependencies from
 * the environment, and one readable line per result. `--dry-run` writes nothing; `--budget N` caps writes.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { categories, offices } from '../../../schemas/common.ts';
import { loadBureau } from '../bureau.ts';
import { loadCodeList } from '../code-list-fs.ts';
import { trackerKind } from '../tracker/from-env.ts';
import { loadWorkCalendar } from '../workdays-fs.ts';
import { contentDir } from '../content-dir.ts';
import { loadReplyTemplates } from '../reply-templates-fs.ts';
import type { ReplyTemplate } from '../reply-templates.ts';
import { describeOperation, toBudget } from './apply.ts';
import type { OverdueResult, CommentResult, TriageDeps, TriageResult } from './run.ts';
import type { BotLogins } from './trust.ts';

const commonFlags = {
  'dry-run': { type: 'boolean', default: false },
  budget: { type: 'string' },
  issue: { type: 'string', multiple: true },
} as const satisfies ParseArgsOptionsConfig;

export function parseFlags<Extra extends ParseArgsOptionsConfig = {}>(argv: string[], extra?: Extra) {
  const options = { ...commonFlags, ...extra } as typeof commonFlags & Extra;
  return parseArgs({ args: argv, allowPositionals: true, options });
}

/**
 * The system's own tracker accounts (trust.ts BotLogins). TRIAGE_BOT_LOGIN: who triage comments as; Actions'
 * GITHUB_TOKEN writes as github-actions[bot], the local tracker as feedback-bot. SUBMISSION_BOT_LOGIN: who the
 * submission server opens issues as (the owner of its GITHUB_TOKEN, e.g. a bureau bot account); by default the
 * same as the triage login, which on GitHub believes no web submission until it is set: failing safe, every
 * opinion then waits for /confirm instead of anyone's block being believed.
 */
export function botLoginsFromEnv(env: NodeJS.ProcessEnv = process.env): BotLogins {
  const triage = env.TRIAGE_BOT_LOGIN || (trackerKind(env) === 'github' ? 'github-actions[bot]' : 'feedback-bot');
  return { triage, intake: env.SUBMISSION_BOT_LOGIN || triage };
}

/** Dependencies for this process: bureau settings, holiday calendar, code list, budget, bot logins. */
export function depsFromEnv(flags: { 'dry-run'?: boolean; budget?: string }, env: NodeJS.ProcessEnv = process.env, defaultBudget = 50): TriageDeps {
  const budget = flags.budget === undefined ? defaultBudget : Number(flags.budget);
  if (!Number.isInteger(budget) || budget < 0) throw new Error(`--budget 应为非负整数，收到 ${flags.budget}`);
  return {
    bureau: loadBureau(),
    calendar: loadWorkCalendar(),
    codeList: loadCodeList(env),
    dryRun: flags['dry-run'] ?? false,
    budget: toBudget(budget),
    bots: botLoginsFromEnv(env),
    replyTemplates: replyTemplatesFromEnv(env),
  };
}

/**
 * The reply templates of the content folder (CONTENT_DIR, else ./content: on GitHub the checked-out repository).
 * A template that is not valid is left out and named on stderr (npm run validate names it too): one bad file does
 * not stop staff commands.
 */
export function replyTemplatesFromEnv(env: NodeJS.ProcessEnv = process.env): ReplyTemplate[] {
  const { templates, problems } = loadReplyTemplates(contentDir(env));
  for (const p of problems) console.warn(`答复模板未载入：${p}`);
  return templates;
}

export const issueNumbers = (values: string[] | undefined) =>
  (values ?? []).map((v) => {
    const n = Number(v.replace(/^#/, ''));
    if (!Number.isInteger(n) || n < 1) throw new Error(`--issue 应为议题编号，收到 ${v}`);
    return n;
  });

const ops = (list: { kind: string }[], dryRun: boolean) =>
  list.length ? `\n    ${dryRun ? 'would ' : ''}${list.map((o) => describeOperation(o as never)).join(`\n    ${dryRun ? 'would ' : ''}`)}` : '';

export function formatTriage(r: TriageResult, dryRun: boolean): string {
  if (r.skipped) return `#${r.issue}: skipped — ${r.skipped}`;
  const state = r.budgetExhausted ? ' [budget exhausted: not written]' : r.operations.length === 0 ? ' [up to date]' : dryRun ? ' [dry run]' : ' [written]';
  if (r.unverified) return `#${r.issue}: 待核实 (${r.unverified}), not routed until /confirm${state}${ops(r.operations, dryRun)}`;
  const head = `#${r.issue}: ${categories[r.category!].zh} → ${offices[r.office!].zh}, due ${r.due}, confidence ${r.confidence}` +
    `${r.escalate ? ', 报送上级' : ''}${r.needsCategory ? ', 分类待确认' : ''}; codes ${r.codes.map((c) => c.code).join(' ') || 'none'}`;
  return `${head}${state}${ops(r.operations, dryRun)}${r.notes.map((n) => `\n    note: ${n}`).join('')}`;
}

export function formatComment(r: CommentResult, dryRun: boolean): string {
  const cmds = r.commands.map((c) => `/${c.name}`).join(' ') || '(none)';
  const state = r.budgetExhausted ? ' [budget exhausted: not written]' : dryRun ? ' [dry run]' : r.applied ? ' [written]' : '';
  return `#${r.issue}: commands ${cmds}${r.permission ? ` by a user with ${r.permission} permission` : ''}${r.skipped ? ` — ${r.skipped}` : ''}${state}` +
    `${r.errors.map((e) => `\n    error: ${e}`).join('')}${ops(r.operations, dryRun)}${r.notes.map((n) => `\n    ${dryRun ? 'would ' : ''}note on #${n.issue}`).join('')}`;
}

export function formatOverdue(r: OverdueResult, dryRun: boolean): string {
  const acted = r.plans.filter((p) => p.operations.length);
  const lines = [`overdue check for ${r.today}: ${r.plans.length} open opinions, ${acted.length} need a reminder or escalation`];
  for (const p of acted) lines.push(`#${p.issue}: due ${p.due}, ${p.lateWorkdays} working days late${p.skipped ? ` — ${p.skipped}` : dryRun ? ' [dry run]' : ' [written]'}${ops(p.operations, dryRun)}`);
  if (r.budgetExhausted) lines.push('operations budget exhausted: stopped cleanly; the next run continues');
  return lines.join('\n');
}

/** Runs an entry script's body; a failure prints one clear line (no stack trace) and exits 1. */
export async function main(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    process.stderr.write(`${(e as Error).name === 'Error' ? '' : `${(e as Error).name}: `}${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
