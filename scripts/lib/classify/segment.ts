/**
 * Chinese word segmentation for the classifier: the domain lexicon acts as a user dictionary (its terms
 * win, longest first, as in jieba's user dictionaries), and so do the words of the trained model's vocabulary
 * (model.ts), which were chosen from `Intl.Segmenter('zh', {granularity: 'word'})` words of the training data
 * (ICU's dictionary segmenter, full ICU in Node 24). Why a dictionary scan and not ICU alone: ICU's general
 * dictionary cuts domain terms apart (结余留用 → 结|余留|用, 按床日付费 → 按|床|日付|费, 歧义组 → 歧|义|组),
 * and running ICU over every opinion cost more than everything else the classifier does (issue 13: ≥ 2,000
 * opinions/s through the CLI). So ICU runs only where it decides something: short cue words (`word: true`,
 * e.g. 卡) are accepted only when ICU yields them as a whole word, and while training, every gap is segmented to
 * find candidate words.
 *
 * Text is NFKC-normalised first, so full-width letters and digits (ＦＭ１９) read as ASCII.
 */
import type { LexiconEntry } from './lexicon.ts';

export interface Token {
  /** The word as it appears in the normalised text. */
  text: string;
  /** The lexicon entry it matched, if any. */
  entry?: LexiconEntry;
  /** Set when it is a vocabulary word (not a lexicon term). */
  word?: true;
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const asciiLetter = /[A-Za-z]/;

/** Full-width to half-width and other compatibility forms, as every matcher here expects. */
export const normaliseText = (text: string) => text.normalize('NFKC');

/** ICU's word-like segments of a text (no punctuation or spaces). */
export function segmentWords(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(normaliseText(text))) if (s.isWordLike) out.push(s.segment);
  return out;
}

export interface Tokenizer {
  tokenize(text: string): Token[];
}

interface DictEntry {
  term: string;
  entry?: LexiconEntry;
}

/**
 * `vocabulary`: words matched like lexicon terms (lexicon terms win ties). `null`: training mode, every gap
 * between lexicon terms is segmented by ICU and its words are returned as tokens without an entry.
 */
export function createTokenizer(lexicon: LexiconEntry[], vocabulary: Iterable<string> | null = []): Tokenizer {
  // Dictionary terms by first character, longest first; whole-word cues by their text.
  const byFirst = new Map<string, DictEntry[]>();
  const wordCues = new Map<string, LexiconEntry>();
  const terms = new Set<string>();
  const put = (d: DictEntry) => {
    const list = byFirst.get(d.term[0]) ?? [];
    list.push(d);
    byFirst.set(d.term[0], list);
  };
  for (const entry of lexicon) {
    if (entry.word) {
      wordCues.set(entry.term, entry);
      continue;
    }
    terms.add(entry.term);
    put({ term: entry.term, entry });
  }
  const training = vocabulary === null;
  if (vocabulary) for (const w of vocabulary) if (!terms.has(w) && !wordCues.has(w)) put({ term: w });
  // Lexicon terms first (longest first), then vocabulary words: a learned word never hides a hand-weighted term.
  for (const list of byFirst.values()) list.sort((a, b) => (a.entry ? 0 : 1) - (b.entry ? 0 : 1) || b.term.length - a.term.length);
  const cues = [...wordCues.keys()];

  function segmentGap(text: string, out: Token[]) {
    if (!text) return;
    // ICU only when the gap could hold a whole-word cue (or while training, to find candidate words).
    if (!training && !cues.some((c) => text.includes(c))) return;
    for (const s of segmenter.segment(text)) {
      if (!s.isWordLike) continue;
      const cue = wordCues.get(s.segment);
      if (cue) out.push({ text: s.segment, entry: cue });
      else if (training) out.push({ text: s.segment });
    }
  }

  return {
    tokenize(raw) {
      const text = normaliseText(raw);
      const out: Token[] = [];
      let gapStart = 0;
      let i = 0;
      while (i < text.length) {
        const candidates = byFirst.get(text[i]);
        let match: DictEntry | undefined;
        if (candidates) {
          for (const d of candidates) {
            if (!text.startsWith(d.term, i)) continue;
            // An ASCII term must start a word: `HIS` is not inside `THIS`.
            if (asciiLetter.test(d.term[0]) && i > 0 && asciiLetter.test(text[i - 1])) continue;
            match = d;
            break;
          }
        }
        if (!match) {
          i++;
          continue;
        }
        segmentGap(text.slice(gapStart, i), out);
        out.push(match.entry ? { text: match.term, entry: match.entry } : { text: match.term, word: true });
        i += match.term.length;
        gapStart = i;
      }
      segmentGap(text.slice(gapStart), out);
      return out;
    },
  };
}
