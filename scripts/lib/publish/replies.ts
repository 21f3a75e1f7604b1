/**
 * Plans the reply files for every answered opinion in the tracker (issues labelled flags.replied).
 * Reads through the TrackerPort only (contracts.md), so the same plan comes from GitHub or the local
 * tracker; writes nothing (see apply.ts). Every tracker read counts against the operations budget; when
 * the budget runs out the plan stops early and says so, and the next run continues where it left off
 * (files already current are unchanged, so they cost no write). Only believed opinions are published
 * (scripts/lib/triage/trust.ts, issue 11): one awaiting /confirm (待核实) is skipped and says why.
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import type { CodeList } from '../code-list.ts';
import { flags, mergeTarget } from '../labels.ts';
import { canWrite, type Permission, type TrackerPort } from '../tracker/port.ts';
import { verificationNote, type OpinionReader } from '../triage/trust.ts';
import type { CodeExtractor } from './codes.ts';
import { emptyPlan, planFile, type Budget, type PublishPlan } from './plan.ts';
import { latestReply, parseReplyCommand, renderReply, type PolicyRef } from './reply.ts';
import { readMergedMembers, type MergedMember } from './merged.ts';

export interface PlanRepliesDeps {
  bureau: Bureau;
  codeList: CodeList | null;
  extractCodes: CodeExtractor;
  policies: PolicyRef[];
  /** The verified opinion of an issue (trust.ts createOpinionReader; context-fs.ts loadOpinionReader). */
  readOpinion: OpinionReader;
  /** Current bytes of a content file (path relative to the content folder), null when absent. */
  readExisting: (path: string) => Promise<string | null>;
  budget: Budget;
  /** Only these issue numbers (e.g. the issue a /reply comment was just made on). */
  only?: number[];
}

/** The reply files to write for all answered issues (or `only` some). */
export async function planReplies(port: TrackerPort, deps: PlanRepliesDeps): Promise<PublishPlan> {
  const plan = emptyPlan();
  if (!deps.budget.take()) return { ...plan, skipped: [{ ref: 'tracker', reason: '操作预算已用完' }] };
  let issues = await port.listIssues({ state: 'all', labels: [flags.replied] });
  if (deps.only?.length) issues = issues.filter((i) => deps.only!.includes(i.number));
  issues.sort((a, b) => a.number - b.number);

  const permissions = new Map<string, Permission>();
  const permissionOf = async (login: string) => {
    if (!permissions.has(login)) permissions.set(login, await port.getPermission(login));
    return permissions.get(login)!;
  };
  const written = new Map<string, number>();
  // Opinions merged into others (并案办理): read once, with the first answered opinion.
  let members: Map<number, MergedMember[]> | null = null;

  for (const issue of issues) {
    const ref = `#${issue.number}`;
    if (!deps.budget.take()) {
      plan.skipped.push({ ref, reason: '操作预算已用完，下次运行继续' });
      continue;
    }
    // A merged opinion is answered on its main opinion's page (its /track links there): it gets no page of its own.
    const target = mergeTarget(issue.labels);
    if (target || issue.labels.includes(flags.merged)) {
      plan.skipped.push({ ref, reason: target ? `已并入 #${target.issue} 办理，答复见 #${target.issue} 的答复页面` : '已并案办理，答复见主意见的答复页面' });
      continue;
    }
    const read = await deps.readOpinion(issue, port);
    if (read.status !== 'trusted') {
      plan.skipped.push({ ref, reason: verificationNote(read) });
      continue;
    }
    // Part of reading the tracker (the first unit of the budget), once, when there is an answer to publish.
    members ??= await readMergedMembers(port, deps.readOpinion);
    const opinion = read.opinion;
    const comments = await port.listComments(issue.number);
    const allowed = new Set<string>();
    for (const c of comments) if (parseReplyCommand(c.body) !== null && canWrite(await permissionOf(c.author))) allowed.add(c.author);
    const reply = latestReply(comments, (login) => allowed.has(login));
    if (!reply) {
      plan.skipped.push({ ref, reason: '没有有写权限的人员发出的 /reply 答复' });
      continue;
    }
    const rendered = renderReply({ issue, opinion, reply, ...deps, merged: (members.get(issue.number) ?? []).map((m) => m.opinion) });
    if (!rendered.ok) {
      plan.skipped.push({ ref, reason: rendered.reason });
      continue;
    }
    // One page per tracking code: a second issue carrying the same code must not overwrite the first.
    const earlier = written.get(rendered.file);
    if (earlier !== undefined) {
      plan.skipped.push({ ref, reason: `查询码与 #${earlier} 相同，已按 #${earlier} 发布` });
      continue;
    }
    written.set(rendered.file, issue.number);
    planFile(plan, rendered.file, rendered.text, await deps.readExisting(rendered.file), `${ref} ${opinion.trackingCode} 的答复`);
  }
  return plan;
}
