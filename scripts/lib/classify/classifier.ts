/**
 * Decides an opinion's category (济源 notice 二(一)), its handling office (bureau routing, 二(二)1) and whether
 * it goes in the upward report (二(二)2), from its title and body. Pure, deterministic and explainable:
 * a weighted lexicon (lexicon.ts) over a segmented text (segment.ts), the codes it mentions (codes.ts) and
 * the box the submitter ticked, which counts as one signal among others because submitters often tick the
 * wrong box. `reasons` lists what decided it; low confidence is reported, never hidden.
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import { categories, categoryKeys, type CategoryKey, type OfficeKey } from '../../../schemas/common.ts';
import type { CodeList } from '../code-list.ts';
import { extractCodes, type ExtractedCode } from './codes.ts';
import { lexicon as defaultLexicon, type LexiconEntry } from './lexicon.ts';
import { createTokenizer, type Tokenizer } from './segment.ts';

export interface OpinionText {
  title: string;
  body: string;
  /** The box the submitter ticked, or null (mail, phone, meetings). */
  selected: CategoryKey | null;
}

export interface Classification {
  category: CategoryKey;
  department: OfficeKey;
  escalate: boolean;
  codes: ExtractedCode[];
  /** Probability-like share of the winning category's evidence, 0..1. */
  confidence: number;
  /** Below the confidence threshold: a person should confirm the category (label 分类待确认). */
  needsReview: boolean;
  /** What decided it, in Chinese, strongest first. */
  reasons: string[];
  /** Evidence per category (for the benchmark and debugging). */
  scores: Record<CategoryKey, number>;
}

/** Tunable constants, with the reasoning behind each value. */
export const classifierSettings = {
  /** A term in the title states the topic: it counts half again. */
  titleFactor: 1.5,
  /** Each further mention of a term adds this much of its weight (at most `maxRepeats` times). */
  repeatFactor: 0.25,
  maxRepeats: 4,
  /** The ticked box: worth one clear term, so two clear terms for another category outvote it. */
  tickWeight: 1.5,
  /** Softmax temperature turning evidence into confidence. */
  temperature: 1.6,
  /** Confidence below this → 分类待确认 instead of trusting the guess. */
  reviewThreshold: 0.6,
  /** Escalation evidence at or above this → 报送上级. */
  escalateThreshold: 2,
};

export interface ClassifierOptions {
  routing: Bureau['routing'];
  codeList: CodeList | null;
}

export interface Classifier {
  classify(opinion: OpinionText): Classification;
}

interface Hit {
  entry: LexiconEntry;
  inTitle: number;
  inBody: number;
}

function collect(tokenizer: Tokenizer, title: string, body: string): Map<string, Hit> {
  const hits = new Map<string, Hit>();
  const add = (text: string, where: 'inTitle' | 'inBody') => {
    for (const token of tokenizer.tokenize(text)) {
      if (!token.entry) continue;
      const hit = hits.get(token.entry.term) ?? { entry: token.entry, inTitle: 0, inBody: 0 };
      hit[where]++;
      hits.set(token.entry.term, hit);
    }
  };
  add(title, 'inTitle');
  add(body, 'inBody');
  return hits;
}

const zh = (k: CategoryKey) => categories[k].zh;
const fmt = (n: number) => (Math.round(n * 10) / 10).toFixed(1);

