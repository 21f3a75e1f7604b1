/**
 * The line protocol of `npm run --silent classify < opinions.jsonl > result.jsonl` (issue 4): one JSON
 * object per input line `{"id","title","body","selected"}`, one result per line in the same order
 * `{"id","category","department","escalate","codes","confidence","review","reasons"}`;
 * `review` is the 分类待确认 decision (issue 13): true when a person should confirm the category.
 *
 * A malformed line does not stop the run: its output line is `{"id": <id or null>, "line": N, "error": "…"}`
 * (so output line N still answers input line N), the same message goes to stderr, and the process exits 1
 * at the end. Blank lines are skipped without output. Extra input fields (e.g. `expected`) are ignored.
 */
import { z } from 'zod';
import { categorySchema } from '../../../schemas/common.ts';
import type { Classification, Classifier } from './classifier.ts';

export const classifyInputSchema = z.object({
  /** Caller's identifier, echoed back (an issue number, a tracking code...). */
  id: z.union([z.string(), z.number()], { error: 'id 必须是字符串或数字' }),
  /** 主要意见及建议. */
  title: z.string({ error: 'title 必须是字符串' }),
  /** 具体问题和建议 (may be empty). */
  body: z.string({ error: 'body 必须是字符串' }).default(''),
  /** The ticked category key, or null when none was ticked. */
  selected: categorySchema.nullable().default(null),
});
export type ClassifyInput = z.infer<typeof classifyInputSchema>;

export type ClassifyOutput = Pick<Classification, 'category' | 'department' | 'escalate' | 'codes' | 'confidence' | 'reasons'> & {
  id: string | number;
  /** The 分类待确认 decision: a person should confirm the category. */
  review: boolean;
};
export interface ClassifyError {
  id: string | number | null;
  line: number;
  error: string;
}

export function toOutput(id: string | number, c: Classification): ClassifyOutput {
  return { id, category: c.category, department: c.department, escalate: c.escalate, codes: c.codes, confidence: c.confidence, review: c.needsReview, reasons: c.reasons };
}

/** Classifies one input line (1-based `lineNumber` for messages); null for a blank line. */
export function classifyLine(classifier: Classifier, line: string, lineNumber: number): ClassifyOutput | ClassifyError | null {
  if (!line.trim()) return null;
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (e) {
    return { id: null, line: lineNumber, error: `第 ${lineNumber} 行不是合法的 JSON：${(e as Error).message}` };
  }
  const parsed = classifyInputSchema.safeParse(data);
  if (!parsed.success) {
    const id = data && typeof data === 'object' && 'id' in data && (typeof data.id === 'string' || typeof data.id === 'number') ? data.id : null;
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(整行)'}：${i.message}`).join('；');
    return { id, line: lineNumber, error: `第 ${lineNumber} 行字段有误：${issues}` };
  }
  const { id, title, body, selected } = parsed.data;
  return toOutput(id, classifier.classify({ title, body, selected }));
}

export const isClassifyError = (r: ClassifyOutput | ClassifyError): r is ClassifyError => 'error' in r;
