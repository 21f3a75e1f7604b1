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
 * tests/fixtures (opinions-eval, classify-dev and the first blind set, now classify-dev/earlier-blind-1), which hold many restatements of one question by
 * another unit in other words, scored pair by pair (289,180 pairs). 99.9% of all pairs score below 0.19. Of the
 * 183 pairs at or above 0.20, those above 0.25 are nine times in ten the same question (e.g. 等级系数差距过大 asked
 * by two hospitals, 0.33) and between 0.20 and 0.25 about three times in four (e.g. 门诊与住院预算能否调剂, 0.22);
 * below 0.20 the pairs are mostly neighbouring questions (same rule, different ask). Staff decide with /merge, so a
 * listing too many costs a glance and a restatement missed costs a second answer: the lower 0.20.
 */
export const SIMILAR_THRESHOLD = 0.2;

/** tf weight 1 + ln(count) by count: counts are small integers, so the index keeps counts (at most 255), not floats. */
const TF = Float64Array.from({ length: 256 }, (_, c) => (c ? 1 + Math.log(c) : 0));

/** An Int32Array or Uint8Array at least `n` long, keeping its contents (grown by doubling). */
function grow<T extends Int32Array | Uint8Array | Float64Array>(a: T, n: number): T {
  if (n <= a.length) return a;
  const bigger = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2));
  bigger.set(a);
  return bigger;
}

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
  // Layout, all typed arrays (the loops over them are the whole cost of a search): each opinion is a slot; its
  // grams and their counts are one range of two flat arrays; each gram has a posting list of (slot, count).
  const gramIds = new Map<string, number>();
  let df = new Int32Array(1024);
  const postSlots: Int32Array[] = [];
  const postCounts: Uint8Array[] = [];
  let postLen = new Int32Array(1024);
  let flatGrams = new Int32Array(1 << 16);
  let flatCounts = new Uint8Array(1 << 16);
  let flatLen = 0;
  let slotStart = new Int32Array(1024);
  let slotEnd = new Int32Array(1024);
  let slotId = new Int32Array(1024);
  /** 1 for a slot holding an opinion, 0 for one removed or replaced. */
  let live = new Uint8Array(1024);
  let slots = 0;
  const slotOf = new Map<number, number>();
  let alive = 0;
  let dead = 0;
  let norms = new Float64Array(1024);
  let idfs = new Float64Array(1024);
  let normsFresh = false;
  let acc = new Float64Array(1024);

  const gramId = (g: string) => {
    let id = gramIds.get(g);
    if (id === undefined) {
      id = gramIds.size;
      gramIds.set(g, id);
      df = grow(df, id + 1);
      postLen = grow(postLen, id + 1);
      postSlots.push(new Int32Array(4));
      postCounts.push(new Uint8Array(4));
    }
    return id;
  };
  const idf = (d: number) => Math.log(1 + alive / Math.max(d, 1));

  /**
   * Once removed opinions are a quarter of the slots: renumbers the live slots in order, rebuilding the flat arrays
   * and the postings (scores do not depend on slot numbers, so nothing a query returns changes).
   */
  const compact = () => {
    if (dead < 64 || dead * 4 < slots) return;
    const renumber = new Int32Array(slots).fill(-1);
    const grams = new Int32Array(Math.max(1 << 16, flatLen));
    const counts = new Uint8Array(grams.length);
    let k = 0;
    let len = 0;
    for (let s = 0; s < slots; s++) {
      if (!live[s]) continue;
      renumber[s] = k;
      const from = slotStart[s];
      const to = slotEnd[s];
      grams.set(flatGrams.subarray(from, to), len);
      counts.set(flatCounts.subarray(from, to), len);
      slotStart[k] = len;
      len += to - from;
      slotEnd[k] = len;
      slotId[k] = slotId[s];
      live[k] = 1;
      slotOf.set(slotId[k], k);
      k++;
    }
    live.fill(0, k, slots);
    for (let g = 0; g < postSlots.length; g++) {
      const ps = postSlots[g];
      const pc = postCounts[g];
      let j = 0;
      for (let i = 0; i < postLen[g]; i++) {
        const to = renumber[ps[i]];
        if (to < 0) continue;
        ps[j] = to;
        pc[j++] = pc[i];
      }
      postLen[g] = j;
    }
    flatGrams = grams;
    flatCounts = counts;
    flatLen = len;
    slots = k;
    dead = 0;
    normsFresh = false;
  };

  const remove = (id: number) => {
    const slot = slotOf.get(id);
    if (slot === undefined) return;
    for (let i = slotStart[slot]; i < slotEnd[slot]; i++) df[flatGrams[i]]--;
    live[slot] = 0;
    slotOf.delete(id);
    alive--;
    dead++;
    normsFresh = false;
    compact();
  };

  /** Every gram's idf, then every opinion's norm: once per change of the set, on the next query. */
  const refreshNorms = () => {
    if (normsFresh) return;
    idfs = grow(idfs, gramIds.size);
    for (let g = 0; g < gramIds.size; g++) idfs[g] = idf(df[g]);
    norms = grow(norms, slots);
    for (let s = 0; s < slots; s++) {
      if (!live[s]) continue;
      let sum = 0;
      for (let i = slotStart[s], end = slotEnd[s]; i < end; i++) {
        const w = TF[flatCounts[i]] * idfs[flatGrams[i]];
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
      const slot = slots++;
      slotStart = grow(slotStart, slots);
      slotEnd = grow(slotEnd, slots);
      slotId = grow(slotId, slots);
      live = grow(live, slots);
      flatGrams = grow(flatGrams, flatLen + found.size);
      flatCounts = grow(flatCounts, flatLen + found.size);
      slotStart[slot] = flatLen;
      for (const [g, n] of found) {
        const gid = gramId(g);
        const count = Math.min(n, 255);
        flatGrams[flatLen] = gid;
        flatCounts[flatLen++] = count;
        df[gid]++;
        const at = postLen[gid]++;
        postSlots[gid] = grow(postSlots[gid], at + 1);
        postCounts[gid] = grow(postCounts[gid], at + 1);
        postSlots[gid][at] = slot;
        postCounts[gid][at] = count;
      }
      slotEnd[slot] = flatLen;
      slotId[slot] = id;
      live[slot] = 1;
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
      acc = grow(acc, slots);
      const touched: number[] = [];
      let qnorm = 0;
      for (const [g, n] of features(text)) {
        const gid = gramIds.get(g);
        const d = gid === undefined ? 0 : df[gid];
        // A feature no indexed opinion has still makes the new opinion longer (as if it had df 1).
        const weight = idf(d) * TF[Math.min(n, 255)];
        qnorm += weight * weight;
        if (!d) continue;
        const w = weight * idfs[gid!];
        const ps = postSlots[gid!];
        const pc = postCounts[gid!];
        for (let i = 0, len = postLen[gid!]; i < len; i++) {
          const s = ps[i];
          if (!live[s]) continue;
          if (acc[s] === 0) touched.push(s);
          acc[s] += w * TF[pc[i]];
        }
      }
      qnorm = Math.sqrt(qnorm);
      const found: SimilarMatch[] = [];
      for (const s of touched) {
        const dot = acc[s];
        acc[s] = 0;
        if (!qnorm || !norms[s]) continue;
        const score = Math.min(1, dot / (qnorm * norms[s]));
        if (score < threshold || options.exclude?.(slotId[s])) continue;
        found.push({ id: slotId[s], score });
      }
      found.sort((a, b) => b.score - a.score || a.id - b.id);
      return found.slice(0, limit).map((m) => ({ id: m.id, score: Math.round(m.score * 10000) / 10000 }));
    },
  };
}
