/** Issue 14: the daily reminder mail to an office with overdue opinions, and to the leadership for 逾期督办. */
import { createPublicKey } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBureau } from '../../scripts/lib/bureau.ts';
import { flags, officeLabel } from '../../scripts/lib/labels.ts';
import { queueReminders } from '../../scripts/lib/mail/reminders.ts';
import { generateSealingKeyPair } from '../../scripts/lib/sealed.ts';
import { createOutgoing } from '../../scripts/lib/store/outgoing.ts';
import { createServerCrypt } from '../../scripts/lib/store/server-crypt.ts';
import { openStore } from '../../scripts/lib/store/store.ts';
import { createLocalTracker } from '../../scripts/lib/tracker/local.ts';
import { loadWorkCalendar } from '../../scripts/lib/workdays-fs.ts';

describe('reminder mail', () => {
  it('lists each office\'s overdue opinions once a day, and the escalated ones to the leadership', async () => {
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'reminders-')), 'store.sqlite'));
    const tracker = createLocalTracker({ store });
    const bureau = { ...loadBureau(), reminderEmails: { admin: 'admin@ybj.example.cn', leadership: 'lead@ybj.example.cn' } };
    const secret = Buffer.alloc(32, 3);
    const crypt = createServerCrypt(secret);
    const courier = { crypt, secret, identity: null, sealingKey: createPublicKey(generateSealingKeyPair().publicKey), channels: { mail: true, sms: false } };
    const identity = { from: { name: bureau.name, address: 'jydrgyjx@163.com' }, siteUrl: bureau.siteUrl, bureau };
    const add = async (code: string, labels: string[], office: 'admin' | 'agency') => {
      const issue = await tracker.createIssue({ title: `意见 ${code}`, body: code, labels, marker: code });
      const job = { v: 1, hash: code.slice(-6), trackingCode: code, keyHash: code, receivedAt: '2026-10-09T01:00:00Z', category: 'policy', office, deadline: '2026-10-30', warnings: [], issue: { title: `意见 ${code}`, body: '', labels } };
      await store.write((w) => w.prepare('INSERT INTO submissions (hash, tracking_code, key_hash, received_at, job, issue_number) VALUES (?, ?, ?, ?, ?, ?)').run(job.hash, code, code, job.receivedAt, JSON.stringify(job), issue.number));
    };
    await add('JY-2026-AAAAA1', [officeLabel('admin'), flags.overdue], 'admin');
    await add('JY-2026-AAAAA2', [officeLabel('admin'), flags.overdue, flags.overdueEscalated], 'admin');
    await add('JY-2026-AAAAA3', [officeLabel('admin')], 'admin'); // not overdue
    await add('JY-2026-AAAAA4', [officeLabel('agency'), flags.overdue], 'agency'); // no mailbox configured for agency
    const issueStatus = async (n: number) => {
      const i = await tracker.getIssue(n);
      return i && { state: i.state, labels: i.labels, updatedAt: i.updatedAt, closedAt: i.closedAt };
    };
    const run = () => queueReminders({ store, bureau, calendar: loadWorkCalendar(), courier, identity, issueStatus, now: new Date('2026-11-04T01:00:00Z') });
    expect(await run()).toBe(2);
    expect(await run()).toBe(0); // once a day
    const queued = createOutgoing(store).due(Date.now(), 10).map((m) => JSON.parse(crypt.decrypt(m.payload)).mail);
    const byTo = Object.fromEntries(queued.map((m: { to: { address: string }[]; text: string }) => [m.to[0].address, m.text]));
    expect(Object.keys(byTo).sort()).toEqual(['admin@ybj.example.cn', 'lead@ybj.example.cn']);
    expect(byTo['admin@ybj.example.cn']).toContain('JY-2026-AAAAA1');
    expect(byTo['admin@ybj.example.cn']).not.toContain('JY-2026-AAAAA3');
    expect(byTo['lead@ybj.example.cn']).toContain('JY-2026-AAAAA2');
    expect(byTo['admin@ybj.example.cn']).toMatch(/已逾期 \d+ 个工作日/);
    store.close();
  });
});
