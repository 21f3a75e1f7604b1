/**
 * Applies a publishing plan (plan.ts) in one of three ways (bureau.json `publishMode`, PUBLISH_MODE):
 * `files` writes into the content folder (offline start, tests), `commit` also commits them to the
 * checked-out branch (a workflow then pushes), `pr` pushes them to one branch on GitHub and opens or
 * updates one pull request (pull-request.ts). Every write takes one operation from the budget; with
 * `dryRun` nothing is written and the plan is only described.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Budget, PublishPlan } from './plan.ts';

export type PublishMode = 'files' | 'commit' | 'pr';

export interface ApplyResult {
  /** Paths written (relative to the content folder). */
  written: string[];
  /** Paths left for the next run because the budget ran out. */
  deferred: string[];
  /** Commit sha, or pull request URL, when one was made. */
  ref?: string;
}

/** Current bytes of a content file as text, or null when it does not exist. */
export async function readContentFile(contentDir: string, path: string): Promise<string | null> {
  try {
    return await readFile(join(contentDir, path), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Current bytes of a content file, or null when it does not exist. */
export async function readContentBytes(contentDir: string, path: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(join(contentDir, path)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Writes every change into `contentDir` (temp file + rename: a crash never leaves half a file). */
export async function applyToFiles(plan: PublishPlan, contentDir: string, budget: Budget, dryRun = false): Promise<ApplyResult> {
  const result: ApplyResult = { written: [], deferred: [] };
  for (const change of plan.changes) {
    if (dryRun) continue;
    if (!budget.take()) {
      result.deferred.push(change.path);
      continue;
    }
    const target = join(contentDir, change.path);
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    await writeFile(tmp, change.content);
    await rename(tmp, target);
    result.written.push(change.path);
  }
  return result;
}

/** Writes the files, then commits exactly those paths in the git work tree at `repoDir`. */
export async function applyAsCommit(
  plan: PublishPlan,
  options: { contentDir: string; repoDir: string; message: string; budget: Budget; dryRun?: boolean },
): Promise<ApplyResult> {
  const result = await applyToFiles(plan, options.contentDir, options.budget, options.dryRun);
  if (options.dryRun || !result.written.length) return result;
  const paths = result.written.map((p) => relative(options.repoDir, join(options.contentDir, p)));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: options.repoDir, encoding: 'utf8' }).trim();
  git('add', '--', ...paths);
  git('-c', 'user.name=drg-feedback-bot', '-c', 'user.email=drg-feedback-bot@users.noreply.github.com', 'commit', '-q', '-m', options.message, '--', ...paths);
  result.ref = git('rev-parse', 'HEAD');
  return result;
}
