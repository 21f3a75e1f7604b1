/**
 * `npm run bench:classify`: how well and how fast the classifier works, per labelled set, each on its own:
 *
 * - blind (held out): sets-fs.ts blindSets, written by others after the classifier was frozen and never trained on
 *   or seen while tuning: the figures that say what to expect (earlier blind sets are development data now);
 * - development checks (classify-dev/check-*.jsonl): written after tuning, not trained on, but seen by the author;
 * - development data (opinions-eval.jsonl, classify-dev/*.jsonl): the model was fitted on these, so their figures
 *   are shown twice, as fitted (optimistic) and cross-validated (each opinion classified by a model fitted without
 *   its fold, the calibration the shipped model uses; still optimistic, the lexicon and cues were written with them).
 *
 * Per set: category accuracy with a Wilson 95% interval, per category recall and precision, the confusion matrix,
 * office accuracy, escalation precision and recall, code recall (and precision), confidently wrong (wrong and not
 * sent to a person) and review (分类待确认) rates; then throughput in-process and through the CLI.
 * Prints figures and exits 0 whatever they are.
 *
 * Flags: --skip-blind (for whoever tunes the classifier: never print held-out figures while tuning, so the set
 * stays independent), --blind FILE (one held-out set instead of the defaults in sets-fs.ts blindSets),
 * --errors (list the wrong development answers; never the held-out ones), --no-cv (skip cross-validation),
 * --by-file (also leave one development file out at a time: a model per file, about 15 s each),
 * --n 10000 (opinions for the throughput runs), --no-cli (skip the CLI run), --file F (measure one more labelled
 * file, reported on its own).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { categories, categoryKeys, type CategoryKey } from '../../schemas/common.ts';
import { loadBureau } from '../lib/bureau.ts';
import { loadCodeList } from '../lib/code-list-fs.ts';
import { createClassifier, defaultModel, type Classification, type Classifier } from '../lib/classify/classifier.ts';
import { evaluate, isRight, type Answer, type Figures, type Rate } from '../lib/classify/evaluate.ts';
import type { LabelledLine } from '../lib/classify/labelled.ts';
import { lexicon } from '../lib/classify/lexicon.ts';
import { blindSets, developmentSets, readLabelledFile } from '../lib/classify/sets-fs.ts';
import { crossValidate, train } from '../lib/classify/train.ts';

const { values: args } = parseArgs({
  options: {
    'skip-blind': { type: 'boolean', default: false },
    blind: { type: 'string' },
    errors: { type: 'boolean', default: false },
    'no-cv': { type: 'boolean', default: false },
    'by-file': { type: 'boolean', default: false },
    n: { type: 'string', default: '10000' },
    'no-cli': { type: 'boolean', default: false },
    file: { type: 'string' },
  },
});

const bureau = loadBureau();
const codeList = loadCodeList();
const classifier = createClassifier({ routing: bureau.routing, codeList });
const short: Record<CategoryKey, string> = { policy: '政策', 'core-elements': '要素', grouping: '分组', other: '其他' };
const pct = (r: Rate) => (r.of ? `${((r.hit / r.of) * 100).toFixed(1)}%` : '—');
const frac = (r: Rate) => `${pct(r)} (${r.hit}/${r.of})`;

const answer = (c: Classification): Answer => ({ category: c.category, department: c.department, escalate: c.escalate, needsReview: c.needsReview, codes: c.codes.map((x) => x.code) });

function print(name: string, items: LabelledLine[], results: Classification[]) {
  const f: Figures = evaluate(items, results.map(answer), bureau.routing);
  const ticks = items.filter((i) => i.selected && !isRight(i, i.selected)).length;
  console.log(`\n== ${name}: ${f.n} opinions (${ticks} with a wrong tick, ${items.filter((i) => !i.selected).length} with none) ==`);
  console.log(`category accuracy: ${frac(f.accuracy)}, 95% CI ${(f.accuracy.low * 100).toFixed(1)}–${(f.accuracy.high * 100).toFixed(1)}% (Wilson)`);
  console.log(`confidently wrong (wrong, not sent to a person): ${frac(f.confidentlyWrong)}; sent to a person (分类待确认): ${frac(f.review)}`);
  console.log(`office: ${frac(f.office)}; wrong ticks corrected: ${frac(f.wrongTicksCorrected)}`);
  console.log(`escalation: precision ${frac(f.escalation.precision)}, recall ${frac(f.escalation.recall)}`);
  const listed = results.flatMap((r) => r.codes.filter((c) => c.known));
  console.log(`codes: recall ${frac(f.codes.recall)}, precision ${frac(f.codes.precision)}; named ${frac({ hit: listed.filter((c) => c.name).length, of: listed.length })} of those the configured list knows`);
  console.log('per category (recall / precision):');
  for (const k of categoryKeys) console.log(`  ${k.padEnd(14)} ${categories[k].zh.padEnd(6, '　')} ${frac(f.perCategory[k].recall).padStart(16)}  precision ${frac(f.perCategory[k].precision)}`);
  console.log('confusion matrix (rows = expected, columns = answered; an accepted alternative counts as expected):');
  console.log(`  ${''.padEnd(14)}${categoryKeys.map((k) => short[k].padStart(5, '　')).join('')}`);
  for (const e of categoryKeys) console.log(`  ${e.padEnd(14)}${categoryKeys.map((p) => String(f.confusion[e][p]).padStart(6)).join('')}`);
  if (args.errors && !name.startsWith('blind')) {
    items.forEach((item, i) => {
      const got = results[i];
      const codesMissed = item.codes.filter((c) => !got.codes.some((x) => x.code === c));
      if (isRight(item, got.category) && got.escalate === item.escalate && !codesMissed.length) return;
      const flag = isRight(item, got.category) ? '' : got.needsReview ? ' [review]' : ' [CONFIDENT]';
      console.log(`  ✗ ${item.id} expected ${item.category}${item.escalate ? '+esc' : ''} got ${got.category}${got.escalate ? '+esc' : ''} (${got.confidence})${flag}${codesMissed.length ? ` codes missed ${codesMissed.join(' ')}` : ''} ${item.title}`);
      console.log(`      ${got.reasons.join(' | ')}`);
    });
  }
}

function load(file: string): LabelledLine[] {
  const { opinions, errors } = readLabelledFile(file);
  for (const e of errors) console.log(`skipped: ${e}`);
  return opinions;
}

// The held-out set first and on its own: the figures that matter.
if (args['skip-blind']) console.log('\n(held-out sets skipped: --skip-blind)');
else {
  for (const set of args.blind ? [{ file: args.blind, label: 'blind (held out)' }] : blindSets) {
    if (!existsSync(set.file)) {
      console.log(`\n(no held-out set at ${set.file})`);
      continue;
    }
    const items = load(set.file);
    print(set.label, items, items.map((i) => classifier.classify(i)));
  }
}

const sets = developmentSets().map((s) => ({ ...s, items: load(s.file) }));
for (const s of sets.filter((x) => !x.trained)) print(`development check, not trained on: ${s.file}`, s.items, s.items.map((i) => classifier.classify(i)));
if (args.file) {
  const items = load(args.file);
  print(`extra: ${args.file}`, items, items.map((i) => classifier.classify(i)));
}

const trained = sets.filter((s) => s.trained);
for (const s of trained) print(`development, fitted on it: ${s.file}`, s.items, s.items.map((i) => classifier.classify(i)));

if (!args['no-cv']) {
  // Cross-validation: the folds and settings the shipped model was calibrated with; each fold model gets the
  // shipped calibration (temperature, review and escalation thresholds) and classifies the opinions it did not see.
  const all = trained.flatMap((s) => s.items);
  const t0 = performance.now();
  const cv = crossValidate(all, lexicon, codeList);
  const foldClassifiers: Classifier[] = cv.models.map((m) =>
    createClassifier({ routing: bureau.routing, codeList }, { ...m, calibration: defaultModel.calibration, escalate: { ...m.escalate, threshold: defaultModel.escalate.threshold } }),
  );
  const results = all.map((item, i) => foldClassifiers[cv.folds[i]].classify(item));
  console.log(`\n(cross-validation: ${cv.models.length} folds fitted in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  print(`development, cross-validated: all ${all.length} trained opinions`, all, results);
  let at = 0;
  for (const s of trained) {
    print(`development, cross-validated: ${s.file}`, s.items, results.slice(at, at + s.items.length));
    at += s.items.length;
  }
}

if (args['by-file']) {
  // Leave one file out: each development file classified by a model trained and calibrated, as the shipped one is,
  // on all the other files. Closer to a new author's text than random folds, where the same author's other opinions
  // are in the training data (issue 13: what to expect from the next blind set).
  const t0 = performance.now();
  const all: LabelledLine[] = [];
  const results: Classification[] = [];
  for (const s of trained) {
    const rest = trained.filter((x) => x !== s).flatMap((x) => x.items);
    const c = createClassifier({ routing: bureau.routing, codeList }, train(rest, lexicon, codeList, { sets: [] }));
    all.push(...s.items);
    results.push(...s.items.map((i) => c.classify(i)));
  }
  console.log(`\n(leave one file out: ${trained.length} models trained in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  print(`development, each file classified by a model trained without it: all ${all.length} trained opinions`, all, results);
  let at = 0;
  for (const s of trained) {
    const f = evaluate(s.items, results.slice(at, at + s.items.length).map(answer), bureau.routing);
    console.log(`  ${s.file}: category ${frac(f.accuracy)}, confidently wrong ${pct(f.confidentlyWrong)}, review ${pct(f.review)}, escalation P ${pct(f.escalation.precision)} R ${pct(f.escalation.recall)}`);
    at += s.items.length;
  }
}

// Throughput: N opinions made by cycling the development sets with varied ids and rotated sentence order.
const pool = sets.flatMap((s) => s.items);
const n = Number(args.n);
const opinions = Array.from({ length: n }, (_, i) => {
  const base = pool[i % pool.length];
  const sentences = base.body.split(/(?<=[。！？；])/);
  const rotate = i % Math.max(1, sentences.length);
  return { id: `bench-${i}`, title: base.title, body: [...sentences.slice(rotate), ...sentences.slice(0, rotate)].join(''), selected: base.selected };
});
const chars = opinions.reduce((a, o) => a + o.title.length + o.body.length, 0);
for (const o of opinions.slice(0, 200)) classifier.classify(o); // warm-up
let reviewed = 0;
const t0 = performance.now();
for (const o of opinions) if (classifier.classify(o).needsReview) reviewed++;
const ms = performance.now() - t0;
console.log(`\nthroughput (in-process): ${n} opinions (avg ${Math.round(chars / n)} characters) in ${(ms / 1000).toFixed(2)} s = ${Math.round(n / (ms / 1000))} opinions/s (target >= 2,000/s; ${reviewed} sent to review)`);

if (!args['no-cli']) {
  const input = opinions.map((o) => JSON.stringify(o)).join('\n') + '\n';
  const t1 = performance.now();
  const run = spawnSync(process.execPath, ['scripts/classify.ts'], { input, maxBuffer: 1 << 30, encoding: 'utf8' });
  const cliMs = performance.now() - t1;
  const lines = run.stdout.split('\n').filter(Boolean).length;
  if (run.status !== 0 || lines !== n) console.log(`CLI run failed: exit ${run.status}, ${lines} lines; ${run.stderr.slice(0, 500)}`);
  else console.log(`throughput (CLI, npm run --silent classify, including Node start-up): ${n} opinions in ${(cliMs / 1000).toFixed(2)} s = ${Math.round(n / (cliMs / 1000))} opinions/s (target >= 2,000/s)`);
}
