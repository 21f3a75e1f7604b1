/**
 * Codes an opinion mentions, as published on a reply page (schemas/codes.ts MentionedCode).
 * The triage helper's `extractCodes` (scripts/lib/classify/codes.ts, contracts.md) is the one extractor;
 * publishing receives it as a dependency. `formatOnlyCodes` is the stand-in used until that module is
 * present: schemas/codes.ts patterns plus the configured code list for names.
 */
import { codeKind, type MentionedCode } from '../../../schemas/codes.ts';
import type { CodeList } from '../code-list.ts';
import { toHalfWidth } from '../redact.ts';

/** Whatever an extractor returns: at least MentionedCode's fields (ExtractedCode adds known/nearest/outdated). */
export type CodeExtractor = (text: string, codeList: CodeList | null) => (MentionedCode & Record<string, unknown>)[];

const token = /(?<![A-Za-z0-9.])(?:[A-Za-z]{1,2}\d[0-9A-Za-z.]*|[A-Za-z]QY|\d{2}\.\d{1,4}(?:[xX]\d{3})?)(?![A-Za-z0-9])/g;

/** Codes found by shape alone, named from the list where it knows them; first mention first, no repeats. */
export const formatOnlyCodes: CodeExtractor = (text, codeList) => {
  const seen = new Set<string>();
  const out: MentionedCode[] = [];
  for (const [raw] of toHalfWidth(text).matchAll(token)) {
    const code = raw.replace(/\.$/, '').toUpperCase().replace(/X(\d{3})$/, 'x$1');
    const kind = codeKind(code);
    if (!kind || seen.has(code)) continue;
    seen.add(code);
    const name = kind === 'icd10' || kind === 'icd9cm3' ? undefined : codeList?.name(code);
    out.push(name ? { code, kind, name } : { code, kind });
  }
  return out;
};

/** Keeps only the published fields (code, kind, name), in schema order. */
export function publicCodes(codes: ReturnType<CodeExtractor>): MentionedCode[] {
  return codes.map((c) => (c.name ? { code: c.code, kind: c.kind, name: c.name } : { code: c.code, kind: c.kind }));
}
