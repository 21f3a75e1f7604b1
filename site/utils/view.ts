/**
 * Pure helpers the pages share: dates and periods in Chinese, publication cut-off, list filters and
 * pagination, CSV parsing. No I/O and no Astro imports, so unit tests and the benchmark can use them.
 */
import { announcementTypes, type AnnouncementType } from '../../schemas/announcement.ts';
import { categories, offices, outcomes, type CategoryKey, type OutcomeKey } from '../../schemas/common.ts';
import { isoDate, zhDate } from '../../scripts/lib/dates.ts';

// The date helpers live in scripts/lib/dates.ts (scripts use them too, and scripts/lib never imports site/).
export { chinaToday, isoDate, isPublished, zhDate } from '../../scripts/lib/dates.ts';

/** Items per list page: keeps a list page small (issue 2 benchmark builds 10,000 replies). */
export const pageSize = 50;

/**
 * How an issue date reads when the source printed only the year (policy `issuedPrecision: year`, e.g.
 * the undated 济源 draft): `2024年（未注明具体日期）`, never a made-up day. `datetime` is then `2024`.
 */
export function zhIssued(date: Date, precision: 'day' | 'year'): { text: string; datetime: string } {
  return precision === 'year'
    ? { text: `${date.getUTCFullYear()}年（未注明具体日期）`, datetime: String(date.getUTCFullYear()) }
    : { text: zhDate(date), datetime: isoDate(date) };
}

const quarterZh = ['一', '二', '三', '四'];
/** `2026-10` → 2026年10月, `2026Q3` → 2026年第三季度, `2026H1` → 2026年上半年, `2026` → 2026年度. */
export function periodLabel(period: string): string {
  const year = period.slice(0, 4);
  const rest = period.slice(4);
  if (!rest) return `${year}年度`;
  if (rest.startsWith('-')) return `${year}年${Number(rest.slice(1))}月`;
  if (rest.startsWith('Q')) return `${year}年第${quarterZh[Number(rest.slice(1)) - 1]}季度`;
  return `${year}年${rest === 'H1' ? '上' : '下'}半年`;
}

export const categoryZh = (key: CategoryKey) => categories[key].zh;
export const outcomeZh = (key: OutcomeKey) => outcomes[key].zh;
export const officeZh = (key: keyof typeof offices) => offices[key].zh;
export const announcementTypeZh = (key: AnnouncementType) => announcementTypes[key].zh;

/** A filtered, paginated list page: `base` is the list's URL, `page` counts from 1. */
export interface ListPage<T> {
  items: T[];
  page: number;
  pages: number;
  total: number;
  /** URL of this page. */
  url: string;
  prev?: string;
  next?: string;
  /** URL of every page, for numbered links. */
  urls: string[];
}

/** URL of page `n` of a list at `base` (`/replies/`, `/replies/category/grouping/`). */
export function pageUrl(base: string, n: number): string {
  return n <= 1 ? base : `${base}page/${n}/`;
}

/** Splits `items` into pages of `size`; always at least one (possibly empty) page. */
export function paginateList<T>(items: T[], base: string, size = pageSize): ListPage<T>[] {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const urls = Array.from({ length: pages }, (_, i) => pageUrl(base, i + 1));
  return urls.map((url, i) => ({
    items: items.slice(i * size, (i + 1) * size),
    page: i + 1,
    pages,
    total: items.length,
    url,
    prev: i > 0 ? urls[i - 1] : undefined,
    next: i < pages - 1 ? urls[i + 1] : undefined,
    urls,
  }));
}

/** Page links to show: first, last and a window around the current page; `null` marks a gap. */
export function pageWindow(page: number, pages: number, radius = 2): (number | null)[] {
  const out: (number | null)[] = [];
  for (let n = 1; n <= pages; n++) {
    if (n === 1 || n === pages || Math.abs(n - page) <= radius) out.push(n);
    else if (out[out.length - 1] !== null) out.push(null);
  }
  return out;
}

/** Route param for a list page: `undefined` for the list's first page, else `<filter>/page/<n>`. */
export function listParam(filterPath: string, n: number): string | undefined {
  const parts = [filterPath, n > 1 ? `page/${n}` : ''].filter(Boolean);
  return parts.length ? parts.join('/') : undefined;
}

/**
 * RFC 4180 CSV: quoted fields, doubled quotes, commas and newlines inside quotes, CRLF or LF, a
 * leading byte-order mark (Excel writes one). Returns rows of cells; blank trailing lines dropped.
 */
export function parseCsv(text: string): string[][] {
  const src = text.replace(/^\uFEFF/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows.filter((r) => r.some((c) => c.trim() !== ''));
}

/** True when a heading already carries its own number (一、 （二） 1. 第三条), so the TOC adds none. */
export function isNumberedHeading(text: string): boolean {
  return /^\s*(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十]+[）)]|\d+(?:\.\d+)*[.、．\s]|第[一二三四五六七八九十百\d]+[章节条部分])/.test(text);
}

/** Strips Markdown to plain text for feeds and meta descriptions, cut to `max` characters. */
export function plainExcerpt(markdown: string, max = 120): string {
  const text = markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s*(?:#{1,6}|>|[-*+]|\d+\.)\s+/gm, '')
    .replace(/^\s*\|?[-:| ]+\|?\s*$/gm, ' ')
    .replace(/[*_`|]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
