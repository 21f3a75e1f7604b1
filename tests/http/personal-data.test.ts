/**
 * Issue 12, tried as a hospital would: a grouping opinion that names a patient, a 住院号, an ID card number and a
 * colleague's mobile in the case examples, the ambiguous-group reason, the cost field and the details. After it
 * goes through the built server, none of those values (nor the submitter's name and contact) is anywhere under
 * DATA_DIR in clear text, nor in anything sent to the GitHub stand-in; staff read all of it with
 * `npm run contact` on their own computer, through the staff API with their own token, and every read is logged.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devKeyFiles } from '../../scripts/lib/sealed-fs.ts';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.ts';
import { startSmsStandIn, type SmsStandIn } from '../support/sms-standin.ts';
import { postJson, startServer, type RunningServer } from './support.ts';

const secrets = {
  name: '刘建国',
  contact: '13712345678',
  patient: '张秀英',
  record: '2024001234',
  idCard: '410881198001011234',
  colleague: '13987654321',
};
const opinion = {
  organization: '济源市第三人民医院',
  submitterName: secrets.name,
  contact: secrets.contact,
  submitterType: 'hospital',
  category: 'grouping',
  title: 'FM1 入组问题',
  details: `急性心梗 PCI 病例大量进入歧义组。如需核实请联系心内科王主任 ${secrets.colleague}。`,
  drgCode: 'FM19',
  cases: [{ mainDiagnosis: { name: '急性心肌梗死', code: 'I21.000' }, mainProcedure: { name: "冠状动脉支架植入", code: '36.0601' }, patients: 3 }],
  ambiguous: {
    mainDiagnosis: { name: '急性心肌梗死', code: 'I21.000' },
    reason: `患者${secrets.patient}（住院号${secrets.record}，身份证 ${secrets.idCard}）主诊断与手术不匹配`,
    patients: 3,
    costs: `例均 3.2 万元，联系人电话 ${secrets.colleague}`,
  },
  publicConsent: false,
};

/**
 * Every file under `dir`, with the clear values (by default the opinion's secrets) found in it (bytes, so SQLite's
 * pages and WAL count too).
 */
function clearValuesIn(dir: string, values: Record<string, string> = secrets): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const bytes = readFileSync(path);
        for (const [what, value] of Object.entries(values)) if (bytes.includes(Buffer.from(value))) found.push(`${path}: ${what}`);
      }
    }
  };
  walk(dir);
  return found;
}

describe('personal data never leaves the bureau\'s server', () => {
  let local: RunningServer;
  let sms: SmsStandIn;
  beforeAll(async () => {
    // The submitter's contact is a mobile number: the receipt goes out by SMS, through the queue in the store.
    sms = await startSmsStandIn({ token: 'sms-token' });
    local = await startServer({ SUBMIT_RATE_LIMIT: 'off', SMS_GATEWAY_URL: sms.url, SMS_GATEWAY_TOKEN: 'sms-token' });
  });
  afterAll(async () => {
    await local?.stop();
    await sms?.stop();
  });

  it('refuses a patient\'s identity in a case example with a field error, and keeps what was typed', async () => {
    const withPatient = structuredClone(opinion);
    withPatient.cases[0].mainDiagnosis.name = `急性心肌梗死（患者${secrets.patient}，住院号${secrets.record}）`;
    const res = await postJson(local.url, withPatient, { 'idempotency-key': 'personal-data-0000' });
    expect(res.status).toBe(400);
    const { errors } = await res.json();
    expect(errors).toEqual([{ field: 'cases.0.mainDiagnosis.name', message: expect.stringContaining('患者身份信息') }]);
    expect(await local.localIssues()).toHaveLength(0);
  });

  it('keeps no clear personal value anywhere in DATA_DIR, and staff read everything with npm run contact', async () => {
    const res = await postJson(local.url, opinion, { 'idempotency-key': 'personal-data-0001' });
    expect(res.status, await res.clone().text()).toBe(201);
    const { trackingCode } = await res.json();
    const issue = (await local.localIssues()).find((i) => i.body.includes(trackingCode))!;
    for (const value of Object.values(secrets)) expect(issue.title + issue.body).not.toContain(value);
    expect(issue.body).not.toMatch(/sealed1\./);
    // The receipt SMS reaches the gateway with the code (the only place the mobile number goes)...
    for (const until = Date.now() + 15_000; !sms.requests.length && Date.now() < until; ) await new Promise((r) => setTimeout(r, 200));
    expect(JSON.stringify(sms.requests.map((r) => r.body)), local.output()).toContain(secrets.contact);
    expect(JSON.stringify(sms.requests.map((r) => r.body))).toContain(trackingCode);
    // ...and triage and the loops have written what they write; then the whole folder, store and WAL included.
    await new Promise((r) => setTimeout(r, 500));
    expect(clearValuesIn(local.dataDir)).toEqual([]);

    // A member of staff with a token fetches the sealed record over the API and decrypts it locally.
    const npm = (args: string[], env: Record<string, string> = {}) =>
      spawnSync(process.execPath, args, { env: { ...process.env, DATA_DIR: local.dataDir, ...env }, encoding: 'utf8' });
    const issued = npm(['scripts/staff-token.ts', 'add', '李会计']);
    const token = /drgs_[\w-]{43}/.exec(issued.stdout)?.[0];
    expect(token, issued.stderr).toBeTruthy();
    const staffEnv = { STAFF_API_URL: local.url, STAFF_TOKEN: token!, BUREAU_PRIVATE_KEY: devKeyFiles({ DATA_DIR: local.dataDir }).privateKey, DATA_DIR: '/nonexistent-staff-computer' };
    const shown = npm(['scripts/contact.ts', trackingCode], staffEnv);
    expect(shown.status, shown.stderr).toBe(0);
    for (const value of Object.values(secrets)) expect(shown.stdout).toContain(value);
    const byIssue = npm(['scripts/contact.ts', `#${issue.number}`], staffEnv);
    expect(byIssue.stdout).toContain(secrets.name);

    // The log says who read which record; a revoked token reads nothing.
    const log = npm(['scripts/staff-token.ts', 'log']);
    expect(log.stdout.split('\n').filter((l) => l.includes('李会计') && l.includes('read'))).toHaveLength(2);
    npm(['scripts/staff-token.ts', 'revoke', '1']);
    const refused = npm(['scripts/contact.ts', trackingCode], staffEnv);
    expect(refused.status).toBe(1);
    expect(refused.stdout).not.toContain(secrets.name);
    expect(refused.stderr).toContain('401');
    // Without a token the API refuses outright.
    expect((await fetch(`${local.url}/api/staff/records/${trackingCode}`)).status).toBe(401);
  });
});

