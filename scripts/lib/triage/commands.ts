/**
 * Staff commands in issue comments (contracts.md): `/category`, `/assign`, `/escalate`, `/reserve`,
 * `/outcome`, `/reply`, `/close`, `/confirm` for an opinion labelled 待核实 (issue 11), and `/revisit` to record a
 * phone follow-up of the submitter's verdict on the reply (issue 14, 好差评). Parsing and the
 * label/state effects are pure; run.ts checks the author's permission (write and above only) and applies the plan.
 *
 * Syntax: a command starts a line. `/reply` takes everything after it to the end of the comment as the public
 * answer (so put other commands before it); the other commands take the rest of their line. Publishing reads the
 * answer with this same parser (publish/reply.ts parseReplyCommand). A name may hold inner hyphens
 * (`/reply-template`), so `/reply-template 名称` is never read as `/reply` with the answer `-template 名称`.
 *
 * Issue 13: `/merge #12` and `/unmerge` (并案办理, merge.ts decides; run.ts reads the target first), and
 * `/reply-template 名称`, which posts a template from content/settings/reply-templates/ as a draft to edit and send
 * with /reply (reply-templates.ts).
 *
 * Comments are written by anyone, so the parser scans each line once by hand: the old pattern
 * `^[ \t]*\/([A-Za-z]+)\b[ \t]*(.*)$` backtracked quadratically on a command followed by many spaces and a
 * carriage return (issue 11).
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import {
  categories, categoryKeys, keyByZh, offices, officeKeys, outcomes, outcomeKeys,
  type CategoryKey, type OfficeKey, type OutcomeKey,
} from '../../../schemas/common.ts';
import { verdictKeys, verdicts, type VerdictKey } from '../../../schemas/verdict.ts';
import { categoryLabel, flags, mergeTarget, mergeTargetLabel, officeLabel, outcomeLabel, revisitLabel } from '../labels.ts';
import { redactText } from '../redact.ts';
import { neutraliseInline } from '../submission/neutralise.ts';
import type { Revisit } from '../verdict/plan.ts';
import type { TriageState } from './state.ts';
import type { Trust } from './trust.ts';
import { decideMerge, mergeNote, type MergeFacts } from './merge.ts';
import { findTemplate, renderDraft, templateList, type ReplyTemplate } from '../reply-templates.ts';

export const commandNames = ['category', 'assign', 'escalate', 'reserve', 'outcome', 'reply', 'close', 'confirm', 'revisit', 'merge', 'unmerge', 'reply-template'] as const;
export type CommandName = (typeof commandNames)[number];

export interface Command {
  name: CommandName;
  /** The rest of the line (for /reply: the rest of the comment), trimmed. */
  arg: string;
  /** The command as written, for messages. */
  raw: string;
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isWordChar = (c: number) => isLetter(c) || (c >= 48 && c <= 57) || c === 95;

/** A line of optional spaces or tabs, a slash and a word: the word and where the rest of the line starts, or null. */
function commandAt(line: string): { word: string; rest: number } | null {
  let i = 0;
  while (line[i] === ' ' || line[i] === '\t') i++;
  if (line[i] !== '/') return null;
  const from = ++i;
  while (i < line.length && isLetter(line.charCodeAt(i))) i++;
  // Inner hyphens join words (`/reply-template`); a hyphen not followed by a letter ends the name.
  while (line[i] === '-' && i + 1 < line.length && isLetter(line.charCodeAt(i + 1))) {
    i++;
    while (i < line.length && isLetter(line.charCodeAt(i))) i++;
  }
  // A word boundary must follow: `/reply答复` and `/close.` are commands, `/reply2` and `/usr_bin` are not.
  if (i === from || (i < line.length && isWordChar(line.charCodeAt(i)))) return null;
  return { word: line.slice(from, i).toLowerCase(), rest: i };
}

