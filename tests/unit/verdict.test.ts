/**
 * The submitter's verdict on the reply (issue 14): the schema, the store's once-per-code record with its
 * 15-working-day window, and its effect on the issue (one comment, one 评价 label, 不满意 → 再次办理), applied to a
 * real local tracker, including a tracker that fails and the retry that finishes the job.
 */
import { describe, expect, it } from 'vitest';
import { parseVerdictInput, type VerdictRecord } from '../../schemas/verdict.ts';
import { categoryLabel, flags, officeLabel, verdictLabel } from '../../scripts/lib/labels.ts';
import { changeableUntil, createVerdicts } from '../../scripts/lib/store/verdicts.ts';
import type { TrackerPort } from '../../scripts/lib/tracker/port.ts';
import { handleComment, triageIssue } from '../../scripts/lib/triage/run.ts';
import { VERDICT_MARKER, findVerdictComment, parseVerdictState, planWebVerdict } from '../../scripts/lib/verdict/plan.ts';
import { syncPendingVerdicts, syncVerdict, type VerdictSyncDeps } from '../../scripts/lib/verdict/sync.ts';
import { verdictView } from '../../scripts/lib/verdict/http.ts';
import { addWorkdays } from '../../scripts/lib/workdays.ts';
import { bots, bureau, calendar, deps, submitOpinion, tempTracker } from './triage-support.ts';

/** An instant at 10:00 China time on a China day. */
const at = (day: string, hour = 10) => new Date(`${day}T${String(hour - 8).padStart(2, '0')}:00:00Z`);

describe('verdict input', () => {
  it('needs one of the three verdicts and keeps an optional reason of at most 500 characters', () => {
    expect(parseVerdictInput({})).toEqual({ ok: false, errors: [{ field: 'verdict', message: '请选择对答复的评价：满意、基本满意或不满意' }] });
    expect(parseVerdictInput({ verdict: 'great' })).toMatchObject({ ok: false, errors: [{ field: 'verdict' }] });
    expect(parseVerdictInput({ verdict: '基本满意', reason: '   ' })).toEqual({ ok: true, value: { verdict: 'basically', reason: null } });
    expect(parseVerdictInput({ verdict: 'unsatisfied', reason: ' 没有回答\r\n第二条 ' })).toEqual({ ok: true, value: { verdict: 'unsatisfied', reason: '没有回答\n第二条' } });
    // 500 Chinese characters are fine, 501 are not (counted in characters, not bytes or UTF-16 units).
    expect(parseVerdictInput({ verdict: 'satisfied', reason: '好'.repeat(500) }).ok).toBe(true);
    expect(parseVerdictInput({ verdict: 'satisfied', reason: '𠀀'.repeat(500) }).ok).toBe(true);
    expect(parseVerdictInput({ verdict: 'satisfied', reason: '好'.repeat(501) })).toEqual({ ok: false, errors: [{ field: 'reason', message: '评价理由不能超过 500 个字，请精简后再提交' }] });
  });
});

