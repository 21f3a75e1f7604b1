/**
 * Delivers a publishing plan to GitHub as ONE pull request on a fixed branch (e.g. `publish/replies`):
 * the branch is created from the base branch when missing, each changed file is put through the
 * contents API (only when its bytes differ from the branch), and an open pull request for the branch is
 * reused or created. Running it twice therefore never opens a second pull request or a second commit.
 * Uses the Octokit of the tracker port (scripts/lib/tracker/octokit.ts: retry + throttling), through
 * `octokit.request` on the documented REST routes, so the local GitHub stand-in serves it in tests.
 */
import { join, relative } from 'node:path';
import type { Budget, PublishPlan } from './plan.ts';
import type { ApplyResult } from './apply.ts';

/** The slice of Octokit this needs. */
export interface RequestLike {
  request(route: string, params?: Record<string, unknown>): Promise<{ status: number; data: any }>;
}

export interface PullRequestOptions {
  octokit: RequestLike;
  owner: string;
  repo: string;
  /** Branch the pull request merges into (the repository's default, usually `main`). */
  base: string;
  /** Branch holding the regenerated files, e.g. `publish/replies`. */
  branch: string;
  /** Where the content folder sits inside the repository (default `content`). */
  contentPath?: string;
  title: string;
  /** Commit message per file; the file's plan reason is appended. */
  message: string;
  budget: Budget;
  dryRun?: boolean;
}

const status = (e: unknown) => (e as { status?: number }).status;

export async function applyAsPullRequest(plan: PublishPlan, o: PullRequestOptions): Promise<ApplyResult> {
  const result: ApplyResult = { written: [], deferred: [] };
  if (!plan.changes.length || o.dryRun) return result;
  const repoPath = (p: string) => relative('.', join(o.contentPath ?? 'content', p)).split('\\').join('/');
  const call = async (route: string, params: Record<string, unknown>) => {
    if (!o.budget.take()) throw new BudgetExhausted();
    return o.octokit.request(route, { owner: o.owner, repo: o.repo, ...params });
  };

  try {
    const base = await call('GET /repos/{owner}/{repo}/git/ref/{ref}', { ref: `heads/${o.base}` });
    try {
      await call('GET /repos/{owner}/{repo}/git/ref/{ref}', { ref: `heads/${o.branch}` });
    } catch (e) {
      if (status(e) !== 404) throw e;
      await call('POST /repos/{owner}/{repo}/git/refs', { ref: `refs/heads/${o.branch}`, sha: base.data.object.sha });
    }
    for (const change of plan.changes) {
      const path = repoPath(change.path);
      let sha: string | undefined;
      try {
        const current = await call('GET /repos/{owner}/{repo}/contents/{path}', { path, ref: o.branch });
        sha = current.data.sha;
        if (typeof current.data.content === 'string' && Buffer.from(current.data.content, 'base64').equals(Buffer.from(change.content))) continue;
      } catch (e) {
        if (e instanceof BudgetExhausted) throw e;
        if (status(e) !== 404) throw e;
      }
      await call('PUT /repos/{owner}/{repo}/contents/{path}', {
        path,
        branch: o.branch,
        message: `${o.message}: ${change.reason}`,
        content: Buffer.from(change.content).toString('base64'),
        ...(sha ? { sha } : {}),
      });
      result.written.push(change.path);
    }
    const open = await call('GET /repos/{owner}/{repo}/pulls', { state: 'open', head: `${o.owner}:${o.branch}`, base: o.base });
    const body = ['由发布脚本自动生成，合并后部署工作流将重新发布网站。', '', ...plan.changes.map((c) => `- ${c.action === 'create' ? '新建' : '更新'} \`${repoPath(c.path)}\`：${c.reason}`)].join('\n');
    if (open.data.length) {
      result.ref = open.data[0].html_url;
    } else {
      const created = await call('POST /repos/{owner}/{repo}/pulls', { title: o.title, head: o.branch, base: o.base, body });
      result.ref = created.data.html_url;
    }
  } catch (e) {
    if (!(e instanceof BudgetExhausted)) throw e;
    result.deferred = plan.changes.map((c) => c.path).filter((p) => !result.written.includes(p));
  }
  return result;
}

class BudgetExhausted extends Error {
  constructor() {
    super('操作预算已用完');
  }
}
