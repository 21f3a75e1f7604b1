/**
 * The .eml files written when no SMTP server is configured hold a submitter's address in clear text: erasing the
 * opinion's personal data (on request or by the retention purge) deletes them; the purge sweeps what an erasure
 * left behind, and mail that belongs to no opinion once it is as old as the retention period
 * (scripts/lib/mail/eml-files-fs.ts).
 */
import { existsSync, mkdtempSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBureau } from '../../scripts/lib/bureau.ts';
import { erasingMailFiles, sweepMailFiles } from '../../scripts/lib/mail/eml-files-fs.ts';
import { composeInvalid, composeReceipt, composeReply, type MailIdentity } from '../../scripts/lib/mail/outbound.ts';
import { createEmlWriter } from '../../scripts/lib/mail/transport-fs.ts';
import { purgePersonalData } from '../../scripts/lib/personal/retention.ts';
import { generateSealingKeyPair, seal } from '../../scripts/lib/sealed.ts';
import { createPersonalRecords, insertSubmissionRecord, type PersonalRecords } from '../../scripts/lib/store/personal-records.ts';
import { openStore, type Store } from '../../scripts/lib/store/store.ts';

const bureau = loadBureau();
const id: MailIdentity = { from: { name: bureau.shortName, address: 'jydrgyjx@163.com' }, siteUrl: bureau.siteUrl, bureau };
const keys = generateSealingKeyPair();
const stores: Store[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));

const receipt = (code: string, to: string) =>
  composeReceipt(id, {
    to, trackingCode: code, receivedAt: '2026-03-02T04:00:00Z', deadline: '2026-03-30', office: 'admin', category: 'grouping',
    categoryGiven: true, title: 'FM19 病组入组规则需要细化', attachments: [], status: 'delivered',
  });
const reply = (code: string, to: string) =>
  composeReply(id, { to, trackingCode: code, title: 't', outcome: 'adopted', answer: '已采纳，将在下一版细分组方案中调整。', published: false });
const invalid = (to: string) =>
  composeInvalid(id, { to, errors: [{ field: 'title', message: '输入意见标题' }], original: { messageId: '<letter-1@mail.example.cn>', date: new Date('2026-03-02T04:00:00Z') } });

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'eml-files-'));
  const store = openStore(join(dir, 'store.sqlite'));
  stores.push(store);
  const mailDir = join(dir, 'mail');
  const mail = createEmlWriter(mailDir);
  for (const [code, name] of [['JY-2026-7K3M9Q', '王晓明'], ['JY-2026-AB12CD', '赵六']]) {
    await store.write((w) => insertSubmissionRecord(w, code, seal({ name, contact: `${code}@example.cn` }, keys.publicKey), '2026-03-02T04:00:00Z'));
  }
  await mail.send(receipt('JY-2026-7K3M9Q', 'wangxm@jyrmyy.example.cn'));
  await mail.send(reply('JY-2026-7K3M9Q', 'wangxm@jyrmyy.example.cn'));
  await mail.send(receipt('JY-2026-AB12CD', 'zhaoliu@jyrmyy.example.cn'));
  await mail.send(invalid('someone@mail.example.cn'));
  return { store, mailDir, records: erasingMailFiles(createPersonalRecords(store, () => new Date('2026-12-01T02:00:00Z')), mailDir) };
}

describe('.eml files go with the personal data', () => {
  it('erasing an opinion at the submitter\'s request deletes its receipt and reply, and nobody else\'s mail', async () => {
    const { mailDir, records } = await setup();
    expect(readdirSync(mailDir).filter((n) => n.includes('JY-2026-7K3M9Q'))).toHaveLength(2);
    expect(await records.erase({ trackingCode: 'JY-2026-7K3M9Q' }, 'request', { person: '李会计', tokenId: 1 })).toBe(true);
    const left = readdirSync(mailDir).sort();
    expect(left.some((n) => n.includes('JY-2026-7K3M9Q'))).toBe(false);
    expect(left).toContain('receipt-JY-2026-AB12CD.eml');
    expect(left.filter((n) => n.startsWith('invalid-'))).toHaveLength(1);
    // The record itself is erased as before, and a second erase finds nothing to do.
    expect(records.find({ trackingCode: 'JY-2026-7K3M9Q' })).toMatchObject({ sealed: null, erasedWhy: 'request' });
    expect(await records.erase({ trackingCode: 'JY-2026-7K3M9Q' }, 'request', { person: '李会计', tokenId: 1 })).toBe(false);
  });

  it('the retention purge deletes the mail of the opinions it erases', async () => {
    const { store, mailDir, records } = await setup();
    // Only 7K3M9Q's issue was closed long enough ago.
    await store.write((w) => {
      w.prepare("INSERT INTO issue_status (number, state, labels, updated_at, closed_at) VALUES (1, 'closed', '[]', ?, ?)").run('2024-01-10T00:00:00Z', '2024-01-10T00:00:00Z');
      w.prepare("INSERT INTO submissions (hash, tracking_code, key_hash, received_at, job, issue_number) VALUES ('7K3M9Q', 'JY-2026-7K3M9Q', 'k1', '2024-01-02T00:00:00Z', '{}', 1)").run();
    });
    const r = await purgePersonalData(records, { now: new Date('2026-12-01T02:00:00Z'), months: 24, dryRun: false, budget: 10 });
    expect(r.erased).toBe(1);
    expect(readdirSync(mailDir).some((n) => n.includes('JY-2026-7K3M9Q'))).toBe(false);
    expect(existsSync(join(mailDir, 'receipt-JY-2026-AB12CD.eml'))).toBe(true);
  });

  it('sweeps the files an erasure left behind, and mail that belongs to no opinion once as old as the retention period', async () => {
    const { mailDir, store } = await setup();
    const now = new Date('2026-12-01T02:00:00Z');
    // 7K3M9Q erased by something that did not delete its files (the store alone, as a failed delete leaves it).
    const plain: PersonalRecords = createPersonalRecords(store, () => now);
    await plain.erase({ trackingCode: 'JY-2026-7K3M9Q' }, 'request', { person: '李会计', tokenId: 1 });
    const note = readdirSync(mailDir).find((n) => n.startsWith('invalid-'))!;
    const old = new Date('2024-11-01T00:00:00Z');
    // A note and a live opinion's receipt, both written 25 months ago: the note goes, the receipt goes with its opinion.
    utimesSync(join(mailDir, note), old, old);
    utimesSync(join(mailDir, 'receipt-JY-2026-AB12CD.eml'), old, old);
    expect(await sweepMailFiles(mailDir, plain, { now, months: 24 })).toBe(3);
    expect(readdirSync(mailDir).sort()).toEqual(['receipt-JY-2026-AB12CD.eml']);
    // A recent note stays, and a second sweep has nothing to do.
    await createEmlWriter(mailDir).send(invalid('other@mail.example.cn'));
    expect(await sweepMailFiles(mailDir, plain, { now, months: 24 })).toBe(0);
    expect(readdirSync(mailDir)).toHaveLength(2);
    // No mail folder at all (SMTP configured) is nothing to delete.
    expect(await sweepMailFiles(join(mailDir, 'none'), plain, { now, months: 0 })).toBe(0);
  });
});