describe('verdict store', () => {
  const open = () => createVerdicts(tempTracker().store, { calendar, keep: [bureau.contact.phone!] });

  it('sets the window to 15 working days after the China day of the first verdict, across the National Day holiday', async () => {
    // 2026-09-28 + 10 working days is 2026-10-16 (README: 国庆 skipped, the 10-10 make-up Saturday counted), and five
    // more working days are 10-19 … 10-23.
    expect(addWorkdays(calendar, '2026-09-28', 10)).toBe('2026-10-16');
    expect(changeableUntil(calendar, at('2026-09-28'))).toBe('2026-10-23');
    // 01:30 in China on the 29th is still the 28th in UTC: the China day counts.
    expect(changeableUntil(calendar, new Date('2026-09-28T17:30:00Z'))).toBe(addWorkdays(calendar, '2026-09-29', 15));
  });

  it('records one verdict per code, lets it change until the last day of the window and refuses after it', async () => {
    const v = open();
    const first = await v.give('JY-2026-AAAAAA', { verdict: 'unsatisfied', reason: '答复没有回应第二条建议' }, at('2026-09-28'));
    expect(first).toMatchObject({ ok: true, change: 'new', record: { verdict: 'unsatisfied', changeableUntil: '2026-10-23', syncedAt: null } });
    expect((await v.give('JY-2026-AAAAAA', { verdict: 'unsatisfied', reason: '答复没有回应第二条建议' }, at('2026-09-29'))).ok && 'same').toBe('same');
    const changed = await v.give('JY-2026-AAAAAA', { verdict: 'satisfied', reason: null }, at('2026-10-23', 23));
    expect(changed).toMatchObject({ ok: true, change: 'changed', record: { verdict: 'satisfied', reason: null, givenAt: at('2026-09-28').toISOString(), changeableUntil: '2026-10-23' } });
    const late = await v.give('JY-2026-AAAAAA', { verdict: 'basically', reason: null }, at('2026-10-26'));
    expect(late).toMatchObject({ ok: false, reason: 'closed' });
    expect(late.ok ? '' : late.message).toContain('截至2026年10月23日');
    expect(v.get('JY-2026-AAAAAA')).toMatchObject({ verdict: 'satisfied', changedAt: at('2026-10-23', 23).toISOString() });
    // The window does not move with a change.
    expect(v.get('JY-2026-AAAAAA')!.changeableUntil).toBe('2026-10-23');
    expect(verdictView('replied', v.get('JY-2026-AAAAAA'), at('2026-10-26'))).toMatchObject({ form: false, canChange: false });
    expect(verdictView('replied', null, at('2026-10-26'))).toMatchObject({ form: true });
    expect(verdictView('in-progress', null, at('2026-10-26'))).toMatchObject({ form: false });
  });

  it('redacts the reason before it is stored, keeping the bureau\'s own published phone', async () => {
    const v = open();
    const r = await v.give('JY-2026-BBBBBB', { verdict: 'unsatisfied', reason: `我是患者张三的家属，电话13800138000，打过${bureau.contact.phone}没人接` }, at('2026-09-28'));
    const reason = r.ok ? r.record.reason! : '';
    expect(reason).not.toContain('张三');
    expect(reason).not.toContain('13800138000');
    expect(reason).toContain('【已隐去电话】');
    expect(reason).toContain(bureau.contact.phone);
    expect(v.get('JY-2026-BBBBBB')!.reason).toBe(reason);
  });

  it('lists unsynced verdicts and marks one synced only if it did not change meanwhile', async () => {
    const v = open();
    await v.give('JY-2026-CCCCCC', { verdict: 'satisfied', reason: null }, at('2026-09-28'));
    const [pending] = v.pending(10);
    expect(pending.trackingCode).toBe('JY-2026-CCCCCC');
    // The submitter changes it while the first sync runs: that sync must not mark the new verdict as done.
    await v.give('JY-2026-CCCCCC', { verdict: 'basically', reason: null }, at('2026-09-29'));
    expect(await v.markSynced('JY-2026-CCCCCC', pending.changedAt, new Date())).toBe(false);
    expect(v.pending(10)).toHaveLength(1);
    expect(v.pending(10, at('2026-09-29').toISOString())).toHaveLength(0);
    expect(await v.markSynced('JY-2026-CCCCCC', v.get('JY-2026-CCCCCC')!.changedAt, new Date())).toBe(true);
    expect(v.pending(10)).toHaveLength(0);
  });
});

/** An answered opinion (triaged, /reply by staff, closed) on a fresh local tracker, and its verdict store. */
async function answered(options: { close?: boolean } = {}) {
  const t = tempTracker();
  await t.port.setPermission('staff', 'write');
  const { issue, record: opinion } = await submitOpinion(t.port, { title: '结算清单质控规则', details: '建议统一结算清单质控规则的口径，提前公布规则变更。', selected: 'other' });
  await triageIssue(t.port, issue.number, deps());
  const say = async (body: string) => handleComment(t.port, issue.number, await t.as('staff').createComment(issue.number, body), deps());
  await say('/outcome 解释说明\n/reply 您好，质控规则将于下季度统一发布。');
  if (options.close ?? true) await say('/close');
  const verdicts = createVerdicts(t.store, { calendar });
  const code = opinion.trackingCode;
  const sync = (extra: Partial<VerdictSyncDeps> = {}): VerdictSyncDeps => ({
    verdicts, tracker: async () => t.port, issueOf: async (c) => (c === code ? issue.number : null), bureau, calendar, bots, ...extra,
  });
  const get = async () => (await t.port.getIssue(issue.number))!;
  const verdictComments = async () => (await t.port.listComments(issue.number)).filter((c) => c.body.includes(VERDICT_MARKER));
  return { ...t, issue, code, verdicts, sync, get, say, verdictComments };
}

