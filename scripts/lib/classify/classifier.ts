/**
 * Decides an opinion's category (济源 notice 二(一)), its handling office (bureau routing, 二(二)1) and whether
 * it goes in the upward report (二(二)2), from its title and body. Pure, deterministic and explainable:
 * named features (features.ts: the DRG/DIP lexicon, what is asked, codes, the ticked box) weighed by a small
 * trained model (model.ts, model.json from `npm run train:classifier`), whose confidence is calibrated on
 * cross-validated predictions so that 分类待确认 goes to the opinions most likely to be wrong (issue 13: 13 of 17
 * wrong categories had been routed with confidence ≥ 0.6). `reasons` names the features that decided it,
 * strongest first; low confidence is reported, never hidden.
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import { categories, categoryKeys, type CategoryKey, type OfficeKey } from '../../../schemas/common.ts';
import type { CodeList } from '../code-list.ts';
import type { ExtractedCode } from './codes.ts';
import { createFeaturizer, featureSettings, hasEvidence, mixedTopics, type Featurized, type OpinionText } from './features.ts';
import { cueLabel } from './intent.ts';
import { lexicon as defaultLexicon, type LexiconEntry } from './lexicon.ts';
import shippedModel from './model.json' with { type: 'json' };
import { indexModel, score, sigmoid, softmax, type TrainedModel } from './model.ts';

export type { OpinionText } from './features.ts';

export interface Classification {
  category: CategoryKey;
  department: OfficeKey;
  escalate: boolean;
  codes: ExtractedCode[];
  /** Calibrated probability of the chosen category, 0..1. */
  confidence: number;
  /** Below the calibrated threshold, topics split between two categories, or no evidence: a person should confirm the category (label 分类待确认). */
  needsReview: boolean;
  /** What decided it, in Chinese, strongest first. */
  reasons: string[];
  /** Calibrated probability per category (for the benchmark and debugging). */
  scores: Record<CategoryKey, number>;
  /** Probability that it needs the province or the nation (escalate = at or above the model's threshold). */
  escalateScore: number;
}

export interface ClassifierOptions {
  routing: Bureau['routing'];
  codeList: CodeList | null;
}

export interface Classifier {
  classify(opinion: OpinionText): Classification;
  /** The thresholds in force (from the model). */
  readonly thresholds: { reviewBelow: number; escalate: number };
}

export const defaultModel = shippedModel as TrainedModel;

const zh = (k: CategoryKey) => categories[k].zh;
const fmt = (n: number) => (Math.round(n * 10) / 10).toFixed(1);

/** The reader-facing unit a feature belongs to: a lexicon term, a vocabulary word, a cue, the codes, the tick. */
function unitOf(feature: string, codes: ExtractedCode[]): string | null {
  const colon = feature.indexOf(':');
  const family = colon < 0 ? feature : feature.slice(0, colon);
  const rest = feature.slice(colon + 1);
  switch (family) {
    case 't':
    case 'w':
      return `“${rest}”`;
    case 'q':
      return `问法：${cueLabel(feature)}`;
    case 'u':
      return `范围：${cueLabel(feature)}`;
    case 'code':
      return `编码 ${codes.map((c) => c.code).slice(0, 3).join('、')}`;
    case 'tick':
      return rest === 'none' ? null : `提交人勾选“${zh(rest as CategoryKey)}”`;
    default:
      return null;
  }
}

/**
 * Contribution of each unit to `weightOf(feature)` (a logit difference or the escalation logit). The lexicon's
 * `lex:*` evidence is handed back to the terms it came from, in proportion to their hand weights.
 */
function contributions(f: Featurized, weightOf: (feature: string) => number | undefined, codes: ExtractedCode[]): Map<string, number> {
  const out = new Map<string, number>();
  const add = (unit: string | null, v: number) => unit && v && out.set(unit, (out.get(unit) ?? 0) + v);
  for (const [feature, value] of f.x) {
    if (feature.startsWith('lex:') || feature === 'up') continue;
    const w = weightOf(feature);
    if (w !== undefined) add(unitOf(feature, codes), w * value);
  }
  for (const k of categoryKeys) {
    const w = weightOf(`lex:${k}`);
    if (!w) continue;
    for (const [term, { entry, factor }] of f.terms) {
      const hand = entry.weights[k];
      if (hand) add(`“${term}”`, (w * hand * factor) / featureSettings.lexiconScale);
    }
  }
  const wUp = weightOf('up');
  if (wUp) for (const [term, { entry }] of f.terms) if (entry.up) add(`“${term}”`, wUp * entry.up);
  return out;
}

