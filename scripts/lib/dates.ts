/**
 * Calendar-day helpers shared by the pages (site/utils/view.ts re-exports them) and the scripts: the Chinese
 * spelling of a day, the `YYYY-MM-DD` of a content date, the day a build runs on in China, and the publication
 * cut-off. Pure. The China-time day of an instant is chinaDate's (workdays.ts).
 */
import { chinaDate } from './workdays.ts';

/** `2024年7月10日`, in China time so a date written as 2024-07-10 reads as that day everywhere. */
export function zhDate(date: Date | string): string {
  const [y, m, d] = isoDate(date).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/**
 * `YYYY-MM-DD` of a content date (a calendar day, parsed to UTC midnight), or a `YYYY-MM-DD` day string as it is.
 * Not for instants: the China-time day of a timestamp is chinaDate's (scripts/lib/workdays.ts).
 */
export function isoDate(date: Date | string): string {
  return typeof date === 'string' ? date.slice(0, 10) : date.toISOString().slice(0, 10);
}

/** The calendar day a build runs on in China (Asia/Shanghai), as a UTC-midnight Date like content dates. */
export function chinaToday(now: Date = new Date()): Date {
  return new Date(`${chinaDate(now)}T00:00:00Z`);
}

/**
 * An announcement dated in the future is not published until that day (issue 2: "an announcement dated
 * in the future is not published until that date"); the daily scheduled build publishes it.
 */
export function isPublished(published: Date, today: Date): boolean {
  return published.getTime() <= today.getTime();
}

