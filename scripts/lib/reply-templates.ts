/**
 * Reply templates (答复模板, issue 13): answers staff give often, as Markdown files under
 * content/settings/reply-templates/ (schemas/reply-template.ts for the frontmatter). `/reply-template 名称` posts one
 * as a draft in the issue: clearly marked 草稿, in a code block to copy, with the instruction to edit it and send it
 * with /reply. Nothing is answered or published until a person does.
 *
 * Why a template body may not start a line with `/`: the draft is a comment by the bot, and publishing reads the
 * latest `/reply` line of anyone with write access (publish/reply.ts latestReply); a template line `/reply …` in the
 * bot's draft would be published as the answer. The code fence is longer than any run of backticks in the body, so
 * the body cannot close it early. Pure: parsing and rendering; reply-templates-fs.ts reads the folder.
 */
import { outcomes } from '../../schemas/common.ts';
import { replyTemplateSchema, type ReplyTemplateMeta } from '../../schemas/reply-template.ts';
import { parseFrontmatter } from './frontmatter.ts';
import { formatZodError } from './zod-errors.ts';

export const replyTemplatesDir = 'settings/reply-templates';

/** Longest body accepted: a long answer is still far below GitHub's 65,536-character comment limit. */
export const maxTemplateLength = 8000;

export interface ReplyTemplate extends ReplyTemplateMeta {
  /** The file name without `.md`: what staff type after /reply-template. */
  name: string;
  /** The answer text (Markdown), trimmed. */
  body: string;
}

export type ParsedTemplate = { ok: true; template: ReplyTemplate } | { ok: false; problems: string[] };

/** Reads one template file; problems are `file: field: message` lines, as `npm run validate` prints them. */
export function parseReplyTemplate(file: string, text: string): ParsedTemplate {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const name = base.replace(/\.md$/i, '');
  const problems: string[] = [];
  if (!name || name.length > 40 || /\s/.test(name)) problems.push(`${file}: (文件名): 模板名称即文件名，应为 1–40 个字、不含空格，例如 解释说明-入组规则.md`);
  let doc: { data: Record<string, unknown>; body: string };
  try {
    doc = parseFrontmatter(text);
  } catch (e) {
    return { ok: false, problems: [...problems, `${file}: (frontmatter): YAML 无法解析: ${(e as Error).message.split('\n')[0]}`] };
  }
  const meta = replyTemplateSchema.safeParse(doc.data);
  if (!meta.success) problems.push(...formatZodError(file, meta.error).split('\n'));
  const body = doc.body.replace(/\r\n?/g, '\n').trim();
  if (!body) problems.push(`${file}: (正文): 模板正文不能为空`);
  if ([...body].length > maxTemplateLength) problems.push(`${file}: (正文): 模板正文不超过 ${maxTemplateLength} 个字`);
  body.split('\n').forEach((line, i) => {
    if (line.trimStart().startsWith('/')) problems.push(`${file}: (正文): 第 ${i + 1} 行以“/”开头，会被当作工作人员指令，请改写`);
  });
  if (problems.length || !meta.success) return { ok: false, problems };
  return { ok: true, template: { ...meta.data, name, body } };
}

/** A name as staff may type it: no quotes or brackets around it, spaces and `-：:_·` ignored, case folded. */
function normaliseName(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFKC').toLowerCase()) if (!' \t-－—_:：·“”"\'‘’「」《》【】`'.includes(ch)) out += ch;
  return out;
}

/** The template staff asked for, by file name or title; null when none matches. */
export function findTemplate(templates: readonly ReplyTemplate[], asked: string): ReplyTemplate | null {
  const want = normaliseName(asked);
  if (!want) return null;
  return templates.find((t) => normaliseName(t.name) === want) ?? templates.find((t) => normaliseName(t.title) === want) ?? null;
}

/** The available templates as one sentence, for a polite answer to a name that matched none. */
export function templateList(templates: readonly ReplyTemplate[]): string {
  if (!templates.length) return `尚未配置答复模板：请在 content/${replyTemplatesDir}/ 中添加 Markdown 文件（见 README）`;
  return `可用的模板：${[...templates].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')).map((t) => `\`${t.name}\`（${t.title}）`).join('、')}`;
}

/** A fence longer than the longest run of backticks in the text (at least three). */
function fenceFor(text: string): string {
  let longest = 0;
  let run = 0;
  for (const ch of text) {
    run = ch === '`' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return '`'.repeat(Math.max(3, longest + 1));
}

/**
 * The draft comment for a template: the hidden marker of the bot's answer to the command comment (commands.ts
 * noteMarker), headed 草稿, the instruction, the suggested outcome, and the body in a code block to copy.
 */
export function renderDraft(template: ReplyTemplate, marker: string): string {
  const fence = fenceFor(template.body);
  const outcome = template.outcome
    ? `本模板通常对应的办理结果是“${outcomes[template.outcome].zh}”，发出答复前请用 \`/outcome ${outcomes[template.outcome].zh}\` 登记。`
    : '发出答复前请用 `/outcome` 登记办理结果。';
  return [
    marker,
    `### 答复草稿（未发出）：${template.title}`,
    '',
    `以下是答复模板“${template.name}”生成的**草稿**，尚未答复提交人，也不会公开。` +
      '请复制下面的文字，把【】中的内容改为本意见的实际情况并删改不适用的段落，然后在新评论中以 `/reply ` 开头发出（`/reply` 之后到评论结尾都是公开答复）。' +
      outcome,
    '',
    `${fence}text`,
    template.body,
    fence,
  ].join('\n');
}
