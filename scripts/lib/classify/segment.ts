/**
 * Chinese word segmentation for the classifier: the domain lexicon acts as a user dictionary (its terms
 * win, longest first, as in jieba's user dictionaries) and `Intl.Segmenter('zh', {granularity: 'word'})`
 * (ICU's dictionary segmenter, full ICU in Node 24) splits the text between them. Why both: ICU's general
 * dictionary cuts domain terms apart (结余留用 → 结|余留|用, 按床日付费 → 按|床|日付|费, 歧义组 → 歧|义|组),
 * so lexicon terms are found in the character stream first; short cue words (`word: true`, e.g. 卡) are
 * accepted only when ICU yields them as a whole word.
 *
 * Text is NFKC-normalised first, so full-width letters and digits (ＦＭ１９) read as ASCII.
 */
import type { LexiconEntry } from './lexicon.ts';

export interface Token {
  /** The word as it appears in the normalised text. */
  text: string;
  /** The lexicon entry it matched, if any. */
  entry?: LexiconEntry;
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

export function createTokenizer(lexicon: LexiconEntry[]): Tokenizer {
  // Dictionary terms by first character, longest first; whole-word cues by their text.
  const byFirst = new Map<string, LexiconEntry[]>();
  const wordCues = new Map<string, LexiconEntry>();
  for (const entry of lexicon) {
    if (entry.word) {
      wordCues.set(entry.term, entry);
      continue;
    }
    const first = entry.term[0];
    const list = byFirst.get(first) ?? [];
    list.push(entry);
    byFirst.set(first, list);
  }
  for (const list of byFirst.values()) list.sort((a, b) => b.term.length - a.term.length);

  function segmentGap(text: string, out: Token[]) {
    if (!text) return;
    for (const s of segmenter.segment(text)) {
      if (!s.isWordLike) continue;
      const cue = wordCues.get(s.segment);
      out.push(cue ? { text: s.segment, entry: cue } : { text: s.segment });
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
        let match: LexiconEntry | undefined;
        if (candidates) {
          for (const entry of candidates) {
            if (!text.startsWith(entry.term, i)) continue;
            // An ASCII term must start a word: `HIS` is not inside `THIS`.
            if (asciiLetter.test(entry.term[0]) && i > 0 && asciiLetter.test(text[i - 1])) continue;
            match = entry;
            break;
          }
        }
        if (!match) {
          i++;
          continue;
        }
        segmentGap(text.slice(gapStart, i), out);
        out.push({ text: match.term, entry: match });
        i += match.term.length;
        gapStart = i;
      }
      segmentGap(text.slice(gapStart), out);
      return out;
    },
  };
}
