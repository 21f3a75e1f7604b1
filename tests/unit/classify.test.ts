import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { categoryKeys, type CategoryKey } from '../../schemas/common.ts';
import { createClassifier, defaultModel } from '../../scripts/lib/classify/classifier.ts';
import { evaluate, wilson } from '../../scripts/lib/classify/evaluate.ts';
import { intentCues } from '../../scripts/lib/classify/intent.ts';
import { parseLabelled, type LabelledLine } from '../../scripts/lib/classify/labelled.ts';
import { lexicon } from '../../scripts/lib/classify/lexicon.ts';
import { createTokenizer, segmentWords } from '../../scripts/lib/classify/segment.ts';
import { developmentSets, modelPath, readLabelledFile } from '../../scripts/lib/classify/sets-fs.ts';
import { fitModel, trainSettings } from '../../scripts/lib/classify/train.ts';
import { bureau, codeList } from './triage-support.ts';

const classifier = createClassifier({ routing: bureau.routing, codeList });
const opinion = (title: string, body: string, selected: CategoryKey | null = null) => classifier.classify({ title, body, selected });
const sets = developmentSets().map((s) => ({ ...s, ...readLabelledFile(s.file) }));

describe('development data', () => {
  it('parses, has unique ids across sets, and labels the office the bureau routes each category to', () => {
    for (const s of sets) expect(s.errors, s.file).toEqual([]);
    const all = sets.flatMap((s) => s.opinions);
    expect(new Set(all.map((o) => o.id)).size).toBe(all.length);
    for (const o of all) expect(o.department, o.id).toBe(bureau.routing[o.category]);
  });

  it('reports a malformed labelled line by number, in Chinese, and keeps the rest', () => {
    const { opinions, errors } = parseLabelled(
      ['{"id":"a","title":"t","body":"b","selected":null,"category":"policy","escalate":false,"codes":[]}', '{"id":"b"', '{"id":"c","title":"t","category":"bogus","escalate":false}'].join('\n'),
      'x.jsonl',
    );
    expect(opinions.map((o) => o.id)).toEqual(['a']);
    expect(errors[0]).toContain('x.jsonl 第 2 行不是合法的 JSON');
    expect(errors[1]).toMatch(/x\.jsonl 第 3 行字段有误：category/);
  });
});

describe('what is asked decides the category (issue 13)', () => {
  // Written for this test, not taken from the development data: permission, compliance, procedure and change-over
  // questions that name budgets, payment standards, deductions or retained balances.
  const policyQuestions: [string, string][] = [
    ['结余留用的钱可以发奖金吗', '我院清算后有结余留用资金，想问一下这笔钱可以用来给临床科室发放奖金吗？会不会算违规使用？'],
    ['扣款有异议怎么办', '本月结算单扣了我院30万元，我们不认可。请问应该在多少天内、向哪个部门提出申诉，要交什么材料？'],
    ['是否允许把总额预算分到病区', '医院内部是否允许把医保总额预算按病区分解下达？有没有文件依据？'],
    ['新旧支付标准怎么衔接', '新的病组支付标准下月执行，本月入院、下月出院的病例按哪个标准结算？过渡期怎么安排？'],
    ['超出支付标准能否向病人收费', '病人的费用超过了病组支付标准，超出部分能不能让病人自己付？这样做合规吗？'],
    ['特例单议怎么报', '一例危重病人费用是支付标准的五倍，请问特例单议申报的流程是什么，截止时间是几号？'],
  ];
  it.each(policyQuestions)('%s → 政策措施类', (title, body) => {
    for (const tick of ['core-elements', null] as const) expect(opinion(title, body, tick).category).toBe('policy');
  });

  const coreProposals: [string, string][] = [
    ['建议提高结余留用比例', '现在医院只能留用结余的一半，建议提高到七成。'],
    ['能否提高新生儿病组权重', '新生儿重症病例费用高，能否适当提高新生儿相关病组的权重？'],
    ['总额预算不够用', '今年总额预算比去年只增长了2%，我院业务量增长了15%，建议按服务量重新核定总额预算。'],
    ['费率下调太多', '今年费率下调了9%，建议重新测算，分年度逐步调整。'],
  ];
  it.each(coreProposals)('%s → 核心要素类 (a change of the value itself, even as a question)', (title, body) => {
    expect(opinion(title, body, 'policy').category).toBe('core-elements');
  });

  it('names what was asked among the reasons', () => {
    const r = opinion(...policyQuestions[0], 'core-elements');
    expect(r.reasons[0]).toMatch(/^政策措施类：/);
    expect(r.reasons[0]).toContain('问法：');
    expect(r.reasons.join()).toContain('提交人勾选的是“核心要素类”');
  });

  it('reads permission words and change verbs per sentence', () => {
    expect(intentCues('', '结余留用资金可以用于购置设备吗？').get('q:permission')).toBe(1);
    expect(intentCues('', '能否适当提高儿科病组的权重？').get('q:ask-change')).toBe(1);
    expect(intentCues('', '能否适当提高儿科病组的权重？').has('q:permission')).toBe(false);
    // "我们可以提供数据" says "we can", it asks nothing.
    expect(intentCues('', '我们可以提供近三年的数据。').has('q:permission')).toBe(false);
    // The title counts double.
    expect(intentCues('请问预付金怎么申请', '').get('q:procedure')).toBe(2);
  });
});

