/**
 * Figures for a labelled set against the classifier's answers (scripts/bench/classify.ts prints them): category
 * accuracy with a Wilson 95% interval, per category recall and precision, the confusion matrix, office accuracy,
 * escalation precision and recall, code recall and precision, the confidently-wrong and review rates (issue 13's
 * targets: confidently wrong ≤ 3% while at most 15% is sent to a person). Pure.
 */
import { categoryKeys, type CategoryKey, type OfficeKey } from '../../../schemas/common.ts';
import type { LabelledLine } from './labelled.ts';
import type { LabelledOpinion } from './train.ts';

export interface Answer {
  category: CategoryKey;
  department: OfficeKey;
  escalate: boolean;
  needsReview: boolean;
  codes: string[];
}

export interface Rate {
  hit: number;
  of: number;
}

export interface Figures {
  n: number;
  accuracy: Rate & { low: number; high: number };
  perCategory: Record<CategoryKey, { recall: Rate; precision: Rate }>;
  /** confusion[expected][predicted]; an answer in `alsoAccept` counts on the diagonal. */
  confusion: Record<CategoryKey, Record<CategoryKey, number>>;
  office: Rate;
  escalation: { precision: Rate; recall: Rate };
  codes: { recall: Rate; precision: Rate };
  /** Wrong category and not sent to a person. */
  confidentlyWrong: Rate;
  review: Rate;
  /** Of the opinions whose ticked box was wrong, how many the classifier put right. */
  wrongTicksCorrected: Rate;
}

/** Wilson score interval for a proportion (95%: z = 1.96); well-behaved at 0 and 1 and for small n. */
export function wilson(hit: number, of: number, z = 1.96): { low: number; high: number } {
  if (of === 0) return { low: 0, high: 1 };
  const p = hit / of;
  const z2 = z * z;
  const centre = p + z2 / (2 * of);
  const spread = z * Math.sqrt((p * (1 - p)) / of + z2 / (4 * of * of));
  const denom = 1 + z2 / of;
  return { low: Math.max(0, (centre - spread) / denom), high: Math.min(1, (centre + spread) / denom) };
}

/** Whether a category counts as right for a labelled opinion: its own, or one it also accepts. */
export const isRight = (item: Pick<LabelledOpinion, 'category' | 'alsoAccept'>, category: CategoryKey) => category === item.category || (item.alsoAccept ?? []).includes(category);

export function evaluate(items: LabelledLine[], answers: Answer[], routing: Record<CategoryKey, OfficeKey>): Figures {
  const zeroRow = () => Object.fromEntries(categoryKeys.map((k) => [k, 0])) as Record<CategoryKey, number>;
  const confusion = Object.fromEntries(categoryKeys.map((k) => [k, zeroRow()])) as Figures['confusion'];
  let right = 0;
  let office = 0;
  let cw = 0;
  let review = 0;
  let escTp = 0;
  let escSaid = 0;
  let escGold = 0;
  let codeGold = 0;
  let codeFound = 0;
  let codeSaid = 0;
  let codeSaidRight = 0;
  let wrongTicks = 0;
  let wrongTicksFixed = 0;
  const perCategory = Object.fromEntries(categoryKeys.map((k) => [k, { recall: { hit: 0, of: 0 }, precision: { hit: 0, of: 0 } }])) as Figures['perCategory'];
  items.forEach((item, i) => {
    const a = answers[i];
    const ok = isRight(item, a.category);
    confusion[item.category][ok ? item.category : a.category]++;
    perCategory[item.category].recall.of++;
    perCategory[a.category].precision.of++;
    if (ok) {
      right++;
      perCategory[item.category].recall.hit++;
      perCategory[a.category].precision.hit++;
    }
    const expectedOffice = item.department ?? routing[item.category];
    // An accepted alternative category brings its own office.
    if (a.department === expectedOffice || (ok && a.department === routing[a.category])) office++;
    if (a.needsReview) review++;
    else if (!ok) cw++;
    if (item.escalate) escGold++;
    if (a.escalate) escSaid++;
    if (a.escalate && item.escalate) escTp++;
    codeGold += item.codes.length;
    codeFound += item.codes.filter((c) => a.codes.includes(c)).length;
    codeSaid += a.codes.length;
    codeSaidRight += a.codes.filter((c) => item.codes.includes(c)).length;
    if (item.selected && !isRight(item, item.selected)) {
      wrongTicks++;
      if (ok) wrongTicksFixed++;
    }
  });
  const n = items.length;
  return {
    n,
    accuracy: { hit: right, of: n, ...wilson(right, n) },
    perCategory,
    confusion,
    office: { hit: office, of: n },
    escalation: { precision: { hit: escTp, of: escSaid }, recall: { hit: escTp, of: escGold } },
    codes: { recall: { hit: codeFound, of: codeGold }, precision: { hit: codeSaidRight, of: codeSaid } },
    confidentlyWrong: { hit: cw, of: n },
    review: { hit: review, of: n },
    wrongTicksCorrected: { hit: wrongTicksFixed, of: wrongTicks },
  };
}
