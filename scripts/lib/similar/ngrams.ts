/**
 * The features two opinions are compared by (issue 13, similar opinions): character bigrams and trigrams of
 * their Chinese text, and whole Latin/digit tokens (FM19, ADRG, pci). Why characters: Chinese has no spaces, and
 * word segmentation (Intl.Segmenter) splits the same term differently in different sentences (入组率 vs 入组 + 率),
 * while character n-grams match a paraphrase that keeps the key terms (歧义组, 基准点数, FM19) whatever the
 * sentence around them; no model to download.
 *
 * One pass over the text, by hand, so the cost is linear in its length whatever a submitter writes (no regular
 * expression over the text): full-width letters and digits are folded to ASCII and lower-cased, a run of Han
 * characters gives its bigrams and trigrams, a run of letters and digits gives one token (pure numbers are
 * dropped: case counts and amounts differ between two reports of the same problem), and anything else
 * (punctuation, spaces, the redaction marks 【已隐去…】) separates runs.
 */
import { redactionMarks } from '../redact.ts';

const isHan = (c: number) => (c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x2ebef);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLower = (c: number) => c >= 97 && c <= 122;

/** A–Z and full-width Ａ–Ｚ, ａ–ｚ, ０–９ folded to ASCII lower case; other characters unchanged. */
function fold(c: number): number {
  if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
  if (c >= 65 && c <= 90) c += 32;
  return c;
}

const marks = Object.values(redactionMarks);

/** The text with redaction marks blanked: they say nothing about the topic, yet would match between any two. */
function withoutMarks(text: string): string {
  if (!text.includes('【已隐去')) return text;
  let out = text;
  for (const m of marks) if (out.includes(m)) out = out.split(m).join(' ');
  return out;
}

/**
 * Whether a run of letters, digits and inner dots is worth a feature: anything with a letter (FM19, ADRG, i21.000),
 * and dotted numbers shaped like an ICD-9-CM-3 code or a coefficient (36.0601, 0.85); not plain numbers (12 例,
 * 8000 元) or amounts (12345.67), which differ between two reports of the same problem.
 */
function keepToken(token: string, hasLetter: boolean): boolean {
  if (token.length > 24) return false;
  if (hasLetter) return true;
  const dot = token.indexOf('.');
  return dot > 0 && dot <= 2 && token.length - dot - 1 >= 2;
}

/**
 * The features of a text with their counts. Han bigrams and trigrams as themselves; a Latin/digit token with a
 * leading `#` so it can never equal a Han gram.
 */
export function features(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (f: string) => counts.set(f, (counts.get(f) ?? 0) + 1);
  // The two Han characters before the current one in this run, and the current Latin/digit token.
  let p1 = '';
  let p2 = '';
  let token = '';
  let hasLetter = false;
  let dotPending = false;
  const endToken = () => {
    if (token && keepToken(token, hasLetter)) add(`#${token}`);
    token = '';
    hasLetter = false;
    dotPending = false;
  };
  for (const ch of withoutMarks(text)) {
    const c = fold(ch.codePointAt(0)!);
    if (isHan(c)) {
      endToken();
      if (p1) add(p1 + ch);
      if (p2) add(p2 + p1 + ch);
      p2 = p1;
      p1 = ch;
      continue;
    }
    p1 = '';
    p2 = '';
    if (isDigit(c) || isLower(c)) {
      // A dot between two letters or digits belongs to the token (I21.000, 36.0601); a trailing one does not.
      if (dotPending) token += '.';
      dotPending = false;
      token += String.fromCharCode(c);
      if (isLower(c)) hasLetter = true;
    } else if (c === 46 && token && !dotPending) dotPending = true;
    else endToken();
  }
  endToken();
  return counts;
}
