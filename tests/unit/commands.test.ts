import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { categoryLabel, flags, officeLabel, outcomeLabel } from '../../scripts/lib/labels.ts';
import { parseReplyCommand } from '../../scripts/lib/publish/reply.ts';
import { parseCommands } from '../../scripts/lib/triage/commands.ts';
import { handleComment, triageIssue } from '../../scripts/lib/triage/run.ts';
import { TRIAGE_MARKER, parseState } from '../../scripts/lib/triage/state.ts';
import { deps, submitOpinion, tempTracker } from './triage-support.ts';

describe('parseCommands', () => {
  it('reads one command per line and takes the rest of the comment for /reply', () => {
    const body = '谢谢。\n/outcome 部分采纳\n  /Category 分组技术类\n/reply 您好：\n\n经研究，采纳第一条。\n/close';
    expect(parseCommands(body).map((c) => [c.name, c.arg])).toEqual([
      ['outcome', '部分采纳'], ['category', '分组技术类'], ['reply', '您好：\n\n经研究，采纳第一条。\n/close'],
    ]);
  });

  it('agrees with the publishing side on what the public answer is', () => {
    const body = '/outcome 采纳\n/reply 感谢您的意见。\n第二段。';
    expect(parseCommands(body).find((c) => c.name === 'reply')!.arg).toBe(parseReplyCommand(body));
  });

  it('ignores prose and unknown slash words', () => {
    expect(parseCommands('请看 /category 的说明\n/usr/bin\n/foo bar')).toEqual([]);
  });

  it('needs a word boundary after the name, reads /confirm, and treats a lone carriage return as a line end', () => {
    expect(parseCommands('/reply2 x\n/close_now\n/confirmed')).toEqual([]);
    expect(parseCommands('\t/Confirm\r/close.').map((c) => [c.name, c.arg])).toEqual([['confirm', ''], ['close', '.']]);
    // Chinese right after the name is not a word character: the answer starts there, for triage and publishing alike.
    expect(parseCommands('/reply答复正文')[0]).toMatchObject({ name: 'reply', arg: '答复正文' });
    expect(parseReplyCommand('/Reply答复正文')).toBe('答复正文');
  });
});

async function setup() {
  const t = tempTracker();
  // Permissions of the local tracker: staff may write, a hospital user may only read.
  for (const [login, permission] of [['staff', 'write'], ['boss', 'admin'], ['hospital', 'read']] as const) await t.port.setPermission(login, permission);
  const { issue } = await submitOpinion(t.port, { title: '基准点数偏低', details: '建议上调心内科病组的基准点数和调整系数。', selected: 'core-elements' });
  await triageIssue(t.port, issue.number, deps());
  const say = async (login: string, body: string) => {
    const comment = await t.as(login).createComment(issue.number, body);
    return handleComment(t.port, issue.number, comment, deps());
  };
  const labels = async () => (await t.port.getIssue(issue.number))!.labels;
  const state = async () => parseState((await t.port.listComments(issue.number)).find((c) => c.author === 'feedback-bot' && c.body.includes(TRIAGE_MARKER))!.body)!;
  return { ...t, issue, say, labels, state };
}

