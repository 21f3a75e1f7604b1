/**
 * Formats of the codes opinions mention. Pure patterns; which codes exist is bureau configuration
 * (a code list loaded from a path, see scripts/lib/code-list.ts), never hard-coded here.
 * Evidence: ../shared/data/chs-drg-2.0/README.md (ADRG = MDC letter + letter + digit; DRG = ADRG + digit).
 */
import { z } from 'zod';

export const codePatterns = {
  /** CHS-DRG core group, e.g. `FM1`. */
  adrg: /^[A-Z][A-Z]\d$/,
  /** CHS-DRG group, e.g. `FM19`, `BR11`. Last digit 1/3/5/9 (MCC/CC/none/not split). */
  drg: /^[A-Z][A-Z]\d[1-9]$/,
  /** Ambiguous group (歧义组) of an MDC, e.g. `HQY`. */
  ambiguous: /^[A-Z]QY$/,
  /** ICD-10 医保版 diagnosis, e.g. `I21.000`, `I21.000x001`, `K35.8`. */
  icd10: /^[A-Z]\d{2}(?:\.[0-9A-Z]{1,3})?(?:x\d{3})?$/,
  /** ICD-9-CM-3 医保版 procedure, e.g. `36.0601`, `36.06x001`. */
  icd9cm3: /^\d{2}\.\d{1,4}(?:x\d{3})?$/,
} as const;
export type CodeKind = keyof typeof codePatterns;

/** Names a code's kind from its shape, or undefined. `FM1` is an ADRG, `FM19` a DRG. */
export function codeKind(code: string): CodeKind | undefined {
  for (const kind of Object.keys(codePatterns) as CodeKind[]) {
    if (kind === 'adrg' && codePatterns.ambiguous.test(code)) continue;
    if (codePatterns[kind].test(code)) return kind;
  }
  return undefined;
}

/** A code mentioned in an opinion or reply, with its name when a configured list knows it. */
export const mentionedCodeSchema = z.object({
  /** The code as written, upper-cased, e.g. `FM19`. */
  code: z.string().min(1),
  /** Its kind, from the pattern. */
  kind: z.enum(Object.keys(codePatterns) as [CodeKind, ...CodeKind[]]),
  /** Name from the configured code list, e.g. 经皮冠状动脉支架植入. */
  name: z.string().optional(),
});
export type MentionedCode = z.infer<typeof mentionedCodeSchema>;
