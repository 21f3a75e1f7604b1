/**
 * The machine-readable block of an opinion issue: a fenced code block with the info string
 * `json opinion` holding one OpinionRecord. Fenced (not an HTML comment) so staff can see it and
 * GitHub never hides it; the JSON is escaped so user text can never close the fence.
 *
 * Anyone who may open an issue can type such a block, so parsing one proves nothing: it is believed only
 * when the submission server's own account opened the issue (scripts/lib/triage/trust.ts, issue 11).
 * Parsing is two indexOf scans and JSON.parse, linear in the body's length.
 */
import { opinionRecordSchema, type OpinionRecord } from '../../schemas/opinion.ts';

/** The fence line that opens the block. */
export const OPINION_FENCE = '```json opinion';

export function renderOpinionBlock(record: OpinionRecord): string {
  // JSON.stringify never emits a raw newline inside a string, and we escape backticks, so the
  // fence cannot be closed from inside.
  const json = JSON.stringify(record).replace(/`/g, '\\u0060');
  return `${OPINION_FENCE}\n${json}\n\`\`\``;
}

/** The record in an issue body, or null when there is none or it does not validate. */
export function parseOpinionBlock(body: string): OpinionRecord | null {
  const start = body.lastIndexOf(OPINION_FENCE);
  if (start < 0) return null;
  const rest = body.slice(start + OPINION_FENCE.length);
  const end = rest.indexOf('\n```');
  if (end < 0) return null;
  try {
    const parsed = opinionRecordSchema.safeParse(JSON.parse(rest.slice(0, end).trim()));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
