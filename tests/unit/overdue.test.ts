import { describe, expect, it } from 'vitest';
import { categoryLabel, flags } from '../../scripts/lib/labels.ts';
import { planOverdue } from '../../scripts/lib/triage/overdue.ts';
import { checkOverdue, triageIssue } from '../../scripts/lib/triage/run.ts';
import type { TrackerIssue } from '../../scripts/lib/tracker/port.ts';
import { bureau, calendar, deps, opinionRecord, submitOpinion, tempTracker } from './triage-support.ts';

// Received 2026-09-28, 其他 (10 working days) → due 2026-10-16; bureau.overdueEscalationDays = 5.
const record = opinionRecord({ title: '系统卡顿', details: '结算清单上传接口超时', selected: 'other' });
const issue = (labels: string[], state: 'open' | 'closed' = 'open'): TrackerIssue => ({
  number: 9, title: 't', body: '', labels: [flags.opinion, categoryLabel('other'), ...labels], state, author: 'bot',
  createdAt: record.receivedAt, updatedAt: record.receivedAt, closedAt: null, url: '',
});
const plan = (labels: string[], today: string, extra: Partial<typeof bureau> = {}) => planOverdue(issue(labels), record, { bureau: { ...bureau, ...extra }, calendar, today });

describe('planOverdue', () => {
  it('does nothing until the due date has passed', () => {
    expect(plan([], '2026-10-16')).toMatchObject({ due: '2026-10-16', operations: [] });
  });

  it('labels 逾期 and reminds the office once', () => {
    const p = plan([], '2026-10-19');
    expect(p.lateWorkdays).toBe(1);
    expect(p.operations).toEqual([{ kind: 'createComment', body: expect.stringContaining('逾期提醒') }, { kind: 'addLabels', labels: [flags.overdue] }]);
    expect((p.operations[0] as { body: string }).body).toContain('医保经办机构');
    expect(plan([flags.overdue], '2026-10-20').operations).toEqual([]); // already told
  });

  it('escalates to leadership after the further limit in working days, once', () => {
    expect(plan([flags.overdue], '2026-10-22').operations).toEqual([]); // 4 working days late
    const p = plan([flags.overdue], '2026-10-23', { notify: { agency: '@jy/agency', leadership: '@jy/leaders' } });
    expect(p.lateWorkdays).toBe(5);
    expect(p.operations[1]).toEqual({ kind: 'addLabels', labels: [flags.overdueEscalated] });
    expect((p.operations[0] as { body: string }).body).toMatch(/逾期督办.*@jy\/leaders/);
    expect(plan([flags.overdue, flags.overdueEscalated], '2026-11-30').operations).toEqual([]);
  });

  it('does both at once when the first check comes late, naming the office handle', () => {
    const p = plan([], '2026-11-02', { notify: { agency: '@jy/agency' } });
    expect(p.operations[1]).toEqual({ kind: 'addLabels', labels: [flags.overdue, flags.overdueEscalated] });
    expect((p.operations[0] as { body: string }).body).toContain('医保经办机构 @jy/agency');
  });

  it('leaves answered and closed opinions alone', () => {
    expect(plan([flags.replied], '2026-12-01').skipped).toBe('已答复');
    expect(planOverdue(issue([], 'closed'), record, { bureau, calendar, today: '2026-12-01' }).skipped).toBe('已关闭');
  });

  it('follows the category in force (a /category change moves the due date)', () => {
    const moved = planOverdue({ ...issue([]), labels: [flags.opinion, categoryLabel('grouping')] }, record, { bureau, calendar, today: '2026-10-19' });
    expect(moved).toMatchObject({ due: '2026-10-30', operations: [] });
  });
});

describe('checkOverdue on the local tracker', () => {
  it('reminds once across daily runs, respects dry runs and the budget', async () => {
    const { port } = tempTracker();
    const a = await submitOpinion(port, { title: '系统卡顿', details: '结算清单上传接口超时', selected: 'other' });
    const b = await submitOpinion(port, { title: '接口文档混乱', details: '医保平台接口文档版本混乱，字段说明不一致', selected: 'other' });
    for (const x of [a, b]) await triageIssue(port, x.issue.number, deps());
    const comments = async (n: number) => (await port.listComments(n)).length;

    const dry = await checkOverdue(port, { ...deps({ dryRun: true }), today: '2026-10-19' });
    expect(dry.plans.filter((p) => p.operations.length)).toHaveLength(2);
    expect(await comments(a.issue.number)).toBe(1);

    const cut = await checkOverdue(port, { ...deps({ budget: 2 }), today: '2026-10-19' });
    expect(cut.budgetExhausted).toBe(true);
    expect(await comments(a.issue.number)).toBe(2);
    expect(await comments(b.issue.number)).toBe(1);

    await checkOverdue(port, { ...deps(), today: '2026-10-20' });
    await checkOverdue(port, { ...deps(), today: '2026-10-21' });
    expect(await comments(a.issue.number)).toBe(2); // told once, not every day
    expect(await comments(b.issue.number)).toBe(2);
    expect((await port.getIssue(b.issue.number))!.labels).toContain(flags.overdue);
  });
});
