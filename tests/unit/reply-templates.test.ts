/**
 * Reply templates (issue 13): the shipped ones are valid, bad ones are named by `npm run validate`, and
 * `/reply-template 名称` posts a draft staff edit and send with /reply; nothing is answered or published before.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { flags } from '../../scripts/lib/labels.ts';
import { latestReply } from '../../scripts/lib/publish/reply.ts';
import { loadReplyTemplates } from '../../scripts/lib/reply-templates-fs.ts';
import { findTemplate, parseReplyTemplate, renderDraft } from '../../scripts/lib/reply-templates.ts';
import { parseCommands } from '../../scripts/lib/triage/commands.ts';
import { handleComment, triageIssue } from '../../scripts/lib/triage/run.ts';
import { deps, submitOpinion, tempTracker } from './triage-support.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shipped = loadReplyTemplates(join(root, 'content'), root);

const template = (front: string, body: string) => `---\n${front}\n---\n${body}\n`;

describe('the templates in content/settings/reply-templates/', () => {
  it('are valid, and there are the three the bureau starts with', () => {
    expect(shipped.problems).toEqual([]);
    expect(shipped.templates.map((t) => [t.name, t.title, t.outcome])).toEqual([
      ['暂不采纳并留用', '暂不采纳并留用', 'reserved'],
      ['解释说明-入组规则', '解释说明：入组规则', 'explained'],
      ['转报上级', '转报上级', 'escalated'],
    ]);
    // A public answer never names the unit by default: the unit is shown only with its consent (schemas/reply.ts).
    for (const t of shipped.templates) expect(t.body).not.toContain('单位名称');
  });

  it('are found by file name or title, however staff type the punctuation', () => {
    expect(findTemplate(shipped.templates, '解释说明-入组规则')?.name).toBe('解释说明-入组规则');
    expect(findTemplate(shipped.templates, '“解释说明：入组规则”')?.name).toBe('解释说明-入组规则');
    expect(findTemplate(shipped.templates, '解释说明 入组规则')?.name).toBe('解释说明-入组规则');
    expect(findTemplate(shipped.templates, '采纳')).toBeNull();
    expect(findTemplate(shipped.templates, '')).toBeNull();
  });
});

describe('a template file', () => {
  it('needs a title and a body, and no line starting with / (it would be read as a command)', () => {
    expect(parseReplyTemplate('a.md', template('description: x', '正文'))).toEqual({ ok: false, problems: [expect.stringContaining('a.md: title: 请填写模板标题')] });
    expect(parseReplyTemplate('a.md', template('title: 模板', '  '))).toEqual({ ok: false, problems: ['a.md: (正文): 模板正文不能为空'] });
    const slash = parseReplyTemplate('a.md', template('title: 模板', '您好！\n  /reply 直接答复'));
    expect(slash).toEqual({ ok: false, problems: ['a.md: (正文): 第 2 行以“/”开头，会被当作工作人员指令，请改写'] });
    expect(parseReplyTemplate('有 空格.md', template('title: 模板', '正文')).ok).toBe(false);
    expect(parseReplyTemplate('x.md', template('title: 模板\noutcome: maybe', '正文')).ok).toBe(false);
  });

  it('is named with its field by npm run validate, which fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'templates-'));
    mkdirSync(join(dir, 'settings/reply-templates'), { recursive: true });
    writeFileSync(join(dir, 'settings/reply-templates/坏模板.md'), template('title: 坏', '/close'));
    const run = spawnSync(process.execPath, ['scripts/validate-content.ts'], { cwd: root, env: { ...process.env, CONTENT_DIR: dir }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('坏模板.md: title: 模板标题至少 2 个字');
    expect(run.stderr).toContain('坏模板.md: (正文): 第 1 行以“/”开头');
  });

  it('keeps its body inside the draft code block even when it holds backticks', () => {
    const parsed = parseReplyTemplate('b.md', template('title: 带代码', '请在系统中选择 ```结算清单``` 菜单。'));
    expect(parsed.ok).toBe(true);
    const draft = renderDraft((parsed as { ok: true; template: never }).template, '<!-- m -->');
    expect(draft).toContain('````text\n请在系统中选择 ```结算清单``` 菜单。\n````');
  });
});

describe('/reply-template', () => {
  async function setup() {
    const t = tempTracker();
    for (const [login, permission] of [['staff', 'write'], ['hospital', 'read']] as const) await t.port.setPermission(login, permission);
    const { issue } = await submitOpinion(t.port, { title: 'FM19入组问题', details: '急性心梗PCI病例进入歧义组，请解释入组原因。', selected: 'grouping' });
    await triageIssue(t.port, issue.number, deps());
    const say = async (login: string, body: string) =>
      handleComment(t.port, issue.number, await t.as(login).createComment(issue.number, body), deps({ replyTemplates: shipped.templates }));
    return { ...t, issue, say };
  }

  it('posts the template as a draft marked 草稿, to edit and send with /reply; nothing is answered', async () => {
    const s = await setup();
    const r = await s.say('staff', '/reply-template 解释说明-入组规则');
    expect(r.errors).toEqual([]);
    const comments = await s.port.listComments(s.issue.number);
    const draft = comments.at(-1)!;
    expect(draft.author).toBe('feedback-bot');
    expect(draft.body).toContain('### 答复草稿（未发出）：解释说明：入组规则');
    expect(draft.body).toContain('**草稿**');
    expect(draft.body).toContain('以 `/reply ` 开头发出');
    expect(draft.body).toContain('`/outcome 解释说明`');
    expect(draft.body).toContain(findTemplate(shipped.templates, '解释说明-入组规则')!.body);
    // The bot's draft holds no command, so it can never be published as the answer (even though the local bot may write).
    expect(parseCommands(draft.body)).toEqual([]);
    expect(latestReply(comments, () => true)).toBeNull();
    expect((await s.port.getIssue(s.issue.number))!.labels).not.toContain(flags.replied);
  });

  it('answers an unknown name politely with the list of templates, and posts no draft', async () => {
    const s = await setup();
    const r = await s.say('staff', '/reply-template 采纳');
    expect(r.errors).toEqual([expect.stringContaining('没有名为“采纳”的答复模板')]);
    expect(r.errors[0]).toContain('可用的模板：`解释说明-入组规则`（解释说明：入组规则）、`暂不采纳并留用`');
    const last = (await s.port.listComments(s.issue.number)).at(-1)!;
    expect(last.body).toContain('以下指令未执行');
    expect(last.body).not.toContain('答复草稿');
  });

  it('is for staff only', async () => {
    const s = await setup();
    const r = await s.say('hospital', '/reply-template 转报上级');
    expect(r.skipped).toContain('没有写权限');
    expect((await s.port.listComments(s.issue.number)).some((c) => c.body.includes('答复草稿'))).toBe(false);
  });
});
