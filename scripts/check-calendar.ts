/**
 * `npm run calendar:check [-- --today 2026-11-23]`: lists the announcements due under the calendar rules
 * (scripts/lib/publish/calendar.ts) from bureau.json `calendar.start` until today, and prints a GitHub
 * `::warning` for each one past its deadline and not published, a `::notice` for each one due now.
 * Always exits 0: CI warns, it does not fail (issue 5).
 */
import { announcementTypes } from '../schemas/announcement.ts';
import { readAnnouncementIndex } from './lib/announcement-index-fs.ts';
import { loadBureau } from './lib/bureau.ts';
import { contentDir } from './lib/content-dir.ts';
import { calendarAnnotations, calendarStatus, dueItems, statusZh } from './lib/publish/calendar.ts';
import { parseFlags } from './lib/publish/context-fs.ts';
import { addDays } from './lib/publish/periods.ts';
import { loadWorkCalendar } from './lib/workdays-fs.ts';
import { chinaDate } from './lib/workdays.ts';

const flags = parseFlags(process.argv.slice(2), { budget: 1 });
const today = flags.values.today ?? process.env.BUILD_DATE ?? chinaDate(new Date());
const settings = loadBureau().calendar;
if (!settings) {
  console.log('bureau.json 未配置 calendar（公告日历），跳过检查');
  process.exit(0);
}
const entries = calendarStatus(dueItems(settings, loadWorkCalendar(), settings.start, addDays(today, 31)), (await readAnnouncementIndex(contentDir())).entries, today)
  .filter((e) => e.opens <= today);
const label = (type: keyof typeof announcementTypes, period: string) => `${period} ${announcementTypes[type].zh}`;
for (const e of entries) console.log(`${e.deadline}  ${label(e.type, e.period).padEnd(24)} ${statusZh[e.status]}${e.announcement ? `  ${e.announcement.id}` : ''}`);
const notes = calendarAnnotations(entries, label, today);
for (const line of notes) console.log(line);
const missing = entries.filter((e) => e.status === 'missing').length;
console.log(`公告日历（截至 ${today}）：应发布 ${entries.length} 项，逾期未发布 ${missing} 项`);
