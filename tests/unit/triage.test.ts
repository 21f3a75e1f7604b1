import { describe, expect, it } from 'vitest';
import { categoryLabel, flags, officeLabel, sourceLabel } from '../../scripts/lib/labels.ts';
import { renderOpinionBlock } from '../../scripts/lib/opinion-block.ts';
import { opinionFromForm, parseSections, readClaim } from '../../scripts/lib/triage/parse.ts';
import { triageIssue, triageUntriaged } from '../../scripts/lib/triage/run.ts';
import { TRIAGE_MARKER } from '../../scripts/lib/triage/state.ts';
import { decideTrust } from '../../scripts/lib/triage/trust.ts';
import type { TrackerIssue } from '../../scripts/lib/tracker/port.ts';
import { bots, bureau, deps, opinionRecord, issueBody, submitOpinion, tempTracker } from './triage-support.ts';

const grouping = { title: '歧义组HQY入组问题', details: '我院多例病例进入HQY歧义组，主要诊断 C22.000，主要手术 51.2300x001，建议本地细分组调整入组规则。', selected: 'core-elements' as const };
const triageComments = async (port: ReturnType<typeof tempTracker>['port'], n: number) => (await port.listComments(n)).filter((c) => c.body.includes(TRIAGE_MARKER));

describe('triageIssue on the local tracker', () => {
  it('labels category, office and flags, and posts one comment with why, office, due date and codes', async () => {
    const { port } = tempTracker();
    const { issue } = await submitOpinion(port, grouping);
    const r = await triageIssue(port, issue.number, deps());
    expect(r).toMatchObject({ applied: true, category: 'grouping', office: 'admin', escalate: false, needsCategory: false, due: '2026-10-30' });
    const after = (await port.getIssue(issue.number))!;
    // The submitter ticked 核心要素类 wrongly; that label was the endpoint's, so triage replaces it.
    expect(after.labels.sort()).toEqual([flags.opinion, sourceLabel('web'), categoryLabel('grouping'), officeLabel('admin')].sort());
    const [comment, ...more] = await triageComments(port, issue.number);
    expect(more).toEqual([]);
    expect(comment.body).toContain('**分组技术类**');
    expect(comment.body).toContain('“歧义组”');
    expect(comment.body).toContain('提交人勾选的是“核心要素类”');
    expect(comment.body).toContain('**医保行政部门**');
    expect(comment.body).toContain('**2026-10-30**'); // 20 working days from 2026-09-28 across 国庆
    expect(comment.body).toMatch(/`HQY` \| 歧义组/);
    expect(comment.body).toMatch(/`51.2300x001` \| ICD-9-CM-3/);
  });

  it('updates the same comment on edit and never posts a second one', async () => {
    const { port } = tempTracker();
    const { issue, record } = await submitOpinion(port, grouping);
    await triageIssue(port, issue.number, deps());
    const first = (await triageComments(port, issue.number))[0];
    expect((await triageIssue(port, issue.number, deps())).operations).toEqual([]); // nothing changed: no write
    // The submitter rewrites the opinion into an IT problem.
    const edited = { ...record, title: '结算清单上传接口频繁超时', details: '信息系统接口超时，结算清单上传失败，请协调厂商排查。' };
    await port.updateIssue(issue.number, { body: issueBody(edited) });
    const r = await triageIssue(port, issue.number, deps());
    expect(r.category).toBe('other');
    const comments = await triageComments(port, issue.number);
    expect(comments).toHaveLength(1);
    expect(comments[0].id).toBe(first.id);
    expect(comments[0].body).toContain('**其他**');
    const labels = (await port.getIssue(issue.number))!.labels;
    expect(labels).toContain(categoryLabel('other'));
    expect(labels).toContain(officeLabel('agency'));
    expect(labels).not.toContain(categoryLabel('grouping')); // triage's own label, replaced
    expect(labels).not.toContain(officeLabel('admin'));
  });

  it('never removes a label a person set, and follows it', async () => {
    const { port } = tempTracker();
    const { issue } = await submitOpinion(port, { ...grouping, selected: null });
    await port.addLabels(issue.number, [categoryLabel('policy'), officeLabel('agency'), 'help wanted']);
    const r = await triageIssue(port, issue.number, deps());
    expect(r).toMatchObject({ category: 'policy', office: 'agency', needsCategory: false });
    const labels = (await port.getIssue(issue.number))!.labels;
    expect(labels).toEqual(expect.arrayContaining([categoryLabel('policy'), officeLabel('agency'), 'help wanted']));
    expect(labels).not.toContain(categoryLabel('grouping'));
    expect((await triageComments(port, issue.number))[0].body).toContain('按工作人员设置的分类标签');
  });

  it('asks a person (分类待确认) instead of guessing when unsure, keeping the ticked box', async () => {
    const { port } = tempTracker();
    const { issue } = await submitOpinion(port, { title: '想反映个情况', details: '请尽快联系我们，谢谢。', selected: 'other' });
    const r = await triageIssue(port, issue.number, deps());
    expect(r).toMatchObject({ category: 'other', needsCategory: true });
    expect((await port.getIssue(issue.number))!.labels).toEqual(expect.arrayContaining([flags.needsCategory, categoryLabel('other'), officeLabel('agency')]));
  });

  it('flags opinions for the upward report', async () => {
    const { port } = tempTracker();
    const { issue } = await submitOpinion(port, { title: '建议国家调整ADRG', details: '建议国家医保局在分组方案中把IC2拆分为两个ADRG核心组，请报送上级。', selected: 'grouping' });
    expect((await triageIssue(port, issue.number, deps())).escalate).toBe(true);
    expect((await port.getIssue(issue.number))!.labels).toContain(flags.escalate);
  });

  it('writes nothing on a dry run and reports what it would do', async () => {
    const { port } = tempTracker();
    const { issue } = await submitOpinion(port, grouping);
    const r = await triageIssue(port, issue.number, deps({ dryRun: true }));
    expect(r.applied).toBe(false);
    expect(r.operations.map((o) => o.kind)).toEqual(['createComment', 'removeLabel', 'addLabels']);
    expect(await port.listComments(issue.number)).toEqual([]);
    expect((await port.getIssue(issue.number))!.labels).toContain(categoryLabel('core-elements'));
  });

  it('stops cleanly when the operations budget is exhausted, and the next run finishes', async () => {
    const { port } = tempTracker();
    const a = await submitOpinion(port, grouping);
    const b = await submitOpinion(port, { title: '系统卡顿', details: '月底结算时系统很卡，清单上传超时。', selected: 'other' });
    const results = await triageUntriaged(port, deps({ budget: 4 }));
    expect(results.map((r) => [r.issue, r.applied, r.budgetExhausted])).toEqual([[a.issue.number, true, false], [b.issue.number, false, true]]);
    expect(results[1].notes.join()).toContain('操作预算已用完');
    expect(await port.listComments(b.issue.number)).toEqual([]); // all or nothing per issue
    const again = await triageUntriaged(port, deps());
    expect(again.map((r) => r.issue)).toEqual([b.issue.number]);
    expect(again[0].applied).toBe(true);
  });

  it('ignores a forged triage comment from someone else', async () => {
    const t = tempTracker();
    const { issue } = await submitOpinion(t.port, grouping);
    await t.as('mallory').createComment(issue.number, `${TRIAGE_MARKER} {"v":1,"added":[],"staff":{"category":"other"},"handled":[],"log":[]} -->`);
    const r = await triageIssue(t.port, issue.number, deps());
    expect(r.category).toBe('grouping');
    expect((await t.port.listComments(issue.number)).filter((c) => c.author === 'feedback-bot')).toHaveLength(1);
  });

  it('skips issues that are not opinions', async () => {
    const { port } = tempTracker();
    const issue = await port.createIssue({ title: '网站改版讨论', body: '大家觉得首页怎么改？', labels: [], marker: 'x' });
    const r = await triageIssue(port, issue.number, deps());
    expect(r.skipped).toContain('不是意见建议');
    expect(await port.listComments(issue.number)).toEqual([]);
  });

  it('warns when the holiday calendar does not cover the year', async () => {
    const { port } = tempTracker();
    const { issue } = await submitOpinion(port, { ...grouping, receivedAt: '2099-03-02T02:00:00Z' });
    const r = await triageIssue(port, issue.number, deps());
    expect(r.notes.join()).toContain('节假日日历还没有 2099 年');
    expect((await triageComments(port, issue.number))[0].body).toContain('content/settings/holidays.json');
  });
});

