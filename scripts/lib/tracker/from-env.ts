/**
 * Picks the tracker for this process: GitHub through Octokit when GITHUB_TOKEN and GITHUB_REPOSITORY
 * (owner/name) are set (GITHUB_API_URL points it elsewhere, e.g. the test stand-in; TRACKER_* variables
 * tune timeouts and retries, see octokit.ts), else the embedded local tracker in the DATA_DIR store, so
 * everything runs offline. A caller that already holds the store (the server) passes it in.
 */
import { openDataStore } from '../store/data-store-fs.ts';
import type { Store } from '../store/store.ts';
import { createLocalTracker } from './local.ts';
import type { OctokitTrackerOptions } from './octokit.ts';
import type { TrackerPort } from './port.ts';

export type TrackerKind = 'github' | 'local';

export function trackerKind(env: NodeJS.ProcessEnv = process.env): TrackerKind {
  return env.GITHUB_TOKEN && env.GITHUB_REPOSITORY ? 'github' : 'local';
}

/** `github` overrides the Octokit options for this caller (e.g. a short timeout on the web path). */
export async function createTrackerFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  actor?: string,
  github: Partial<OctokitTrackerOptions> = {},
  store?: Store,
): Promise<TrackerPort> {
  if (trackerKind(env) === 'github') {
    const { createOctokitTracker, trackerOptionsFromEnv } = await import('./octokit.ts');
    const [owner, repo, extra] = env.GITHUB_REPOSITORY!.split('/');
    if (!owner || !repo || extra !== undefined) throw new Error(`GITHUB_REPOSITORY must be owner/name, got "${env.GITHUB_REPOSITORY}"`);
    return createOctokitTracker({ ...trackerOptionsFromEnv(env), ...github, token: env.GITHUB_TOKEN!, owner, repo, baseUrl: env.GITHUB_API_URL || undefined });
  }
  return createLocalTracker({ store: store ?? openDataStore(env), actor });
}
