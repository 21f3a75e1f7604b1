/**
 * Retention of personal data (issue 12): an opinion's name, contact and original text are erased
 * `personalDataRetentionMonths` (bureau.json, default 24) after the opinion closes; the opinion, its reply and the
 * statistics stay. 《个人信息保护法》第十九条 / 第四十七条: kept no longer than the purpose needs, then deleted.
 * Pure plan; `purgePersonalData` applies it with a dry-run flag and an operations budget.
 */
import type { PersonalRecords, RecordRef } from '../store/personal-records.ts';

/** The instant `months` calendar months after `iso` (the 31st rolls back to the month's last day). */
export function addMonths(iso: string, months: number): Date {
  const d = new Date(iso);
  const day = d.getUTCDate();
  const out = new Date(d);
  out.setUTCDate(1);
  out.setUTCMonth(out.getUTCMonth() + months);
  const last = new Date(Date.UTC(out.getUTCFullYear(), out.getUTCMonth() + 1, 0)).getUTCDate();
  out.setUTCDate(Math.min(day, last));
  return out;
}

export function duePurges(closed: { ref: RecordRef; closedAt: string }[], now: Date, months: number): { ref: RecordRef; closedAt: string; dueAt: string }[] {
  return closed
    .map((c) => ({ ...c, dueAt: addMonths(c.closedAt, months).toISOString() }))
    .filter((c) => c.dueAt <= now.toISOString())
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
}

export async function purgePersonalData(
  records: PersonalRecords,
  opts: { now: Date; months: number; dryRun: boolean; budget: number; who?: string },
): Promise<{ due: { ref: RecordRef; closedAt: string; dueAt: string }[]; erased: number; leftForNextRun: number }> {
  const due = duePurges(records.closedRecords(), opts.now, opts.months);
  const take = due.slice(0, opts.budget);
  let erased = 0;
  if (!opts.dryRun) {
    for (const d of take) if (await records.erase(d.ref, 'retention', { person: opts.who ?? '保存期限到期自动删除', tokenId: null })) erased++;
  }
  return { due, erased, leftForNextRun: due.length - take.length };
}
