/**
 * Every parser that reads issue text runs in linear time (issue 11: the issue-form heading pattern took seconds on
 * one heading padded with spaces, and grew with the square of its length). Each parser gets the adversarial shapes
 * that stress it, at 100 KB and at 400 KB, and must take under 10 µs per character at both: under 1 s and 4 s per
 * call. The old heading regex needed 1.6 s for a 20 KB heading (about 40 s at 100 KB) and the old command regex
 * 0.9 s for 20 KB of spaces before a carriage return, so they fail by far; a quadratic that still passed at 100 KB
 * (0.25 s or more) would take 16 times as long on four times the input and fail at 400 KB. Linear code here takes
 * at most ~80 ms at 400 KB, so the bounds leave a fifty-fold margin for a busy machine.
 *
 * Why no tight growth ratio (e.g. 50 KB against 100 KB < 4×): on this shared two-core machine linear code measured
 * up to 57× slower on 16× the input (allocation and garbage collection of large strings), so a ratio close enough
 * to separate n from n² flakes; the per-character bound at two sizes does not.
 */
import { describe, expect, it } from 'vitest';
import { parseOpinionBlock } from '../../scripts/lib/opinion-block.ts';
import { announcementFromIssue } from '../../scripts/lib/publish/announcement-issue.ts';
import { formatOnlyCodes } from '../../scripts/lib/publish/codes.ts';
import { termsOf } from '../../scripts/lib/publish/hot-topics.ts';
import { citedPolicies, parseReplyCommand } from '../../scripts/lib/publish/reply.ts';
import type { TrackerIssue } from '../../scripts/lib/tracker/port.ts';
import { parseCommands } from '../../scripts/lib/triage/commands.ts';
import { categoryFromAnswer, parseSections, readClaim } from '../../scripts/lib/triage/parse.ts';
import { TRIAGE_MARKER, parseState } from '../../scripts/lib/triage/state.ts';
import { contentDigest } from '../../scripts/lib/triage/trust.ts';
import { bureau } from './triage-support.ts';

/** Milliseconds of the faster of two calls (the first may include compiling the parser). */
function costOf(fn: () => unknown): number {
  let best = Infinity;
  for (let k = 0; k < 2; k++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

/** Adversarial texts of about `n` characters: padded headings and commands, runs of one character, repeated fences. */
const shapes = {
  paddedHeading: (n: number) => `### ${' '.repeat(n)}x`,
  innerSpacesHeading: (n: number) => `### x${' '.repeat(n)}y`,
  headingBeforeCarriageReturn: (n: number) => `### x${' \t'.repeat(n / 2)}\r`,
  manyHeadings: (n: number) => '### a\n'.repeat(n / 6),
  spaces: (n: number) => ' '.repeat(n),
  newlines: (n: number) => '\n'.repeat(n),
  carriageReturns: (n: number) => '\r'.repeat(n),
  backticks: (n: number) => '`'.repeat(n),
  spacesAndNewlines: (n: number) => ' \n'.repeat(n / 2),
  opinionFences: (n: number) => '```json opinion\n'.repeat(n / 16),
  openFenceThenSpaces: (n: number) => `\`\`\`json opinion\n${' '.repeat(n)}`,
  commandBeforeCarriageReturn: (n: number) => `/reply${' '.repeat(n)}\r`,
  commandBeforeLineSeparator: (n: number) => `/close${' '.repeat(n)}\u2028x`,
  longReply: (n: number) => `/outcome 采纳\n/reply ${'经研究，'.repeat(n / 4)}`,
  slashes: (n: number) => '/'.repeat(n),
  commandWords: (n: number) => '/c\n'.repeat(n / 3),
  triageMarker: (n: number) => `${TRIAGE_MARKER} ${' '.repeat(n)}`,
  lettersAndDigits: (n: number) => 'A1'.repeat(n / 2),
  dottedDigits: (n: number) => '11.'.repeat(n / 3),
};
type Shape = keyof typeof shapes;
const any: Shape[] = ['spaces', 'newlines', 'backticks', 'spacesAndNewlines'];
const headings: Shape[] = [...any, 'paddedHeading', 'innerSpacesHeading', 'headingBeforeCarriageReturn', 'manyHeadings', 'carriageReturns', 'opinionFences', 'openFenceThenSpaces'];
const commands: Shape[] = [...any, 'commandBeforeCarriageReturn', 'commandBeforeLineSeparator', 'longReply', 'slashes', 'commandWords', 'carriageReturns'];
const prose: Shape[] = [...any, 'longReply', 'lettersAndDigits', 'dottedDigits', 'innerSpacesHeading'];

const issue = (body: string): TrackerIssue => ({ number: 1, title: 't', body, labels: [], state: 'open', author: 'x', createdAt: '2026-10-09T01:00:00Z', updatedAt: '', closedAt: null, url: '' });

/** Every parser over issue bodies and comments in triage, the opinion block and publishing, with the shapes that stress it. */
const parsers: Record<string, [(text: string) => unknown, Shape[]]> = {
  parseSections: [parseSections, headings],
  readClaim: [(t) => readClaim(issue(t), bureau), headings],
  announcementFromIssue: [(t) => announcementFromIssue(`### 公告正文\n\n${t}\n\n### 数据表（CSV）\n\n\`\`\`csv\n${t}`), headings],
  parseOpinionBlock: [parseOpinionBlock, [...any, 'opinionFences', 'openFenceThenSpaces']],
  parseCommands: [parseCommands, commands],
  parseReplyCommand: [parseReplyCommand, commands],
  parseState: [parseState, [...any, 'triageMarker']],
  categoryFromAnswer: [(t) => categoryFromAnswer(`- ${t}`), [...any, 'paddedHeading']],
  contentDigest: [(t) => contentDigest(issue(t)), [...any, 'carriageReturns']],
  citedPolicies: [(t) => citedPolicies(t, [{ id: 'p', title: '关于建立DRG支付方式改革沟通交流和信息反馈机制的通知', docNumber: '泰医保函〔2024〕65号' }]), prose],
  formatOnlyCodes: [(t) => formatOnlyCodes(t, null), prose],
  termsOf: [termsOf, prose],
};

describe('parsers of issue text run in linear time', () => {
  for (const [name, [parse, stress]] of Object.entries(parsers)) {
    it(`${name}: under 10 µs per character on 100 KB and 400 KB of each adversarial shape`, () => {
      const slow: string[] = [];
      for (const shape of stress) {
        const t100 = costOf(() => parse(shapes[shape](100_000)));
        if (t100 >= 1000) {
          // Past the bound already: not timed on four times the input (the old heading regex would take ten minutes).
          slow.push(`${shape}: ${t100.toFixed(0)} ms at 100 KB`);
          continue;
        }
        const t400 = costOf(() => parse(shapes[shape](400_000)));
        if (t400 >= 4000) slow.push(`${shape}: ${t100.toFixed(0)} ms at 100 KB, ${t400.toFixed(0)} ms at 400 KB`);
      }
      expect(slow).toEqual([]);
    });
  }

  it('still reads what the inputs say after the padding', () => {
    expect(parseSections(`### x${' '.repeat(100_000)}y\n\n答案`).get(`x${' '.repeat(100_000)}y`)).toBe('答案');
    expect(parseCommands(`/reply${' '.repeat(100_000)}\r答复正文`)).toEqual([{ name: 'reply', arg: '答复正文', raw: '/reply' }]);
    expect(parseReplyCommand(`/reply ${'甲'.repeat(100_000)}`)).toHaveLength(100_000);
  });
});
