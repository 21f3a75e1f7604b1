/**
 * Plans the reply files for every answered opinion in the tracker (issues labelled flags.replied).
 * Reads through the TrackerPort only (contracts.md), so the same plan comes from GitHub or the local
 * tracker; writes nothing (see apply.ts). Every tracker read counts against the operations budget; when
 * the budget runs out the plan stops early and says so, and the next run continues where it left off
 * (files already current are unchanged, so they cost no write).
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import type { OpinionRecord } from '../../../schemas/opinion.ts';
import type { CodeList } from '../code-list.ts';
import { flags } from '../labels.ts';
import { canWrite, type Permission, type TrackerIssue, type TrackerPort } from '../tracker/port.ts';
import type { CodeExtractor } from './codes.ts';
import { emptyPlan, planFile, type Budget, type PublishPlan } from './plan.ts';
import { latestReply, renderReply, type PolicyRef } from './reply.ts';

export interface PlanRepliesDeps {
  bureau: Bureau;
  codeList: CodeList | null;
  extractCodes: CodeExtractor;
  policies: PolicyRef[];
  /** The opinion of an issue: its machine block, or what an issue-form parser reads from it. */
  readOpinion: (issue: TrackerIssue) => OpinionRecord | null;
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

  for (const issue of issues) {
    const ref = `#${issue.number}`;
    if (!deps.budget.take()) {
      plan.skipped.push({ ref, reason: '操作预算已用完，下次运行继续' });
      continue;
    }
    const opinion = deps.readOpinion(issue);
    if (!opinion) {
      plan.skipped.push({ ref, reason: '找不到意见记录（机读块或表单栏目）' });
      continue;
    }
    const comments = await port.listComments(issue.number);
    const allowed = new Set<string>();
    for (const c of comments) if (/^[ \t]*\/reply\b/m.test(c.body) && canWrite(await permissionOf(c.author))) allowed.add(c.author);
    const reply = latestReply(comments, (login) => allowed.has(login));
    if (!reply) {
      plan.skipped.push({ ref, reason: '没有有写权限的人员发出的 /reply 答复' });
      continue;
    }
    const rendered = renderReply({ issue, opinion, reply, ...deps });
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
