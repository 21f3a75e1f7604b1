import { describe, expect, it, beforeEach } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseCodeList } from '../../scripts/lib/code-list.ts';
import { parseFrontmatter } from '../../scripts/lib/frontmatter.ts';
import { validateContentFile } from '../../scripts/lib/content.ts';
import { categoryLabel, flags, officeLabel, outcomeLabel, sourceLabel } from '../../scripts/lib/labels.ts';
import { createOpinionReader } from '../../scripts/lib/triage/trust.ts';
import { applyAsCommit, applyToFiles, readContentFile } from '../../scripts/lib/publish/apply.ts';
import { formatOnlyCodes } from '../../scripts/lib/publish/codes.ts';
import { createBudget } from '../../scripts/lib/publish/plan.ts';
import { citedPolicies, latestReply, parseReplyCommand } from '../../scripts/lib/publish/reply.ts';
import { planReplies, type PlanRepliesDeps } from '../../scripts/lib/publish/replies.ts';
import { bots, bureau, opinion, tempDir, testTracker } from './publish-support.ts';

const codeList = parseCodeList('code\tname\nFM1\t经皮冠状动脉支架植入\nHQY\t肝胆胰系统歧义组\n');
const policies = [
  { id: 'taizhou-2024-65', title: '关于建立DRG支付方式改革沟通交流和信息反馈机制的通知', docNumber: '泰医保函〔2024〕65号' },
  { id: 'jilin-2024-14', title: '关于做好吉林省按病组和病种分值付费2.0版分组方案相关工作的通知', docNumber: '吉医保发〔2024〕14号' },
];

describe('reply commands', () => {
  it('takes the text after /reply to the end of the comment', () => {
    expect(parseReplyCommand('/reply 感谢您的建议。\n\n第二段。')).toBe('感谢您的建议。\n\n第二段。');
    expect(parseReplyCommand('/outcome 采纳\n/reply\n答复正文')).toBe('答复正文');
    expect(parseReplyCommand('请看 /reply 的用法')).toBeNull();
    expect(parseReplyCommand('/reply   ')).toBeNull();
    expect(parseReplyCommand('/replyall 不是命令')).toBeNull();
  });

  it('uses the latest /reply from someone with write access', () => {
    const comments = [
      { id: 1, author: 'staff', body: '/reply 第一版答复', createdAt: '2026-07-02T01:00:00Z' },
      { id: 2, author: 'staff', body: '/reply 修改后的答复', createdAt: '2026-07-03T01:00:00Z' },
      { id: 3, author: 'visitor', body: '/reply 冒充的答复', createdAt: '2026-07-04T01:00:00Z' },
    ];
    expect(latestReply(comments, (login) => login === 'staff')).toMatchObject({ answer: '修改后的答复', commentId: 2 });
    expect(latestReply(comments, () => false)).toBeNull();
  });

  it('cites policies by 文号 in any bracket style or by full title', () => {
    expect(citedPolicies('根据泰医保函[2024]65号的规定', policies)).toEqual(['policies/taizhou-2024-65']);
    expect(citedPolicies('按照《关于做好吉林省按病组和病种分值付费2.0版分组方案相关工作的通知》', policies)).toEqual(['policies/jilin-2024-14']);
    expect(citedPolicies('依据 吉医保发（2024）14 号 和 泰医保函〔2024〕65号', policies)).toEqual(['policies/jilin-2024-14', 'policies/taizhou-2024-65']);
    expect(citedPolicies('按国家规定办理', policies)).toEqual([]);
  });

  it('finds codes by shape and names them from the list', () => {
    expect(formatOnlyCodes('FM19组、歧义组HQY，主要诊断I21.000x001，手术36.0601，2026Q3的FM19', codeList)).toEqual([
      { code: 'FM19', kind: 'drg', name: '经皮冠状动脉支架植入' },
      { code: 'HQY', kind: 'ambiguous', name: '肝胆胰系统歧义组' },
      { code: 'I21.000x001', kind: 'icd10' },
      { code: '36.0601', kind: 'icd9cm3' },
    ]);
  });
});

