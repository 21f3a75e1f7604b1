/**
 * Issue 12: the sealed personal records on the bureau's server, the staff API over them (one token per person,
 * stored hashed, revocable, every read logged, the log for the person in charge) and the retention purge.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addMonths, purgePersonalData } from '../../scripts/lib/personal/retention.ts';
import { handleAccessLogRequest, handleRecordRequest } from '../../scripts/lib/personal/staff-api.ts';
import { generateSealingKeyPair, openSealed, seal } from '../../scripts/lib/sealed.ts';
import { createPersonalRecords, insertSubmissionRecord } from '../../scripts/lib/store/personal-records.ts';
import { createStaffTokens } from '../../scripts/lib/store/staff-tokens.ts';
import { openStore, type Store } from '../../scripts/lib/store/store.ts';
import { createLocalTracker } from '../../scripts/lib/tracker/local.ts';

const keys = generateSealingKeyPair();
const stores: Store[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));

async function setup(now = () => new Date('2026-12-01T02:00:00Z')) {
  const store = openStore(join(mkdtempSync(join(tmpdir(), 'records-')), 'store.sqlite'));
  stores.push(store);
  const records = createPersonalRecords(store, now);
  const tokens = createStaffTokens(store, now);
  const sealed = seal({ name: '王晓明', contact: '13900139000', original: { title: 't', details: 'd' } }, keys.publicKey);
  await store.write((w) => insertSubmissionRecord(w, 'JY-2026-7K3M9Q', sealed, '2026-11-02T01:00:00Z'));
  return { store, records, tokens, deps: { records, tokens } };
}

describe('staff API', () => {
  it('refuses a missing, malformed, unknown or revoked token, and logs each refusal', async () => {
    const { deps, tokens, records } = await setup();
    const { token, id } = await tokens.issue('李会计', 'staff');
    const get = (authorization: string | null) => handleRecordRequest(deps, { method: 'GET', ref: 'JY-2026-7K3M9Q', authorization });
    expect((await get(null)).status).toBe(401);
    expect((await get('Bearer nonsense')).status).toBe(401);
    expect((await get(`Bearer drgs_${'A'.repeat(43)}`)).status).toBe(401);
    expect((await get(`Bearer ${token}`)).status).toBe(200);
    await tokens.revoke(id);
    const refused = await get(`Bearer ${token}`);
    expect(refused.status).toBe(401);
    expect(String(refused.body.error)).toMatch(/令牌/);
    expect(records.accessLog(10).map((e) => e.action)).toEqual(['refused', 'read', 'refused', 'refused', 'refused']);
  });

  it('stores tokens only hashed', async () => {
    const { store, tokens } = await setup();
    const { token } = await tokens.issue('李会计', 'staff');
    const dump = JSON.stringify(store.db.prepare('SELECT * FROM staff_tokens').all());
    expect(dump).not.toContain(token);
    expect(dump).toContain(createHash('sha256').update(token).digest('hex'));
  });

  it('hands out the sealed record, which only the private key opens, and logs who read which record when', async () => {
    const { deps, tokens, records } = await setup();
    const { token } = await tokens.issue('李会计', 'staff');
    const answer = await handleRecordRequest(deps, { method: 'GET', ref: 'jy-2026-7k3m9q', authorization: `Bearer ${token}` });
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.body)).not.toContain('王晓明');
    expect(openSealed(String(answer.body.sealed), keys.privateKey)).toMatchObject({ name: '王晓明', contact: '13900139000' });
    expect(records.accessLog(1)).toEqual([{ at: '2026-12-01T02:00:00.000Z', person: '李会计', tokenId: 1, action: 'read', record: 'JY-2026-7K3M9Q' }]);
    expect((await handleRecordRequest(deps, { method: 'GET', ref: 'JY-2026-AAAAAA', authorization: `Bearer ${token}` })).status).toBe(404);
  });

  it('finds a web submission by its issue number too, and stores the contact of an offline opinion by issue', async () => {
    const { deps, tokens, store } = await setup();
    const { token } = await tokens.issue('李会计', 'staff');
    await store.write((w) => {
      w.prepare("INSERT INTO submissions (hash, tracking_code, key_hash, received_at, job, issue_number) VALUES ('7K3M9Q', 'JY-2026-7K3M9Q', 'k', '2026-11-02', '{}', 12)").run();
    });
    expect((await handleRecordRequest(deps, { method: 'GET', ref: '#12', authorization: `Bearer ${token}` })).body.ref).toBe('JY-2026-7K3M9Q');
    const offline = seal({ name: '赵主任', contact: '0391-1234567' }, keys.publicKey);
    expect((await handleRecordRequest(deps, { method: 'PUT', ref: '#31', authorization: `Bearer ${token}`, body: { sealed: 'clear text' } })).status).toBe(400);
    expect((await handleRecordRequest(deps, { method: 'PUT', ref: '#31', authorization: `Bearer ${token}`, body: { sealed: offline } })).status).toBe(200);
    const back = await handleRecordRequest(deps, { method: 'GET', ref: '31', authorization: `Bearer ${token}` });
    expect(openSealed(String(back.body.sealed), keys.privateKey).name).toBe('赵主任');
  });

  it('erases at the submitter\'s request; the access log is for the person in charge only', async () => {
    const { deps, tokens } = await setup();
    const staff = (await tokens.issue('李会计', 'staff')).token;
    const lead = (await tokens.issue('周科长', 'lead')).token;
    expect((await handleRecordRequest(deps, { method: 'DELETE', ref: 'JY-2026-7K3M9Q', authorization: `Bearer ${staff}` })).status).toBe(200);
    const after = await handleRecordRequest(deps, { method: 'GET', ref: 'JY-2026-7K3M9Q', authorization: `Bearer ${staff}` });
    expect(after.body).toMatchObject({ sealed: null, erasedWhy: 'request' });
    expect((await handleAccessLogRequest(deps, { authorization: `Bearer ${staff}`, limit: 10 })).status).toBe(403);
    const log = await handleAccessLogRequest(deps, { authorization: `Bearer ${lead}`, limit: 10 });
    expect((log.body.entries as { action: string; person: string }[]).map((e) => `${e.person}:${e.action}`)).toEqual(['李会计:read', '李会计:erase']);
  });
});

describe('retention', () => {
  it('counts calendar months, the 31st rolling back to the last day', () => {
    expect(addMonths('2024-01-31T08:00:00Z', 1).toISOString()).toBe('2024-02-29T08:00:00.000Z');
    expect(addMonths('2024-03-15T00:00:00Z', 24).toISOString()).toBe('2026-03-15T00:00:00.000Z');
  });

  it('erases personal data 24 months after the opinion closed, keeps the rest; dry run changes nothing', async () => {
    const { store, records } = await setup();
    let clock = new Date('2024-10-01T00:00:00Z');
    const tracker = createLocalTracker({ store, now: () => clock });
    const old = await tracker.createIssue({ title: 'old', body: 'b', labels: [], marker: 'JY-2026-7K3M9Q' });
    await store.write((w) => w.prepare("INSERT INTO submissions (hash, tracking_code, key_hash, received_at, job, issue_number) VALUES ('7K3M9Q', 'JY-2026-7K3M9Q', 'k', '2024-10-01', '{}', ?)").run(old.number));
    await tracker.updateIssue(old.number, { state: 'closed' }); // closed 2024-10-01
    clock = new Date('2025-01-10T00:00:00Z');
    const recent = await tracker.createIssue({ title: 'recent', body: 'b', labels: [], marker: 'm2' });
    await records.add({ issueNumber: recent.number }, seal({ name: 'n', contact: 'c' }, keys.publicKey), { person: 't', tokenId: null });
    await tracker.updateIssue(recent.number, { state: 'closed' }); // closed 2025-01-10
    const open = await tracker.createIssue({ title: 'open', body: 'b', labels: [], marker: 'm3' });
    await records.add({ issueNumber: open.number }, seal({ name: 'n', contact: 'c' }, keys.publicKey), { person: 't', tokenId: null });

    const now = new Date('2026-12-01T00:00:00Z'); // 26 months after the first close, 22.7 after the second
    const dry = await purgePersonalData(records, { now, months: 24, dryRun: true, budget: 100 });
    expect(dry.due.map((d) => d.ref)).toEqual([{ trackingCode: 'JY-2026-7K3M9Q' }]);
    expect(dry.erased).toBe(0);
    expect(records.find({ trackingCode: 'JY-2026-7K3M9Q' })!.sealed).not.toBeNull();
    const real = await purgePersonalData(records, { now, months: 24, dryRun: false, budget: 100 });
    expect(real.erased).toBe(1);
    expect(records.find({ trackingCode: 'JY-2026-7K3M9Q' })).toMatchObject({ sealed: null, erasedWhy: 'retention' });
    expect(records.find({ issueNumber: recent.number })!.sealed).not.toBeNull();
    expect(records.find({ issueNumber: open.number })!.sealed).not.toBeNull();
    // The opinion itself stays.
    expect((await tracker.getIssue(old.number))?.title).toBe('old');
    expect((await purgePersonalData(records, { now, months: 24, dryRun: false, budget: 100 })).due).toEqual([]);
  });
});
