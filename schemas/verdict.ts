/**
 * The submitter's verdict on the reply (好差评: 国办发〔2019〕51号《关于建立政务服务“好差评”制度提高政务服务水平的
 * 意见》 asks every case to be rated by the person served, with 差评 followed up and handled again). Given once per
 * 查询码 on /track after the reply, changeable for a while (scripts/lib/store/verdicts.ts), and recorded by staff
 * from phone follow-ups with `/revisit` (scripts/lib/triage/commands.ts). Keys are stable English identifiers (the
 * store's CHECK constraint, the form's values); `zh` is what people read and what the labels say.
 */
import { z } from 'zod';
import type { FieldError } from './submission.ts';

/** The three verdicts, best first (the order of the form's radio buttons and of every table). */
export const verdicts = {
  satisfied: { zh: '满意' },
  basically: { zh: '基本满意' },
  unsatisfied: { zh: '不满意' },
} as const;
export type VerdictKey = keyof typeof verdicts;
export const verdictKeys = Object.keys(verdicts) as [VerdictKey, ...VerdictKey[]];

/** Longest reason kept, in characters (code points): a few sentences, like a 好差评 comment box. */
export const reasonMaxLength = 500;

/** Working days a verdict may be changed after it was first given (China's working days, scripts/lib/workdays.ts). */
export const changeableWorkdays = 15;

/** One of `satisfied`, `basically`, `unsatisfied` (also accepted: the Chinese name). */
export const verdictSchema = z.preprocess(
  (v) => (typeof v === 'string' ? (verdictKeys.find((k) => verdicts[k].zh === v.trim()) ?? v.trim()) : v),
  z.enum(verdictKeys, { error: '请选择对答复的评价：满意、基本满意或不满意' }),
);

/** What the submitter sends from the form on /track. */
export const verdictInputSchema = z.object({
  /** The verdict chosen. */
  verdict: verdictSchema,
  /** Why, in the submitter's words (optional; redacted before it is stored). Blank is the same as none. */
  reason: z
    .string({ error: '评价理由应为文字' })
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    .refine((s) => [...s].length <= reasonMaxLength, { message: `评价理由不能超过 ${reasonMaxLength} 个字，请精简后再提交` })
    .transform((s) => (s === '' ? null : s))
    .nullish()
    .transform((s) => s ?? null),
});
export type VerdictInput = z.output<typeof verdictInputSchema>;

/** One stored verdict (the store's `verdicts` row, scripts/lib/store/migrations.ts version 3). */
export const verdictRecordSchema = z.object({
  /** The opinion's 查询码. */
  trackingCode: z.string(),
  /** The verdict in force. */
  verdict: z.enum(verdictKeys),
  /** The reason in force, already redacted (scripts/lib/redact.ts); null when none was given. */
  reason: z.string().nullable(),
  /** ISO instant of the first verdict. */
  givenAt: z.string(),
  /** ISO instant of the verdict in force (= givenAt until it is changed). */
  changedAt: z.string(),
  /** Last China day (YYYY-MM-DD) the verdict may be changed: `changeableWorkdays` working days after the first. */
  changeableUntil: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** ISO instant the issue got the verdict in force (comment and label); null while that is still to be done. */
  syncedAt: z.string().nullable(),
});
export type VerdictRecord = z.infer<typeof verdictRecordSchema>;

/** Validates what the form posted: the value, or field errors (`verdict`, `reason`) in form order. */
export function parseVerdictInput(input: { verdict?: unknown; reason?: unknown }): { ok: true; value: VerdictInput } | { ok: false; errors: FieldError[] } {
  const parsed = verdictInputSchema.safeParse({ verdict: input.verdict, reason: input.reason });
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: FieldError[] = [];
  for (const field of ['verdict', 'reason']) {
    const issue = parsed.error.issues.find((i) => i.path[0] === field);
    if (issue) errors.push({ field, message: issue.message });
  }
  return { ok: false, errors: errors.length ? errors : [{ field: 'form', message: '评价内容无法读取，请重新提交' }] };
}