/** Commands in a comment, in order. Lines starting with an unknown `/word` are not commands. */
export function parseCommands(body: string): Command[] {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const out: Command[] = [];
  for (let i = 0; i < lines.length; i++) {
    const found = commandAt(lines[i]);
    if (!found || !(commandNames as readonly string[]).includes(found.word)) continue;
    const name = found.word as CommandName;
    const rest = lines[i].slice(found.rest);
    if (name === 'reply') {
      const arg = [rest, ...lines.slice(i + 1)].join('\n').trim();
      out.push({ name, arg, raw: '/reply' });
      break;
    }
    out.push({ name, arg: rest.trim(), raw: lines[i].trim().replace(/`/g, "'") });
  }
  return out;
}

/** `/category` accepts the key, the Chinese name, or the name without 类 (政策措施, 核心要素, 分组技术). */
export function parseCategoryArg(arg: string): CategoryKey | undefined {
  const a = arg.trim();
  if ((categoryKeys as string[]).includes(a.toLowerCase())) return a.toLowerCase() as CategoryKey;
  const short: Record<string, CategoryKey> = { 政策: 'policy', 政策措施: 'policy', 核心要素: 'core-elements', 要素: 'core-elements', 分组: 'grouping', 分组技术: 'grouping', 其他类: 'other' };
  return keyByZh(categories, a) ?? short[a];
}

/** `/assign` accepts admin/agency, the office's Chinese name, or 行政 / 经办. */
export function parseOfficeArg(arg: string): OfficeKey | undefined {
  const a = arg.trim();
  if ((officeKeys as string[]).includes(a.toLowerCase())) return a.toLowerCase() as OfficeKey;
  const short: Record<string, OfficeKey> = { 行政: 'admin', 行政部门: 'admin', 经办: 'agency', 经办机构: 'agency' };
  return keyByZh(offices, a) ?? short[a];
}

export function parseOutcomeArg(arg: string): OutcomeKey | undefined {
  const a = arg.trim();
  if ((outcomeKeys as string[]).includes(a.toLowerCase())) return a.toLowerCase() as OutcomeKey;
  return keyByZh(outcomes, a);
}

/**
 * `/revisit 满意|基本满意|不满意 备注`: the verdict (its Chinese name or key) and the rest of the line as the note.
 * The longer name is tried first, so 基本满意 is never read as 满意 with a note starting 基本.
 */
export function parseRevisitArg(arg: string): { verdict: VerdictKey; note: string | null } | undefined {
  const a = arg.trim();
  const byLength = [...verdictKeys].sort((x, y) => verdicts[y].zh.length - verdicts[x].zh.length);
  for (const k of byLength) {
    for (const word of [verdicts[k].zh, k]) {
      if (!a.toLowerCase().startsWith(word.toLowerCase())) continue;
      const rest = a.slice(word.length);
      // The verdict must end there: `满意度` is not a verdict, `满意，已回访` and `满意 已回访` are.
      if (rest && /^[A-Za-z0-9_\u4e00-\u9fff]/.test(rest)) continue;
      const note = rest.replace(/^[\s,，:：;；、。.-]+/, '').trim();
      return { verdict: k, note: note || null };
    }
  }
  return undefined;
}

const options = <K extends string>(table: Record<K, { zh: string }>) => (Object.keys(table) as K[]).map((k) => `${k}（${table[k].zh}）`).join('、');

export interface CommandEffect {
  /** Labels after the commands. */
  labels: string[];
  add: string[];
  remove: string[];
  close: boolean;
  state: TriageState;
  /** Commands that could not be carried out, with the reason (told to the author). */
  errors: string[];
  /** Open the issue again (/unmerge of an opinion its /merge closed); /close after it in the comment wins. */
  reopen: boolean;
  /** Comments to post on this issue: reply-template drafts (reply-templates.ts renderDraft). */
  drafts: string[];
  /** Notes to post on other issues: the target of a /merge or /unmerge (merge.ts mergeNote). */
  notes: { issue: number; body: string }[];
  /** Phone follow-ups recorded with /revisit, in order (their effect on the verdict comment: verdict/plan.ts). */
  revisits: Revisit[];
}

export interface CommandContext {
  labels: string[];
  state: TriageState;
  /** Whether the opinion is believed before these commands (trust.ts); null for 待核实. */
  trust: Trust | null;
  /** trust.ts contentDigest of the issue now: what /confirm vouches for. */
  digest: string;
  bureau: Bureau;
  author: string;
  /** ISO instant of the comment. */
  at: string;
  commentId: number;
  /** What /merge and /unmerge need, read before (merge.ts readMergeFacts); null when the comment has neither. */
  merge?: MergeFacts | null;
  /** The bureau's reply templates (content/settings/reply-templates/), for /reply-template. */
  templates?: readonly ReplyTemplate[];
}

/**
 * What a write-permission user's commands do to the labels, the issue state and triage's memory. On an opinion
 * labelled 待核实 only /confirm and /close are carried out; commands after a /confirm in the same comment are.
 */
export function applyCommands(commands: Command[], ctx: CommandContext): CommandEffect {
  const labels = new Set(ctx.labels);
  const state: TriageState = structuredClone(ctx.state);
  const managed = new Set(state.added);
  const add = new Set<string>();
  const remove = new Set<string>();
  const errors: string[] = [];
  const revisits: Revisit[] = [];
  let close = false;
  let reopen = false;
  const drafts: string[] = [];
  const notes: { issue: number; body: string }[] = [];
  const put = (label: string) => {
    remove.delete(label);
    // A label staff asked for is theirs: triage must never take it off again.
    managed.delete(label);
    if (!labels.has(label)) add.add(label);
    labels.add(label);
  };
  const take = (label: string) => {
    add.delete(label);
    managed.delete(label);
    if (labels.has(label)) remove.add(label);
    labels.delete(label);
  };
  const log = (text: string) => state.log.push({ at: ctx.at, by: ctx.author, text });
  const setOffice = (office: OfficeKey) => {
    for (const k of officeKeys) if (k !== office) take(officeLabel(k));
    put(officeLabel(office));
  };
  const setOutcome = (outcome: OutcomeKey) => {
    for (const k of outcomeKeys) if (k !== outcome) take(outcomeLabel(k));
    put(outcomeLabel(outcome));
    if (outcome === 'reserved') put(flags.reserved);
    else take(flags.reserved);
    if (outcome === 'escalated') {
      put(flags.escalate);
      state.staff.escalate = true;
    }
  };

  let trusted = ctx.trust !== null;
  for (const cmd of commands) {
    // Until someone vouches for it, an unverified opinion is not handled: no category, office, outcome or answer
    // (issue 11). Closing it (spam) is always possible.
    if (!trusted && cmd.name !== 'confirm' && cmd.name !== 'close') {
      errors.push(`\`${cmd.raw}\`：本意见待核实，请先核实来源、单位和内容，再用 \`/confirm\` 确认（核实前不分派、不答复、不统计）`);
      continue;
    }
    switch (cmd.name) {
      case 'confirm':
        if (ctx.trust === 'intake' || ctx.trust === 'staff') {
          errors.push(`\`${cmd.raw}\`：本意见${ctx.trust === 'intake' ? '来自网站提交' : '由工作人员登记'}，无需核实`);
          break;
        }
        take(flags.unverified);
        if (!trusted) log('核实为真实意见，按正常流程分拣办理');
        state.staff.confirmed = { digest: ctx.digest };
        trusted = true;
        break;
      case 'category': {
        const key = parseCategoryArg(cmd.arg);
        if (!key) {
          errors.push(`\`${cmd.raw}\`：请写明分类，可用 ${options(categories)}`);
          break;
        }
        for (const k of categoryKeys) if (k !== key) take(categoryLabel(k));
        put(categoryLabel(key));
        take(flags.needsCategory);
        state.staff.category = key;
        if (state.staff.office) log(`分类改为“${categories[key].zh}”（承办仍为已指定的${offices[state.staff.office].zh}）`);
        else {
          setOffice(ctx.bureau.routing[key]);
          // The office follows the routing, not a person's choice: a later /category may move it again.
          managed.add(officeLabel(ctx.bureau.routing[key]));
          log(`分类改为“${categories[key].zh}”，承办随之改为${offices[ctx.bureau.routing[key]].zh}`);
        }
        break;
      }
      case 'assign': {
        const key = parseOfficeArg(cmd.arg);
        if (!key) {
          errors.push(`\`${cmd.raw}\`：请写明承办部门，可用 ${options(offices)}`);
          break;
        }
        setOffice(key);
        state.staff.office = key;
        log(`承办改为${offices[key].zh}`);
        break;
      }
      case 'escalate':
        put(flags.escalate);
        state.staff.escalate = true;
        log(`标记为报送上级（${ctx.bureau.upwardAuthority}）`);
        break;
      case 'reserve':
        setOutcome('reserved');
        log('办理结果：暂不采纳并留用（意见留用，作为新版分组升级参考）');
        break;
      case 'outcome': {
        const key = parseOutcomeArg(cmd.arg);
        if (!key) {
          errors.push(`\`${cmd.raw}\`：请写明办理结果，可用 ${Object.values(outcomes).map((o) => o.zh).join('、')}`);
          break;
        }
        setOutcome(key);
        log(`办理结果：${outcomes[key].zh}`);
        break;
      }
      case 'reply':
        if (!cmd.arg) {
          errors.push('`/reply`：后面需要写答复正文（从 /reply 之后到评论结尾都是公开答复）');
          break;
        }
        put(flags.replied);
        log(`给出公开答复（${[...cmd.arg].length} 字），发布程序将据此生成答复页面`);
        break;
      case 'merge': {
        const current = state.staff.mergedInto ?? mergeTarget([...labels])?.issue ?? null;
        const d = decideMerge(cmd, ctx.merge ?? null, current);
        if (!d.ok) {
          errors.push(d.error);
          break;
        }
        for (const l of [...labels]) if (mergeTarget([l])) take(l);
        put(flags.merged);
        put(mergeTargetLabel(d.target, d.trackingCode));
        state.staff.mergedInto = d.target;
        close = true;
        reopen = false;
        if (current !== null) notes.push({ issue: current, body: mergeNote('unmerge', ctx.merge!.self, ctx.author, ctx.commentId) });
        notes.push({ issue: d.target, body: mergeNote('merge', ctx.merge!.self, ctx.author, ctx.commentId) });
        log(`并入 #${d.target} 办理（并案办理）${current !== null ? `，不再并入 #${current}` : ''}；本意见关闭，查询进度显示 #${d.target} 的进度和答复`);
        break;
      }
      case 'unmerge': {
        const current = state.staff.mergedInto ?? mergeTarget([...labels])?.issue ?? null;
        if (current === null && !labels.has(flags.merged)) {
          errors.push(`\`${cmd.raw}\`：本意见没有并入其他意见，无需取消`);
          break;
        }
        for (const l of [...labels]) if (mergeTarget([l])) take(l);
        take(flags.merged);
        delete state.staff.mergedInto;
        reopen = true;
        close = false;
        if (current !== null && ctx.merge) notes.push({ issue: current, body: mergeNote('unmerge', ctx.merge.self, ctx.author, ctx.commentId) });
        log(`取消并案办理${current !== null ? `（原并入 #${current}）` : ''}，本意见重新打开，单独办理和答复`);
        break;
      }
      case 'reply-template': {
        const templates = ctx.templates ?? [];
        const template = findTemplate(templates, cmd.arg);
        if (!template) {
          errors.push(`\`${cmd.raw}\`：${cmd.arg ? `没有名为“${cmd.arg.replace(/`/g, "'")}”的答复模板` : '请写明模板名称，例如 `/reply-template 解释说明-入组规则`'}。${templateList(templates)}`);
          break;
        }
        drafts.push(renderDraft(template, noteMarker(ctx.commentId)));
        log(`取用答复模板“${template.title}”，草稿已贴出，待修改后用 /reply 发出`);
        break;
      }
      case 'close':
        close = true;
        reopen = false;
        log('关闭议题');
        break;
      case 'revisit': {
        const visit = parseRevisitArg(cmd.arg);
        if (!visit) {
          errors.push(`\`${cmd.raw}\`：请写明回访结果，可用 ${Object.values(verdicts).map((v) => v.zh).join('、')}，后面可加备注，例如 \`/revisit 满意 已电话回访\``);
          break;
        }
        for (const k of verdictKeys) if (k !== visit.verdict) take(revisitLabel(k));
        put(revisitLabel(visit.verdict));
        // The note goes to the tracker (GitHub, abroad): no names or numbers heard on the phone (issue 12).
        const note = visit.note ? redactText(visit.note, { keep: [ctx.bureau.contact.phone, ctx.bureau.contact.email].filter((x): x is string => Boolean(x)) }) : null;
        revisits.push({ verdict: visit.verdict, note, at: ctx.at, by: ctx.author });
        // Shown in the bot's triage comment: made inert like any typed text (no mention is repeated by the bot).
        log(`电话回访：${verdicts[visit.verdict].zh}${note ? `（${neutraliseInline(note)}）` : ''}${visit.verdict === 'unsatisfied' ? '，转为再次办理' : ''}`);
        break;
      }
    }
  }
  state.added = [...managed].filter((l) => labels.has(l)).sort();
  state.handled = [...state.handled, ctx.commentId].slice(-100);
  return { labels: [...labels], add: [...add], remove: [...remove], close, state, errors, revisits, reopen, drafts, notes };
}

/** Hidden marker on the bot's answers to a command comment, so a re-delivered webhook does not answer twice. */
export const noteMarker = (commentId: number) => `<!-- drg-feedback:command-note ${commentId} -->`;

export function permissionNote(commentId: number, commands: Command[]): string {
  const names = [...new Set(commands.map((c) => `/${c.name}`))].map((n) => `\`${n}\``).join('、');
  return [
    noteMarker(commentId),
    `感谢您的留言。${names} 等指令仅供具有本库写权限的医保部门工作人员使用，本条评论中的指令未执行，议题的分类、状态和标签都没有改变。`,
    '',
    '您的意见已经登记，工作人员会在答复期限内办理；如需补充材料或说明，直接在此评论即可。',
  ].join('\n');
}

export function errorNote(commentId: number, errors: string[]): string {
  return [noteMarker(commentId), '以下指令未执行：', '', ...errors.map((e) => `- ${e.replace(/\n/g, ' ')}`)].join('\n');
}