describe('classifier', () => {
  it('treats the ticked box as one signal: clear text outvotes a wrong tick', () => {
    const text = ['歧义组入组问题', '多例病例进入HQY歧义组，主要诊断与主要手术匹配规则不合理，建议本地细分组调整入组规则。'] as const;
    for (const tick of categoryKeys) expect(opinion(...text, tick).category).toBe('grouping');
    expect(opinion(...text, 'policy').reasons.join()).toContain('提交人勾选的是“政策措施类”');
  });

  it('falls back to the tick and asks a person when the text says nothing', () => {
    const r = opinion('想问一下', '你好，请回电。', 'core-elements');
    expect(r.category).toBe('core-elements');
    expect(r.needsReview).toBe(true);
    expect(r.reasons[0]).toBe('未识别到分类依据词语');
  });

  it('sends an opinion that mixes topics evenly to a person, and a clear one not', () => {
    const mixed = opinion('几点意见', '一是结算清单上传接口经常超时；二是心内科病组权重偏低；三是希望多组织政策培训。', 'other');
    expect(mixed.needsReview).toBe(true);
    expect(mixed.reasons.join()).toMatch(/意见涉及多类问题（(其他|核心要素类|政策措施类)、(其他|核心要素类|政策措施类)），请人工确认以哪一类为主/);
    const clear = opinion('结算清单上传接口频繁超时', '月底高峰期医保结算清单上传接口频繁超时，信息科排查后确认是平台端问题，请协调厂商扩容服务器。', 'other');
    expect(clear).toMatchObject({ category: 'other', needsReview: false });
    expect(clear.confidence).toBeGreaterThanOrEqual(classifier.thresholds.reviewBelow);
  });

  it('names the terms that decided it', () => {
    const r = opinion('基准点数偏低', '建议上调心内科病组的基准点数和调整系数。', 'policy');
    expect(r.category).toBe('core-elements');
    expect(r.reasons[0]).toMatch(/^核心要素类：.*“基准点数”/);
    expect(r.reasons[0]).toMatch(/“调整系数”/);
  });

  it('quotes only lexicon terms, vocabulary words of the model and fixed labels, never other submitter text', () => {
    const r = opinion('系数问题 @someone <script>', '建议上调等级系数 [链接](http://x) **加粗** `代码`', null);
    const quoted = r.reasons.join().match(/“[^”]*”/g) ?? [];
    const known = new Set([...lexicon.map((e) => e.term), ...defaultModel.features.filter((f) => f.startsWith('w:')).map((f) => f.slice(2))]);
    for (const q of quoted) {
      const inner = q.slice(1, -1);
      expect(known.has(inner) || /^(政策措施类|核心要素类|分组技术类|其他)$/.test(inner), q).toBe(true);
    }
    expect(r.reasons.join()).not.toMatch(/@someone|<script>|http|\*\*|`/);
  });

  it('routes by the bureau configuration', () => {
    expect(opinion('系统卡顿', '结算清单上传接口超时').department).toBe(bureau.routing.other);
    const swapped = createClassifier({ routing: { ...bureau.routing, other: 'admin' }, codeList });
    expect(swapped.classify({ title: '系统卡顿', body: '结算清单上传接口超时', selected: null }).department).toBe('admin');
  });

  it('escalates what only the province or the nation can change, not local weights and sub-groups', () => {
    const up: [string, string][] = [
      ['建议拆分ADRG', '建议在国家分组方案中将IC2拆分为两个ADRG核心组。'],
      ['主诊表问题', '建议国家医保局修订MCC表和排除表。'],
      ['系数测算', '建议省医保局统一调整系数的测算口径，实行全省统一。'],
      ['编码缺失', '医保版疾病分类与代码缺少该诊断，请报送上级增补。'],
      // No "国家" or "省": the object itself is national (CC 表, ADRG level, 医保版 code standard).
      ['CC表缺少常见并发症', '低钠血症在CC表里没有收录，合并低钠血症的病例进不了伴合并症组，建议增补。'],
      ['关节置换应在ADRG层面分开', 'IC2把髋关节和膝关节置换放在同一个核心组，费用差异大，建议在ADRG层面拆成两个组。'],
      ['手术操作编码没有细目', '经皮左心耳封堵术在ICD-9-CM-3医保版里没有对应的细目编码，建议增补手术操作编码。'],
    ];
    for (const [t, b] of up) expect(opinion(t, b).escalate, t).toBe(true);
    const local: [string, string][] = [
      ['权重偏低', 'FR1病组权重偏低，建议重新测算本地权重和费率。'],
      ['细分组', '建议本地细分组按支架数量拆分FM3。'],
      ['系数', '我院等级系数偏低，建议上调。'],
      // "上级医院" is a hospital, "按照国家医保局的要求" cites the nation, "省内异地" is a place.
      ['转上级医院的病人怎么结算', '危重病人转到上级医院前的费用按哪个病组结算？'],
      ['贯标后本地对照表不全', '按照国家医保局的要求我院已完成贯标，但本地结算系统的药品对照表没有更新，请经办机构更新。'],
      ['省内异地就医按哪里的标准', '省内异地来我院住院的病人，按本地支付标准还是参保地标准结算？'],
    ];
    for (const [t, b] of local) expect(opinion(t, b).escalate, t).toBe(false);
  });

  it('says why it escalates', () => {
    const r = opinion('建议国家修订排除表', '并发症排除表把糖尿病足的CC排除了，建议国家医保局修订排除表。', 'grouping');
    expect(r.reasons.at(-1)).toMatch(/^超出本级权限（报送上级）：/);
    expect(r.reasons.at(-1)).toMatch(/“排除表”|范围：/);
  });

  it('segments with the lexicon and the model vocabulary as dictionaries, and ICU only for whole-word cues', () => {
    expect(segmentWords('本地细分组方案')).toContain('本地');
    const tokens = createTokenizer(lexicon).tokenize('结余留用和按床日付费；呼吸系统感染');
    const terms = tokens.filter((t) => t.entry).map((t) => t.text);
    expect(terms).toEqual(expect.arrayContaining(['结余留用', '按床日付费', '呼吸系统']));
    expect(terms).not.toContain('系统'); // a body system, not an IT system
    // 卡 counts as a whole word (the system is slow), not inside 社保卡 or 卡片.
    expect(createTokenizer(lexicon).tokenize('系统太卡了').some((t) => t.text === '卡')).toBe(true);
    expect(createTokenizer(lexicon).tokenize('社保卡丢了').some((t) => t.text === '卡')).toBe(false);
    // A vocabulary word is matched like a term; a lexicon term starting at the same place wins.
    const withWords = createTokenizer(lexicon, ['门诊慢特', '预算执行']).tokenize('门诊慢特病和预算执行');
    expect(withWords.filter((t) => t.word).map((t) => t.text)).toEqual(['门诊慢特']);
    expect(withWords.filter((t) => t.entry).map((t) => t.text)).toContain('预算');
  });

  it('has no duplicate lexicon terms', () => {
    const terms = lexicon.map((e) => e.term);
    expect(new Set(terms).size).toBe(terms.length);
  });
});

describe('trained model', () => {
  const small = sets[0].opinions.slice(0, 80);
  const quick = { ...trainSettings, iterations: 60 };

  it('is calibrated: the shipped thresholds come from cross-validation and keep review under the cap', () => {
    const cv = defaultModel.training.crossValidated as Record<string, number>;
    expect(cv.reviewRate).toBeLessThanOrEqual(trainSettings.reviewRateCap);
    expect(defaultModel.calibration.reviewBelow).toBeGreaterThan(0.3);
    expect(defaultModel.calibration.reviewBelow).toBeLessThan(1);
    expect(defaultModel.escalate.threshold).toBeGreaterThan(0);
    expect(defaultModel.training.sets).toEqual(developmentSets().filter((s) => s.trained).map((s) => ({ file: s.file, opinions: readLabelledFile(s.file).opinions.length })));
  });

  it('is what `npm run train:classifier` makes from the development data (model.json is not edited by hand)', () => {
    const r = spawnSync(process.execPath, ['scripts/train-classifier.ts', '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${modelPath} is up to date`);
  }, 180_000);
});