describe('staff commands', () => {
  it('refuses users without write access politely and changes nothing', async () => {
    const s = await setup();
    const before = await s.labels();
    const r = await s.say('hospital', '/close\n/outcome 采纳');
    expect(r).toMatchObject({ permission: 'read', applied: true });
    expect(await s.labels()).toEqual(before);
    expect((await s.port.getIssue(s.issue.number))!.state).toBe('open');
    const note = (await s.port.listComments(s.issue.number)).at(-1)!;
    expect(note.author).toBe('feedback-bot');
    expect(note.body).toContain('感谢您的留言');
    expect(note.body).toContain('`/close`');
    // Re-delivery of the same event answers nothing twice.
    const comment = (await s.port.listComments(s.issue.number)).find((c) => c.author === 'hospital')!;
    expect((await handleComment(s.port, s.issue.number, comment, deps())).skipped).toContain('已处理过');
  });

  it('/category replaces the category, moves the office by routing and clears 分类待确认', async () => {
    const s = await setup();
    await s.port.addLabels(s.issue.number, [flags.needsCategory]);
    await s.say('staff', '/category grouping');
    const labels = await s.labels();
    expect(labels).toContain(categoryLabel('grouping'));
    expect(labels).not.toContain(categoryLabel('core-elements'));
    expect(labels).toContain(officeLabel('admin'));
    expect(labels).not.toContain(officeLabel('agency'));
    expect(labels).not.toContain(flags.needsCategory);
    // Triage on a later edit keeps the staff decision.
    await triageIssue(s.port, s.issue.number, deps());
    expect(await s.labels()).toContain(categoryLabel('grouping'));
    const comment = (await s.port.listComments(s.issue.number)).find((c) => c.body.includes(TRIAGE_MARKER))!;
    expect(comment.body).toContain('工作人员用 /category 确定');
    expect(comment.body).toContain('分类改为“分组技术类”');
  });

  it('/assign sticks: a later /category does not move the office', async () => {
    const s = await setup();
    await s.say('staff', '/assign 行政');
    await s.say('boss', '/category 其他');
    const labels = await s.labels();
    expect(labels).toContain(categoryLabel('other'));
    expect(labels).toContain(officeLabel('admin'));
    expect(labels).not.toContain(officeLabel('agency'));
    expect((await s.state()).staff).toEqual({ category: 'other', office: 'admin' });
  });

  it('/outcome keeps exactly one outcome; /reserve adds 意见留用; /escalate adds 报送上级', async () => {
    const s = await setup();
    await s.say('staff', '/outcome 采纳');
    await s.say('staff', '/reserve');
    let labels = await s.labels();
    expect(labels.filter((l) => l.startsWith('结果:'))).toEqual([outcomeLabel('reserved')]);
    expect(labels).toContain(flags.reserved);
    await s.say('staff', '/outcome 解释说明\n/escalate');
    labels = await s.labels();
    expect(labels.filter((l) => l.startsWith('结果:'))).toEqual([outcomeLabel('explained')]);
    expect(labels).not.toContain(flags.reserved);
    expect(labels).toContain(flags.escalate);
    // Triage does not take off a flag staff set, even though the classifier would not escalate.
    await triageIssue(s.port, s.issue.number, deps());
    expect(await s.labels()).toContain(flags.escalate);
  });

  it('/reply marks the issue replied and /close closes it; the log shows both', async () => {
    const s = await setup();
    await s.say('staff', '/outcome 部分采纳\n/reply 您好，经研究，对第一条建议予以采纳。');
    await s.say('staff', '/close');
    const issue = (await s.port.getIssue(s.issue.number))!;
    expect(issue.state).toBe('closed');
    expect(issue.labels).toEqual(expect.arrayContaining([flags.replied, outcomeLabel('partial')]));
    expect((await s.state()).log.map((e) => e.text)).toEqual([expect.stringContaining('部分采纳'), expect.stringContaining('公开答复'), '关闭议题']);
  });

  it('tells staff which command it could not carry out', async () => {
    const s = await setup();
    const r = await s.say('staff', '/category 随便\n/reply');
    expect(r.errors).toHaveLength(2);
    const note = (await s.port.listComments(s.issue.number)).at(-1)!;
    expect(note.body).toContain('以下指令未执行');
    expect(note.body).toContain('core-elements（核心要素类）');
    expect(await s.labels()).not.toContain(flags.replied);
  });

  it('does nothing on a dry run and for comments without commands', async () => {
    const s = await setup();
    const before = await s.labels();
    const comment = await s.as('staff').createComment(s.issue.number, '/close');
    const r = await handleComment(s.port, s.issue.number, comment, deps({ dryRun: true }));
    expect(r).toMatchObject({ applied: false, operations: expect.arrayContaining([{ kind: 'close' }]) });
    expect((await s.port.getIssue(s.issue.number))!.state).toBe('open');
    expect((await s.say('staff', '谢谢，已收到。')).skipped).toBe('评论中没有指令');
    expect(await s.labels()).toEqual(before);
  });
});
