/**
 * Issue 14 end to end, with real servers: Debian's dovecot holds the dedicated mailbox, an in-process SMTP server
 * (smtp-server) receives what the bureau sends, and the built server reads the one and writes to the other.
 * A letter becomes an opinion (source 专用电子信箱) and its sender gets a receipt with the 查询码; an auto-reply
 * is skipped and never answered; staff answer with /reply and the answer mail arrives; the sender, unsatisfied,
 * rates it from the link and the issue is reopened as 再次办理, due again; the mailbox keeps every
 * message, flagged, and reading it again registers nothing twice; a mail server that is down delays mail only.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceLabel } from '../../scripts/lib/labels.ts';
import { openStore } from '../../scripts/lib/store/store.ts';
import { startDovecot, type DovecotServer } from '../support/dovecot.ts';
import { startSmtpServer, type SmtpStandIn } from '../support/smtp.ts';
import { postForm, startServer, type RunningServer } from './support.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(what: string, f: () => Promise<T | undefined | null | false> | T | undefined | null | false, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n--- server output ---\n${server?.output().slice(-4000)}`);
    await sleep(200);
  }
}

let imap: DovecotServer;
let smtp: SmtpStandIn;
let server: RunningServer;
beforeAll(async () => {
  [imap, smtp] = await Promise.all([startDovecot(), startSmtpServer()]);
  server = await startServer({
    SUBMIT_RATE_LIMIT: 'off',
    MAIL_IMAP_URL: `imap://${encodeURIComponent(imap.user)}:${encodeURIComponent(imap.pass)}@127.0.0.1:${imap.port}/${imap.mailbox}?allowPlaintext=true`, // loopback only (imap-fs.ts)
    MAIL_SMTP_URL: smtp.url,
    MAIL_FROM: 'jydrgyjx@163.com',
    MAIL_POLL_SECONDS: '1',
    MAIL_RETRY_BASE_MS: '2000', // a minute by default; the test waits for the retry
  });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await Promise.all([imap?.stop(), smtp?.stop()]);
});

describe('the dedicated mailbox, both ways', { timeout: 120_000 }, () => {
  it('turns a letter into an opinion, answers with a receipt, and mails the answer after /reply', async () => {
    await imap.append(fixture('text-form.eml'));
    await imap.append(fixture('auto-reply.eml'));
    const receipt = await waitFor('the receipt mail', () => smtp.received.find((m) => m.to.includes('zhangsan@jyrmyy.example.cn')), 20_000);
    const code = /[A-Z]{2}-\d{4}-[0-9A-Z]{6}/.exec(receipt.parsed.text ?? '')?.[0];
    expect(code, receipt.parsed.text).toBeTruthy();
    expect(receipt.parsed.subject).toContain(code!);
    expect(receipt.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(receipt.parsed.inReplyTo).toBe('<form-6@jyrmyy.example.cn>');

    const issue = await waitFor('the issue', async () => (await server.localIssues()).find((i) => i.body.includes(code!)));
    expect(issue.labels).toContain(sourceLabel('email'));
    expect(issue.body).not.toContain('zhangsan@jyrmyy.example.cn');
    // The auto-reply became nothing, and nobody answered it.
    expect(await server.localIssues()).toHaveLength(1);
    const flagged = await waitFor('both messages flagged', async () => {
      const all = await imap.messages();
      return all.length === 2 && all.every((m) => m.flags.some((f) => f === '$DrgProcessed' || f === '\\Flagged')) && all;
    });
    expect(flagged).toHaveLength(2); // flagged, never deleted
    expect(smtp.received.filter((m) => m.to.includes('liu@hospital.example.cn'))).toEqual([]);

    // Staff answer; the answer itself goes to the sender's mailbox, threaded to the letter.
    const staff = (command: string) => spawnSync(process.execPath, ['scripts/staff.ts', '--issue', String(issue.number), command], { env: { ...process.env, DATA_DIR: server.dataDir }, encoding: 'utf8' });
    expect(staff('/outcome 解释说明').status).toBe(0);
    expect(staff('/reply 经核实，FM19 入组规则已在新版方案中细化，详见答复页面。').status).toBe(0);
    const answer = await waitFor('the reply mail', () => smtp.received.find((m) => (m.parsed.subject ?? '').includes('答复') && m.to.includes('zhangsan@jyrmyy.example.cn')), 60_000);
    expect(answer.parsed.text).toContain('FM19 入组规则已在新版方案中细化');
    expect(answer.parsed.text).toContain(`/track?code=${code}`);
    expect(answer.parsed.inReplyTo).toBe('<form-6@jyrmyy.example.cn>');
    expect(answer.parsed.text).toContain(`/track?code=${code}#verdict`);

    // The submitter follows the link and is not satisfied: the issue is reopened, labelled and due again.
    const verdict = await postForm(server.url, { code: code!, verdict: 'unsatisfied', reason: '答复没有说明新版方案何时执行' }, '/track');
    expect(verdict.status).toBe(200);
    const reopened = (await server.localIssues()).find((i) => i.number === issue.number)!;
    expect(reopened.state).toBe('open');
    expect(reopened.labels).toEqual(expect.arrayContaining(['再次办理', '评价:不满意']));
    expect(reopened.labels).not.toContain('已答复');
    const verdictComment = (await server.tracker().listComments(issue.number)).find((c) => c.body.includes('再次办理'));
    expect(verdictComment?.body).toMatch(/"due":"\d{4}-\d{2}-\d{2}"/); // due again, from today

    // Reading the mailbox again (another round, or after a restart) registers nothing twice.
    await sleep(2500);
    expect(await server.localIssues()).toHaveLength(1);
    expect(smtp.received.filter((m) => m.to.includes('zhangsan@jyrmyy.example.cn'))).toHaveLength(2);
  });

  it('delays mail while the mail server refuses it, and sends it once it takes mail again', async () => {
    smtp.failNext(451, 'try again later', 1);
    const before = smtp.received.length;
    await imap.append(fixture('free-letter.eml'));
    const issue = await waitFor('the second opinion', async () => (await server.localIssues()).length === 2);
    expect(issue).toBe(true);
    // The first attempt was refused (451): queued, not lost, and the submission was not held up by it.
    const store = openStore(join(server.dataDir, 'store.sqlite'));
    const row = await waitFor('the refused attempt', () => {
      const r = store.db.prepare("SELECT status, attempts, last_error FROM outgoing WHERE kind = 'receipt' ORDER BY created_at DESC LIMIT 1").get() as { status: string; attempts: number; last_error: string | null } | undefined;
      return r && r.attempts >= 1 && r;
    });
    store.close();
    expect(row.last_error ?? '').toContain('451');
    // The retry after the backoff gets through, once.
    const sent = await waitFor('the retried receipt', () => smtp.received.length > before && smtp.received.slice(before));
    await sleep(3000);
    expect(sent).toHaveLength(1);
    expect(smtp.received.length).toBe(before + 1);
  });
});