describe('evaluation figures', () => {
  it('gives Wilson 95% intervals', () => {
    const a = wilson(0, 10);
    expect(a.low).toBe(0);
    expect(a.high).toBeCloseTo(0.2775, 3);
    const b = wilson(80, 100);
    expect(b.low).toBeCloseTo(0.7112, 3);
    expect(b.high).toBeCloseTo(0.8666, 3);
  });

  it('counts an accepted alternative as right, and a wrong unflagged answer as confidently wrong', () => {
    const item = (id: string, category: CategoryKey, alsoAccept?: CategoryKey[]): LabelledLine => ({ id, title: '', body: '', selected: null, category, escalate: false, codes: ['FM3'], alsoAccept });
    const items = [item('a', 'policy', ['core-elements']), item('b', 'grouping'), item('c', 'other')];
    const answer = (category: CategoryKey, needsReview: boolean) => ({ category, department: bureau.routing[category], escalate: false, needsReview, codes: ['FM3'] });
    const f = evaluate(items, [answer('core-elements', false), answer('other', false), answer('policy', true)], bureau.routing);
    expect(f.accuracy).toMatchObject({ hit: 1, of: 3 });
    expect(f.confidentlyWrong).toEqual({ hit: 1, of: 3 });
    expect(f.review).toEqual({ hit: 1, of: 3 });
    expect(f.confusion.policy.policy).toBe(1);
    expect(f.confusion.grouping.other).toBe(1);
    expect(f.office.hit).toBe(1);
    expect(f.codes.recall).toEqual({ hit: 3, of: 3 });
  });
});

