/** The work calendar of this site: chinese-days plus content/settings/holidays.json (bundled statically). */
import overrides from '../../content/settings/holidays.json' with { type: 'json' };
import { createWorkCalendar, type WorkCalendar } from './workdays.ts';

let cached: WorkCalendar | undefined;
export function loadWorkCalendar(): WorkCalendar {
  return (cached ??= createWorkCalendar(overrides));
}