describe('issue forms (no machine block)', () => {
  const form = [
    '### 单位名称', '', '某县人民医院', '', '### 提交人类型', '', '定点医疗机构', '', '### 问题分类', '', '_No response_', '',
    '### 主要意见及建议', '', '结算清单上传失败', '', '### 具体问题和建议', '', '接口超时，信息系统无法上传结算清单。', '',
    '### 来源渠道', '', '电话', '', '### 同意公开单位名称', '', '- [X] 同意', '', '### DRG/DIP 名称与代码', '', '_No response_',
  ].join('\n');

  const formIssue = (over: Partial<TrackerIssue>): TrackerIssue => ({ number: 7, title: 't', body: form, labels: [], state: 'open', author: 'staff', createdAt: '2026-10-09T01:00:00Z', updatedAt: '', closedAt: null, url: '', ...over });

  it('reads the sections GitHub renders', () => {
    const s = parseSections(form);
    expect(s.get('问题分类')).toBeNull();
    expect(s.get('来源渠道')).toBe('电话');
    const o = opinionFromForm(formIssue({}), bureau)!;
    expect(o).toMatchObject({ title: '结算清单上传失败', selectedCategory: null, source: 'phone', submitterType: 'hospital', organization: '某县人民医院', publicConsent: true, receivedAt: '2026-10-09T01:00:00Z' });
    expect(o.trackingCode).toMatch(/^JY-2026-[0-9A-Z]{6}$/);
  });

  it('takes no 查询码 from the form: the code is derived from the issue, the same on every run', () => {
    const typed = `${form}\n\n### 查询码\n\nJY-2026-AAAAAA`;
    const a = opinionFromForm(formIssue({ body: typed }), bureau)!;
    expect(a.trackingCode).not.toBe('JY-2026-AAAAAA');
    expect(a.trackingCode).toBe(opinionFromForm(formIssue({}), bureau)!.trackingCode);
    expect(opinionFromForm(formIssue({ number: 8 }), bureau)!.trackingCode).not.toBe(a.trackingCode);
  });

  it('triages a form issue filled by staff like a web submission', async () => {
    const t = tempTracker();
    await t.port.setPermission('staff', 'write');
    const issue = await t.as('staff').createIssue({ title: '电话：结算清单上传失败', body: form, labels: [flags.opinion], marker: 'form' });
    const r = await triageIssue(t.port, issue.number, deps());
    expect(r).toMatchObject({ category: 'other', office: 'agency', unverified: null });
    expect((await t.port.getIssue(issue.number))!.labels).toEqual(expect.arrayContaining([flags.opinion, categoryLabel('other'), officeLabel('agency')]));
  });

  it('believes the machine block only from the submission account, and a writer form over a copied block', () => {
    const record = opinionRecord({ title: '机读块标题', details: '细节', selected: 'policy' });
    const body = `${form}\n\n${renderOpinionBlock(record)}`;
    const decide = (author: string, authorCanWrite: boolean) => decideTrust(formIssue({ body, author }), readClaim(formIssue({ body }), bureau), { bureau, bots, authorCanWrite, state: null });
    expect(decide('feedback-bot', false)).toMatchObject({ status: 'trusted', trust: 'intake', opinion: { title: '机读块标题', trackingCode: record.trackingCode } });
    const staff = decide('staff', true);
    expect(staff).toMatchObject({ status: 'trusted', trust: 'staff', opinion: { title: '结算清单上传失败' } });
    expect(staff.status === 'trusted' && staff.opinion.trackingCode).not.toBe(record.trackingCode);
    expect(decide('hospital', false)).toEqual({ status: 'unverified', doubt: 'block' });
  });
});
