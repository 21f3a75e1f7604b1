/**
 * Chinese working days: the State Council holiday and make-up-workday (调休) calendar, from the
 * maintained `chinese-days` package, plus content/settings/holidays.json for years the package does
 * not cover yet (the bureau adds the new year's notice each December). Pure: the calendar is passed in.
 * Dates are `YYYY-MM-DD` in China Standard Time.
 */
import chineseDays from 'chinese-days';

export interface HolidayOverrides {
  /** Days off that would otherwise be working days, e.g. 2027-02-10. */
  holidays: string[];
  /** Weekend days that are working days (调休上班). */
  workdays: string[];
}

export interface WorkCalendar {
  isWorkday(date: string): boolean;
  /** False when neither the package nor the overrides know the year: weekends only are assumed. */
  covers(date: string): boolean;
}

/** Years the `chinese-days` package has data for, read from its holiday table. */
function packageYears(): Set<number> {
  const years = new Set<number>();
  for (let y = 2004; y <= 2100; y++) {
    // The package marks Spring Festival as a holiday in every year it knows.
    const detail = chineseDays.getHolidaysInRange(`${y}-01-01`, `${y}-03-31`, false);
    if (detail.length) years.add(y);
  }
  return years;
}
let knownYears: Set<number> | undefined;

export function createWorkCalendar(overrides: HolidayOverrides = { holidays: [], workdays: [] }): WorkCalendar {
  knownYears ??= packageYears();
  const off = new Set(overrides.holidays);
  const on = new Set(overrides.workdays);
  const overrideYears = new Set([...off, ...on].map((d) => Number(d.slice(0, 4))));
  const years = knownYears;
  return {
    isWorkday(date) {
      if (off.has(date)) return false;
      if (on.has(date)) return true;
      const year = Number(date.slice(0, 4));
      if (years.has(year)) return chineseDays.isWorkday(date);
      const day = new Date(`${date}T00:00:00Z`).getUTCDay();
      return day !== 0 && day !== 6;
    },
    covers(date) {
      const year = Number(date.slice(0, 4));
      return years.has(year) || overrideYears.has(year);
    },
  };
}

/** The calendar date in China (UTC+8, no DST) of an instant. */
export function chinaDate(instant: Date): string {
  return chinaDateTime(instant).slice(0, 10);
}

/** `YYYY-MM-DD HH:mm` in China (UTC+8, no DST): how staff and submitters read a moment. */
export function chinaDateTime(instant: Date | string): string {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

function nextDay(date: string, delta = 1): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + delta);
  return d.toISOString().slice(0, 10);
}

/**
 * The day `n` working days after `start` (the receiving day itself does not count), e.g. received on
 * 2026-09-28 with n = 10 → 2026-10-16 (国庆 holidays skipped, 10-10 make-up day counted).
 */
export function addWorkdays(calendar: WorkCalendar, start: string, n: number): string {
  let date = start;
  let left = n;
  while (left > 0) {
    date = nextDay(date);
    if (calendar.isWorkday(date)) left--;
  }
  return date;
}

/** Working days from `from` (exclusive) to `to` (inclusive); negative when `to` is earlier. */
export function workdaysBetween(calendar: WorkCalendar, from: string, to: string): number {
  if (from === to) return 0;
  const sign = from < to ? 1 : -1;
  let [a, b] = sign > 0 ? [from, to] : [to, from];
  let count = 0;
  while (a < b) {
    a = nextDay(a);
    if (calendar.isWorkday(a)) count++;
  }
  return sign * count;
}