const top = (m: Map<string, number>, n: number, sign: 1 | -1 = 1) =>
  [...m].filter(([, v]) => v * sign > 0.05).sort((a, b) => b[1] * sign - a[1] * sign || (a[0] < b[0] ? -1 : 1)).slice(0, n);

export function createClassifier(options: ClassifierOptions, model: TrainedModel = defaultModel, lexicon: LexiconEntry[] = defaultLexicon): Classifier {
  const index = indexModel(model);
  const featurizer = createFeaturizer(lexicon, options.codeList, index.vocabulary);
  const { temperature, reviewBelow } = model.calibration;
  const order = model.categories;

  return {
    thresholds: { reviewBelow, escalate: model.escalate.threshold },
    classify(opinion) {
      const f = featurizer.featurize(opinion);
      const { logits, upLogit } = score(index, f.x);
      const p = softmax(logits, temperature);
      const ranked = order.map((k, i) => ({ k, i })).sort((a, b) => p[b.i] - p[a.i] || a.i - b.i);
      const noEvidence = !hasEvidence(f);
      const mixed = noEvidence ? null : mixedTopics(f.topics);
      const category = noEvidence ? (opinion.selected ?? ranked[0].k) : ranked[0].k;
      const ci = order.indexOf(category);
      const confidence = Math.round(p[ci] * 1000) / 1000;
      const needsReview = noEvidence || mixed !== null || confidence < reviewBelow;
      const runnerUp = ranked.find((r) => r.k !== category)!;

      const reasons: string[] = [];
      if (noEvidence) reasons.push('未识别到分类依据词语');
      else {
        const row = (feature: string) => {
          const i = index.row.get(feature);
          return i === undefined ? undefined : (model.category.weights[i][ci] - model.category.weights[i][runnerUp.i]) / temperature;
        };
        const margin = contributions(f, row, f.codes);
        const mine = top(margin, 5);
        reasons.push(`${zh(category)}：${mine.length ? mine.map(([u, v]) => `${u}+${fmt(v)}`).join('，') : '综合判断'}`);
        const theirs = top(margin, 3, -1);
        if (theirs.length) reasons.push(`其次为${zh(runnerUp.k)}：${theirs.map(([u, v]) => `${u}+${fmt(-v)}`).join('，')}`);
      }
      if (opinion.selected && opinion.selected !== category) reasons.push(`提交人勾选的是“${zh(opinion.selected)}”，与自动分类不同`);
      if (mixed) reasons.push(`意见涉及多类问题（${zh(mixed[0])}、${zh(mixed[1])}），请人工确认以哪一类为主`);
      if (!noEvidence && confidence < reviewBelow) reasons.push(`置信度 ${confidence.toFixed(2)} 低于 ${reviewBelow.toFixed(2)}，请人工确认分类`);

      const escalateScore = Math.round(sigmoid(upLogit) * 1000) / 1000;
      const escalate = sigmoid(upLogit) >= model.escalate.threshold;
      if (escalate) {
        const up = contributions(f, (feature) => {
          const i = index.row.get(feature);
          return i === undefined ? undefined : model.escalate.weights[i];
        }, f.codes);
        const terms = top(up, 4).map(([u]) => u);
        reasons.push(`超出本级权限（报送上级）：${terms.length ? terms.join('，') : '综合判断'}`);
      }

      return {
        category,
        department: options.routing[category],
        escalate,
        codes: f.codes,
        confidence,
        needsReview,
        reasons,
        scores: Object.fromEntries(order.map((k, i) => [k, Math.round(p[i] * 1000) / 1000])) as Record<CategoryKey, number>,
        escalateScore,
      };
    },
  };
}
