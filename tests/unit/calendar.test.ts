/**
 * Calendar rules: month ends, the first ten days of each quarter's second month, one month after the
 * annual settlement, half-years and year ends; deadlines on rest days or holidays move to the next
 * working day; statuses against the announcements that exist; the CI annotations.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAnnouncementIndex } from '../../scripts/lib/announcement-index-fs.ts';
import { calendarAnnotations, calendarStatus, dueItems, rollToWorkday, type DueItem } from '../../scripts/lib/publish/calendar.ts';
import { addOneMonth, monthEnd, quarterDays, quarterOfInstant, previousQuarter } from '../../scripts/lib/publish/periods.ts';
import { createWorkCalendar } from '../../scripts/lib/workdays.ts';

const calendar = createWorkCalendar();
const settings = { start: '2026-01-01', annualSettlement: { '2025': '2026-04-30' } };
const find = (items: DueItem[], type: string, period: string) => items.find((i) => i.type === type && i.period === period);

describe('periods in China time', () => {
  it('knows month ends and leap years', () => {
    expect(monthEnd(2026, 2)).toBe('2026-02-28');
    expect(monthEnd(2028, 2)).toBe('2028-02-29');
    expect(monthEnd(2026, 12)).toBe('2026-12-31');
    expect(addOneMonth('2026-01-31')).toBe('2026-02-28');
    expect(addOneMonth('2026-12-15')).toBe('2027-01-15');
  });

  it('puts instants in the quarter of their Beijing day', () => {
    expect(quarterOfInstant('2026-09-30T15:59:59Z')).toEqual({ year: 2026, q: 3 });
    expect(quarterOfInstant('2026-09-30T16:00:00Z')).toEqual({ year: 2026, q: 4 });
    expect(quarterOfInstant('2026-12-31T16:00:00Z')).toEqual({ year: 2027, q: 1 });
    expect(quarterDays({ year: 2026, q: 1 })).toEqual({ start: '2026-01-01', end: '2026-03-31' });
    expect(previousQuarter({ year: 2026, q: 1 })).toEqual({ year: 2025, q: 4 });
  });
});

describe('deadlines on rest days and holidays', () => {
  it('moves to the next working day, honouring make-up working days', () => {
    expect(rollToWorkday(calendar, '2026-06-30')).toBe('2026-06-30'); // Tuesday
    expect(rollToWorkday(calendar, '2026-01-31')).toBe('2026-02-02'); // Saturday → Monday
    expect(rollToWorkday(calendar, '2026-05-10')).toBe('2026-05-11'); // Sunday after 劳动节
    expect(rollToWorkday(calendar, '2026-05-09')).toBe('2026-05-09'); // Saturday make-up working day (调休上班)
    expect(rollToWorkday(calendar, '2026-10-01')).toBe('2026-10-08'); // 国庆节
  });
});

describe('due items', () => {
  const items = dueItems(settings, calendar, '2026-01-01', '2026-12-31');

  it('月告知: in each month, for the month before, by its last (working) day', () => {
    expect(find(items, 'monthly-notice', '2026-09')).toEqual({ type: 'monthly-notice', period: '2026-09', opens: '2026-10-01', nominalDeadline: '2026-10-31', deadline: '2026-11-02' });
    expect(find(items, 'monthly-notice', '2025-12')).toMatchObject({ opens: '2026-01-01', deadline: '2026-02-02' });
    // 2025-12 … 2026-11; the notice for 2026-12 opens on 2027-01-01.
    expect(items.filter((i) => i.type === 'monthly-notice').map((i) => i.period)).toEqual(['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']);
  });

  it('季公告: first ten days of the quarter’s second month, for the quarter before', () => {
    expect(find(items, 'quarterly-announcement', '2026Q3')).toMatchObject({ opens: '2026-11-01', nominalDeadline: '2026-11-10', deadline: '2026-11-10' });
    expect(find(items, 'quarterly-announcement', '2026Q1')).toMatchObject({ opens: '2026-05-01', nominalDeadline: '2026-05-10', deadline: '2026-05-11' });
    expect(find(items, 'quarterly-announcement', '2025Q4')).toMatchObject({ opens: '2026-02-01', deadline: '2026-02-10' });
  });

  it('年通报: within a month of the configured settlement; none without a date', () => {
    expect(find(items, 'annual-report', '2025')).toMatchObject({ opens: '2026-04-30', nominalDeadline: '2026-05-30', deadline: '2026-06-01' });
    expect(find(items, 'annual-report', '2026')).toBeUndefined();
  });

  it('特例单议 every half-year, 预付金 at year end', () => {
    expect(find(items, 'special-case-review', '2026H1')).toMatchObject({ opens: '2026-01-01', deadline: '2026-06-30' });
    expect(find(items, 'special-case-review', '2026H2')).toMatchObject({ deadline: '2026-12-31' });
    expect(find(items, 'prepayment', '2026')).toMatchObject({ opens: '2026-12-01', deadline: '2026-12-31' });
  });

  it('starts at the configured first day', () => {
    expect(items.every((i) => i.deadline >= '2026-01-01')).toBe(true);
    expect(find(items, 'special-case-review', '2025H2')).toBeUndefined();
  });
});

describe('status and CI warnings', () => {
  const items = dueItems(settings, calendar, '2026-09-01', '2026-12-01').filter((i) => i.type !== 'special-case-review' && i.type !== 'prepayment');
  const announcements = [
    { id: '2026-09-monthly', type: 'monthly-notice' as const, period: '2026-09', published: '2026-10-28', title: '2026年9月月告知' },
    { id: '2026q3', type: 'quarterly-announcement' as const, period: '2026Q3', published: '2026-11-30', title: '2026年第三季度季公告' },
  ];

  it('marks published, scheduled, due, missing and upcoming', () => {
    const on = (today: string) => Object.fromEntries(calendarStatus(items, announcements, today).map((e) => [`${e.type} ${e.period}`, e.status]));
    expect(on('2026-11-05')).toEqual({
      'monthly-notice 2026-08': 'missing',
      'monthly-notice 2026-09': 'published',
      'quarterly-announcement 2026Q3': 'scheduled',
      'monthly-notice 2026-10': 'due',
      'monthly-notice 2026-11': 'upcoming',
    });
    expect(on('2026-11-30')['quarterly-announcement 2026Q3']).toBe('late');
  });

  it('warns for missing announcements and notes open ones', () => {
    const entries = calendarStatus(items, announcements, '2026-11-05');
    const lines = calendarAnnotations(entries, (t, p) => `${p} ${t}`, '2026-11-05');
    expect(lines).toEqual([
      '::warning title=公告逾期未发布::2026-08 monthly-notice应于2026-09-30前发布（每月月底前告知上月情况（泰州 二(一)）），尚未发布',
      '::notice title=公告待发布::2026-10 monthly-notice须在2026-11-30前发布，还剩25天',
    ]);
  });
});

describe('announcements as the calendar check reads them', () => {
  it('names each by the id its page has on the site (Astro glob loader ids, slug honoured)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drg-calendar-'));
    try {
      const monthly = readFileSync('tests/fixtures/site-content/announcements/2026-10-monthly.md', 'utf8');
      mkdirSync(join(dir, 'announcements/2026'), { recursive: true });
      writeFileSync(join(dir, 'announcements/2026/Oct Monthly 月告知.md'), monthly);
      writeFileSync(join(dir, 'announcements/2026/renamed.md'), monthly.replace(/^---\n/, '---\nslug: 2026-10-notice\n'));
      const ids = (await readAnnouncementIndex(dir)).entries.map((a) => a.id).sort();
      expect(ids).toEqual(['2026-10-notice', '2026/oct-monthly-月告知']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
