/**
 * Only trusted writers count (issue 11), end to end on the local tracker: an opinion nobody trusted wrote (a machine
 * block in somebody else's issue, an offline-opinion form filled without write access) is labelled 待核实, gets one
 * polite comment, and stays out of routing, due dates, overdue reminders, replies and the quarterly figures until
 * a person with write access confirms it with /confirm; a code typed into an issue is never its 查询码.
 */
import { describe, expect, it } from 'vitest';
import { categoryLabel, flags, officeLabel, outcomeLabel, sourceLabel } from '../../scripts/lib/labels.ts';
import { renderOpinionBlock } from '../../scripts/lib/opinion-block.ts';
import { formatOnlyCodes } from '../../scripts/lib/publish/codes.ts';
import { createBudget } from '../../scripts/lib/publish/plan.ts';
import { summariseQuarter } from '../../scripts/lib/publish/quarterly.ts';
import { planReplies } from '../../scripts/lib/publish/replies.ts';
import { issueTrackingCode } from '../../scripts/lib/triage/parse.ts';
import { checkOverdue, handleComment, triageIssue } from '../../scripts/lib/triage/run.ts';
import { TRIAGE_MARKER, parseState } from '../../scripts/lib/triage/state.ts';
import { createOpinionReader } from '../../scripts/lib/triage/trust.ts';
import { createLocalTracker } from '../../scripts/lib/tracker/local.ts';
import { bots, bureau, calendar, deps, opinionRecord, submitOpinion, tempTracker } from './triage-support.ts';

const form = (title: string) => [
  '### 来源渠道', '', '电话', '', '### 单位名称', '', '某县人民医院', '', '### 提交人类型', '', '定点医疗机构', '', '### 问题分类', '', '分组技术类', '',
  '### 主要意见及建议', '', title, '', '### 具体问题和建议', '', '歧义组HQY入组规则不清，主要手术 51.2300x001 的病例无法正常入组。', '',
  '### 同意公开单位名称', '', '是', '', '### 查询码', '', 'JY-2026-AAAAAA',
].join('\n');

/** What anyone may type: a machine block claiming somebody else's 查询码, an early received date and consent. */
const forged = () => {
  const record = { ...opinionRecord({ title: '歧义组HQY入组问题', details: '主要诊断 C22.000，主要手术 51.2300x001，建议调整入组规则。', selected: 'grouping', receivedAt: '2026-01-05T02:00:00Z' }), trackingCode: 'JY-2026-AAAAAA', organization: '冒名医院', publicConsent: true };
  return { record, body: `### 主要意见及建议\n\n${record.title}\n\n${renderOpinionBlock(record)}` };
};

async function setup() {
  const t = tempTracker();
  for (const [login, permission] of [['staff', 'write'], ['hospital', 'read']] as const) await t.port.setPermission(login, permission);
  const comments = async (n: number) => t.port.listComments(n);
  const triageComments = async (n: number) => (await comments(n)).filter((c) => c.author === 'feedback-bot' && c.body.includes(TRIAGE_MARKER));
  const labels = async (n: number) => (await t.port.getIssue(n))!.labels;
  const say = async (login: string, n: number, body: string) => handleComment(t.port, n, await t.as(login).createComment(n, body), deps({ now: new Date('2026-10-09T02:00:00Z') }));
  return { ...t, comments, triageComments, labels, say };
}

const routing = (labels: string[]) => labels.filter((l) => l.startsWith('分类:') || l.startsWith('承办:') || l === flags.escalate || l === flags.needsCategory);

