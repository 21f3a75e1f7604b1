/**
 * Similar opinions (issue 13): the character n-gram features, the TF-IDF cosine index and the corpus read from the
 * tracker. The index is filled with the project's own 572 development opinions (tests/fixtures/opinions-eval.jsonl
 * and classify-dev/), so "finds a paraphrase" and "ignores unrelated" are measured among realistic neighbours that
 * share the whole DRG vocabulary, not against an empty room.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flags, mergeTargetLabel, sourceLabel } from '../../scripts/lib/labels.ts';
import { comparable, createSimilarCorpus, RECENT_DAYS } from '../../scripts/lib/similar/corpus.ts';
import { createSimilarIndex, SIMILAR_THRESHOLD } from '../../scripts/lib/similar/index.ts';
import { features } from '../../scripts/lib/similar/ngrams.ts';
import type { TrackerIssue } from '../../scripts/lib/tracker/port.ts';
import { createVerifier } from '../../scripts/lib/triage/trust.ts';
import { bots, bureau, issueBody, opinionRecord, submitOpinion, tempTracker } from './triage-support.ts';

const fixtures = new URL('../fixtures/', import.meta.url);
const corpus: { id: number; ref: string; text: string }[] = [];
// A fixed list: the figures below were read off these 572, and development data added later must not move them.
const corpusFiles = ['opinions-eval.jsonl', ...['boundaries', 'check-late', 'codes', 'escalation', 'more-voices', 'questions', 'voices'].map((f) => `classify-dev/${f}.jsonl`)];
for (const file of corpusFiles) {
  for (const line of readFileSync(new URL(file, fixtures), 'utf8').split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const o = JSON.parse(line) as { id: string; title: string; body: string };
    corpus.push({ id: corpus.length + 1, ref: o.id, text: `${o.title}\n${o.body}` });
  }
}
const refOf = (id: number) => corpus[id - 1].ref;
const fixtureIndex = () => {
  const index = createSimilarIndex();
  for (const d of corpus) index.add(d.id, d.text);
  return index;
};

describe('features', () => {
  it('are Han bigrams and trigrams within a run, plus letter-and-digit tokens folded to ASCII lower case', () => {
    const f = features('FM19组入组率，ＦＭ１９。');
    expect([...f.keys()].sort()).toEqual(['#fm19', '入组', '入组率', '组入', '组入组', '组率'].sort());
    expect(f.get('#fm19')).toBe(2);
  });

  it('drop plain numbers and amounts, keep codes and coefficients, and ignore redaction marks', () => {
    const f = features('12例，次均费用12345.67元，系数0.85，手术36.0601，诊断I21.000。患者【已隐去患者姓名】');
    expect([...f.keys()].filter((k) => k.startsWith('#')).sort()).toEqual(['#0.85', '#36.0601', '#i21.000']);
    expect(f.has('已隐')).toBe(false);
    expect(f.has('隐去')).toBe(false);
  });

  it('take linear time on adversarial text (under 10 µs per character at 100 KB and 400 KB)', () => {
    const shapes = [(n: number) => 'a1.'.repeat(n / 3), (n: number) => '.'.repeat(n), (n: number) => '歧'.repeat(n), (n: number) => '【已隐去'.repeat(n / 4), (n: number) => 'x'.repeat(n)];
    for (const shape of shapes) {
      for (const n of [100_000, 400_000]) {
        const text = shape(n);
        const t = performance.now();
        features(text);
        expect((performance.now() - t) / n).toBeLessThan(0.01);
      }
    }
  });
});

describe('similarity index', () => {
  it('finds a restatement of a question in other words among 572 opinions, best first', () => {
    const index = fixtureIndex();
    // e033 and x008 in the fixtures both ask to narrow the gap between hospital-level coefficients.
    const found = index.query('二级医院系数太低\n同一个病组，三级医院的支付标准比二级医院高出四成，二级医院收治同样的病人反而亏损。建议缩小医院等级系数的差距，支持分级诊疗。');
    expect(found.map((m) => refOf(m.id))).toEqual(['e033', 'x008']);
    expect(found[0].score).toBeGreaterThanOrEqual(SIMILAR_THRESHOLD);
    expect(found[0].score).toBeGreaterThan(found[1].score);
    const cholecystectomy = index.query('胆囊切除术式费用差距\n腹腔镜胆囊切除和开腹胆囊切除都进了HC2，开腹的住院时间和费用明显更高，建议本地细分组按手术方式区分。');
    expect(cholecystectomy.slice(0, 2).map((m) => refOf(m.id))).toEqual(['e080', 'de007']);
  });

  it('lists nothing for an unrelated opinion, and at most three for any', () => {
    const index = fixtureIndex();
    expect(index.query('希望医保局网站增加英文版本\n外籍患者看不懂中文网页，建议网站提供英文界面和英文的就医指南。')).toEqual([]);
    for (const d of corpus.slice(0, 50)) expect(index.query(d.text, { exclude: (id) => id === d.id }).length).toBeLessThanOrEqual(3);
  });

  it('scores identical text 1 and never lists an excluded opinion', () => {
    const index = fixtureIndex();
    const own = corpus[10];
    expect(index.query(own.text)[0]).toEqual({ id: own.id, score: 1 });
    expect(index.query(own.text, { exclude: (id) => id === own.id }).some((m) => m.id === own.id)).toBe(false);
  });

  it('is deterministic: the same opinions give the same scores whatever order they were added and removed in', () => {
    const forward = fixtureIndex();
    const backward = createSimilarIndex();
    for (const d of [...corpus].reverse()) backward.add(d.id, d.text);
    // Churn: remove and add back a few hundred, and replace one with itself.
    for (const d of corpus.slice(0, 300)) backward.remove(d.id);
    for (const d of corpus.slice(0, 300)) backward.add(d.id, d.text);
    backward.add(corpus[5].id, corpus[5].text);
    expect(backward.size).toBe(forward.size);
    for (const d of corpus.filter((_, i) => i % 37 === 0)) {
      const opts = { limit: 3, threshold: 0.05, exclude: (id: number) => id === d.id };
      expect(backward.query(d.text, opts)).toEqual(forward.query(d.text, opts));
    }
  });

  it('forgets removed opinions', () => {
    const index = createSimilarIndex();
    index.add(1, '建议提高高倍率病例的补偿比例');
    index.add(2, '结算清单上传时限太紧，建议延长到十天');
    index.remove(1);
    expect(index.has(1)).toBe(false);
    expect(index.query('建议提高高倍率病例的补偿比例')).toEqual([]);
  });
});

describe('what new opinions are compared with', () => {
  const now = new Date('2026-10-01T00:00:00Z');
  const issue = (over: Partial<TrackerIssue>): TrackerIssue => ({
    number: 1, title: 't', body: '', labels: [flags.opinion], state: 'open', author: 'feedback-bot', createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z', closedAt: null, url: '', ...over,
  });
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86400_000).toISOString();

  it('open opinions and those answered and closed within 180 days; not unanswered closed, unverified or merged ones', () => {
    expect(comparable(issue({}), now)).toBe(true);
    expect(comparable(issue({ state: 'closed', labels: [flags.opinion, flags.replied], closedAt: daysAgo(RECENT_DAYS - 1) }), now)).toBe(true);
    expect(comparable(issue({ state: 'closed', labels: [flags.opinion, flags.replied], closedAt: daysAgo(RECENT_DAYS + 1) }), now)).toBe(false);
    expect(comparable(issue({ state: 'closed', closedAt: daysAgo(3) }), now)).toBe(false);
    expect(comparable(issue({ labels: [flags.opinion, flags.unverified] }), now)).toBe(false);
    expect(comparable(issue({ state: 'closed', labels: [flags.opinion, flags.merged, mergeTargetLabel(12, 'JY-2026-AAAAAA')] }), now)).toBe(false);
    expect(comparable(issue({ labels: [] }), now)).toBe(false);
  });

  it('reads the tracker once, then only what changed, and lists only opinions trust.ts believes', async () => {
    const t = tempTracker();
    const verify = createVerifier(t.port, { bureau, bots });
    const a = await submitOpinion(t.port, { title: '高倍率病例补偿比例偏低', details: '高倍率病例超出部分只按50%补偿，建议提高高倍率病例超出部分的补偿比例。', selected: 'core-elements' });
    // The same machine block in an issue someone else opened is not believed, so it is no evidence of a duplicate.
    const forged = opinionRecord({ title: '高倍率病例补偿比例偏低', details: '高倍率病例超出部分只按50%补偿，建议提高补偿比例。', selected: 'core-elements' });
    await t.as('mallory').createIssue({ title: forged.title, body: issueBody(forged), labels: [flags.opinion, sourceLabel('web')], marker: 'forged' });
    const c = createSimilarCorpus({ bureau });
    await c.refresh(t.port, verify, new Date());
    expect(c.size).toBe(1);
    const ask = '建议提高高倍率病例补偿比例\n我院高倍率病例超出部分按50%补偿，亏损较多，建议提高补偿比例。';
    expect(c.find(ask, null).map((m) => [m.issue, m.answered])).toEqual([[a.issue.number, false]]);
    expect(c.find(ask, a.issue.number)).toEqual([]);

    // Answered and closed: still compared, now marked answered; a newcomer is picked up by the incremental read.
    await t.port.addLabels(a.issue.number, [flags.replied]);
    await t.port.updateIssue(a.issue.number, { state: 'closed' });
    const b = await submitOpinion(t.port, { title: '结算清单上传时限太紧', details: '出院后7日内上传结算清单来不及，建议延长到10个工作日。', selected: 'other' });
    await c.refresh(t.port, verify, new Date());
    expect(c.size).toBe(2);
    expect(c.find(ask, null)).toEqual([expect.objectContaining({ issue: a.issue.number, answered: true })]);
    expect(c.find('结算清单上传时限\n出院后七日内上传结算清单时间不够，请延长上传时限。', null).map((m) => m.issue)).toEqual([b.issue.number]);

    // Closed without an answer (withdrawn): dropped on the next read.
    await t.port.updateIssue(b.issue.number, { state: 'closed' });
    await c.refresh(t.port, verify, new Date());
    expect(c.size).toBe(1);
  });
});
