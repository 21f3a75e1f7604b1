/**
 * The workflows' entry script (scripts/triage.ts) run as GitHub Actions runs it: a child process with
 * GITHUB_EVENT_NAME / GITHUB_EVENT_PATH pointing at real webhook payload shapes from @octokit/webhooks-examples
 * (title and body substituted), talking to the local GitHub stand-in through the real Octokit adapter.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import examples from '@octokit/webhooks-examples';
import { afterEach, describe, expect, it } from 'vitest';
import { categoryLabel, flags, officeLabel, outcomeLabel, sourceLabel } from '../../scripts/lib/labels.ts';
import { TRIAGE_MARKER } from '../../scripts/lib/triage/state.ts';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.ts';
import { standInEnv } from '../support/github-tracker.ts';
import { renderOpinionBlock } from '../../scripts/lib/opinion-block.ts';
import { adrgPath, issueBody, opinionRecord } from './triage-support.ts';

type Example = { name: string; examples: Record<string, unknown>[] };
const example = (event: string, action: string) =>
  structuredClone((examples as unknown as Example[]).find((e) => e.name === event)!.examples.find((x) => x.action === action)!) as Record<string, any>;

let gh: GitHubStandIn | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

const tmp = mkdtempSync(join(tmpdir(), 'triage-gh-'));
let runs = 0;

/** Runs `node scripts/triage.ts` for one event payload, as the workflow step does. */
function runWorkflowStep(event: string, payload: unknown, args: string[] = [], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const path = join(tmp, `event-${++runs}.json`);
  writeFileSync(path, JSON.stringify(payload));
  const env = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmp, ...standInEnv(gh!),
    GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: path, DATA_DIR: join(tmp, 'data'),
    CODE_LIST_PATH: fileURLToPath(adrgPath),
    // The stand-in's token acts as feedback-bot (on GitHub: github-actions[bot], the default).
    TRIAGE_BOT_LOGIN: 'feedback-bot',
    ...extraEnv,
  };
  // An empty value removes the variable, as when a repository variable is not set.
  for (const [k, v] of Object.entries(env)) if (v === '') delete (env as Record<string, string>)[k];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['scripts/triage.ts', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function seedOpinion(title: string, details: string, selected: 'policy' | 'core-elements' | 'grouping' | 'other') {
  const record = opinionRecord({ title, details, selected });
  const issue = gh!.seedIssue({ title, body: issueBody(record), labels: [flags.opinion, sourceLabel('web'), categoryLabel(selected)], user: 'feedback-bot' });
  return { issue, record };
}

function issuePayload(action: 'opened' | 'edited', issue: { number: number; title: string; body: string | null }) {
  const p = example('issues', action);
  Object.assign(p.issue, { number: issue.number, title: issue.title, body: issue.body });
  p.repository.full_name = `${gh!.owner}/${gh!.repo}`;
  return p;
}

function commentPayload(issue: number, comment: { id: number; body: string; user: string }) {
  const p = example('issue_comment', 'created');
  p.issue.number = issue;
  delete p.issue.pull_request;
  Object.assign(p.comment, { id: comment.id, body: comment.body });
  p.comment.user = { ...p.comment.user, login: comment.user, type: 'User' };
  return p;
}

const triageComments = () => gh!.state.comments.filter((c) => c.body.includes(TRIAGE_MARKER));

describe('triage workflow step against the GitHub stand-in', () => {
  it('issues.opened → labels and one triage comment; issues.edited → the same comment updated', async () => {
    gh = await startGitHubStandIn();
    const { issue, record } = seedOpinion('FM3经皮冠状动脉支架植入细分组不合理', '建议对FM3病组按支架数量在本地细分组方案中拆分，FM35 里费用差距很大。', 'core-elements');

    const opened = await runWorkflowStep('issues', issuePayload('opened', issue));
    expect(opened.stderr).toBe('');
    expect(opened.code).toBe(0);
    expect(opened.stdout).toContain(`#${issue.number}: 分组技术类 → 医保行政部门`);
    let stored = gh.issues().find((i) => i.number === issue.number)!;
    expect(stored.labels.sort()).toEqual([flags.opinion, sourceLabel('web'), categoryLabel('grouping'), officeLabel('admin')].sort());
    expect(triageComments()).toHaveLength(1);
    expect(triageComments()[0].body).toContain('`FM3` | ADRG 核心组 | 经皮冠状动脉支架植入 | ✓ 现行分组方案内');

    // The submitter edits the opinion: now about the national ADRG, which goes in the upward report.
    const edited = { ...record, details: '建议国家医保局在分组方案的ADRG层面将FM3拆分为两个核心组，请报送上级。' };
    stored.body = issueBody(edited);
    const second = await runWorkflowStep('issues', issuePayload('edited', stored));
    expect(second.code).toBe(0);
    stored = gh.issues().find((i) => i.number === issue.number)!;
    expect(stored.labels).toContain(flags.escalate);
    expect(triageComments()).toHaveLength(1);
    expect(triageComments()[0].body).toContain('纳入向河南省医疗保障局的报送');
  });

  it('issue_comment.created → commands from a writer are carried out, others get a polite note', async () => {
    gh = await startGitHubStandIn({ permissions: { 'jy-staff': 'write', 'some-hospital': 'read' } });
    const { issue } = seedOpinion('基准点数偏低', '建议上调心内科病组的基准点数和调整系数。', 'core-elements');
    await runWorkflowStep('issues', issuePayload('opened', issue));

    const visitor = gh.seedComment(issue.number, { body: '/close', user: 'some-hospital' });
    const refused = await runWorkflowStep('issue_comment', commentPayload(issue.number, { id: visitor.id, body: visitor.body, user: 'some-hospital' }));
    expect(refused.code).toBe(0);
    expect(gh.issues().find((i) => i.number === issue.number)!.state).toBe('open');
    expect(gh.state.comments.at(-1)!.body).toContain('本条评论中的指令未执行');

    const staff = gh.seedComment(issue.number, { body: '/outcome 采纳\n/reply 您好，经研究，拟于下一年度调整该病组基准点数。', user: 'jy-staff' });
    const done = await runWorkflowStep('issue_comment', commentPayload(issue.number, { id: staff.id, body: staff.body, user: 'jy-staff' }));
    expect(done.code).toBe(0);
    const stored = gh.issues().find((i) => i.number === issue.number)!;
    expect(stored.labels).toEqual(expect.arrayContaining([outcomeLabel('adopted'), flags.replied]));
    expect(triageComments()).toHaveLength(1);
    expect(triageComments()[0].body).toContain('办理结果：采纳');

    // The same event delivered again changes nothing and posts nothing.
    const before = gh.state.comments.length;
    await runWorkflowStep('issue_comment', commentPayload(issue.number, { id: staff.id, body: staff.body, user: 'jy-staff' }));
    expect(gh.state.comments.length).toBe(before);
  });

  it('a dry run reads but never writes, and a tracker outage ends with a clear message', async () => {
    gh = await startGitHubStandIn();
    const { issue } = seedOpinion('系统卡顿', '结算清单上传接口超时。', 'other');
    const dry = await runWorkflowStep('issues', issuePayload('opened', issue), ['--dry-run']);
    expect(dry.stdout).toContain('would create comment');
    expect(gh.state.requests.filter((r) => r.method !== 'GET')).toEqual([]);

    gh.injectFault({ kind: 'status', status: 503, times: 50 });
    const down = await runWorkflowStep('issues', issuePayload('opened', issue));
    expect(down.code).toBe(1);
    // The adapter logs its retries; the script itself ends with one line naming the failure, no stack trace.
    expect(down.stderr.trim().split('\n').at(-1)).toMatch(/^TrackerUnavailableError: .*#\d+/);
    expect(down.stderr).not.toMatch(/^\s+at /m);
  });

  it('ignores events that need no triage (labeled, pull requests)', async () => {
    gh = await startGitHubStandIn();
    const labeled = example('issues', 'labeled');
    const r = await runWorkflowStep('issues', labeled);
    expect(r.stdout).toContain('nothing to do');
    expect(gh.state.requests).toEqual([]);
  });
});

describe('only trusted writers count, as the workflows run it (issue 11)', () => {
  // As deployed: the workflows' GITHUB_TOKEN comments as github-actions[bot] (the default triage login), the submission
  // server opens issues with its own account, named by the repository variable SUBMISSION_BOT_LOGIN.
  const deployed = { TRIAGE_BOT_LOGIN: '', SUBMISSION_BOT_LOGIN: 'jy-submit-bot' };
  const commentsOn = (n: number) => gh!.state.comments.filter((c) => c.issue_number === n);
  const labelsOf = (n: number) => gh!.issues().find((i) => i.number === n)!.labels;

  it('believes the submission account’s block, holds a forged one at 待核实 with one note, and routes it after a writer’s /confirm', async () => {
    gh = await startGitHubStandIn({ tokens: { 'test-token': 'github-actions[bot]' }, permissions: { 'jy-staff': 'write', mallory: 'read' } });
    const web = opinionRecord({ title: '基准点数偏低', details: '建议上调心内科病组的基准点数和调整系数。', selected: 'core-elements' });
    const real = gh.seedIssue({ title: web.title, body: issueBody(web), labels: [flags.opinion, sourceLabel('web'), categoryLabel('core-elements')], user: 'jy-submit-bot' });
    const copied = { ...opinionRecord({ title: '歧义组HQY入组问题', details: '主要手术 51.2300x001 的病例无法入组，请调整。', selected: 'grouping' }), trackingCode: web.trackingCode };
    const forged = gh.seedIssue({ title: copied.title, body: `### 主要意见及建议\n\n${copied.title}\n\n${renderOpinionBlock(copied)}`, labels: [flags.opinion], user: 'mallory' });

    const first = await runWorkflowStep('issues', issuePayload('opened', real), [], deployed);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain(`#${real.number}: 核心要素类 → `);
    expect(commentsOn(real.number).map((c) => c.user)).toEqual(['github-actions[bot]']);

    const held = await runWorkflowStep('issues', issuePayload('opened', forged), [], deployed);
    expect(held.code).toBe(0);
    expect(held.stdout).toContain(`#${forged.number}: 待核实 (block), not routed until /confirm`);
    expect(labelsOf(forged.number).sort()).toEqual([flags.opinion, flags.unverified].sort());
    expect(commentsOn(forged.number)).toHaveLength(1);
    expect(commentsOn(forged.number)[0]).toMatchObject({ user: 'github-actions[bot]', body: expect.stringContaining('### 待核实') });

    // The writer edits it: the same one note, no second comment, still not routed.
    const stored = gh.issues().find((i) => i.number === forged.number)!;
    stored.body = `${stored.body}\n\n补充说明。`;
    await runWorkflowStep('issues', issuePayload('edited', stored), [], deployed);
    expect(commentsOn(forged.number)).toHaveLength(1);
    expect(labelsOf(forged.number).some((l) => l.startsWith('承办:'))).toBe(false);

    const self = gh.seedComment(forged.number, { body: '/confirm', user: 'mallory' });
    await runWorkflowStep('issue_comment', commentPayload(forged.number, { id: self.id, body: self.body, user: 'mallory' }), [], deployed);
    expect(labelsOf(forged.number)).toContain(flags.unverified);

    const staff = gh.seedComment(forged.number, { body: '/confirm', user: 'jy-staff' });
    const confirmed = await runWorkflowStep('issue_comment', commentPayload(forged.number, { id: staff.id, body: staff.body, user: 'jy-staff' }), [], deployed);
    expect(confirmed.code).toBe(0);
    expect(labelsOf(forged.number)).not.toContain(flags.unverified);
    expect(labelsOf(forged.number)).toEqual(expect.arrayContaining([categoryLabel('grouping'), officeLabel('admin')]));
    const notes = commentsOn(forged.number).filter((c) => c.user === 'github-actions[bot]' && c.body.includes(TRIAGE_MARKER));
    expect(notes).toHaveLength(1);
    expect(notes[0].body).toContain('### 自动分拣结果');
  });

  it('without SUBMISSION_BOT_LOGIN no block is believed: it fails safe, everything waits for /confirm', async () => {
    gh = await startGitHubStandIn({ tokens: { 'test-token': 'github-actions[bot]' } });
    const web = opinionRecord({ title: '基准点数偏低', details: '建议上调心内科病组的基准点数。', selected: 'core-elements' });
    const issue = gh.seedIssue({ title: web.title, body: issueBody(web), labels: [flags.opinion], user: 'jy-submit-bot' });
    const r = await runWorkflowStep('issues', issuePayload('opened', issue), [], { TRIAGE_BOT_LOGIN: '' });
    expect(r.stdout).toContain('待核实');
    expect(labelsOf(issue.number)).toContain(flags.unverified);
  });
});
