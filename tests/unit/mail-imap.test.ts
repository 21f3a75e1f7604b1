import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailboxReader, mailboxOptionsFromUrl, type MailboxReader } from '../../scripts/lib/mail/imap-fs.ts';
import { opinionFromMessage, type InboundResult } from '../../scripts/lib/mail/inbound.ts';
import { startDovecot, type DovecotServer } from '../support/dovecot.ts';
import { composeRaw, exampleForm, makeFormXlsx } from '../fixtures/mail/forms.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/mail', name));
const maxBytes = 10 * 1024 * 1024;

/** A 20 MB mail: a scanned attachment of random bytes, base64 in 76-character lines. */
function hugeMail(): Buffer {
  const b64 = randomBytes(15 * 1024 * 1024).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      'From: big@hospital.example.cn', 'To: jydrgyjx@163.com', 'Subject: =?UTF-8?B?5omr5o+P5Lu2?=', 'Message-ID: <huge-1@hospital.example.cn>',
      'Date: Mon, 02 Mar 2026 14:00:00 +0800', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="B"', '',
      '--B', 'Content-Type: text/plain; charset=utf-8', '', '附件是扫描件。', '--B',
      'Content-Type: application/pdf; name="scan.pdf"', 'Content-Disposition: attachment; filename="scan.pdf"', 'Content-Transfer-Encoding: base64', '',
      b64, '--B--', '',
    ].join('\r\n'),
  );
}

describe('reading the dedicated mailbox from a real Dovecot', () => {
  let dovecot: DovecotServer;
  let reader: MailboxReader;
  beforeAll(async () => {
    dovecot = await startDovecot();
    reader = createMailboxReader({ host: dovecot.host, port: dovecot.port, secure: false, allowPlaintext: true, auth: { user: dovecot.user, pass: dovecot.pass }, maxBytes });
  });
  afterAll(async () => {
    await reader?.close();
    await dovecot?.stop();
  });

  it('reads new mail, never downloads a mail over the limit, flags what it processed, and reads nothing twice', async () => {
    const xlsxMail = await composeRaw({
      from: { name: '赵六', address: 'zhaoliu@jyey.example.cn' }, to: 'jydrgyjx@163.com', subject: '意见建议表', messageId: '<xlsx-imap@jyey.example.cn>',
      attachments: [{ filename: '意见建议表.xlsx', content: await makeFormXlsx(exampleForm) }],
    });
    const huge = hugeMail();
    expect(huge.length).toBeGreaterThan(20_000_000);
    await dovecot.append(fixture('text-form.eml'));
    await dovecot.append(xlsxMail);
    await dovecot.append(fixture('auto-reply.eml'));
    await dovecot.append(huge);
    // The same message delivered twice (a resend, or two recipients aliased to the mailbox).
    await dovecot.append(fixture('text-form.eml'));
    // A message a person already read in webmail is still new to us.
    await dovecot.append(fixture('gbk-letter.eml'), ['\\Seen']);

    const messages = await reader.fetchNew();
    expect(messages).toHaveLength(6);
    const big = messages[3];
    expect(big.headersOnly).toBe(true);
    expect(big.size).toBe(huge.length);
    expect(big.parsed.messageId).toBe('<huge-1@hospital.example.cn>');
    expect(big.parsed.attachments).toEqual([]);
    expect(big.parsed.text ?? '').toBe('');
    expect(messages.filter((m) => m.headersOnly)).toHaveLength(1);

    const processed = new Set<string>();
    const results: InboundResult[] = [];
    for (const m of messages) {
      const r = await opinionFromMessage(m.parsed, {
        ownAddresses: ['jydrgyjx@163.com'], trustedAuthServIds: ['mx.163.com'], size: m.size, maxBytes, classify: () => 'other',
        alreadyProcessed: (id) => processed.has(id),
      });
      if (r.kind === 'opinion') processed.add(r.messageId);
      results.push(r);
      await reader.markProcessed(m.uid);
    }
    expect(results.map((r) => (r.kind === 'skip' ? r.reason : r.kind))).toEqual(['opinion', 'opinion', 'auto-reply', 'too-large', 'duplicate', 'opinion']);
    const xlsx = results[1];
    expect(xlsx.kind === 'opinion' && xlsx.submission.organization).toBe('济源市第二人民医院');
    const gbk = results[5];
    expect(gbk.kind === 'opinion' && gbk.submission.submitterName).toBe('王喆');
    expect(results[3]).toMatchObject({ notify: 'big@hospital.example.cn' });

    expect(await reader.fetchNew()).toEqual([]);
    // Flagged, never deleted: another client still sees all six, each with our keyword.
    const stored = await dovecot.messages();
    expect(stored).toHaveLength(6);
    for (const s of stored) {
      expect(s.flags).toContain('$DrgProcessed');
      expect(s.flags).not.toContain('\\Deleted');
    }
    // Read with BODY.PEEK: what was unread for staff in webmail stays unread.
    expect(stored[0].flags).not.toContain('\\Seen');
    expect(stored[5].flags).toContain('\\Seen');
    expect(await reader.processedFlag()).toBe('$DrgProcessed');

    // New mail arriving on the same connection is read on the next poll.
    await dovecot.append(fixture('free-letter.eml'));
    const next = await reader.fetchNew();
    expect(next.map((m) => m.parsed.messageId)).toEqual(['<letter-7@qq.example.com>']);
  });

  it('a reader started later (after a restart) also skips what was processed', async () => {
    const again = createMailboxReader({ host: dovecot.host, port: dovecot.port, secure: false, allowPlaintext: true, auth: { user: dovecot.user, pass: dovecot.pass }, maxBytes });
    try {
      const pending = await again.fetchNew();
      expect(pending.map((m) => m.parsed.messageId)).toEqual(['<letter-7@qq.example.com>']);
    } finally {
      await again.close();
    }
  });

  it('a wrong password is an error, not an empty mailbox', async () => {
    const wrong = createMailboxReader({ host: dovecot.host, port: dovecot.port, secure: false, allowPlaintext: true, auth: { user: dovecot.user, pass: 'wrong' }, maxBytes });
    await expect(wrong.fetchNew()).rejects.toThrow();
    await wrong.close();
  });
});

describe('MAIL_IMAP_URL', () => {
  it('parses imaps and imap URLs; plain text only on loopback', () => {
    expect(mailboxOptionsFromUrl('imaps://jydrgyjx%40163.com:p%40ss@imap.163.com/INBOX', 1000)).toMatchObject({
      host: 'imap.163.com', port: 993, secure: true, auth: { user: 'jydrgyjx@163.com', pass: 'p@ss' }, mailbox: 'INBOX', maxBytes: 1000, allowPlaintext: false,
    });
    expect(mailboxOptionsFromUrl('imap://u:p@127.0.0.1:1143/?allowPlaintext=true&maxBytes=5000', 1000)).toMatchObject({ port: 1143, secure: false, allowPlaintext: true, maxBytes: 5000, mailbox: 'INBOX' });
    expect(mailboxOptionsFromUrl('imap://u:p@mail.example.cn/?allowPlaintext=true', 1000).allowPlaintext).toBe(false);
    expect(() => mailboxOptionsFromUrl('pop3://u:p@mail.example.cn', 1)).toThrow('MAIL_IMAP_URL 的协议');
    expect(() => mailboxOptionsFromUrl('imaps://mail.example.cn', 1)).toThrow('缺少用户名');
  });
});
