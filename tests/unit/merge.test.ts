/**
 * Similar opinions in the triage comment, and 并案办理 with /merge and /unmerge (issue 13), on the local tracker
 * through the same triageIssue / handleComment the workflows run.
 */
import { describe, expect, it } from 'vitest';
import { flags, mergeTarget, mergeTargetLabel } from '../../scripts/lib/labels.ts';
import { parseCommands } from '../../scripts/lib/triage/commands.ts';
import { parseMergeArg } from '../../scripts/lib/triage/merge.ts';
import { handleComment, triageIssue } from '../../scripts/lib/triage/run.ts';
import { TRIAGE_MARKER, parseState } from '../../scripts/lib/triage/state.ts';
import { deps, submitOpinion, tempTracker } from './triage-support.ts';

const highOutlier = { title: '高倍率病例补偿比例偏低', details: '我院高倍率病例超出高倍率界值的费用只按50%补偿，亏损较多。建议提高高倍率病例超出部分的补偿比例。', selected: 'core-elements' as const };
const sameQuestion = { title: '建议提高高倍率病例的补偿比例', details: '高倍率病例超出部分目前按50%补偿，医院承担了大部分超支。建议把高倍率病例超出部分的补偿比例提高到70%。', selected: 'core-elements' as const };
const unrelated = { title: '结算清单上传时限太紧', details: '要求出院后7日内上传结算清单，病理报告来不及出，建议延长到10个工作日。', selected: 'other' as const };

async function setup() {
  const t = tempTracker();
  for (const [login, permission] of [['staff', 'write'], ['hospital', 'read']] as const) await t.port.setPermission(login, permission);
  const submit = async (o: typeof highOutlier | typeof unrelated) => {
    const { issue, record } = await submitOpinion(t.port, o);
    await triageIssue(t.port, issue.number, deps());
    return { n: issue.number, code: record.trackingCode };
  };
  const say = async (login: string, n: number, body: string) => handleComment(t.port, n, await t.as(login).createComment(n, body), deps());
  const get = async (n: number) => (await t.port.getIssue(n))!;
  const triageComment = async (n: number) => (await t.port.listComments(n)).find((c) => c.author === 'feedback-bot' && c.body.includes(TRIAGE_MARKER))!;
  const botComments = async (n: number) => (await t.port.listComments(n)).filter((c) => c.author === 'feedback-bot');
  return { ...t, submit, say, get, triageComment, botComments };
}

describe('similar opinions at triage', () => {
  it('the triage comment lists a similar open opinion with its score and the /merge hint, by number only', async () => {
    const s = await setup();
    const a = await s.submit(highOutlier);
    const first = await s.triageComment(a.n);
    expect(first.body).toContain('**相似意见**');
    expect(first.body).toContain('未发现相似度达到 0.20 的意见');

    const b = await s.submit(sameQuestion);
    const comment = (await s.triageComment(b.n)).body;
    const [entry] = parseState(comment)!.similar!;
    expect(entry).toMatchObject({ issue: a.n, answered: false });
    expect(entry.score).toBeGreaterThanOrEqual(0.2);
    expect(comment).toContain(`| #${a.n} | 办理中 | ${entry.score.toFixed(2)} |`);
    expect(comment).toContain(`\`/merge #${a.n}\``);
    // Nothing the other submitter wrote is repeated in the bot's comment.
    expect(comment).not.toContain(highOutlier.title);

    const c = await s.submit(unrelated);
    expect(parseState((await s.triageComment(c.n)).body)!.similar).toEqual([]);
  });

  it('a staff command keeps the list it found (no second search, no churn of the comment)', async () => {
    const s = await setup();
    const a = await s.submit(highOutlier);
    const b = await s.submit(sameQuestion);
    const before = parseState((await s.triageComment(b.n)).body)!.similar;
    // A third opinion raising the question arrives; /escalate on #b re-renders its comment with the list it had.
    await s.submit({ ...highOutlier, title: '高倍率病例补偿比例请提高' });
    await s.say('staff', b.n, '/escalate');
    expect(parseState((await s.triageComment(b.n)).body)!.similar).toEqual(before);
    expect(before!.map((e) => e.issue)).toEqual([a.n]);
  });
});

