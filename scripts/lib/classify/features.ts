/**
 * Turns an opinion into the named features the model weighs (model.ts) and the training script fits
 * (train.ts). Every feature is something a person can read back in the reasons:
 *
 * - `lex:<category>` the hand lexicon's evidence for a category (lexicon.ts weights × how prominently each term
 *   appears), divided by 3 so that one term the notice names counts 1: the lexicon is the prior the data corrects;
 * - `t:<term>` each lexicon term found (its own learned correction on top of the hand weight);
 * - `w:<word>` other words (Intl.Segmenter), only those in the model's vocabulary: learned from the labelled
 *   development data, so a reason can only ever quote a vocabulary word, never arbitrary submitter text;
 * - `q:` / `u:` what is asked and whose authority it needs (intent.ts);
 * - `code:<form>` the kinds of codes mentioned (codes.ts);
 * - `tick:<category>` the box the submitter ticked: one signal, often wrong (~30% of development opinions);
 * - `up` the lexicon's escalation evidence (national/provincial scope minus local scope).
 */
import { categoryKeys, type CategoryKey } from '../../../schemas/common.ts';
import type { CodeList } from '../code-list.ts';
import { extractCodes, type ExtractedCode } from './codes.ts';
import { intentCues, sentences } from './intent.ts';
import type { LexiconEntry } from './lexicon.ts';
import { createTokenizer } from './segment.ts';

export interface OpinionText {
  title: string;
  body: string;
  /** The box the submitter ticked, or null (mail, phone, meetings). */
  selected: CategoryKey | null;
}

/** How a term's mentions become its feature value (kept from the lexicon classifier, issue 4). */
export const featureSettings = {
  /** A term in the title states the topic: it counts half again. */
  titleFactor: 1.5,
  /** Each further mention of a term adds this much (at most `maxRepeats` times). */
  repeatFactor: 0.25,
  maxRepeats: 4,
  /** Intent cues and code kinds saturate: the third question mark says nothing new. */
  cueCap: 3,
  /** Lexicon evidence is divided by this, so a "named by the notice" term (weight 3) contributes 1. */
  lexiconScale: 3,
  /** Words shorter than this carry little meaning on their own (ICU splits 的, 了, 我...). */
  minWordLength: 2,
  /** A sentence clearly belongs to a category with at least the weight of a clear term and a half (2.5)... */
  topicMin: 2.5,
  /** ...and half again as much as for any other category. */
  topicLead: 1.5,
  /**
   * Mixed topics: two categories each have sentences of their own (a title sentence counts 1.5), the second at
   * least this share of the first ("一是接口超时；二是权重偏低；三是培训"): a person decides which point leads.
   */
  mixedShare: 0.6,
};

export interface Featurized {
  /** Feature name → value; absent features are 0. */
  x: Map<string, number>;
  codes: ExtractedCode[];
  /** For each lexicon term found: its mention factor (to split `lex:*` back into terms for the reasons). */
  terms: Map<string, { entry: LexiconEntry; factor: number }>;
  /** Hand-lexicon evidence of the sentences that clearly belong to one category, per category (mixed-topic check). */
  topics: Map<CategoryKey, number>;
}

export interface Featurizer {
  featurize(opinion: OpinionText): Featurized;
}

const wordShape = /^[\p{Script=Han}A-Za-z][\p{Script=Han}A-Za-z0-9]*$/u;

/**
 * `vocabulary`: the words the model knows, matched like lexicon terms (segment.ts). Null while choosing the
 * vocabulary in training: then every ICU word of two or more characters is a candidate `w:` feature.
 */