describe('mail written as .eml files (no SMTP server configured)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ SUBMIT_RATE_LIMIT: 'off' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('deletes the receipt file, which holds the address in clear, when staff erase the opinion\'s personal data', async () => {
    const address = 'liujianguo@jysdsrmyy.example.cn';
    const res = await postJson(server.url, { ...opinion, contact: address }, { 'idempotency-key': 'personal-data-eml-1' });
    expect(res.status, await res.clone().text()).toBe(201);
    const { trackingCode } = await res.json();
    const mailDir = join(server.dataDir, 'mail');
    const receipt = join(mailDir, `receipt-${trackingCode}.eml`);
    for (const until = Date.now() + 15_000; !existsSync(receipt) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 200));
    // The file is the mail as it would have gone out: the address in clear, for the bureau to send by hand.
    expect(readFileSync(receipt, 'utf8'), server.output()).toContain(address);

    const issued = spawnSync(process.execPath, ['scripts/staff-token.ts', 'add', '李会计'], { env: { ...process.env, DATA_DIR: server.dataDir }, encoding: 'utf8' });
    const token = /drgs_[\w-]{43}/.exec(issued.stdout)?.[0];
    expect(token, issued.stderr).toBeTruthy();
    const erased = await fetch(`${server.url}/api/staff/records/${trackingCode}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(erased.status, await erased.clone().text()).toBe(200);
    expect(existsSync(receipt)).toBe(false);
    expect(readdirSync(mailDir).filter((n) => n.includes(trackingCode))).toEqual([]);
    // Nothing under DATA_DIR holds the address or the name in clear any more.
    expect(clearValuesIn(server.dataDir, { address, name: secrets.name })).toEqual([]);
  });
});

describe('with GitHub as the tracker', () => {
  let standIn: GitHubStandIn;
  let gh: RunningServer;
  beforeAll(async () => {
    standIn = await startGitHubStandIn();
    gh = await startServer({ SUBMIT_RATE_LIMIT: 'off', GITHUB_TOKEN: standIn.token, GITHUB_REPOSITORY: `${standIn.owner}/${standIn.repo}`, GITHUB_API_URL: standIn.url, TRACKER_PACING: 'off' });
  });
  afterAll(async () => {
    await gh?.stop();
    await standIn?.close();
  });

  it('sends GitHub the redacted opinion and its code, and nothing personal, not even sealed', async () => {
    const res = await postJson(gh.url, opinion, { 'idempotency-key': 'personal-data-gh-0001' });
    expect(res.status).toBe(201);
    const sent = JSON.stringify(standIn.state.requests.map((r) => r.body));
    expect(sent).toContain((await res.json()).trackingCode);
    for (const value of Object.values(secrets)) expect(sent).not.toContain(value);
    expect(sent).not.toMatch(/sealed1\./);
    expect(clearValuesIn(gh.dataDir)).toEqual([]);
  });
});