describe('/merge and /unmerge', () => {
  it('parses #12, 12 and ＃12, not other words', () => {
    expect([parseMergeArg('#12'), parseMergeArg('12'), parseMergeArg('＃12 同一问题'), parseMergeArg('#12，')]).toEqual([12, 12, 12, 12]);
    expect([parseMergeArg(''), parseMergeArg('#'), parseMergeArg('#12a'), parseMergeArg('十二'), parseMergeArg('#0')]).toEqual([null, null, null, null, null]);
  });

  it('merges: labels 并案办理 and 并入:#N, closes the opinion, notes it on the target, and /unmerge undoes all of it', async () => {
    const s = await setup();
    const a = await s.submit(highOutlier);
    const b = await s.submit(sameQuestion);
    const r = await s.say('staff', b.n, `/merge #${a.n}`);
    expect(r.errors).toEqual([]);
    const merged = await s.get(b.n);
    expect(merged.state).toBe('closed');
    expect(merged.labels).toEqual(expect.arrayContaining([flags.merged, mergeTargetLabel(a.n, a.code)]));
    expect(mergeTarget(merged.labels)).toEqual({ issue: a.n, trackingCode: a.code });
    const state = parseState((await s.triageComment(b.n)).body)!;
    expect(state.staff.mergedInto).toBe(a.n);
    expect((await s.triageComment(b.n)).body).toContain(`已并入 #${a.n} 办理`);
    const notes = (await s.botComments(a.n)).filter((c) => c.body.includes('drg-feedback:merge-note'));
    expect(notes).toHaveLength(1);
    expect(notes[0].body).toContain(`#${b.n} 与本意见提出的是同一问题`);
    expect((await s.get(a.n)).state).toBe('open');

    // Re-triage (an edit) leaves the merge alone and changes nothing.
    expect((await triageIssue(s.port, b.n, deps())).operations).toEqual([]);
    // A re-delivered event is not carried out twice, and the target gets no second note.
    const again = await handleComment(s.port, b.n, (await s.port.listComments(b.n)).find((c) => c.author === 'staff')!, deps());
    expect(again.skipped).toContain('已处理过');

    const undo = await s.say('staff', b.n, '/unmerge');
    expect(undo.errors).toEqual([]);
    const back = await s.get(b.n);
    expect(back.state).toBe('open');
    expect(back.labels).not.toContain(flags.merged);
    expect(mergeTarget(back.labels)).toBeNull();
    expect(parseState((await s.triageComment(b.n)).body)!.staff.mergedInto).toBeUndefined();
    expect((await s.botComments(a.n)).filter((c) => c.body.includes('drg-feedback:merge-note'))).toHaveLength(2);
    expect((await s.botComments(a.n)).at(-1)!.body).toContain(`已取消 #${b.n} 与本意见的并案办理`);
  });

  it('needs write access', async () => {
    const s = await setup();
    const a = await s.submit(highOutlier);
    const b = await s.submit(sameQuestion);
    const before = (await s.get(b.n)).labels;
    const r = await s.say('hospital', b.n, `/merge #${a.n}`);
    expect(r.skipped).toContain('没有写权限');
    expect((await s.get(b.n)).labels).toEqual(before);
    expect((await s.get(b.n)).state).toBe('open');
  });

  it('refuses merging into itself, into a merged one, into a missing issue, an opinion others are merged into, and a bare /merge', async () => {
    const s = await setup();
    const a = await s.submit(highOutlier);
    const b = await s.submit(sameQuestion);
    const c = await s.submit({ ...highOutlier, title: '高倍率病例补偿比例请提高' });
    expect((await s.say('staff', b.n, `/merge #${b.n}`)).errors).toEqual([expect.stringContaining('不能把意见并入它自己')]);
    expect((await s.say('staff', b.n, '/merge #999')).errors).toEqual([expect.stringContaining('找不到议题 #999')]);
    expect((await s.say('staff', b.n, '/merge')).errors).toEqual([expect.stringContaining('请写明要并入的意见的议题编号')]);
    expect((await s.get(b.n)).state).toBe('open');

    expect((await s.say('staff', b.n, `/merge #${a.n}`)).errors).toEqual([]);
    // #b is merged: #c goes to the main opinion, not to #b.
    expect((await s.say('staff', c.n, `/merge #${b.n}`)).errors).toEqual([expect.stringContaining(`请改为 \`/merge #${a.n}\``)]);
    // #a has #b behind it: it cannot itself be merged away.
    expect((await s.say('staff', a.n, `/merge #${c.n}`)).errors).toEqual([expect.stringContaining(`已有 #${b.n} 并入本意见办理`)]);
    expect((await s.get(a.n)).state).toBe('open');
    expect((await s.say('staff', c.n, '/unmerge')).errors).toEqual([expect.stringContaining('没有并入其他意见')]);
    // The polite refusals are answered in one note each; nothing was labelled.
    expect((await s.get(c.n)).labels).not.toContain(flags.merged);
    expect(mergeTarget((await s.get(a.n)).labels)).toBeNull();
  });

  it('refuses a target that is not a believed opinion', async () => {
    const s = await setup();
    const b = await s.submit(sameQuestion);
    const note = await s.port.createIssue({ title: '会议纪要', body: '不是意见', labels: [], marker: 'notes' });
    expect((await s.say('staff', b.n, `/merge #${note.number}`)).errors).toEqual([expect.stringContaining('不是已登记或已核实的意见建议')]);
  });

  it('is never taken for /reply: /merge, /unmerge and /reply-template are their own commands', () => {
    expect(parseCommands('/merge #12\n/unmerge\n/reply-template 转报上级').map((c) => [c.name, c.arg])).toEqual([
      ['merge', '#12'], ['unmerge', ''], ['reply-template', '转报上级'],
    ]);
    expect(parseCommands('/reply-foo 正文')).toEqual([]);
    expect(parseCommands('/reply- 正文')[0]).toMatchObject({ name: 'reply', arg: '- 正文' });
  });
});
