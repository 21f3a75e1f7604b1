import { describe, expect, it } from 'vitest';
import { dueDate } from '../../scripts/lib/due.ts';
import { calendarWarning } from '../../scripts/lib/triage/plan.ts';
import { addWorkdays, chinaDate, createWorkCalendar, workdaysBetween } from '../../scripts/lib/workdays.ts';
import { bureau, calendar } from './triage-support.ts';

describe('Chinese working days', () => {
  it('knows the 2026 National Day holiday and its make-up working days (调休)', () => {
    for (let d = 1; d <= 7; d++) expect(calendar.isWorkday(`2026-10-0${d}`)).toBe(false);
    expect(calendar.isWorkday('2026-10-08')).toBe(true);
    expect(calendar.isWorkday('2026-10-10')).toBe(true); // Saturday, 调休上班
    expect(calendar.isWorkday('2026-09-20')).toBe(true); // Sunday, 调休上班
    expect(calendar.isWorkday('2026-10-11')).toBe(false); // an ordinary Sunday
  });

  it('counts limits from the day after receipt, skipping holidays and counting make-up days', () => {
    expect(addWorkdays(calendar, '2026-09-28', 10)).toBe('2026-10-16');
    expect(dueDate(bureau, calendar, '2026-09-28T02:00:00Z', 'other')).toBe('2026-10-16');
    expect(dueDate(bureau, calendar, '2026-09-28T02:00:00Z', 'grouping')).toBe('2026-10-30');
    expect(workdaysBetween(calendar, '2026-09-30', '2026-10-09')).toBe(2);
    expect(workdaysBetween(calendar, '2026-10-09', '2026-09-30')).toBe(-2);
  });

  it('uses the China date of the receiving instant', () => {
    // 17:30 UTC on 27 September is 01:30 on 28 September in China.
    expect(chinaDate(new Date('2026-09-27T17:30:00Z'))).toBe('2026-09-28');
  });

  it('takes a year the package does not know from holidays.json overrides', () => {
    const plain = createWorkCalendar();
    expect(plain.covers('2099-10-01')).toBe(false);
    expect(plain.isWorkday('2099-10-01')).toBe(true); // a Thursday: weekends only are assumed
    expect(calendarWarning(plain, '2099-09-28', '2099-10-20')).toContain('2099');
    const updated = createWorkCalendar({ holidays: ['2099-10-01', '2099-10-02'], workdays: ['2099-10-10'] });
    expect(updated.covers('2099-10-01')).toBe(true);
    expect(updated.isWorkday('2099-10-01')).toBe(false);
    expect(updated.isWorkday('2099-10-10')).toBe(true); // a Saturday made a working day
    expect(calendarWarning(updated, '2099-09-28', '2099-10-20')).toBeNull();
    expect(calendarWarning(calendar, '2026-09-28', '2026-10-30')).toBeNull();
  });
});
