import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { categoryKeys, type CategoryKey } from '../../schemas/common.ts';
import { classifierSettings, createClassifier } from '../../scripts/lib/classify/classifier.ts';
import { lexicon } from '../../scripts/lib/classify/lexicon.ts';
import { createTokenizer, segmentWords } from '../../scripts/lib/classify/segment.ts';
import { bureau, codeList } from './triage-support.ts';

interface EvalItem { id: string; title: string; body: string; selected: CategoryKey | null; expected: { category: CategoryKey; escalate: boolean }; split: 'dev' | 'holdout' }
const evalSet: EvalItem[] = readFileSync('tests/fixtures/opinions-eval.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const classifier = createClassifier({ routing: bureau.routing, codeList });

describe('evaluation set', () => {
  it('is large and realistic enough to mean something', () => {
    expect(evalSet.length).toBeGreaterThanOrEqual(150);
    for (const k of categoryKeys) expect(evalSet.filter((i) => i.expected.category === k).length).toBeGreaterThanOrEqual(30);
    const wrongTicks = evalSet.filter((i) => i.selected && i.selected !== i.expected.category).length;
    expect(wrongTicks / evalSet.length).toBeGreaterThan(0.2);
    expect(evalSet.filter((i) => i.split === 'holdout').length).toBeGreaterThanOrEqual(40);
    expect(new Set(evalSet.map((i) => i.id)).size).toBe(evalSet.length);
  });

  for (const split of ['dev', 'holdout', undefined] as const) {
    it(`category accuracy >= 95% on ${split ?? 'the whole set'}, escalation >= 90%`, () => {
      const items = evalSet.filter((i) => !split || i.split === split);
      const results = items.map((i) => ({ i, got: classifier.classify(i) }));
      const accuracy = results.filter((r) => r.got.category === r.i.expected.category).length / items.length;
      const escalation = results.filter((r) => r.got.escalate === r.i.expected.escalate).length / items.length;
      expect(accuracy).toBeGreaterThanOrEqual(0.95);
      expect(escalation).toBeGreaterThanOrEqual(0.9);
    });
  }
});

describe('classifier', () => {
  const opinion = (title: string, body: string, selected: CategoryKey | null = null) => classifier.classify({ title, body, selected });

  it('treats the ticked box as one signal: clear text outvotes a wrong tick', () => {
    const text = ['歧义组入组问题', '多例病例进入HQY歧义组，主要诊断与主要手术匹配规则不合理，建议本地细分组调整入组规则。'] as const;
    for (const tick of categoryKeys) expect(opinion(...text, tick).category).toBe('grouping');
    expect(opinion(...text, 'policy').reasons.join()).toContain('提交人勾选的是“政策措施类”');
  });

  it('falls back to the tick and asks a person when the text says nothing', () => {
    const r = opinion('想问一下', '你好，请回电。', 'core-elements');
    expect(r.category).toBe('core-elements');
    expect(r.needsReview).toBe(true);
    expect(r.confidence).toBeLessThan(classifierSettings.reviewThreshold);
  });

  it('names the terms that decided it', () => {
    const r = opinion('基准点数偏低', '建议上调心内科病组的基准点数和调整系数。', 'policy');
    expect(r.category).toBe('core-elements');
    expect(r.reasons[0]).toMatch(/^核心要素类：.*“基准点数”.*“调整系数”/);
    expect(r.confidence).toBeGreaterThan(0.9);
  });

  it('routes by the bureau configuration', () => {
    expect(opinion('系统卡顿', '结算清单上传接口超时').department).toBe(bureau.routing.other);
    const swapped = createClassifier({ routing: { ...bureau.routing, other: 'admin' }, codeList });
    expect(swapped.classify({ title: '系统卡顿', body: '结算清单上传接口超时', selected: null }).department).toBe('admin');
  });

  it('escalates what only the province or the nation can change, not local weights and sub-groups', () => {
    expect(opinion('建议拆分ADRG', '建议在国家分组方案中将IC2拆分为两个ADRG核心组。').escalate).toBe(true);
    expect(opinion('主诊表问题', '建议国家医保局修订MCC表和排除表。').escalate).toBe(true);
    expect(opinion('系数测算', '建议省医保局统一调整系数的测算口径，实行全省统一。').escalate).toBe(true);
    expect(opinion('编码缺失', '医保版疾病分类与代码缺少该诊断，请报送上级增补。').escalate).toBe(true);
    expect(opinion('权重偏低', 'FR1病组权重偏低，建议重新测算本地权重和费率。').escalate).toBe(false);
    expect(opinion('细分组', '建议本地细分组按支架数量拆分FM3。').escalate).toBe(false);
    expect(opinion('系数', '我院等级系数偏低，建议上调。').escalate).toBe(false);
  });

  it('is deterministic', () => {
    for (const item of evalSet.slice(0, 20)) expect(classifier.classify(item)).toEqual(classifier.classify(item));
  });

  it('segments with Intl.Segmenter and lets lexicon terms win over ICU splits', () => {
    expect(segmentWords('本地细分组方案')).toContain('本地');
    const tokens = createTokenizer(lexicon).tokenize('结余留用和按床日付费；呼吸系统感染');
    const terms = tokens.filter((t) => t.entry).map((t) => t.text);
    expect(terms).toEqual(expect.arrayContaining(['结余留用', '按床日付费', '呼吸系统']));
    expect(terms).not.toContain('系统'); // a body system, not an IT system
  });

  it('has no duplicate lexicon terms', () => {
    const terms = lexicon.map((e) => e.term);
    expect(new Set(terms).size).toBe(terms.length);
  });
});

describe('classify CLI (npm run --silent classify < in.jsonl > out.jsonl)', () => {
  const run = (input: string) => spawnSync(process.execPath, ['scripts/classify.ts'], { input, encoding: 'utf8' });

  it('answers every line in order with exactly the contract fields', () => {
    const lines = evalSet.slice(0, 35);
    const r = run(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    expect(r.status).toBe(0);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out.map((o) => o.id)).toEqual(lines.map((l) => l.id));
    for (const o of out) {
      expect(Object.keys(o).sort()).toEqual(['category', 'codes', 'confidence', 'department', 'escalate', 'id', 'reasons']);
      expect(categoryKeys).toContain(o.category);
      expect(['admin', 'agency']).toContain(o.department);
      expect(o.confidence).toBeGreaterThanOrEqual(0);
      expect(o.confidence).toBeLessThanOrEqual(1);
    }
    const withCodes = out.find((o) => o.id === 'e031');
    expect(withCodes.codes.map((c: { code: string }) => c.code)).toEqual(['FR1', 'FR11', 'FR13']);
    expect(withCodes.codes[0]).toMatchObject({ kind: 'adrg', name: '急性心肌梗死', known: true });
  });

  it('reports a malformed line by number on stderr and in its output line, keeps going, exits 1', () => {
    const r = run(['{"id":"a","title":"系统卡顿","body":"接口超时","selected":null}', '{"id":"b","title":', '{"id":"c","title":"x","body":"y","selected":"bogus"}', '{"id":"d","title":"权重偏低","body":"","selected":"policy"}'].join('\n'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('第 2 行不是合法的 JSON');
    expect(r.stderr).toContain('第 3 行字段有误：selected');
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out.map((o) => o.id)).toEqual(['a', null, 'c', 'd']);
    expect(out[1]).toMatchObject({ line: 2, error: expect.stringContaining('第 2 行') });
    expect(out[3].category).toBe('core-elements');
  });
});
