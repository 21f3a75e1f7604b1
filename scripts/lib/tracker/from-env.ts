/**
 * Picks the tracker for this process: GitHub through Octokit when GITHUB_TOKEN and GITHUB_REPOSITORY
 * (owner/name) are set (GITHUB_API_URL points it elsewhere, e.g. the test stand-in), else the embedded
 * local tracker under DATA_DIR, so everything runs offline.
 */
import { dataPaths } from '../data-dir.ts';
import { createLocalTracker } from './local.ts';
import type { TrackerPort } from './port.ts';

export type TrackerKind = 'github' | 'local';

export function trackerKind(env: NodeJS.ProcessEnv = process.env): TrackerKind {
  return env.GITHUB_TOKEN && env.GITHUB_REPOSITORY ? 'github' : 'local';
}

export async function createTrackerFromEnv(env: NodeJS.ProcessEnv = process.env, actor?: string): Promise<TrackerPort> {
  if (trackerKind(env) === 'github') {
    const { createOctokitTracker } = await import('./octokit.ts');
    const [owner, repo] = env.GITHUB_REPOSITORY!.split('/');
    return createOctokitTracker({ token: env.GITHUB_TOKEN!, owner, repo, baseUrl: env.GITHUB_API_URL });
  }
  return createLocalTracker({ dir: dataPaths(env).tracker, actor });
}