describe('an opinion nobody trusted wrote', () => {
  it('a forged machine block: 待核实, one polite comment, no routing, not even on re-triage or an edit', async () => {
    const s = await setup();
    const { body } = forged();
    const issue = await s.as('mallory').createIssue({ title: '歧义组HQY入组问题', body, labels: [flags.opinion], marker: 'forged' });
    const r = await triageIssue(s.port, issue.number, deps());
    expect(r).toMatchObject({ unverified: 'block', category: null, office: null, due: null, applied: true });
    expect((await s.labels(issue.number)).sort()).toEqual([flags.opinion, flags.unverified].sort());

    const [note, ...more] = await s.comments(issue.number);
    expect(more).toEqual([]);
    expect(note.author).toBe('feedback-bot');
    expect(note.body).toContain('### 待核实');
    expect(note.body).toContain('感谢您提出意见建议。本议题不是通过网站“意见建议表”提交的');
    expect(note.body).toContain('暂不分派承办部门、不计算答复期限');
    expect(note.body).toContain('议题中填写的查询码不会被采用');
    expect(note.body).toContain('https://feedback.example.org/submit');
    expect(note.body).toContain('`/confirm`');
    // Computed text only: nothing the writer typed reaches the bot's comment.
    for (const typed of ['JY-2026-AAAAAA', '冒名医院', 'HQY']) expect(note.body).not.toContain(typed);

    expect((await triageIssue(s.port, issue.number, deps())).operations).toEqual([]);
    await s.port.updateIssue(issue.number, { body: `${body}\n\n补充：请尽快处理。` });
    await triageIssue(s.port, issue.number, deps());
    expect(await s.comments(issue.number)).toHaveLength(1);
    expect(routing(await s.labels(issue.number))).toEqual([]);
  });

  it('an offline-opinion form filled without write access is 待核实 too; filled by staff it is routed, and the typed 查询码 is ignored', async () => {
    const s = await setup();
    const byHospital = await s.as('hospital').createIssue({ title: '[线下意见] HQY', body: form('歧义组HQY入组问题'), labels: [flags.opinion], marker: 'f1' });
    expect(await triageIssue(s.port, byHospital.number, deps())).toMatchObject({ unverified: 'form', office: null });
    expect((await s.triageComments(byHospital.number))[0].body).toContain('“线下收到的意见建议”表单供工作人员登记线下收到的意见');

    const byStaff = await s.as('staff').createIssue({ title: '[线下意见] HQY', body: form('歧义组HQY入组问题'), labels: [flags.opinion], marker: 'f2' });
    expect(await triageIssue(s.port, byStaff.number, deps())).toMatchObject({ unverified: null, category: 'grouping', office: 'admin' });
    expect(await s.labels(byStaff.number)).not.toContain(flags.unverified);
    const reader = createOpinionReader({ bureau, bots });
    const read = await reader((await s.port.getIssue(byStaff.number))!, s.port);
    expect(read).toMatchObject({ status: 'trusted', trust: 'staff', opinion: { trackingCode: issueTrackingCode(bureau, byStaff), organization: '某县人民医院', source: 'phone' } });
    expect(read.status === 'trusted' && read.opinion.trackingCode).not.toBe('JY-2026-AAAAAA');
  });

  it('only a writer’s /confirm counts; other commands wait for it; after it the opinion is triaged normally with a code of its own', async () => {
    const s = await setup();
    const { body } = forged();
    const issue = await s.as('mallory').createIssue({ title: '歧义组HQY入组问题', body, labels: [flags.opinion], marker: 'forged' });
    await triageIssue(s.port, issue.number, deps());
    const [note] = await s.triageComments(issue.number);

    const refused = await s.say('mallory', issue.number, '/confirm');
    expect(refused.skipped).toContain('没有写权限');
    expect(await s.labels(issue.number)).toContain(flags.unverified);

    const early = await s.say('staff', issue.number, '/category policy\n/reply 答复');
    expect(early.errors).toEqual([expect.stringContaining('本意见待核实'), expect.stringContaining('本意见待核实')]);
    expect(await s.labels(issue.number)).not.toContain(flags.replied);
    expect(routing(await s.labels(issue.number))).toEqual([]);

    const confirmed = await s.say('staff', issue.number, '/confirm');
    expect(confirmed.errors).toEqual([]);
    const labels = await s.labels(issue.number);
    expect(labels).not.toContain(flags.unverified);
    expect(labels).toEqual(expect.arrayContaining([flags.opinion, categoryLabel('grouping'), officeLabel('admin')]));
    // The same one triage comment, now the triage result, with the staff action in its log.
    const [after, ...others] = await s.triageComments(issue.number);
    expect(others).toEqual([]);
    expect(after.id).toBe(note.id);
    expect(after.body).toContain('### 自动分拣结果');
    expect(after.body).toContain('核实为真实意见');
    expect(parseState(after.body)!.staff.confirmed).toBeDefined();
    // Received when the issue was opened (not the typed 2026-01-05), so the due date follows the tracker's clock.
    const triaged = await triageIssue(s.port, issue.number, deps());
    expect(triaged.operations).toEqual([]);
    expect(triaged.due! > issue.createdAt.slice(0, 10)).toBe(true);

    const read = await createOpinionReader({ bureau, bots })((await s.port.getIssue(issue.number))!, s.port);
    expect(read).toMatchObject({ status: 'trusted', trust: 'confirmed', opinion: { trackingCode: issueTrackingCode(bureau, issue), organization: '冒名医院' } });

    // Commands after /confirm now work.
    await s.say('staff', issue.number, '/outcome 采纳');
    expect(await s.labels(issue.number)).toContain(outcomeLabel('adopted'));
  });

  it('an edit after /confirm needs a new /confirm: back to 待核实 in the same comment, routing taken off', async () => {
    const s = await setup();
    const { body } = forged();
    const issue = await s.as('mallory').createIssue({ title: '歧义组HQY入组问题', body, labels: [flags.opinion], marker: 'forged' });
    await triageIssue(s.port, issue.number, deps());
    await s.say('staff', issue.number, '/confirm');
    expect(routing(await s.labels(issue.number))).not.toEqual([]);

    await s.port.updateIssue(issue.number, { body: body.replace('冒名医院', '另一家医院') });
    expect(await triageIssue(s.port, issue.number, deps())).toMatchObject({ unverified: 'changed' });
    expect(routing(await s.labels(issue.number))).toEqual([]);
    expect(await s.labels(issue.number)).toContain(flags.unverified);
    const [comment, ...more] = await s.triageComments(issue.number);
    expect(more).toEqual([]);
    expect(comment.body).toContain('本议题在工作人员核实后内容有修改');

    await s.say('staff', issue.number, '/confirm');
    expect(await s.labels(issue.number)).not.toContain(flags.unverified);
  });

  it('/confirm on the server’s own opinion is not needed and says so', async () => {
    const s = await setup();
    const { issue } = await submitOpinion(s.port, { title: '基准点数偏低', details: '建议上调心内科病组的基准点数。', selected: 'core-elements' });
    await triageIssue(s.port, issue.number, deps());
    const r = await s.say('staff', issue.number, '/confirm');
    expect(r.errors).toEqual([expect.stringContaining('来自网站提交，无需核实')]);
  });
});

