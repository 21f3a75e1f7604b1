/**
 * Warnings (not errors) for codes that are well-formed but not in the configured grouping scheme: the person may
 * be citing an older version or have mistyped, and staff should know; the opinion is accepted either way
 * (issue 3: "unknown codes get a warning with the name of the nearest known code").
 */
import { codePatterns } from '../../../schemas/codes.ts';
import type { FieldError, Submission } from '../../../schemas/submission.ts';
import type { CodeList } from '../code-list.ts';

export function codeWarnings(submission: Submission, codeList: CodeList | null): FieldError[] {
  if (!codeList) return [];
  const out: FieldError[] = [];
  const code = submission.drgCode;
  // The configured list holds ADRG/DRG groups; ambiguous groups (HQY) and ICD codes are checked for format only.
  if (code && !codePatterns.ambiguous.test(code) && !codeList.has(code)) {
    const near = codeList.nearest(code, 1)[0];
    out.push({
      field: 'drgCode',
      message: near
        ? `DRG 代码 ${code} 不在当前分组方案中，最接近的是 ${near.code}（${near.name}），请核对`
        : `DRG 代码 ${code} 不在当前分组方案中，请核对`,
    });
  }
  return out;
}
