/**
 * Where the labelled opinion sets live and which of them train the model (scripts/train-classifier.ts) or are
 * only measured (scripts/bench/classify.ts). Paths are relative to the repository root, where npm scripts run.
 *
 * - tests/fixtures/opinions-eval.jsonl and tests/fixtures/classify-dev/*.jsonl: development data, trained on;
 * - tests/fixtures/classify-dev/check-*.jsonl: development checks written after tuning, measured, never trained on;
 * - blindSets: held-out sets written by someone else after the classifier was frozen; never trained on,
 *   reported on their own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseLabelled, type LabelledSet } from './labelled.ts';

export const modelPath = 'scripts/lib/classify/model.json';
export const devDir = 'tests/fixtures/classify-dev';
/**
 * The held-out sets, reported on their own: written by others after the classifier was frozen (issue 13). Empty
 * while the classifier is being changed; earlier ones became development data (classify-dev/earlier-blind-*.jsonl).
 */
export const blindSets: readonly { file: string; label: string }[] = [
  { file: 'tests/fixtures/classify-blind-4/opinions.jsonl', label: 'blind 4 (held out; written after the classifier was frozen at 08e9b20)' },
];

export interface SetFile {
  file: string;
  /** Whether the model is fitted on it. */
  trained: boolean;
}

/** Development sets in a fixed order: the trained ones first, then the checks. */
export function developmentSets(): SetFile[] {
  const dev = readdirSync(devDir).filter((f) => f.endsWith('.jsonl')).sort();
  return [
    { file: 'tests/fixtures/opinions-eval.jsonl', trained: true },
    ...dev.filter((f) => !f.startsWith('check-')).map((f) => ({ file: `${devDir}/${f}`, trained: true })),
    ...dev.filter((f) => f.startsWith('check-')).map((f) => ({ file: `${devDir}/${f}`, trained: false })),
  ];
}

export function readLabelledFile(file: string): LabelledSet {
  return parseLabelled(readFileSync(file, 'utf8'), file);
}
