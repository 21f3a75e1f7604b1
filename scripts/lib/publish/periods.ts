/**
 * Months, quarters and half-years as calendar days in China (UTC+8, no DST): an opinion received at
 * 2026-09-30T17:00Z belongs to 2026Q4, because it is already 1 October in Beijing (issue 5: "quarter
 * boundaries in China time"). Days are `YYYY-MM-DD`; periods use schemas/common.ts periodSchema forms.
 */
import { chinaDate } from '../workdays.ts';

export interface Quarter {
  year: number;
  /** 1–4. */
  q: number;
}

export function parseQuarter(text: string): Quarter {
  const m = /^(\d{4})Q([1-4])$/i.exec(text.trim());
  if (!m) throw new Error(`季度格式应为 2026Q3，收到 ${text}`);
  return { year: Number(m[1]), q: Number(m[2]) };
}

export const quarterKey = ({ year, q }: Quarter) => `${year}Q${q}`;
/** File/URL id: `2026-q3`. */
export const quarterId = ({ year, q }: Quarter) => `${year}-q${q}`;

const pad = (n: number) => String(n).padStart(2, '0');

/** Last day of a month (month 1–12). */
export function monthEnd(year: number, month: number): string {
  return `${year}-${pad(month)}-${pad(new Date(Date.UTC(year, month, 0)).getUTCDate())}`;
}

/** First and last day of the quarter. */
export function quarterDays({ year, q }: Quarter): { start: string; end: string } {
  return { start: `${year}-${pad(q * 3 - 2)}-01`, end: monthEnd(year, q * 3) };
}

/** The quarter a China calendar day falls in. */
export function quarterOfDay(day: string): Quarter {
  return { year: Number(day.slice(0, 4)), q: Math.ceil(Number(day.slice(5, 7)) / 3) };
}

/** The quarter an instant falls in, in China time. */
export function quarterOfInstant(instant: Date | string): Quarter {
  return quarterOfDay(chinaDate(typeof instant === 'string' ? new Date(instant) : instant));
}

export function previousQuarter({ year, q }: Quarter): Quarter {
  return q === 1 ? { year: year - 1, q: 4 } : { year, q: q - 1 };
}

export function nextQuarter({ year, q }: Quarter): Quarter {
  return q === 4 ? { year: year + 1, q: 1 } : { year, q: q + 1 };
}

/** The first instant of a China calendar day, as an ISO string (for tracker `since` filters). */
export function chinaDayStart(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 8 * 3600_000).toISOString();
}

const quarterZh = ['一', '二', '三', '四'];
/** 2026年第三季度. */
export const quarterLabel = ({ year, q }: Quarter) => `${year}年第${quarterZh[q - 1]}季度`;

/** Adds days to a `YYYY-MM-DD`. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The same day one month later, clamped to the month's end (2026-01-31 → 2026-02-28). */
export function addOneMonth(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const [ny, nm] = m === 12 ? [y + 1, 1] : [y, m + 1];
  const last = Number(monthEnd(ny, nm).slice(8));
  return `${ny}-${pad(nm)}-${pad(Math.min(d, last))}`;
}
