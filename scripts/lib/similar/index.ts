/**
 * An index of opinions for "is this the same question as one we already have?" (issue 13): TF-IDF vectors of
 * character n-grams (ngrams.ts), compared by cosine, searched through an inverted index so that only opinions
 * sharing a feature with the new one are scored (bench: 20,000 opinions, see `npm run bench:similar`).
 *
 * Weights: tf = 1 + ln(count) (a term repeated in a long text does not swamp the rest), idf = ln(1 + N/df), where N
 * is the number of opinions in the index and df those having the feature: a gram every opinion shares (建议, 医保)
 * weighs little, a code or term few share (FM19, 歧义组) much. Cosine = dot / (|q|·|d|), so a short opinion and a
 * long one that say the same are comparable.
 *
 * Deterministic: a score depends only on the set of opinions in the index, not on the order they were added
 * (each sum runs in the order of one text's own features), and ties are broken by the smaller issue number.
 * Opinions can be added, replaced and removed (a long-lived index stays current, corpus.ts); norms are recomputed
 * when the set changed, on the next query.
 */
import { features } from './ngrams.ts';

export interface SimilarMatch {
  /** Issue number. */
  id: number;
  /** Cosine similarity, 0..1, rounded to 4 places. */
  score: number;
}

export interface QueryOptions {
  /** At most this many (default 3). */
  limit?: number;
  /** Only scores at or above this (default SIMILAR_THRESHOLD). */
  threshold?: number;
  /** Leave these out (the opinion itself, one merged already). */
  exclude?: (id: number) => boolean;
}

/**
 * The score from which two opinions are listed as similar, read off the project's own opinions: the 761 of
 * tests/fixtures (opinions-eval, classify-dev, classify-blind), which hold many restatements of one question by
 * another unit in other words, scored pair by pair (289,180 pairs). 99.9% of all pairs score below 0.19. Of the
 * 183 pairs at or above 0.20, those above 0.25 are nine times in ten the same question (e.g. 等级系数差距过大 asked
 * by two hospitals, 0.33) and between 0.20 and 0.25 about three times in four (e.g. 门诊与住院预算能否调剂, 0.22);
 * below 0.20 the pairs are mostly neighbouring questions (same rule, different ask). Staff decide with /merge, so a
 * listing too many costs a glance and a restatement missed costs a second answer: the lower 0.20.
 */
export const SIMILAR_THRESHOLD = 0.2;

interface Doc {
  id: number;
  grams: Int32Array;
  /** How often each gram occurs (at most 255), same order; its weight is TF[count]. */
  counts: Uint8Array;
}

/** tf weight 1 + ln(count) by count: counts are small integers, so postings keep the count, not a float. */
const TF = Float64Array.from({ length: 256 }, (_, c) => (c ? 1 + Math.log(c) : 0));

export interface SimilarIndex {
  /** Adds the opinion, or replaces it when the id is there already. */
  add(id: number, text: string): void;
  remove(id: number): void;
  has(id: number): boolean;
  readonly size: number;
  /** The most similar opinions to `text`, best first. */
  query(text: string, options?: QueryOptions): SimilarMatch[];
}