export function createFeaturizer(lexicon: LexiconEntry[], codeList: CodeList | null, vocabulary: ReadonlySet<string> | null): Featurizer {
  const tokenizer = createTokenizer(lexicon, vocabulary);
  const s = featureSettings;

  return {
    featurize({ title, body, selected }) {
      const x = new Map<string, number>();
      const add = (k: string, v: number) => x.set(k, (x.get(k) ?? 0) + v);
      const hits = new Map<string, { entry: LexiconEntry; inTitle: number; inBody: number }>();
      const words = new Map<string, number>();
      const topics = new Map<CategoryKey, number>();
      const read = (text: string, where: 'inTitle' | 'inBody') => {
        // Sentence by sentence (terms never span 。！？；), so that each sentence's topic can be told apart.
        for (const sentence of sentences(text)) {
          const own = Object.fromEntries(categoryKeys.map((k) => [k, 0])) as Record<CategoryKey, number>;
          for (const token of tokenizer.tokenize(sentence)) {
            if (token.entry) {
              const hit = hits.get(token.entry.term) ?? { entry: token.entry, inTitle: 0, inBody: 0 };
              hit[where]++;
              hits.set(token.entry.term, hit);
              for (const [k, w] of Object.entries(token.entry.weights) as [CategoryKey, number][]) own[k] += w;
            } else if (token.word || (!vocabulary && token.text.length >= s.minWordLength && wordShape.test(token.text))) {
              const w = where === 'inTitle' ? s.titleFactor : 1;
              words.set(token.text, Math.max(words.get(token.text) ?? 0, w));
            }
          }
          const [first, second] = [...categoryKeys].sort((a, b) => own[b] - own[a]);
          if (own[first] >= s.topicMin && own[first] >= s.topicLead * own[second]) {
            topics.set(first, (topics.get(first) ?? 0) + (where === 'inTitle' ? s.titleFactor : 1));
          }
        }
      };
      read(title, 'inTitle');
      read(body, 'inBody');

      const terms = new Map<string, { entry: LexiconEntry; factor: number }>();
      let up = 0;
      const lex = Object.fromEntries(categoryKeys.map((k) => [k, 0])) as Record<CategoryKey, number>;
      for (const hit of hits.values()) {
        const mentions = hit.inTitle + hit.inBody;
        const factor = (hit.inTitle > 0 ? s.titleFactor : 1) + s.repeatFactor * Math.min(mentions - 1, s.maxRepeats);
        terms.set(hit.entry.term, { entry: hit.entry, factor });
        for (const [k, w] of Object.entries(hit.entry.weights) as [CategoryKey, number][]) lex[k] += (w * factor) / s.lexiconScale;
        // Scope is present or not: a term counts once, however often it is repeated.
        up += hit.entry.up;
        add(`t:${hit.entry.term}`, factor);
      }
      for (const k of categoryKeys) if (lex[k]) x.set(`lex:${k}`, lex[k]);
      if (up) x.set('up', up);
      for (const [w, v] of words) x.set(`w:${w}`, v);
      for (const [cue, n] of intentCues(title, body)) x.set(cue, Math.min(n, s.cueCap));

      const codes = extractCodes(`${title}\n${body}`, codeList);
      for (const code of codes) {
        const form = code.form ?? (code.kind === 'adrg' || code.kind === 'drg' ? 'group' : code.kind);
        add(`code:${form}`, 1);
      }
      for (const [k, v] of x) if (k.startsWith('code:') && v > s.cueCap) x.set(k, s.cueCap);
      if (selected) x.set(`tick:${selected}`, 1);
      else x.set('tick:none', 1);
      return { x, codes, terms, topics };
    },
  };
}

/** The two leading categories when an opinion's clear sentences split between them; null when one leads. */
export function mixedTopics(topics: Map<CategoryKey, number>): [CategoryKey, CategoryKey] | null {
  if (topics.size < 2) return null;
  const [[a, va], [b, vb]] = [...topics].sort((x, y) => y[1] - x[1] || categoryKeys.indexOf(x[0]) - categoryKeys.indexOf(y[0]));
  return vb >= featureSettings.mixedShare * va ? [a, b] : null;
}

/**
 * Whether the text gives any evidence: a domain term of the lexicon or a code. The tick, the question form and
 * everyday vocabulary words alone are not (then the ticked box is kept and a person decides).
 */
export const hasEvidence = (f: Featurized) => f.codes.length > 0 || [...f.terms.values()].some((t) => Object.keys(t.entry.weights).length > 0);
