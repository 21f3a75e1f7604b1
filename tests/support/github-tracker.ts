/**
 * Wiring for tests that drive the real Octokit tracker against the GitHub stand-in: the same adapter
 * the product uses, with waits scaled down (no pacing, 5 ms back-off units) so faults cost milliseconds.
 */
import { createOctokitTracker, type OctokitTrackerOptions } from '../../scripts/lib/tracker/octokit.ts';
import type { GitHubStandIn } from './github-standin.ts';

/** Options for createOctokitTracker pointing at the stand-in; `overrides` win. */
export function standInTrackerOptions(gh: GitHubStandIn, overrides: Partial<OctokitTrackerOptions> = {}): OctokitTrackerOptions {
  return {
    token: gh.token, owner: gh.owner, repo: gh.repo, baseUrl: gh.url,
    pacing: false, retryBaseMs: 5, rateLimitSecondMs: 5,
    ...overrides,
  };
}

export const standInTracker = (gh: GitHubStandIn, overrides: Partial<OctokitTrackerOptions> = {}) =>
  createOctokitTracker(standInTrackerOptions(gh, overrides));

/** Environment for a child process (npm scripts through createTrackerFromEnv) using the stand-in. */
export function standInEnv(gh: GitHubStandIn): Record<string, string> {
  return {
    GITHUB_TOKEN: gh.token,
    GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
    GITHUB_API_URL: gh.url,
    TRACKER_PACING: 'off',
    TRACKER_RETRY_BASE_MS: '5',
  };
}
