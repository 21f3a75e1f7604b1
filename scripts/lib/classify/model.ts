/**
 * The trained model the classifier ships (model.json, written by `npm run train:classifier` from the labelled
 * development data): a multinomial logistic regression for the category and a logistic regression for
 * escalation, over the named features of features.ts, plus the calibration chosen on cross-validated
 * predictions (temperature, review and escalation thresholds). Scoring is a sparse dot product: deterministic,
 * offline, and every contribution can be named.
 */
import type { CategoryKey } from '../../../schemas/common.ts';

export interface TrainedModel {
  /** Format version of this file. */
  version: 1;
  /** What it is and how it was made, for a person opening the file. */
  about: string;
  /** Category order of every weight row. */
  categories: CategoryKey[];
  /** Feature names, sorted; row i of the weight tables belongs to features[i]. */
  features: string[];
  category: {
    bias: number[];
    /** One row per feature: a weight per category. */
    weights: number[][];
  };
  escalate: {
    bias: number;
    /** One weight per feature. */
    weights: number[];
    /** Probability at or above which an opinion is reported upward. */
    threshold: number;
  };
  calibration: {
    /** Logits are divided by this before the softmax (fitted on cross-validated predictions). */
    temperature: number;
    /** Confidence below this → 分类待确认 (review by a person). */
    reviewBelow: number;
  };
  /** Provenance: the sets, their sizes, the settings and the cross-validated figures. */
  training: Record<string, unknown>;
}

export interface ScoredModel {
  /** Logits per category, before temperature. */
  logits: number[];
  /** Escalation logit. */
  upLogit: number;
}

export interface ModelIndex {
  model: TrainedModel;
  row: Map<string, number>;
  vocabulary: Set<string>;
}

export function indexModel(model: TrainedModel): ModelIndex {
  const row = new Map<string, number>();
  const vocabulary = new Set<string>();
  model.features.forEach((f, i) => {
    row.set(f, i);
    if (f.startsWith('w:')) vocabulary.add(f.slice(2));
  });
  return { model, row, vocabulary };
}

export function score(index: ModelIndex, x: Map<string, number>): ScoredModel {
  const { model, row } = index;
  const logits = [...model.category.bias];
  let upLogit = model.escalate.bias;
  for (const [f, v] of x) {
    const i = row.get(f);
    if (i === undefined) continue;
    const w = model.category.weights[i];
    for (let k = 0; k < logits.length; k++) logits[k] += w[k] * v;
    upLogit += model.escalate.weights[i] * v;
  }
  return { logits, upLogit };
}

export function softmax(logits: number[], temperature = 1): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp((l - max) / temperature));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
