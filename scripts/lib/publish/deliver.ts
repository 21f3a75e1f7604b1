/**
 * Hands a plan to the configured target: the shared tail of `npm run replies` and `npm run summary`.
 * Mode: --mode, else PUBLISH_MODE, else bureau.json `publishMode`, else `pr` on GitHub and `files` offline.
 */
import { resolve } from 'node:path';
import type { Bureau } from '../../../schemas/bureau.ts';
import { trackerKind } from '../tracker/from-env.ts';
import type { TrackerPort } from '../tracker/port.ts';
import { applyAsCommit, applyToFiles, type ApplyResult, type PublishMode } from './apply.ts';
import type { Budget, PublishPlan } from './plan.ts';
import { applyAsPullRequest, type RequestLike } from './pull-request.ts';

export function publishMode(bureau: Bureau, env: NodeJS.ProcessEnv, flag?: PublishMode): PublishMode {
  const fromEnv = env.PUBLISH_MODE as PublishMode | undefined;
  if (fromEnv && !['files', 'commit', 'pr'].includes(fromEnv)) throw new Error(`PUBLISH_MODE 应为 files、commit 或 pr，收到 ${fromEnv}`);
  return flag ?? fromEnv ?? bureau.publishMode ?? (trackerKind(env) === 'github' ? 'pr' : 'files');
}

export async function deliver(
  plan: PublishPlan,
  o: { mode: PublishMode; port: TrackerPort; contentDir: string; env: NodeJS.ProcessEnv; budget: Budget; dryRun: boolean; branch: string; title: string },
): Promise<ApplyResult> {
  if (o.mode === 'files') return applyToFiles(plan, o.contentDir, o.budget, o.dryRun);
  if (o.mode === 'commit') return applyAsCommit(plan, { contentDir: o.contentDir, repoDir: resolve('.'), message: o.title, budget: o.budget, dryRun: o.dryRun });
  const octokit = (o.port as TrackerPort & { octokit?: RequestLike }).octokit;
  if (!octokit || !o.env.GITHUB_REPOSITORY) throw new Error('publishMode=pr 需要 GitHub：请设置 GITHUB_TOKEN 和 GITHUB_REPOSITORY，或改用 --mode files');
  const [owner, repo] = o.env.GITHUB_REPOSITORY.split('/');
  return applyAsPullRequest(plan, {
    octokit, owner, repo, base: o.env.PUBLISH_BASE ?? 'main', branch: o.branch, title: o.title, message: o.title, budget: o.budget, dryRun: o.dryRun,
  });
}