describe('unverified opinions stay out of reminders, replies and statistics', () => {
  it('no overdue reminder while 待核实, one after /confirm', async () => {
    const s = await setup();
    const issue = await s.as('mallory').createIssue({ title: '歧义组HQY入组问题', body: forged().body, labels: [flags.opinion], marker: 'forged' });
    await triageIssue(s.port, issue.number, deps());
    const today = `${Number(issue.createdAt.slice(0, 4)) + 1}-06-01`;
    const waiting = await checkOverdue(s.port, { ...deps(), today });
    expect(waiting.plans).toEqual([expect.objectContaining({ issue: issue.number, skipped: expect.stringContaining('待核实'), operations: [] })]);

    await s.say('staff', issue.number, '/confirm');
    const due = await checkOverdue(s.port, { ...deps(), today });
    expect(due.plans[0].operations.map((o) => o.kind)).toEqual(['createComment', 'addLabels']);
  });

  it('publishing skips an unverified opinion even with a writer’s /reply, and publishes it under its own code after /confirm', async () => {
    const s = await setup();
    const issue = await s.as('mallory').createIssue({ title: '歧义组HQY入组问题', body: forged().body, labels: [flags.opinion], marker: 'forged' });
    await triageIssue(s.port, issue.number, deps());
    // A person with triage access labelled it by hand and staff answered before anyone checked it.
    await s.port.addLabels(issue.number, [flags.replied, outcomeLabel('adopted')]);
    await s.as('staff').createComment(issue.number, '/reply 经研究，采纳。');
    const publish = () => planReplies(s.port, {
      bureau, codeList: null, extractCodes: formatOnlyCodes, policies: [], readOpinion: createOpinionReader({ bureau, bots }),
      readExisting: async () => null, budget: createBudget(100),
    });
    const before = await publish();
    expect(before.changes).toEqual([]);
    expect(before.skipped).toEqual([{ ref: `#${issue.number}`, reason: expect.stringContaining('待核实') }]);

    await s.say('staff', issue.number, '/confirm');
    const after = await publish();
    const code = issueTrackingCode(bureau, issue);
    expect(after.changes.map((c) => c.path)).toEqual([`replies/${code.toLowerCase()}.md`]);
    expect(after.changes[0].content).not.toContain('JY-2026-AAAAAA');
  });

  it('the quarterly figures count only believed opinions, and a confirmed one under its own code', async () => {
    const s = await setup();
    const received = '2026-07-06T02:00:00Z';
    const real = await submitOpinion(s.port, { title: '基准点数偏低', details: '建议上调心内科病组的基准点数。', selected: 'core-elements', receivedAt: received });
    const claimed = { ...forged().record, receivedAt: received, trackingCode: 'JY-2026-BBBBBB' };
    const mallory = createLocalTracker({ store: s.store, actor: 'mallory', now: () => new Date(received) });
    const fake = await mallory.createIssue({ title: claimed.title, body: `${claimed.title}\n\n${renderOpinionBlock(claimed)}`, labels: [flags.opinion, sourceLabel('web')], marker: 'fake' });
    const q3 = () => summariseQuarter(s.port, { year: 2026, q: 3 }, '2026-10-20', {
      bureau, calendar, codeList: null, extractCodes: formatOnlyCodes, readOpinion: createOpinionReader({ bureau, bots }), budget: createBudget(100),
    });
    const before = await q3();
    expect(before.facts.map((f) => f.code)).toEqual([real.record.trackingCode]);
    expect(before.figures.received).toBe(1);

    await triageIssue(s.port, fake.number, deps());
    await s.say('staff', fake.number, '/confirm');
    const after = await q3();
    expect(after.facts.map((f) => f.code)).toEqual([real.record.trackingCode, issueTrackingCode(bureau, fake)]);
    expect(after.figures.received).toBe(2);
  });
});