describe('classify CLI (npm run --silent classify < in.jsonl > out.jsonl)', () => {
  const run = (input: string) => spawnSync(process.execPath, ['scripts/classify.ts'], { input, encoding: 'utf8' });

  it('answers every line in order with exactly the contract fields, review included', () => {
    const lines = sets[0].opinions.slice(0, 35);
    const r = run(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    expect(r.status).toBe(0);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out.map((o) => o.id)).toEqual(lines.map((l) => l.id));
    for (const o of out) {
      expect(Object.keys(o)).toEqual(['id', 'category', 'department', 'escalate', 'codes', 'confidence', 'review', 'reasons']);
      expect(categoryKeys).toContain(o.category);
      expect(['admin', 'agency']).toContain(o.department);
      expect(o.confidence).toBeGreaterThanOrEqual(0);
      expect(o.confidence).toBeLessThanOrEqual(1);
      expect(o.review).toBe(o.confidence < defaultModel.calibration.reviewBelow || o.reasons[0] === '未识别到分类依据词语');
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

describe('bench:classify', () => {
  const bench = (...extra: string[]) => spawnSync(process.execPath, ['scripts/bench/classify.ts', '--no-cv', '--no-cli', '--n', '300', ...extra], { encoding: 'utf8' });

  it('works without a held-out set and reports development sets separately', () => {
    const r = bench('--blind', join(tmpdir(), 'no-such-dir', 'opinions.jsonl'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('no held-out set at');
    expect(r.stdout).not.toContain('== blind (held out)');
    expect(r.stdout).toContain('== development check, not trained on: tests/fixtures/classify-dev/check-late.jsonl');
    expect(r.stdout).toContain('== development, fitted on it: tests/fixtures/opinions-eval.jsonl');
    expect(r.stdout).toMatch(/category accuracy: [\d.]+% \(\d+\/\d+\), 95% CI [\d.]+–[\d.]+% \(Wilson\)/);
    expect(r.stdout).toMatch(/confidently wrong \(wrong, not sent to a person\): [\d.]+%/);
    expect(r.stdout).toMatch(/escalation: precision [\d.]+% \(\d+\/\d+\), recall/);
    expect(r.stdout).toMatch(/codes: recall [\d.]+%/);
    expect(r.stdout).toMatch(/throughput \(in-process\): 300 opinions/);
  }, 120_000);

  it('reports a held-out set on its own, first, read generically (alsoAccept, codes as strings)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'blind-'));
    const file = join(dir, 'opinions.jsonl');
    const lines = [
      { id: 'b1', title: '系统卡顿', body: '结算清单上传接口超时，请协调厂商。', selected: 'other', category: 'other', department: 'agency', escalate: false, codes: [] },
      { id: 'b2', title: '权重偏低', body: 'FR1 病组权重偏低，建议上调。', selected: null, category: 'core-elements', department: 'agency', escalate: false, codes: ['FR1'], alsoAccept: ['grouping'] },
    ];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = bench('--blind', file);
    expect(r.status).toBe(0);
    const section = r.stdout.slice(r.stdout.indexOf('== blind (held out): 2 opinions'), r.stdout.indexOf('== development'));
    expect(section).toContain('category accuracy: 100.0% (2/2)');
    expect(section).toContain('codes: recall 100.0% (1/1)');
    expect(r.stdout.indexOf('== blind (held out)')).toBeLessThan(r.stdout.indexOf('== development'));
    expect(bench('--blind', file, '--skip-blind').stdout).not.toContain('== blind (held out)');
  }, 120_000);
});
