/**
 * Publishing replies on GitHub: the Octokit tracker against the local GitHub stand-in over real HTTP.
 * Replies are read from issues and comments, then delivered as ONE pull request on `publish/replies`;
 * publishing again updates that pull request's branch, never a second one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createOctokitTracker } from '../../scripts/lib/tracker/octokit.ts';
import { renderOpinionBlock } from '../../scripts/lib/opinion-block.ts';
import { createOpinionReader } from '../../scripts/lib/triage/trust.ts';
import { categoryLabel, flags, officeLabel, outcomeLabel, sourceLabel } from '../../scripts/lib/labels.ts';
import { formatOnlyCodes } from '../../scripts/lib/publish/codes.ts';
import { createBudget } from '../../scripts/lib/publish/plan.ts';
import { planReplies } from '../../scripts/lib/publish/replies.ts';
import { applyAsPullRequest } from '../../scripts/lib/publish/pull-request.ts';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.ts';
import { bureau, opinion } from './publish-support.ts';

let gh: GitHubStandIn | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

async function setup() {
  gh = await startGitHubStandIn({ permissions: { staff: 'write', visitor: 'read' }, files: { 'README.md': '# site\n' } });
  const port = createOctokitTracker({ token: gh.token, owner: gh.owner, repo: gh.repo, baseUrl: gh.url, pacing: false, retryBaseMs: 5, rateLimitSecondMs: 5, timeoutMs: 3000 });
  const record = opinion({ trackingCode: 'JY-2026-PR0001', receivedAt: '2026-07-06T01:00:00Z', details: 'FM19组问题，联系人李四 13912345678' });
  const issue = gh.seedIssue({
    title: record.title,
    body: `正文\n\n${renderOpinionBlock(record)}`,
    labels: [flags.opinion, sourceLabel('web'), categoryLabel('grouping'), officeLabel('admin'), outcomeLabel('adopted'), flags.replied],
    user: 'feedback-bot',
  });
  gh.seedComment(issue.number, { body: '/reply 假冒答复', user: 'visitor', createdAt: '2026-07-11T01:00:00Z' });
  gh.seedComment(issue.number, { body: '/reply 已采纳，将于下一版本地分组方案中调整FM19组。', user: 'staff', createdAt: '2026-07-10T01:00:00Z' });
  const deps = (existing: Record<string, string> = {}) => ({
    bureau, codeList: null, extractCodes: formatOnlyCodes, policies: [],
    readOpinion: createOpinionReader({ bureau, bots: { triage: 'feedback-bot', intake: 'feedback-bot' } }),
    readExisting: async (p: string) => existing[p] ?? null,
    budget: createBudget(100),
  });
  const pr = (plan: Awaited<ReturnType<typeof planReplies>>) =>
    applyAsPullRequest(plan, { octokit: port.octokit, owner: gh!.owner, repo: gh!.repo, base: 'main', branch: 'publish/replies', title: '发布意见答复', message: '发布意见答复', budget: createBudget(50) });
  return { gh, port, issue, deps, pr };
}

describe('replies as a pull request', () => {
  it('opens one pull request with the redacted reply, and reuses it after an edit', async () => {
    const { gh, port, issue, deps, pr } = await setup();
    const plan = await planReplies(port, deps());
    expect(plan.changes.map((c) => c.path)).toEqual(['replies/jy-2026-pr0001.md']);
    const first = await pr(plan);
    expect(first.written).toEqual(['replies/jy-2026-pr0001.md']);
    expect(first.ref).toMatch(/\/pull\/\d+$/);

    const file = gh.readFile('content/replies/jy-2026-pr0001.md', 'publish/replies')!;
    expect(file).toContain('已采纳，将于下一版本地分组方案中调整FM19组。');
    expect(file).not.toContain('假冒答复');
    expect(file).not.toContain('李四');
    expect(file).not.toContain('13912345678');
    expect(gh.readFile('content/replies/jy-2026-pr0001.md', 'main')).toBeNull();

    // Same input again: nothing to do, no new commit, no second pull request.
    const commits = gh.state.commits.size;
    const again = await pr(plan);
    expect(again.written).toEqual([]);
    expect(again.ref).toBe(first.ref);
    expect(gh.state.commits.size).toBe(commits);

    // Staff edit the answer: the same file on the same branch changes, under the same pull request.
    gh.seedComment(issue.number, { body: '/reply 已采纳（更正）：调整见2026年第三季度公告。', user: 'staff', createdAt: '2026-07-12T01:00:00Z' });
    const edited = await planReplies(port, deps());
    const second = await pr(edited);
    expect(second.ref).toBe(first.ref);
    expect(gh.readFile('content/replies/jy-2026-pr0001.md', 'publish/replies')).toContain('更正');
    const pulls = gh.state.issues.filter((i) => i.pull);
    expect(pulls).toHaveLength(1);
    expect(pulls[0].title).toBe('发布意见答复');
  });

  it('defers the rest when the operations budget runs out', async () => {
    const { port, deps, gh } = await setup();
    const plan = await planReplies(port, deps());
    const result = await applyAsPullRequest(plan, { octokit: port.octokit, owner: gh.owner, repo: gh.repo, base: 'main', branch: 'publish/replies', title: 't', message: 'm', budget: createBudget(2) });
    expect(result.written).toEqual([]);
    expect(result.deferred).toEqual(['replies/jy-2026-pr0001.md']);
    expect(gh.state.issues.filter((i) => i.pull)).toHaveLength(0);
  });

  it('leaves out an answered opinion that somebody else typed in the submission format, naming why', async () => {
    const { gh, port, deps } = await setup();
    // A visitor copies the issue format with another 查询码; a person with triage access labels it, staff answer it.
    const copied = opinion({ trackingCode: 'JY-2026-PR0002', receivedAt: '2026-07-06T01:00:00Z' });
    const forged = gh.seedIssue({
      title: copied.title,
      body: `正文\n\n${renderOpinionBlock(copied)}`,
      labels: [flags.opinion, outcomeLabel('adopted'), flags.replied],
      user: 'visitor',
    });
    gh.seedComment(forged.number, { body: '/reply 已采纳。', user: 'staff', createdAt: '2026-07-10T02:00:00Z' });
    const plan = await planReplies(port, deps());
    expect(plan.changes.map((c) => c.path)).toEqual(['replies/jy-2026-pr0001.md']);
    expect(plan.skipped).toEqual([{ ref: `#${forged.number}`, reason: expect.stringContaining('待核实') }]);
  });
});
