import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBureau } from '../../scripts/lib/bureau.ts';
import { composeReceipt, composeReply, type MailIdentity } from '../../scripts/lib/mail/outbound.ts';
import { createEmlWriter, createMailTransport, createSmtpTransport } from '../../scripts/lib/mail/transport-fs.ts';
import { MailTransportError } from '../../scripts/lib/mail/transport.ts';
import { startSmtpServer, type SmtpStandIn } from '../support/smtp.ts';

const bureau = loadBureau();
const id: MailIdentity = { from: { name: bureau.shortName, address: 'jydrgyjx@163.com' }, siteUrl: bureau.siteUrl, bureau };
const receipt = (code = 'JY-2026-7K3M9Q') =>
  composeReceipt(id, {
    to: 'zhangsan@jyrmyy.example.cn', trackingCode: code, receivedAt: '2026-03-02T04:00:00Z', deadline: '2026-03-30', office: 'admin', category: 'grouping',
    categoryGiven: true, title: 'FM19 病组入组规则需要细化', attachments: [], status: 'delivered', original: { messageId: '<form-6@jyrmyy.example.cn>' },
  });

/** A port nothing listens on: bound, noted, closed. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('SMTP transport against a real SMTP server', () => {
  let server: SmtpStandIn;
  beforeAll(async () => {
    server = await startSmtpServer({ auth: { user: 'bureau', pass: 'smtp-pass' } });
  });
  afterAll(() => server.stop());

  it('delivers the mail as composed, logged in, threaded to the original', async () => {
    const t = createSmtpTransport({ url: server.url, timeoutMs: 5000 });
    const m = receipt();
    const r = await t.send(m);
    await t.close();
    expect(r.accepted).toEqual(['zhangsan@jyrmyy.example.cn']);
    expect(r.messageId).toBe(m.messageId);
    expect(server.received).toHaveLength(1);
    const got = server.received[0];
    expect(got.user).toBe('bureau');
    expect(got.from).toBe('jydrgyjx@163.com');
    expect(got.to).toEqual(['zhangsan@jyrmyy.example.cn']);
    expect(got.parsed.subject).toBe('已收到您的意见建议（查询码 JY-2026-7K3M9Q）');
    expect(got.parsed.messageId).toBe(m.messageId);
    expect(got.parsed.inReplyTo).toBe('<form-6@jyrmyy.example.cn>');
    expect(got.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(got.parsed.text).toContain('承办部门：医保行政部门');
    expect(got.parsed.html).toContain('<a href="https://feedback.example.org/track?code=JY-2026-7K3M9Q">');
  });

  it('a 4xx answer is transient, a 5xx answer permanent, a refused login a configuration error', async () => {
    const t = createSmtpTransport({ url: server.url, timeoutMs: 5000 });
    server.failNext(451, 'Temporary local problem, try later');
    await expect(t.send(receipt('JY-2026-AAAAA1'))).rejects.toMatchObject({ name: 'MailTransportError', kind: 'transient', responseCode: 451 });
    server.failNext(550, 'Mailbox unavailable');
    await expect(t.send(receipt('JY-2026-AAAAA2'))).rejects.toMatchObject({ kind: 'permanent', responseCode: 550 });
    const wrong = createSmtpTransport({ url: server.url.replace('smtp-pass', 'wrong'), timeoutMs: 5000 });
    await expect(wrong.send(receipt('JY-2026-AAAAA3'))).rejects.toMatchObject({ kind: 'config', code: 'EAUTH' });
    await t.close();
    await wrong.close();
  });
});

describe('SMTP server down', () => {
  it('fails fast with a transient error the queue retries', async () => {
    const port = await closedPort();
    const t = createSmtpTransport({ url: `smtp://127.0.0.1:${port}`, timeoutMs: 3000 });
    const err = await t.send(receipt()).catch((e) => e);
    await t.close();
    expect(err).toBeInstanceOf(MailTransportError);
    expect(err.kind).toBe('transient');
    expect(err.transient).toBe(true);
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('a malformed MAIL_SMTP_URL is a configuration error with the setting named', () => {
    expect(() => createSmtpTransport({ url: 'mail.example.cn:25' })).toThrow(/MAIL_SMTP_URL/);
    expect(() => createSmtpTransport({ url: 'http://mail.example.cn' })).toThrow('MAIL_SMTP_URL 的协议应为 smtp: 或 smtps:');
  });
});

describe('.eml writer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mail-eml-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one parseable file per mail; the same mail again is the same file', async () => {
    const t = createMailTransport({ mailDir: join(dir, 'mail') });
    expect(t.kind).toBe('eml');
    const m = receipt();
    const r = await t.send(m);
    await t.send(m);
    const reply = composeReply(id, { to: 'zhangsan@jyrmyy.example.cn', trackingCode: 'JY-2026-7K3M9Q', title: 't', outcome: 'adopted', answer: '已采纳，将在下一版细分组方案中调整。', published: false });
    await t.send(reply);
    const files = readdirSync(join(dir, 'mail')).sort();
    expect(files).toHaveLength(2);
    expect(files).toContain('receipt-JY-2026-7K3M9Q.eml');
    expect(r.response).toBe(join(dir, 'mail', 'receipt-JY-2026-7K3M9Q.eml'));
    const parsed = await simpleParser(readFileSync(r.response));
    expect(parsed.subject).toBe(m.subject);
    expect(parsed.messageId).toBe(m.messageId);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0].address : '').toBe('zhangsan@jyrmyy.example.cn');
    expect(parsed.text).toBe(m.text);
    const replyFile = files.find((f) => f.startsWith('reply-'))!;
    expect((await simpleParser(readFileSync(join(dir, 'mail', replyFile)))).text).toContain('已采纳，将在下一版细分组方案中调整。');
  });

  it('an unwritable folder is a transient error (disk trouble is not the mail’s fault)', async () => {
    // A folder path through a plain file: ENOTDIR, as on a disk that went read-only or a mount that vanished.
    writeFileSync(join(dir, 'not-a-folder'), '');
    const t = createEmlWriter(join(dir, 'not-a-folder', 'mail'));
    await expect(t.send(receipt())).rejects.toMatchObject({ kind: 'transient' });
  });
});
