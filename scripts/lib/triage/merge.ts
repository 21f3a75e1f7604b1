/**
 * 并案办理 (issue 13): `/merge #12` closes an opinion as part of #12, which raises the same question; `/unmerge`
 * undoes it. Where it lives: in the tracker, so GitHub Actions and the server read the same thing (labels.ts
 * flags.merged and mergeTargetLabel: `并入:#12 JY-2026-…`, readable by /track from labels alone), and in triage's
 * state (staff.mergedInto). What it changes elsewhere: the merged opinion's /track shows #12's status and reply
 * (public-status.ts), #12's reply page says how many units raised the question and names those that consented
 * (publish/merged.ts), and the quarterly summary counts the question once with its number of units (facts.ts).
 *
 * Rules, so a group always has one main opinion: the target must exist, be a believed opinion (trust.ts) and not be
 * merged itself; an opinion is never merged into itself, and one that others are merged into is not merged away
 * (its members would be left pointing at a closed opinion). Deciding is pure; readMergeFacts reads what it needs.
 */
import { flags, mergeTarget } from '../labels.ts';
import type { TrackerIssue, TrackerPort } from '../tracker/port.ts';
import type { Command } from './commands.ts';
import type { Verifier } from './trust.ts';

/** What a /merge target is, read before the commands run. */
export interface MergeTargetFacts {
  issue: number;
  /** Whether the issue exists. */
  found: boolean;
  /** Whether it is a believed opinion (trust.ts). */
  trusted: boolean;
  /** Its 查询码, when trusted. */
  trackingCode: string | null;
  /** The opinion it is merged into itself, else null. */
  mergedInto: number | null;
}

export interface MergeFacts {
  /** The issue the commands are on. */
  self: number;
  /** Every /merge target of the comment, by number. */
  targets: Map<number, MergeTargetFacts>;
  /** Opinions merged into this one (their labels name it). */
  members: number[];
}

/**
 * The issue number in `/merge #12` (also `12`, `＃12`, `#12 同一问题`): the first word, digits after an optional
 * `#`; null when there is none. Linear: one scan of the first word.
 */
export function parseMergeArg(arg: string): number | null {
  let s = arg.trim();
  if (s.startsWith('#') || s.startsWith('＃')) s = s.slice(1);
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i === 0 || i > 9) return null;
  const rest = s.charCodeAt(i);
  // `#12a` is not an issue number; `#12，` and `#12 同一问题` are.
  if (i < s.length && ((rest >= 48 && rest <= 57) || (rest >= 65 && rest <= 90) || (rest >= 97 && rest <= 122))) return null;
  const n = Number(s.slice(0, i));
  return n > 0 ? n : null;
}

/** Issues whose labels say they are merged into `issue`, ascending. */
export function membersOf(issues: TrackerIssue[], issue: number): number[] {
  return issues.filter((i) => i.number !== issue && mergeTarget(i.labels)?.issue === issue).map((i) => i.number).sort((a, b) => a - b);
}

/**
 * Reads what /merge and /unmerge need, only when the comment has one: each target issue and whether it is believed,
 * and the opinions merged into this one (one listing of issues labelled 并案办理).
 */
export async function readMergeFacts(port: TrackerPort, issue: TrackerIssue, commands: Command[], verify: Verifier): Promise<MergeFacts | null> {
  const merges = commands.filter((c) => c.name === 'merge');
  if (!merges.length && !commands.some((c) => c.name === 'unmerge')) return null;
  const targets = new Map<number, MergeTargetFacts>();
  for (const c of merges) {
    const n = parseMergeArg(c.arg);
    if (n === null || targets.has(n) || n === issue.number) continue;
    const target = await port.getIssue(n);
    if (!target) {
      targets.set(n, { issue: n, found: false, trusted: false, trackingCode: null, mergedInto: null });
      continue;
    }
    const v = await verify(target);
    targets.set(n, {
      issue: n, found: true, trusted: v.status === 'trusted', trackingCode: v.status === 'trusted' ? v.opinion.trackingCode : null,
      mergedInto: mergeTarget(target.labels)?.issue ?? null,
    });
  }
  const members = merges.length ? membersOf(await port.listIssues({ state: 'all', labels: [flags.merged] }), issue.number) : [];
  return { self: issue.number, targets, members };
}

export type MergeDecision = { ok: true; target: number; trackingCode: string } | { ok: false; error: string };

/** Whether `/merge <arg>` may be carried out, given what was read and what the opinion is merged into now. */
export function decideMerge(cmd: Command, facts: MergeFacts | null, current: number | null): MergeDecision {
  const n = parseMergeArg(cmd.arg);
  const fail = (why: string): MergeDecision => ({ ok: false, error: `\`${cmd.raw}\`：${why}` });
  if (n === null) return fail('请写明要并入的意见的议题编号，例如 `/merge #12`');
  if (!facts) return fail('未能读取要并入的议题，请稍后重试');
  if (n === facts.self) return fail('不能把意见并入它自己');
  const t = facts.targets.get(n);
  if (!t || !t.found) return fail(`找不到议题 #${n}`);
  if (!t.trusted || !t.trackingCode) return fail(`#${n} 不是已登记或已核实的意见建议，不能并入`);
  if (t.mergedInto !== null) return fail(`#${n} 本身已并入 #${t.mergedInto} 办理，请改为 \`/merge #${t.mergedInto}\``);
  if (current === n) return fail(`本意见已并入 #${n}`);
  if (facts.members.length) {
    const list = facts.members.map((m) => `#${m}`).join('、');
    return fail(`已有 ${list} 并入本意见办理，本意见不能再并入其他意见；如确是同一问题，请在 #${n} 上用 \`/merge #${facts.self}\`，或先在 ${list} 上 \`/unmerge\``);
  }
  return { ok: true, target: n, trackingCode: t.trackingCode };
}

/** Hidden marker of the note on a target about one command comment, so a re-delivered event posts it once. */
export const mergeNoteMarker = (commentId: number, self: number) => `<!-- drg-feedback:merge-note ${commentId} #${self} -->`;

/** The note posted on the target of a /merge or /unmerge: numbers and a login only, nothing a submitter wrote. */
export function mergeNote(kind: 'merge' | 'unmerge', self: number, author: string, commentId: number): string {
  // A login is letters, digits and hyphens on GitHub; anything else (a local --as) is dropped rather than rendered.
  author = author.replace(/[^A-Za-z0-9_\-[\]]/g, '') || '（未知）';
  const text = kind === 'merge'
    ? `#${self} 与本意见提出的是同一问题，已由工作人员 ${author} 并入本意见办理（并案办理）。#${self} 已关闭，其提交人查询进度时看到本意见的进度和答复；本意见的答复页面会写明共有几家单位提出。`
    : `工作人员 ${author} 已取消 #${self} 与本意见的并案办理，#${self} 重新打开，单独办理和答复。`;
  return `${mergeNoteMarker(commentId, self)}\n${text}`;
}