export function createSimilarIndex(): SimilarIndex {
  const gramIds = new Map<string, number>();
  let df = new Int32Array(1024);
  /** Per gram: the slots of the opinions that have it, and the gram's count in each (parallel arrays). */
  const postSlots: number[][] = [];
  const postTf: number[][] = [];
  const docs: (Doc | null)[] = [];
  const slotOf = new Map<number, number>();
  let alive = 0;
  let dead = 0;
  let norms = new Float64Array(0);
  let idfs = new Float64Array(0);
  let normsFresh = false;
  let acc = new Float64Array(0);

  const gramId = (g: string) => {
    let id = gramIds.get(g);
    if (id === undefined) {
      id = gramIds.size;
      gramIds.set(g, id);
      if (id >= df.length) {
        const bigger = new Int32Array(df.length * 2);
        bigger.set(df);
        df = bigger;
      }
      postSlots.push([]);
      postTf.push([]);
    }
    return id;
  };
  const idf = (d: number) => Math.log(1 + alive / Math.max(d, 1));

  /** Drops removed opinions from the postings once they are a quarter of them. */
  const compact = () => {
    if (dead < 64 || dead * 4 < docs.length) return;
    for (let g = 0; g < postSlots.length; g++) {
      const slots = postSlots[g];
      const tfs = postTf[g];
      let k = 0;
      for (let i = 0; i < slots.length; i++) {
        if (docs[slots[i]] === null) continue;
        slots[k] = slots[i];
        tfs[k++] = tfs[i];
      }
      slots.length = k;
      tfs.length = k;
    }
    // Slots stay where they are (the postings point at them); only the postings are compacted.
    dead = 0;
  };

  const remove = (id: number) => {
    const slot = slotOf.get(id);
    if (slot === undefined) return;
    const doc = docs[slot]!;
    for (const g of doc.grams) df[g]--;
    docs[slot] = null;
    slotOf.delete(id);
    alive--;
    dead += doc.grams.length ? 1 : 0;
    normsFresh = false;
    compact();
  };

  /** Every gram's idf, then every opinion's norm: once per change of the set, on the next query. */
  const refreshNorms = () => {
    if (normsFresh) return;
    if (idfs.length < gramIds.size) idfs = new Float64Array(Math.max(gramIds.size, idfs.length * 2));
    for (let g = 0; g < gramIds.size; g++) idfs[g] = idf(df[g]);
    if (norms.length < docs.length) norms = new Float64Array(Math.max(docs.length, norms.length * 2));
    for (let s = 0; s < docs.length; s++) {
      const doc = docs[s];
      if (!doc) continue;
      const { grams, counts } = doc;
      let sum = 0;
      for (let i = 0; i < grams.length; i++) {
        const w = TF[counts[i]] * idfs[grams[i]];
        sum += w * w;
      }
      norms[s] = Math.sqrt(sum);
    }
    normsFresh = true;
  };

  return {
    add(id, text) {
      remove(id);
      const found = features(text);
      const grams = new Int32Array(found.size);
      const counts = new Uint8Array(found.size);
      const slot = docs.length;
      let i = 0;
      for (const [g, n] of found) {
        const gid = gramId(g);
        grams[i] = gid;
        counts[i] = Math.min(n, 255);
        df[gid]++;
        postSlots[gid].push(slot);
        postTf[gid].push(counts[i]);
        i++;
      }
      docs.push({ id, grams, counts });
      slotOf.set(id, slot);
      alive++;
      normsFresh = false;
    },
    remove,
    has: (id) => slotOf.has(id),
    get size() {
      return alive;
    },
    query(text, options = {}) {
      const limit = options.limit ?? 3;
      const threshold = options.threshold ?? SIMILAR_THRESHOLD;
      if (!alive || limit <= 0) return [];
      refreshNorms();
      if (acc.length < docs.length) acc = new Float64Array(Math.max(docs.length, acc.length * 2));
      const touched: number[] = [];
      let qnorm = 0;
      for (const [g, n] of features(text)) {
        const gid = gramIds.get(g);
        const d = gid === undefined ? 0 : df[gid];
        // A feature no indexed opinion has still makes the new opinion longer (as if it had df 1).
        const weight = idf(d) * TF[Math.min(n, 255)];
        qnorm += weight * weight;
        if (!d) continue;
        const w = weight * idf(d);
        const slots = postSlots[gid!];
        const tfs = postTf[gid!];
        for (let i = 0; i < slots.length; i++) {
          const s = slots[i];
          if (docs[s] === null) continue;
          if (acc[s] === 0) touched.push(s);
          acc[s] += w * TF[tfs[i]];
        }
      }
      qnorm = Math.sqrt(qnorm);
      const found: SimilarMatch[] = [];
      for (const s of touched) {
        const dot = acc[s];
        acc[s] = 0;
        const doc = docs[s]!;
        if (!qnorm || !norms[s]) continue;
        const score = Math.min(1, dot / (qnorm * norms[s]));
        if (score < threshold || options.exclude?.(doc.id)) continue;
        found.push({ id: doc.id, score });
      }
      found.sort((a, b) => b.score - a.score || a.id - b.id);
      return found.slice(0, limit).map((m) => ({ id: m.id, score: Math.round(m.score * 10000) / 10000 }));
    },
  };
}
