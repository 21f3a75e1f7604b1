/**
 * `/revisit 满意|基本满意|不满意 备注` (issue 14): staff record a phone follow-up of the submitter's verdict. Write
 * access only; one 回访:… label at a time; the note (redacted) in the staff log; 不满意 turns the opinion into
 * 再次办理 like the verdict on /track, and the daily overdue check then counts from the new due date.
 */
import { describe, expect, it } from 'vitest';
import { flags, revisitLabel, verdictLabel } from '../../scripts/lib/labels.ts';
import { parseCommands, parseRevisitArg } from '../../scripts/lib/triage/commands.ts';
import { checkOverdue, handleComment, triageIssue } from '../../scripts/lib/triage/run.ts';
import { TRIAGE_MARKER, parseState } from '../../scripts/lib/triage/state.ts';
import { VERDICT_MARKER, parseVerdictState } from '../../scripts/lib/verdict/plan.ts';
import { deps, submitOpinion, tempTracker } from './triage-support.ts';

describe('parseRevisitArg', () => {
  it('reads the verdict by its Chinese name or key and the rest of the line as the note', () => {
    expect(parseRevisitArg('满意 已电话回访，对答复无异议')).toEqual({ verdict: 'satisfied', note: '已电话回访，对答复无异议' });
    expect(parseRevisitArg('基本满意')).toEqual({ verdict: 'basically', note: null });
    expect(parseRevisitArg('基本满意：希望尽快落实')).toEqual({ verdict: 'basically', note: '希望尽快落实' });
    expect(parseRevisitArg('不满意,认为没有回答问题')).toEqual({ verdict: 'unsatisfied', note: '认为没有回答问题' });
    expect(parseRevisitArg('Unsatisfied')).toEqual({ verdict: 'unsatisfied', note: null });
    expect(parseRevisitArg('满意度高')).toBeUndefined();
    expect(parseRevisitArg('很满意')).toBeUndefined();
    expect(parseRevisitArg('')).toBeUndefined();
    expect(parseCommands('/revisit 满意 好')[0]).toMatchObject({ name: 'revisit', arg: '满意 好' });
  });
});

async function answered(close = true) {
  const t = tempTracker();
  for (const [login, permission] of [['staff', 'write'], ['hospital', 'read']] as const) await t.port.setPermission(login, permission);
  // 政策措施类 has 15 working days; received on 2026-09-01, first due 2026-09-22.
  const { issue } = await submitOpinion(t.port, { title: '关于预付金拨付时间', details: '建议明确预付金的拨付时间和计算方法。', selected: 'policy', receivedAt: '2026-09-01T02:00:00Z' });
  await triageIssue(t.port, issue.number, deps());
  const say = async (login: string, body: string) => handleComment(t.port, issue.number, await t.as(login).createComment(issue.number, body), deps());
  await say('staff', '/outcome 解释说明\n/reply 您好，预付金于每年一月拨付。');
  if (close) await say('staff', '/close');
  const get = async () => (await t.port.getIssue(issue.number))!;
  const comments = async () => t.port.listComments(issue.number);
  const log = async () => parseState((await comments()).find((c) => c.author === 'feedback-bot' && c.body.includes(TRIAGE_MARKER))!.body)!.log.map((e) => e.text);
  return { ...t, issue, say, get, comments, log };
}

