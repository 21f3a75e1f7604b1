/**
 * When an opinion must be answered: the receiving day (China time) plus the category's working-day
 * limit from bureau.json `replyDays`. Derived, never stored, so /category changes move it consistently
 * for the receipt, triage, the overdue check and the quarterly on-time rate.
 */
import type { Bureau } from '../../schemas/bureau.ts';
import type { CategoryKey } from '../../schemas/common.ts';
import { addWorkdays, chinaDate, type WorkCalendar } from './workdays.ts';

export function dueDate(bureau: Bureau, calendar: WorkCalendar, receivedAt: Date | string, category: CategoryKey): string {
  const day = chinaDate(typeof receivedAt === 'string' ? new Date(receivedAt) : receivedAt);
  return addWorkdays(calendar, day, bureau.replyDays[category]);
}
