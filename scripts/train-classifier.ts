/**
 * `npm run train:classifier`: fits the classifier's model to the labelled development data and writes
 * scripts/lib/classify/model.json (scripts/lib/classify/train.ts does the work).
 *
 * Training data: the trained development sets of scripts/lib/classify/sets-fs.ts (opinions-eval.jsonl and
 * classify-dev/*.jsonl except the check-*.jsonl files). A held-out set is never read here.
 *
 * Flags: --check (train, compare with the shipped model, exit 1 when they differ: the model is what the data
 * makes), --out FILE (write elsewhere).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCodeList } from './lib/code-list-fs.ts';
import { lexicon } from './lib/classify/lexicon.ts';
import { developmentSets, modelPath, readLabelledFile } from './lib/classify/sets-fs.ts';
import { train, type LabelledOpinion } from './lib/classify/train.ts';

const { values: args } = parseArgs({ options: { check: { type: 'boolean', default: false }, out: { type: 'string', default: modelPath } } });

const files = developmentSets().filter((s) => s.trained).map((s) => s.file);
const data: LabelledOpinion[] = [];
const sets: { file: string; opinions: number }[] = [];
const ids = new Set<string>();
let failed = false;
for (const file of files) {
  const { opinions, errors } = readLabelledFile(file);
  for (const e of errors) process.stderr.write(`train-classifier: ${e}\n`);
  failed ||= errors.length > 0;
  for (const o of opinions) {
    if (ids.has(o.id)) {
      process.stderr.write(`train-classifier: ${file}: id ${o.id} 与其他训练文件重复\n`);
      failed = true;
    }
    ids.add(o.id);
  }
  data.push(...opinions);
  sets.push({ file, opinions: opinions.length });
}
if (failed) process.exit(1);

const t0 = performance.now();
const model = train(data, lexicon, loadCodeList(), { sets });
const json = `${JSON.stringify(model)}\n`;
const cv = model.training.crossValidated as Record<string, number>;
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
console.log(
  `trained on ${data.length} opinions from ${files.length} files in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${model.features.length} features; ` +
    `${trainSettingsNote(model.training.settings)}\ncross-validated: accuracy ${pct(cv.accuracy)}, review ${pct(cv.reviewRate)}, confidently wrong ${pct(cv.confidentlyWrong)}, ` +
    `escalation precision ${pct(cv.escalatePrecision)} recall ${pct(cv.escalateRecall)}; temperature ${model.calibration.temperature}, ` +
    `review below ${model.calibration.reviewBelow}, escalate at ${model.escalate.threshold}`,
);

function trainSettingsNote(s: unknown): string {
  const { folds, iterations } = s as { folds: number; iterations: number };
  return `${folds}-fold cross-validation, ${iterations} steps`;
}

if (args.check) {
  let shipped = '';
  try {
    shipped = readFileSync(modelPath, 'utf8');
  } catch {
    // missing: reported as different below
  }
  if (shipped !== json) {
    console.error(`train-classifier: ${modelPath} 与训练数据训练出的模型不一致，请运行 npm run train:classifier 重新生成`);
    process.exit(1);
  }
  console.log(`${modelPath} is up to date`);
} else {
  writeFileSync(args.out, json);
  console.log(`wrote ${args.out} (${Math.round(json.length / 1024)} KB)`);
}
