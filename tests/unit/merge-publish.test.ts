/**
 * What 并案办理 (issue 13) changes after /merge: the main opinion's reply page says how many units raised the question
 * and names only those that agreed; merged opinions get no page of their own; their /track follows the main opinion;
 * the quarterly summary counts the question once with its number of units.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFrontmatter } from '../../scripts/lib/frontmatter.ts';
import { categoryLabel, flags, officeLabel, outcomeLabel, sourceLabel } from '../../scripts/lib/labels.ts';
import { formatOnlyCodes } from '../../scripts/lib/publish/codes.ts';
import { collectFacts } from '../../scripts/lib/publish/facts.ts';
import { raisedByLine } from '../../scripts/lib/publish/merged.ts';
import { createBudget } from '../../scripts/lib/publish/plan.ts';
import { summariseQuarter } from '../../scripts/lib/publish/quarterly.ts';
import { planReplies } from '../../scripts/lib/publish/replies.ts';
import { summaryBody } from '../../scripts/lib/publish/summary-doc.ts';
import { publicStatus, replyPath } from '../../scripts/lib/submission/public-status.ts';
import type { OutboxJob } from '../../scripts/lib/submission/outbox.ts';
import { handleComment } from '../../scripts/lib/triage/run.ts';
import { createOpinionReader } from '../../scripts/lib/triage/trust.ts';
import { createWorkCalendar } from '../../scripts/lib/workdays.ts';
import { bots, bureau, opinion, tempDir, testTracker } from './publish-support.ts';
import { deps as triageDeps } from './triage-support.ts';

const calendar = createWorkCalendar();
const readOpinion = () => createOpinionReader({ bureau, bots });

const question = '高倍率病例超出部分只按50%补偿，医院亏损较多，建议提高高倍率病例超出部分的补偿比例。';
const units = {
  main: { trackingCode: 'JY-2026-MAIN01', organization: '济源市人民医院', publicConsent: true },
  quiet: { trackingCode: 'JY-2026-QUIET1', organization: '济源市第二人民医院', publicConsent: false },
  named: { trackingCode: 'JY-2026-NAMED1', organization: '济源市中医院', publicConsent: true },
  // The main opinion's unit again, without consent this time: still one unit, named once.
  again: { trackingCode: 'JY-2026-AGAIN1', organization: ' 济源市人民医院', publicConsent: false },
};

let t: ReturnType<typeof testTracker>;
const n: Record<keyof typeof units, number> = { main: 0, quiet: 0, named: 0, again: 0 };

beforeAll(async () => {
  t = testTracker(tempDir('merge-publish-'));
  let day = 3;
  for (const key of Object.keys(units) as (keyof typeof units)[]) {
    const u = units[key];
    const issue = await t.addOpinion(
      opinion({ ...u, receivedAt: `2026-08-0${day++}T02:00:00Z`, selectedCategory: 'core-elements', title: '建议提高高倍率病例补偿比例', details: question }),
      [flags.opinion, sourceLabel('web'), categoryLabel('core-elements'), officeLabel(bureau.routing['core-elements'])],
    );
    n[key] = issue.number;
  }
  // The quiet unit had been answered on its own before staff saw it was the same question.
  await t.bot.addLabels(n.quiet, [outcomeLabel('explained'), flags.replied]);
  await t.comment('staff', n.quiet, '/reply 先行答复。', '2026-08-10T02:00:00Z');
  for (const key of ['quiet', 'named', 'again'] as const) {
    const c = await t.comment('staff', n[key], `/merge #${n.main}`, '2026-08-11T02:00:00Z');
    const r = await handleComment(t.bot, n[key], c, triageDeps());
    expect(r.errors).toEqual([]);
  }
  await t.bot.addLabels(n.main, [outcomeLabel('partial'), flags.replied]);
  await t.comment('staff', n.main, '/reply 经研究，拟在下一年度调整高倍率病例的补偿比例。', '2026-08-20T02:00:00Z');
});

describe('the reply page of the main opinion', () => {
  it('says how many units raised the question and names only those that agreed; merged ones get no page', async () => {
    const plan = await planReplies(t.bot, {
      bureau, codeList: null, extractCodes: formatOnlyCodes, policies: [], readOpinion: readOpinion(), readExisting: async () => null, budget: createBudget(100),
    });
    expect(plan.changes.map((c) => c.path)).toEqual(['replies/jy-2026-main01.md']);
    const { data } = parseFrontmatter(String(plan.changes[0].content));
    expect(data.raisedBy).toEqual({ units: 3, named: ['济源市人民医院', '济源市中医院'] });
    expect(JSON.stringify(data)).not.toContain('第二人民医院');
    expect(plan.skipped).toContainEqual({ ref: `#${n.quiet}`, reason: `已并入 #${n.main} 办理，答复见 #${n.main} 的答复页面` });
    expect(raisedByLine(data.raisedBy as { units: number; named: string[] })).toBe('3 家单位提出，其中同意公开名称的有：济源市人民医院、济源市中医院');
    expect(raisedByLine({ units: 2, named: [] })).toBe('2 家单位提出（均未同意公开单位名称）');
    expect(raisedByLine({ units: 2, named: ['甲', '乙'] })).toBe('2 家单位提出：甲、乙');
  });
});

describe('/track of a merged opinion', () => {
  const job = { trackingCode: units.quiet.trackingCode, receivedAt: '2026-08-04T02:00:00Z', category: 'core-elements' } as OutboxJob;
  const status = async (k: keyof typeof n) => {
    const i = (await t.bot.getIssue(n[k]))!;
    return { state: i.state, labels: i.labels, updatedAt: i.updatedAt, closedAt: i.closedAt };
  };

  it("follows the main opinion's stage and links its reply page", async () => {
    const s = publicStatus(job, await status('quiet'), { bureau, calendar, main: await status('main') });
    expect(s).toMatchObject({ stage: 'replied', replyUrl: replyPath(units.main.trackingCode), mergedInto: { trackingCode: units.main.trackingCode }, deadline: null });
  });

  it('shows it in hand while the main status is not yet known, and its own status once unmerged', async () => {
    expect(publicStatus(job, await status('quiet'), { bureau, calendar, main: null })).toMatchObject({ stage: 'in-progress', replyUrl: null });
    const own = { state: 'open' as const, labels: [flags.opinion, officeLabel('agency')], updatedAt: '', closedAt: null };
    const alone = publicStatus(job, own, { bureau, calendar, main: await status('main') });
    expect(alone).toMatchObject({ stage: 'in-progress', replyUrl: null });
    expect(alone.mergedInto ?? null).toBeNull();
  });
});

describe('the quarterly summary', () => {
  it('counts the question once, with the number of units behind it', async () => {
    const deps = { bureau, calendar, codeList: null, extractCodes: formatOnlyCodes, readOpinion: readOpinion(), budget: createBudget(1000) };
    const { facts } = await collectFacts(t.bot, { from: '2026-07-01', to: '2026-09-30' }, deps);
    expect(facts.find((f) => f.number === n.main)).toMatchObject({ units: 3, mergedInto: null });
    expect(facts.find((f) => f.number === n.quiet)!.mergedInto).toEqual({ issue: n.main, code: units.main.trackingCode });

    const { figures: s } = await summariseQuarter(t.bot, { year: 2026, q: 3 }, '2026-10-20', deps);
    expect(s).toMatchObject({ received: 4, merged: 3, answered: 1, open: 0, closedWithoutReply: 0 });
    expect(s.answered + s.open + s.closedWithoutReply + s.merged).toBe(s.received);
    // Counted once per question: one in its category, office and outcome, although the quiet unit had a reply too.
    expect(s.byCategory['core-elements']).toBe(1);
    expect(Object.values(s.byOutcome).reduce((a, b) => a + b, 0)).toBe(1);
    // Who wrote still counts every unit's opinion.
    expect(s.bySubmitterType.hospital).toBe(4);
    expect(s.mergedGroups).toEqual([{ code: units.main.trackingCode, title: '建议提高高倍率病例补偿比例', category: 'core-elements', units: 3 }]);
    expect(s.hotTopics.find((h) => h.term === '高倍率')?.count).toBe(1);
    expect(summaryBody(s, { year: 2026, q: 3 })).toContain('与其他意见提出的同一问题并案办理3条');
    expect(summaryBody(s, { year: 2026, q: 3 })).toContain('1个问题由多家单位提出、并案办理（最多3家）');
  });
});
