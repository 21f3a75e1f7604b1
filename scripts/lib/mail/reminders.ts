/**
 * The daily reminder mail (issue 14): each office with a mailbox in bureau.json `reminderEmails` gets one mail a day
 * listing its opinions labelled 逾期; the leadership's mailbox gets those labelled 逾期督办. The overdue labels are
 * set by the daily overdue check (scripts/lib/triage/overdue.ts); this reads them from the store's view of the
 * issues, so it costs the tracker nothing. One mail per office and day (the queue key), whatever the restarts.
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import { officeKeys, type OfficeKey } from '../../../schemas/common.ts';
import { flags, keyFromLabels, officeLabel } from '../labels.ts';
import type { IssueStatus } from '../store/issue-status.ts';
import type { Store } from '../store/store.ts';
import type { OutboxJob } from '../submission/outbox.ts';
import { chinaDate, workdaysBetween, type WorkCalendar } from '../workdays.ts';
import { queueMessage, type CourierDeps } from './courier.ts';
import { composeReminder, type MailIdentity, type ReminderItem } from './outbound.ts';

export async function queueReminders(deps: {
  store: Store;
  bureau: Bureau;
  calendar: WorkCalendar;
  courier: CourierDeps;
  identity: MailIdentity;
  issueStatus: (n: number) => Promise<IssueStatus | null>;
  now: Date;
}): Promise<number> {
  const mailboxes = deps.bureau.reminderEmails;
  if (!mailboxes) return 0;
  const day = chinaDate(deps.now);
  const lists = new Map<string, { office: OfficeKey; escalation: boolean; to: string; items: ReminderItem[] }>();
  const rows = deps.store.db.prepare('SELECT job, issue_number FROM submissions WHERE issue_number IS NOT NULL').all() as { job: string; issue_number: number }[];
  for (const row of rows) {
    const status = await deps.issueStatus(row.issue_number);
    if (!status || status.state !== 'open' || !status.labels.includes(flags.overdue)) continue;
    const job = JSON.parse(row.job) as OutboxJob;
    const office = keyFromLabels<OfficeKey>(status.labels, officeLabel, officeKeys) ?? job.office;
    const escalation = status.labels.includes(flags.overdueEscalated);
    const to = escalation ? mailboxes.leadership : mailboxes[office];
    if (!to) continue;
    const key = `${escalation ? 'leadership' : office}`;
    const list = lists.get(key) ?? { office, escalation, to, items: [] };
    list.items.push({ trackingCode: job.trackingCode, title: job.issue.title, deadline: job.deadline, lateWorkdays: Math.max(0, workdaysBetween(deps.calendar, job.deadline, day)) });
    lists.set(key, list);
  }
  let queued = 0;
  for (const [who, list] of lists) {
    const mail = composeReminder(deps.identity, { to: [{ address: list.to }], office: list.office, escalation: list.escalation, day, items: list.items });
    await deps.store.write((w) => {
      if (queueMessage(w, deps.courier, { key: `reminder:${who}:${day}`, kind: 'reminder', trackingCode: null, to: list.to, payload: { mail } })) queued++;
    });
  }
  return queued;
}
