/**
 * The machine-readable block of an opinion issue: a fenced code block with the info string
 * `json opinion` holding one OpinionRecord. Fenced (not an HTML comment) so staff can see it and
 * GitHub never hides it; the JSON is escaped so user text can never close the fence.
 */
import { opinionRecordSchema, type OpinionRecord } from '../../schemas/opinion.ts';

const FENCE_OPEN = '```json opinion';

export function renderOpinionBlock(record: OpinionRecord): string {
  // JSON.stringify never emits a raw newline inside a string, and we escape backticks, so the
  // fence cannot be closed from inside.
  const json = JSON.stringify(record).replace(/`/g, '\\u0060');
  return `${FENCE_OPEN}\n${json}\n\`\`\``;
}

/** The record in an issue body, or null when there is none or it does not validate. */
export function parseOpinionBlock(body: string): OpinionRecord | null {
  const start = body.lastIndexOf(FENCE_OPEN);
  if (start < 0) return null;
  const rest = body.slice(start + FENCE_OPEN.length);
  const end = rest.indexOf('\n```');
  if (end < 0) return null;
  try {
    const parsed = opinionRecordSchema.safeParse(JSON.parse(rest.slice(0, end).trim()));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