describe('planReplies on the local tracker', () => {
  let t: ReturnType<typeof testTracker>;
  let content: string;
  let deps: PlanRepliesDeps;

  beforeEach(() => {
    const root = tempDir('publish-replies-');
    t = testTracker(join(root, 'tracker'));
    content = join(root, 'content');
    mkdirSync(content);
    deps = {
      bureau, codeList, extractCodes: formatOnlyCodes, policies,
      readOpinion: createOpinionReader({ bureau, bots }),
      readExisting: (p) => readContentFile(content, p),
      budget: createBudget(1000),
    };
  });

  const labelsOf = (extra: string[] = []) => [flags.opinion, sourceLabel('web'), categoryLabel('grouping'), officeLabel('admin'), ...extra];

  async function answered(code: string, extra: Partial<Parameters<typeof opinion>[0]> = {}) {
    const issue = await t.addOpinion(opinion({ trackingCode: code, receivedAt: '2026-07-01T01:30:00Z', ...extra }), labelsOf());
    await t.bot.addLabels(issue.number, [outcomeLabel('partial'), flags.replied]);
    await t.comment('staff', issue.number, '/reply 经研究，FM19组权重将在下一版本地细分组中调整，依据泰医保函〔2024〕65号。咨询电话0391-6637366。', '2026-07-20T16:30:00Z');
    return issue;
  }

  it('renders a schema-valid reply without personal data', async () => {
    await answered('JY-2026-AAAAAA', {
      details: 'FM19组权重偏低。联系人：张三，手机13800138000，邮箱zs@rmyy.cn，身份证410102199001011234。',
      publicConsent: false,
    });
    const plan = await planReplies(t.bot, deps);
    expect(plan.skipped).toEqual([]);
    expect(plan.changes.map((c) => [c.path, c.action])).toEqual([['replies/jy-2026-aaaaaa.md', 'create']]);
    const text = plan.changes[0].content as string;
    expect(validateContentFile('replies', 'replies/jy-2026-aaaaaa.md', text)).toEqual([]);
    for (const secret of ['张三', '13800138000', 'zs@rmyy.cn', '410102199001011234', '济源市人民医院', 'sealed:abc']) expect(text).not.toContain(secret);
    const { data, body } = parseFrontmatter(text);
    expect(data).toMatchObject({
      title: '关于FM19组入组的建议',
      question: 'FM19组权重偏低。联系人：【已隐去姓名】，手机【已隐去电话】，邮箱【已隐去邮箱】，身份证【已隐去证件号】。',
      category: 'grouping', office: 'admin', submitterType: 'hospital', unitNamed: false, outcome: 'partial',
      codes: [{ code: 'FM19', kind: 'drg', name: '经皮冠状动脉支架植入' }],
      tracker: { code: 'JY-2026-AAAAAA', issue: 1 },
      cites: ['policies/taizhou-2024-65'],
      signedBy: bureau.name,
    });
    expect(data.unit).toBeUndefined();
    // Dates are China days: received 09:30, replied 00:30 the next day in Beijing.
    expect(data).toMatchObject({ received: '2026-07-01', replied: '2026-07-21' });
    // The bureau's own published phone stays in the answer.
    expect(body.trim()).toBe('经研究，FM19组权重将在下一版本地细分组中调整，依据泰医保函〔2024〕65号。咨询电话0391-6637366。');
  });

  it('names the unit only with consent', async () => {
    await answered('JY-2026-BBBBBB', { publicConsent: true });
    const { data } = parseFrontmatter((await planReplies(t.bot, deps)).changes[0].content as string);
    expect(data).toMatchObject({ unit: '济源市人民医院', unitNamed: true });
  });

  it('is idempotent: a second run writes nothing; an edited reply updates the same file', async () => {
    const issue = await answered('JY-2026-CCCCCC');
    const first = await planReplies(t.bot, deps);
    await applyToFiles(first, content, createBudget(10));
    const bytes = readFileSync(join(content, 'replies/jy-2026-cccccc.md'));

    const again = await planReplies(t.bot, { ...deps, budget: createBudget(1000) });
    expect(again.changes).toEqual([]);
    expect(again.unchanged).toBe(1);
    expect(readFileSync(join(content, 'replies/jy-2026-cccccc.md')).equals(bytes)).toBe(true);

    await t.comment('reviewer', issue.number, '/reply 更正：FM19组权重已在2026年第三季度调整。', '2026-07-22T02:00:00Z');
    const edited = await planReplies(t.bot, { ...deps, budget: createBudget(1000) });
    expect(edited.changes.map((c) => [c.path, c.action])).toEqual([['replies/jy-2026-cccccc.md', 'update']]);
    await applyToFiles(edited, content, createBudget(10));
    expect(readdirSync(join(content, 'replies'))).toEqual(['jy-2026-cccccc.md']);
    const after = readFileSync(join(content, 'replies/jy-2026-cccccc.md'), 'utf8');
    expect(after).toContain('更正：FM19组权重已在2026年第三季度调整。');
    expect(parseFrontmatter(after).data.replied).toBe('2026-07-22');
  });

  it('ignores /reply from people without write access and says why', async () => {
    const issue = await t.addOpinion(opinion({ trackingCode: 'JY-2026-DDDDDD', receivedAt: '2026-07-01T01:30:00Z' }), labelsOf([outcomeLabel('adopted'), flags.replied]));
    await t.comment('visitor', issue.number, '/reply 我来替你们答复', '2026-07-02T01:00:00Z');
    const plan = await planReplies(t.bot, deps);
    expect(plan.changes).toEqual([]);
    expect(plan.skipped).toEqual([{ ref: '#1', reason: '没有有写权限的人员发出的 /reply 答复' }]);
  });

  it('asks for an outcome before publishing', async () => {
    const issue = await t.addOpinion(opinion({ trackingCode: 'JY-2026-EEEEEE', receivedAt: '2026-07-01T01:30:00Z' }), labelsOf([flags.replied]));
    await t.comment('staff', issue.number, '/reply 已收悉', '2026-07-02T01:00:00Z');
    const plan = await planReplies(t.bot, deps);
    expect(plan.changes).toEqual([]);
    expect(plan.skipped[0].reason).toContain('/outcome');
  });

  it('only publishes issues labelled 已答复', async () => {
    const issue = await t.addOpinion(opinion({ trackingCode: 'JY-2026-FFFFFF', receivedAt: '2026-07-01T01:30:00Z' }), labelsOf([outcomeLabel('adopted')]));
    await t.comment('staff', issue.number, '/reply 草稿', '2026-07-02T01:00:00Z');
    expect((await planReplies(t.bot, deps)).changes).toEqual([]);
  });

  it('stops at the operations budget, and dry runs write nothing', async () => {
    await answered('JY-2026-GGGGGG');
    await answered('JY-2026-HHHHHH');
    const small = await planReplies(t.bot, { ...deps, budget: createBudget(2) });
    expect(small.changes).toHaveLength(1);
    expect(small.skipped).toEqual([{ ref: '#2', reason: '操作预算已用完，下次运行继续' }]);

    const full = await planReplies(t.bot, deps);
    const dry = await applyToFiles(full, content, createBudget(10), true);
    expect(dry.written).toEqual([]);
    expect(existsSync(join(content, 'replies'))).toBe(false);
    const limited = await applyToFiles(full, content, createBudget(1));
    expect(limited).toEqual({ written: ['replies/jy-2026-gggggg.md'], deferred: ['replies/jy-2026-hhhhhh.md'] });
  });

  it('commits exactly the written files in commit mode', async () => {
    const repo = tempDir('publish-repo-');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'other.txt'), 'not ours\n');
    await answered('JY-2026-JJJJJJ');
    const plan = await planReplies(t.bot, deps);
    const result = await applyAsCommit(plan, { contentDir: join(repo, 'content'), repoDir: repo, message: '发布意见答复', budget: createBudget(10) });
    expect(result.ref).toMatch(/^[0-9a-f]{40}$/);
    expect(git('show', '--name-only', '--format=%s', 'HEAD').split('\n')).toEqual(['发布意见答复', '', 'content/replies/jy-2026-jjjjjj.md']);
    expect(git('status', '--porcelain')).toBe('?? other.txt');
  });
});
