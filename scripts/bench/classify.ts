/**
 * `npm run bench:classify`: accuracy of the classifier on tests/fixtures/opinions-eval.jsonl (per category,
 * confusion matrix, escalation, share sent to a person), reported for the tuning ("dev") and held-out
 * ("holdout") parts separately, then throughput on 10,000 opinions in-process and through the CLI.
 *
 * Flags: --split dev|holdout|all (default all), --errors (list misclassified items of the chosen split),
 * --n 10000 (opinions for the throughput run), --no-cli (skip the CLI run).
 * The held-out part was written with the dev part, before the classifier, and is not looked at while tuning
 * (tune with `--split dev --errors`).
 */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { categories, categoryKeys, type CategoryKey } from '../../schemas/common.ts';
import { loadBureau } from '../lib/bureau.ts';
import { loadCodeList } from '../lib/code-list-fs.ts';
import { createClassifier, type Classification } from '../lib/classify/classifier.ts';

const { values: args } = parseArgs({
  options: {
    split: { type: 'string', default: 'all' },
    errors: { type: 'boolean', default: false },
    n: { type: 'string', default: '10000' },
    'no-cli': { type: 'boolean', default: false },
    file: { type: 'string', default: 'tests/fixtures/opinions-eval.jsonl' },
  },
});

interface EvalItem {
  id: string;
  title: string;
  body: string;
  selected: CategoryKey | null;
  expected: { category: CategoryKey; escalate: boolean };
  split: 'dev' | 'holdout';
}

const items: EvalItem[] = readFileSync(args.file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const bureau = loadBureau();
const codeList = loadCodeList();
const classifier = createClassifier({ routing: bureau.routing, codeList });
const short: Record<CategoryKey, string> = { policy: '政策', 'core-elements': '要素', grouping: '分组', other: '其他' };
const pct = (a: number, b: number) => (b ? `${((a / b) * 100).toFixed(1)}%` : '—');

function report(name: string, set: EvalItem[]) {
  const results = set.map((item) => ({ item, got: classifier.classify(item) }));
  const matrix = new Map<string, number>();
  for (const { item, got } of results) matrix.set(`${item.expected.category}>${got.category}`, (matrix.get(`${item.expected.category}>${got.category}`) ?? 0) + 1);
  const correct = results.filter((r) => r.got.category === r.item.expected.category).length;
  const wrongTicks = results.filter((r) => r.item.selected && r.item.selected !== r.item.expected.category);
  console.log(`\n== ${name}: ${set.length} opinions (${wrongTicks.length} with a wrong tick, ${set.filter((i) => !i.selected).length} with none) ==`);
  console.log(`category accuracy: ${pct(correct, set.length)} (${correct}/${set.length})`);
  console.log('per category (recall / precision):');
  for (const k of categoryKeys) {
    const gold = results.filter((r) => r.item.expected.category === k);
    const predicted = results.filter((r) => r.got.category === k);
    const hit = gold.filter((r) => r.got.category === k).length;
    console.log(`  ${k.padEnd(14)} ${categories[k].zh.padEnd(6, '　')} ${pct(hit, gold.length).padStart(6)} (${hit}/${gold.length})  precision ${pct(hit, predicted.length)}`);
  }
  console.log('confusion matrix (rows = expected, columns = predicted):');
  console.log(`  ${''.padEnd(14)}${categoryKeys.map((k) => short[k].padStart(5, '　')).join('')}`);
  for (const e of categoryKeys) console.log(`  ${e.padEnd(14)}${categoryKeys.map((p) => String(matrix.get(`${e}>${p}`) ?? 0).padStart(6)).join('')}`);
  const fixedTicks = wrongTicks.filter((r) => r.got.category === r.item.expected.category).length;
  console.log(`wrong ticks corrected: ${pct(fixedTicks, wrongTicks.length)} (${fixedTicks}/${wrongTicks.length})`);
  const escOk = results.filter((r) => r.got.escalate === r.item.expected.escalate).length;
  const escGold = results.filter((r) => r.item.expected.escalate);
  const escFound = escGold.filter((r) => r.got.escalate).length;
  const escFalse = results.filter((r) => r.got.escalate && !r.item.expected.escalate).length;
  console.log(`escalation accuracy: ${pct(escOk, set.length)} (${escOk}/${set.length}); found ${escFound}/${escGold.length} to report upward, ${escFalse} flagged wrongly`);
  const review = results.filter((r) => r.got.needsReview);
  const confident = results.filter((r) => !r.got.needsReview);
  const confidentOk = confident.filter((r) => r.got.category === r.item.expected.category).length;
  const reviewWrong = review.filter((r) => r.got.category !== r.item.expected.category).length;
  console.log(`sent to a person (分类待确认): ${review.length} (${pct(review.length, set.length)}), of which ${reviewWrong} were wrong guesses; accuracy when confident: ${pct(confidentOk, confident.length)}`);
  if (args.errors) {
    for (const { item, got } of results) {
      if (got.category === item.expected.category && got.escalate === item.expected.escalate) continue;
      console.log(`  ✗ ${item.id} expected ${item.expected.category}${item.expected.escalate ? '+esc' : ''} got ${got.category}${got.escalate ? '+esc' : ''} (${got.confidence}) ${item.title}`);
      console.log(`      ${got.reasons.join(' | ')}`);
    }
  }
  return { correct, total: set.length };
}

const splits = args.split === 'all' ? (['dev', 'holdout'] as const) : ([args.split as 'dev' | 'holdout'] as const);
for (const split of splits) report(split === 'dev' ? 'dev (used for tuning)' : 'holdout (never used for tuning)', items.filter((i) => i.split === split));
if (args.split === 'all') report('all', items);

// Throughput: N opinions made by cycling the set with varied ids and shuffled sentence order.
const n = Number(args.n);
const opinions = Array.from({ length: n }, (_, i) => {
  const base = items[i % items.length];
  const sentences = base.body.split(/(?<=[。！？；])/);
  const rotate = i % Math.max(1, sentences.length);
  return { id: `bench-${i}`, title: base.title, body: [...sentences.slice(rotate), ...sentences.slice(0, rotate)].join(''), selected: base.selected };
});
const chars = opinions.reduce((a, o) => a + o.title.length + o.body.length, 0);
for (const o of opinions.slice(0, 200)) classifier.classify(o); // warm-up
let sink: Classification | undefined;
const t0 = performance.now();
for (const o of opinions) sink = classifier.classify(o);
const ms = performance.now() - t0;
console.log(`\nthroughput (in-process): ${n} opinions (avg ${Math.round(chars / n)} characters) in ${(ms / 1000).toFixed(2)} s = ${Math.round(n / (ms / 1000))} opinions/s (target >= 2,000/s)${sink ? '' : ''}`);

if (!args['no-cli']) {
  const input = opinions.map((o) => JSON.stringify(o)).join('\n') + '\n';
  const t1 = performance.now();
  const run = spawnSync(process.execPath, ['scripts/classify.ts'], { input, maxBuffer: 1 << 30, encoding: 'utf8' });
  const cliMs = performance.now() - t1;
  const lines = run.stdout.split('\n').filter(Boolean).length;
  if (run.status !== 0 || lines !== n) console.log(`CLI run failed: exit ${run.status}, ${lines} lines; ${run.stderr.slice(0, 500)}`);
  else console.log(`throughput (CLI, npm run --silent classify, including Node start-up): ${n} opinions in ${(cliMs / 1000).toFixed(2)} s = ${Math.round(n / (cliMs / 1000))} opinions/s`);
}
