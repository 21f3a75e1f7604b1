/**
 * Tells submitters that their opinion was answered (issue 14): for each submission with a reply address whose
 * issue has been marked 已答复, queue one message: by mail the answer itself with the links to the public reply and
 * to /track (where the submitter gives a verdict), by SMS a short note with the link. Each round reads the store
 * only, except one comment listing per newly answered issue; `budget` bounds those.
 */
import { outcomeKeys, type OutcomeKey } from '../../../schemas/common.ts';
import { flags, keyFromLabels, outcomeLabel } from '../labels.ts';
import { latestReply } from '../publish/reply.ts';
import type { IssueStatus } from '../store/issue-status.ts';
import type { ServerCrypt } from '../store/server-crypt.ts';
import type { Store } from '../store/store.ts';
import { canWrite, type TrackerPort } from '../tracker/port.ts';
import { queueMessage, type CourierDeps } from './courier.ts';
import { composeReply, composeSms, type MailIdentity, type OriginalMessage } from './outbound.ts';

export interface ReplyWatchDeps {
  store: Store;
  crypt: ServerCrypt;
  courier: CourierDeps;
  identity: MailIdentity;
  tracker: () => Promise<TrackerPort>;
  issueStatus: (n: number) => Promise<IssueStatus | null>;
  budget: number;
}

export async function queueReplyMessages(deps: ReplyWatchDeps): Promise<number> {
  const waiting = deps.store.db
    .prepare(
      `SELECT ra.tracking_code AS code, ra.channel, ra.address, ra.thread, s.issue_number AS issue, s.job
       FROM reply_addresses ra JOIN submissions s ON s.tracking_code = ra.tracking_code
       WHERE ra.address IS NOT NULL AND s.issue_number IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM outgoing o WHERE o.tracking_code = ra.tracking_code AND o.kind = 'reply')`,
    )
    .all() as { code: string; channel: 'mail' | 'sms'; address: string; thread: string | null; issue: number; job: string }[];
  let queued = 0;
  let budget = deps.budget;
  const permissions = new Map<string, boolean>();
  for (const row of waiting) {
    if (budget <= 0) break;
    const status = await deps.issueStatus(row.issue);
    if (!status?.labels.includes(flags.replied)) continue;
    budget--;
    const tracker = await deps.tracker();
    const comments = await tracker.listComments(row.issue);
    for (const c of comments) if (!permissions.has(c.author)) permissions.set(c.author, canWrite(await tracker.getPermission(c.author)));
    const reply = latestReply(comments, (login) => permissions.get(login) === true);
    if (!reply) continue;
    const outcome: OutcomeKey = keyFromLabels<OutcomeKey>(status.labels, outcomeLabel, outcomeKeys) ?? 'explained';
    const to = deps.crypt.decrypt(row.address);
    const title = (JSON.parse(row.job) as { issue: { title: string } }).issue.title;
    const original = row.thread ? (JSON.parse(deps.crypt.decrypt(row.thread)) as OriginalMessage) : undefined;
    const payload =
      row.channel === 'mail'
        ? { mail: composeReply(deps.identity, { to, trackingCode: row.code, title, outcome, answer: reply.answer, published: false, original }) }
        : { sms: { ...composeSms(deps.identity, 'reply', { trackingCode: row.code }), to, key: `reply:${row.code}` } };
    await deps.store.write((w) => {
      if (queueMessage(w, deps.courier, { key: `reply:${row.code}`, kind: 'reply', trackingCode: row.code, to, payload })) queued++;
    });
  }
  return queued;
}