describe('/revisit', () => {
  it('records a satisfied follow-up: one 回访 label, the redacted note in the staff log and the verdict comment, nothing reopened', async () => {
    const a = await answered();
    const r = await a.say('staff', '/revisit 基本满意 电话13800138000回访，希望细化时间');
    expect(r.errors).toEqual([]);
    let issue = await a.get();
    expect(issue.state).toBe('closed');
    expect(issue.labels).toEqual(expect.arrayContaining([revisitLabel('basically'), flags.replied]));
    expect(issue.labels).not.toContain(flags.redo);
    expect((await a.log()).at(-1)).toBe('电话回访：基本满意（电话【已隐去电话】回访，希望细化时间）');
    const verdict = (await a.comments()).filter((c) => c.body.includes(VERDICT_MARKER));
    expect(verdict).toHaveLength(1);
    expect(verdict[0].body).toContain('**基本满意**；备注：电话【已隐去电话】回访，希望细化时间');
    expect(verdict[0].body).not.toContain('13800138000');
    // A second follow-up replaces the label and adds to the same comment.
    await a.say('staff', '/revisit 满意');
    issue = await a.get();
    expect(issue.labels.filter((l) => l.startsWith('回访:'))).toEqual([revisitLabel('satisfied')]);
    const again = (await a.comments()).filter((c) => c.body.includes(VERDICT_MARKER));
    expect(again.map((c) => c.id)).toEqual([verdict[0].id]);
    expect(parseVerdictState(again[0].body)!.revisits.map((v) => v.verdict)).toEqual(['basically', 'satisfied']);
  });

  it('不满意 reopens the issue as 再次办理 with a new due date; the overdue check counts from it', async () => {
    const a = await answered();
    // The first due date (2026-09-22) has long passed and the reminder was sent.
    await a.port.addLabels(a.issue.number, [flags.overdue]);
    await a.say('staff', '/revisit 不满意 认为答复没有说明计算方法');
    const issue = await a.get();
    expect(issue.state).toBe('open');
    expect(issue.labels).toEqual(expect.arrayContaining([revisitLabel('unsatisfied'), flags.redo]));
    expect(issue.labels).not.toContain(flags.replied);
    expect(issue.labels).not.toContain(flags.overdue);
    expect(issue.labels.some((l) => l.startsWith('评价:'))).toBe(false);
    const comment = (await a.comments()).find((c) => c.body.includes(VERDICT_MARKER))!;
    const state = parseVerdictState(comment.body)!;
    expect(state.redo).toMatchObject({ by: 'revisit', reopened: true });
    expect(comment.body).toContain(`在 **${state.redo!.due}** 前（政策措施类 15 个工作日，${state.redo!.from} 起算）`);
    expect(comment.body).toContain('请医保行政部门重新研究办理');
    expect((await a.log()).at(-1)).toContain('转为再次办理');

    // The daily check: nothing before the new due date, a reminder after it naming the round.
    const before = await checkOverdue(a.port, { ...deps(), today: state.redo!.due });
    expect(before.plans.find((p) => p.issue === a.issue.number)).toMatchObject({ due: state.redo!.due, operations: [] });
    const after = await checkOverdue(a.port, { ...deps(), today: '2099-01-05' });
    const plan = after.plans.find((p) => p.issue === a.issue.number)!;
    expect(plan.due).toBe(state.redo!.due);
    expect(plan.operations[0]).toMatchObject({ kind: 'createComment', body: expect.stringContaining('再次办理的答复期限') });

    // Staff answer again: 已答复 is back, 再次办理 stays for the statistics, and another 不满意 starts a second round.
    await a.say('staff', '/reply 补充答复：计算方法见附件。');
    expect((await a.get()).labels).toEqual(expect.arrayContaining([flags.replied, flags.redo]));
    await a.say('staff', '/revisit 不满意 仍不认可');
    const second = parseVerdictState((await a.comments()).find((c) => c.body.includes(VERDICT_MARKER))!.body)!;
    expect(second.rounds).toBe(2);
    expect((await a.get()).labels).not.toContain(flags.replied);
  });

  it('a second phone 不满意 during a round keeps that round and its due date', async () => {
    const a = await answered(false);
    await a.say('staff', '/revisit 不满意');
    const round = parseVerdictState((await a.comments()).find((c) => c.body.includes(VERDICT_MARKER))!.body)!.redo!;
    await a.say('staff', '/revisit 不满意 第二次电话');
    const state = parseVerdictState((await a.comments()).find((c) => c.body.includes(VERDICT_MARKER))!.body)!;
    expect(state.redo).toEqual(round);
    expect(state.rounds).toBe(1);
    expect((await a.get()).labels).not.toContain(verdictLabel('unsatisfied'));
  });

  it('is refused without write access and explains a missing verdict', async () => {
    const a = await answered();
    const before = (await a.get()).labels;
    const r = await a.say('hospital', '/revisit 不满意');
    expect(r.skipped).toContain('没有写权限');
    expect((await a.get()).labels).toEqual(before);
    expect((await a.get()).state).toBe('closed');
    const bad = await a.say('staff', '/revisit 还行');
    expect(bad.errors[0]).toContain('请写明回访结果，可用 满意、基本满意、不满意');
    expect((await a.comments()).some((c) => c.body.includes(VERDICT_MARKER))).toBe(false);
  });
});