describe('the verdict on the issue', () => {
  it('不满意 reopens the answered, closed issue as 再次办理 with a new due date, one comment naming the office, and is idempotent', async () => {
    const a = await answered();
    expect((await a.get()).state).toBe('closed');
    const given = await a.verdicts.give(a.code, { verdict: 'unsatisfied', reason: '没有说明具体时间 @octocat 见 #1 <img src=x>' }, at('2026-10-12'));
    const r = await syncVerdict((given.ok && given.record) as VerdictRecord, a.sync());
    expect(r.status).toBe('synced');
    const issue = await a.get();
    expect(issue.state).toBe('open');
    expect(issue.labels).toEqual(expect.arrayContaining([verdictLabel('unsatisfied'), flags.redo, categoryLabel('other'), officeLabel('agency')]));
    expect(issue.labels).not.toContain(flags.replied);
    const [comment] = await a.verdictComments();
    expect(await a.verdictComments()).toHaveLength(1);
    expect(comment.author).toBe('feedback-bot');
    // 其他 has 10 working days: from Monday 2026-10-12 to 2026-10-26.
    expect(comment.body).toContain('**2026-10-26** 前');
    expect(comment.body).toContain('请医保经办机构重新研究办理');
    expect(comment.body).toContain('议题已重新打开');
    // The submitter's words are inert: no mention, no reference, no HTML.
    expect(comment.body).not.toMatch(/@octocat|#1\b|(?<!\\)<img/);
    expect(comment.body).toContain('＠octocat 见 ＃1 \\<img src=x\\>');
    expect(parseVerdictState(comment.body)!.redo).toMatchObject({ from: '2026-10-12', due: '2026-10-26', by: 'web', reopened: true });
    expect(a.verdicts.get(a.code)!.syncedAt).not.toBeNull();
    // Again: nothing left to write.
    expect(await syncVerdict(a.verdicts.get(a.code)!, a.sync())).toMatchObject({ status: 'synced', plan: { operations: [] } });
  });

  it('a change to 满意 updates the same comment and label, and withdraws the round it started (已答复 back, closed again)', async () => {
    const a = await answered();
    const first = await a.verdicts.give(a.code, { verdict: 'unsatisfied', reason: null }, at('2026-10-12'));
    await syncVerdict((first.ok && first.record) as VerdictRecord, a.sync());
    const [before] = await a.verdictComments();
    const second = await a.verdicts.give(a.code, { verdict: 'satisfied', reason: '电话沟通后理解了' }, at('2026-10-13'));
    await syncVerdict((second.ok && second.record) as VerdictRecord, a.sync());
    const comments = await a.verdictComments();
    expect(comments).toHaveLength(1);
    expect(comments[0].id).toBe(before.id);
    expect(comments[0].body).toContain('**满意**');
    expect(comments[0].body).not.toContain('### 再次办理');
    const issue = await a.get();
    expect(issue.labels.filter((l) => l.startsWith('评价:'))).toEqual([verdictLabel('satisfied')]);
    expect(issue.labels).toContain(flags.replied);
    expect(issue.labels).not.toContain(flags.redo);
    expect(issue.state).toBe('closed');
  });

  it('a round answered again by staff stays counted when the verdict later changes', async () => {
    const a = await answered({ close: false });
    const first = await a.verdicts.give(a.code, { verdict: 'unsatisfied', reason: null }, at('2026-10-12'));
    await syncVerdict((first.ok && first.record) as VerdictRecord, a.sync());
    expect((await a.get()).state).toBe('open');
    await a.say('/reply 补充答复：具体时间为 2027 年 1 月 1 日。');
    const second = await a.verdicts.give(a.code, { verdict: 'basically', reason: null }, at('2026-10-14'));
    await syncVerdict((second.ok && second.record) as VerdictRecord, a.sync());
    const issue = await a.get();
    expect(issue.labels).toEqual(expect.arrayContaining([flags.redo, flags.replied, verdictLabel('basically')]));
    expect(issue.labels).not.toContain(verdictLabel('unsatisfied'));
  });

  it('mentions the office\'s handle from bureau.notify so GitHub tells it', async () => {
    const a = await answered();
    const given = await a.verdicts.give(a.code, { verdict: 'unsatisfied', reason: null }, at('2026-10-12'));
    const withNotify = { ...bureau, notify: { agency: '@jy-ybj/agency-office' } };
    await syncVerdict((given.ok && given.record) as VerdictRecord, a.sync({ bureau: withNotify }));
    expect((await a.verdictComments())[0].body).toContain('请医保经办机构 @jy-ybj/agency-office 重新研究办理');
  });

  it('keeps the verdict when the tracker fails and applies it on a later round of syncPendingVerdicts', async () => {
    const a = await answered();
    let down = true;
    const failing = new Proxy(a.port, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => (down && name !== 'getIssue' && name !== 'listComments' ? Promise.reject(new Error('GitHub 503')) : value.apply(target, args));
      },
    }) as TrackerPort;
    const given = await a.verdicts.give(a.code, { verdict: 'unsatisfied', reason: null }, at('2026-10-12'));
    expect(await syncVerdict((given.ok && given.record) as VerdictRecord, a.sync({ tracker: async () => failing }))).toMatchObject({ status: 'failed', error: 'GitHub 503' });
    expect(a.verdicts.get(a.code)!.syncedAt).toBeNull();
    expect(await a.verdictComments()).toHaveLength(0);
    // The loop leaves a verdict that was just given to its own request; later it takes it.
    const now = () => new Date(at('2026-10-12').getTime() + 120_000);
    expect(await syncPendingVerdicts(a.sync({ tracker: async () => failing, now }))).toMatchObject({ synced: 0, failed: 1, error: 'GitHub 503' });
    down = false;
    expect(await syncPendingVerdicts(a.sync({ tracker: async () => failing, now: () => at('2026-10-12') }))).toMatchObject({ synced: 0, failed: 0 });
    expect(await syncPendingVerdicts(a.sync({ tracker: async () => failing, now }))).toMatchObject({ synced: 1, failed: 0 });
    expect(a.verdicts.get(a.code)!.syncedAt).not.toBeNull();
    expect(await a.verdictComments()).toHaveLength(1);
    expect((await a.get()).labels).toContain(flags.redo);
    // A verdict whose opinion is not in the tracker yet waits.
    await a.verdicts.give('JY-2026-QUEUED', { verdict: 'satisfied', reason: null }, at('2026-10-12'));
    expect(await syncPendingVerdicts(a.sync({ now }))).toMatchObject({ synced: 0, waiting: 1 });
  });

  it('believes only the system\'s own verdict comment: a copy of the marker by someone else is ignored', async () => {
    const a = await answered();
    const forged = await a.as('hospital').createComment(a.issue.number, `${VERDICT_MARKER} {"v":1,"web":null,"revisits":[],"redo":null,"rounds":9} -->`);
    const comments = await a.port.listComments(a.issue.number);
    expect(findVerdictComment(comments, bots)).toBeUndefined();
    const record: VerdictRecord = { trackingCode: a.code, verdict: 'satisfied', reason: null, givenAt: at('2026-10-12').toISOString(), changedAt: at('2026-10-12').toISOString(), changeableUntil: '2026-11-02', syncedAt: null };
    const plan = planWebVerdict({ issue: await a.get(), comments, bots, bureau, calendar, record });
    expect(plan.operations.filter((o) => o.kind === 'updateComment' && o.id === forged.id)).toEqual([]);
    expect(plan.operations.map((o) => o.kind)).toEqual(['addLabels', 'createComment']);
  });
});