export function createClassifier(options: ClassifierOptions, lexicon: LexiconEntry[] = defaultLexicon): Classifier {
  const tokenizer = createTokenizer(lexicon);
  const s = classifierSettings;

  return {
    classify({ title, body, selected }) {
      const hits = collect(tokenizer, title, body);
      const scores = Object.fromEntries(categoryKeys.map((k) => [k, 0])) as Record<CategoryKey, number>;
      // Per category: [label, contribution] for the reasons.
      const why = Object.fromEntries(categoryKeys.map((k) => [k, [] as [string, number][]])) as Record<CategoryKey, [string, number][]>;
      let up = 0;
      const upWhy: [string, number][] = [];

      for (const hit of hits.values()) {
        const mentions = hit.inTitle + hit.inBody;
        const factor = (hit.inTitle > 0 ? s.titleFactor : 1) + s.repeatFactor * Math.min(mentions - 1, s.maxRepeats);
        for (const [k, w] of Object.entries(hit.entry.weights) as [CategoryKey, number][]) {
          scores[k] += w * factor;
          why[k].push([`“${hit.entry.term}”`, w * factor]);
        }
        // Scope is present or not: a term counts once, however often it is repeated.
        if (hit.entry.up) {
          up += hit.entry.up;
          if (hit.entry.up > 0) upWhy.push([`“${hit.entry.term}”`, hit.entry.up]);
        }
      }

      // Codes: DRG/ADRG codes mostly come with grouping questions but also with weight complaints;
      // a 歧义组 code is a grouping question; ICD codes appear in case examples and in coding questions.
      const codes = extractCodes(`${title}\n${body}`, options.codeList);
      const codeEvidence: Partial<Record<CategoryKey, number>> = {};
      for (const code of codes.slice(0, 4)) {
        const add = (k: CategoryKey, w: number) => (codeEvidence[k] = (codeEvidence[k] ?? 0) + w);
        if (code.kind === 'ambiguous') add('grouping', 2.5);
        else if (code.kind === 'adrg' || code.kind === 'drg') {
          add('grouping', 0.6);
          add('core-elements', 0.4);
        } else {
          add('grouping', 0.5);
          add('other', 0.4);
        }
      }
      for (const [k, w] of Object.entries(codeEvidence) as [CategoryKey, number][]) {
        scores[k] += w;
        why[k].push([`编码 ${codes.map((c) => c.code).slice(0, 3).join('、')}`, w]);
      }

      const evidence = { ...scores };
      if (selected) {
        scores[selected] += s.tickWeight;
        why[selected].push([`提交人勾选“${zh(selected)}”`, s.tickWeight]);
      }

      const ranked = [...categoryKeys].sort((a, b) => scores[b] - scores[a] || categoryKeys.indexOf(a) - categoryKeys.indexOf(b));
      const noEvidence = categoryKeys.every((k) => evidence[k] === 0);
      // With no evidence at all, keep the ticked box (or 政策措施类, the most general) and say so.
      const category = noEvidence ? (selected ?? 'policy') : ranked[0];
      const exps = categoryKeys.map((k) => Math.exp((scores[k] - scores[ranked[0]]) / s.temperature));
      const total = exps.reduce((a, b) => a + b, 0);
      const confidence = noEvidence ? 0 : Math.round((exps[categoryKeys.indexOf(category)] / total) * 1000) / 1000;
      const needsReview = confidence < s.reviewThreshold;

      const reasons: string[] = [];
      const top = why[category].sort((a, b) => b[1] - a[1]).slice(0, 5);
      if (noEvidence) reasons.push('未识别到分类依据词语');
      else reasons.push(`${zh(category)}：${top.map(([t, w]) => `${t}+${fmt(w)}`).join('，')}`);
      const runnerUp = ranked.find((k) => k !== category)!;
      if (!noEvidence && scores[runnerUp] > 0) {
        const theirs = why[runnerUp].sort((a, b) => b[1] - a[1]).slice(0, 3);
        reasons.push(`其次为${zh(runnerUp)}：${theirs.map(([t, w]) => `${t}+${fmt(w)}`).join('，')}`);
      }
      if (selected && selected !== category) reasons.push(`提交人勾选的是“${zh(selected)}”，与自动分类不同`);
      if (needsReview) reasons.push(`置信度 ${confidence.toFixed(2)} 低于 ${s.reviewThreshold}，请人工确认分类`);

      const escalate = up >= s.escalateThreshold;
      if (escalate) {
        const terms = upWhy.sort((a, b) => b[1] - a[1]).slice(0, 4).map(([t]) => t);
        reasons.push(`超出本级权限（报送上级）：${terms.join('，')}`);
      }

      return {
        category,
        department: options.routing[category],
        escalate,
        codes,
        confidence,
        needsReview,
        reasons,
        scores: Object.fromEntries(categoryKeys.map((k) => [k, Math.round(scores[k] * 100) / 100])) as Record<CategoryKey, number>,
      };
    },
  };
}
