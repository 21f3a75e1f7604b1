/**
 * Labelled opinion sets (development data under tests/fixtures/, and a held-out set when someone provides one):
 * one JSON object per line, the classify input plus what a person decided:
 *   {"id","title","body","selected","category","department","escalate","codes",["alsoAccept"]}
 * `alsoAccept` lists other categories that count as right (an opinion a labeller would file either way).
 * Pure: text in, opinions or line-numbered Chinese errors out.
 */
import { z } from 'zod';
import { categorySchema, officeSchema } from '../../../schemas/common.ts';
import type { LabelledOpinion } from './train.ts';

export const labelledOpinionSchema = z.object({
  /** Identifier, unique within the set. */
  id: z.union([z.string(), z.number()], { error: 'id 必须是字符串或数字' }).transform(String),
  /** 主要意见及建议. */
  title: z.string({ error: 'title 必须是字符串' }),
  /** 具体问题和建议. */
  body: z.string({ error: 'body 必须是字符串' }).default(''),
  /** The box the submitter ticked, or null. */
  selected: categorySchema.nullable().default(null),
  /** The category a person decided. */
  category: categorySchema,
  /** The office that handles it (the bureau's routing of the category); checked by the benchmark when present. */
  department: officeSchema.optional(),
  /** Whether it goes in the upward report. */
  escalate: z.boolean({ error: 'escalate 必须是 true 或 false' }),
  /** Codes it mentions, as written (upper-cased letters, `x` placeholders lower-case); strings or {code}. */
  codes: z.array(z.union([z.string(), z.object({ code: z.string() }).transform((c) => c.code)])).default([]),
  /** Other categories that count as right. */
  alsoAccept: z.array(categorySchema).optional(),
});

export type LabelledLine = LabelledOpinion & { department?: z.infer<typeof officeSchema>; codes: string[] };

export interface LabelledSet {
  opinions: LabelledLine[];
  errors: string[];
}

export function parseLabelled(text: string, name: string): LabelledSet {
  const opinions: LabelledLine[] = [];
  const errors: string[] = [];
  const ids = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (e) {
      errors.push(`${name} 第 ${i + 1} 行不是合法的 JSON：${(e as Error).message}`);
      return;
    }
    const parsed = labelledOpinionSchema.safeParse(data);
    if (!parsed.success) {
      errors.push(`${name} 第 ${i + 1} 行字段有误：${parsed.error.issues.map((x) => `${x.path.join('.') || '(整行)'}：${x.message}`).join('；')}`);
      return;
    }
    if (ids.has(parsed.data.id)) errors.push(`${name} 第 ${i + 1} 行：id ${parsed.data.id} 重复`);
    ids.add(parsed.data.id);
    opinions.push(parsed.data);
  });
  return { opinions, errors };
}
