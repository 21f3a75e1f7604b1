import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { loadBureau } from '../../scripts/lib/bureau.ts';
import { parserOptions } from '../../scripts/lib/mail/imap-fs.ts';
import { opinionFromMessage } from '../../scripts/lib/mail/inbound.ts';
import { composeInvalid, composeReceipt, composeReminder, composeReply, composeSms, composeTooLarge, messageIdFor, originalOf, type MailIdentity, type ReceiptInput } from '../../scripts/lib/mail/outbound.ts';
import { buildRawMessage } from '../../scripts/lib/mail/transport-fs.ts';
import { classifyMailError, defaultMailRetryPolicy, MailTransportError, nextMailAttempt } from '../../scripts/lib/mail/transport.ts';

const bureau = loadBureau();
const id: MailIdentity = { from: { name: bureau.shortName, address: 'jydrgyjx@163.com' }, siteUrl: 'https://feedback.example.org/', bureau };
const original = { messageId: '<letter-7@qq.example.com>', references: '<older@qq.example.com>', date: new Date('2026-03-02T05:00:00Z') };
const receiptInput: ReceiptInput = {
  to: 'lisi1990@qq.example.com', trackingCode: 'JY-2026-7K3M9Q', receivedAt: '2026-03-02T05:01:00Z', deadline: '2026-03-23', office: 'admin',
  category: 'policy', categoryGiven: false, title: '咨询按病组付费政策<script>alert(1)</script>', attachments: [{ filename: '病历.pdf', size: 1_572_864 }],
  status: 'delivered', original,
};

describe('receipt', () => {
  const m = composeReceipt(id, receiptInput);

  it('says what the submitter needs, in Chinese, in both parts', () => {
    for (const part of [m.text, m.html]) {
      expect(part).toContain('JY-2026-7K3M9Q');
      expect(part).toContain('2026-03-23');
      expect(part).toContain('医保行政部门');
      expect(part).toContain('政策措施类（系统初步分类，工作人员将核对）');
      expect(part).toContain('https://feedback.example.org/track?code=JY-2026-7K3M9Q');
      expect(part).toContain('病历.pdf（1.5 MB）');
      expect(part).toContain('2026-03-02 13:01（北京时间）');
    }
    expect(m.subject).toBe('已收到您的意见建议（查询码 JY-2026-7K3M9Q）');
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('&lt;script&gt;');
  });

  it('threads to the original and tells responders to stay quiet', async () => {
    expect(m.inReplyTo).toBe('<letter-7@qq.example.com>');
    expect(m.references).toEqual(['<older@qq.example.com>', '<letter-7@qq.example.com>']);
    const parsed = await simpleParser(await buildRawMessage(m));
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.headers.get('x-auto-response-suppress')).toBe('All');
    expect(parsed.inReplyTo).toBe('<letter-7@qq.example.com>');
    expect(parsed.messageId).toBe(m.messageId);
    expect(parsed.from?.value[0]).toEqual({ name: bureau.shortName, address: 'jydrgyjx@163.com' });
    expect(parsed.text).toContain('查询码：JY-2026-7K3M9Q');
  });

  it('is the same mail when composed again (a retry keeps its Message-ID), and another opinion is another mail', () => {
    expect(composeReceipt(id, receiptInput).messageId).toBe(m.messageId);
    expect(composeReceipt(id, { ...receiptInput, trackingCode: 'JY-2026-AAAAAA' }).messageId).not.toBe(m.messageId);
    expect(m.messageId).toMatch(/^<receipt\.[A-Za-z0-9_-]{24}@163\.com>$/);
    expect(messageIdFor('receipt:x', { address: 'a@b.cn' })).toBe(messageIdFor('receipt:x', { address: 'c@b.cn' }));
  });

  it('coming back to the mailbox, it is recognised as our own and never answered', async () => {
    const raw = await buildRawMessage({ ...m, from: { address: 'forwarder@qq.example.com' } });
    const r = await opinionFromMessage(await simpleParser(raw, parserOptions), {
      ownAddresses: ['jydrgyjx@163.com'], trustedAuthServIds: [], size: raw.length, maxBytes: 1e7, classify: () => 'other',
    });
    expect(r).toMatchObject({ kind: 'skip', reason: 'loop' });
  });
});

describe('reply, reminder and notes', () => {
  it('a reply carries the answer and the public link, and is not marked automatic', () => {
    const m = composeReply(id, { to: 'a@hospital.example.cn', trackingCode: 'JY-2026-7K3M9Q', title: '咨询按病组付费政策', outcome: 'explained', answer: '按病组付费不限制住院天数。\n医疗机构不得以此为由要求患者提前出院。', published: true, original });
    expect(m.text).toContain('办理结果：解释说明');
    expect(m.text).toContain('按病组付费不限制住院天数。\n医疗机构不得以此为由要求患者提前出院。');
    expect(m.text).toContain('公开答复：https://feedback.example.org/replies/jy-2026-7k3m9q/');
    expect(m.headers['Auto-Submitted']).toBeUndefined();
    expect(m.inReplyTo).toBe(original.messageId);
    // A corrected answer is a new mail, not a retry of the old one.
    const again = composeReply(id, { to: 'a@hospital.example.cn', trackingCode: 'JY-2026-7K3M9Q', title: 'x', outcome: 'explained', answer: '更正后的答复。', published: true });
    expect(again.key).not.toBe(m.key);
    expect(() => composeReply(id, { to: 'a@b.cn', trackingCode: 'JY-2026-7K3M9Q', title: 'x', outcome: 'adopted', published: false })).toThrow('需要答复正文');
  });

  it('a reminder lists the overdue opinions of an office', () => {
    const m = composeReminder(id, {
      to: [{ address: 'admin-office@jy.example.gov.cn' }], office: 'agency', escalation: true, day: '2026-04-01',
      items: [
        { trackingCode: 'JY-2026-7K3M9Q', title: '基准点数测算', deadline: '2026-03-20', lateWorkdays: 8, url: 'https://github.com/o/r/issues/12' },
        { trackingCode: 'JY-2026-AB12CD', title: '结算清单质控', deadline: '2026-03-25', lateWorkdays: 5 },
      ],
    });
    expect(m.subject).toBe('【逾期督办】医保经办机构有 2 条意见建议逾期未办（2026-04-01）');
    expect(m.text).toContain('- JY-2026-7K3M9Q《基准点数测算》答复期限 2026-03-20，已逾期 8 个工作日：https://github.com/o/r/issues/12');
    expect(m.headers['Auto-Submitted']).toBe('auto-generated');
    expect(m.key).toBe('reminder:agency:escalation:2026-04-01');
  });

  it('a message without Message-ID is answered without threading headers', async () => {
    const mail = await simpleParser('From: a@hospital.example.cn\r\nSubject: x\r\nDate: Mon, 02 Mar 2026 09:00:00 +0800\r\n\r\nbody\r\n');
    const original = originalOf(mail);
    expect(original.messageId).toMatch(/@drg-feedback\.invalid>$/);
    const note = composeTooLarge(id, { to: 'a@hospital.example.cn', size: 2e7, maxBytes: 1e7, original });
    expect(note.inReplyTo).toBeUndefined();
    expect(note.references).toBeUndefined();
    expect(note.key).toBe(`too-large:${original.messageId}`);
    expect(note.text).toContain('于 2026-03-02 09:00（北京时间）发送');
  });

  it('too-large and invalid notes answer the original and say what to do', () => {
    const big = composeTooLarge(id, { to: 'big@hospital.example.cn', size: 20 * 1024 * 1024, maxBytes: 10 * 1024 * 1024, original });
    expect(big.text).toContain('大小为 20.0 MB，超过本信箱可接收的 10.0 MB');
    expect(big.text).toContain('https://feedback.example.org/submit');
    expect(big.headers['Auto-Submitted']).toBe('auto-replied');
    expect(big.key).toBe(`too-large:${original.messageId}`);
    const bad = composeInvalid(id, { to: 'a@b.cn', errors: [{ field: 'details', message: '输入具体问题和建议' }, { field: 'title', message: '主要意见及建议至少需要 4 个字' }], original });
    expect(bad.text).toContain('- 具体问题和建议：输入具体问题和建议');
    expect(bad.text).toContain('- 主要意见及建议：主要意见及建议至少需要 4 个字');
  });

  it('SMS texts are short and carry the code and link only', () => {
    const s = composeSms(id, 'receipt', { trackingCode: 'JY-2026-7K3M9Q', deadline: '2026-03-23' });
    expect(s.text).toBe('【济源示范区医保局】您的意见建议已收到，查询码 JY-2026-7K3M9Q，答复期限 2026-03-23。进度：https://feedback.example.org/track?code=JY-2026-7K3M9Q');
    expect(s.params).toEqual({ code: 'JY-2026-7K3M9Q', url: 'https://feedback.example.org/track?code=JY-2026-7K3M9Q', deadline: '2026-03-23' });
    expect(composeSms(id, 'reply', { trackingCode: 'JY-2026-7K3M9Q' }).text).toContain('已答复');
  });
});

describe('retry decisions', () => {
  const created = new Date('2026-03-02T00:00:00Z');
  const at = (h: number) => new Date(created.getTime() + h * 3600_000);
  const transient = new MailTransportError('connect ECONNREFUSED', 'transient', 'ESOCKET');

  it('transient failures back off exponentially, capped, within the age limit', () => {
    const fixed = () => 0.5; // no jitter
    const d1 = nextMailAttempt({ attempts: 1, createdAt: created }, transient, created, defaultMailRetryPolicy, fixed);
    const d4 = nextMailAttempt({ attempts: 4, createdAt: created }, transient, created, defaultMailRetryPolicy, fixed);
    const d20 = nextMailAttempt({ attempts: 19, createdAt: created }, transient, at(1), defaultMailRetryPolicy, fixed);
    expect(d1).toEqual({ action: 'retry', at: new Date(created.getTime() + 60_000) });
    expect(d4).toEqual({ action: 'retry', at: new Date(created.getTime() + 8 * 60_000) });
    expect(d20).toEqual({ action: 'retry', at: new Date(at(1).getTime() + 6 * 3600_000) });
    expect(nextMailAttempt({ attempts: 20, createdAt: created }, transient, at(2))).toMatchObject({ action: 'give-up' });
    expect(nextMailAttempt({ attempts: 3, createdAt: created }, transient, at(72))).toMatchObject({ action: 'give-up' });
  });

  it('a permanent refusal gives up at once; a configuration problem waits the longest interval', () => {
    expect(nextMailAttempt({ attempts: 1, createdAt: created }, new MailTransportError('550 no such user', 'permanent', 'EENVELOPE', 550), created)).toMatchObject({ action: 'give-up', reason: expect.stringContaining('拒收') });
    expect(nextMailAttempt({ attempts: 1, createdAt: created }, new MailTransportError('535 auth', 'config', 'EAUTH', 535), created)).toEqual({ action: 'retry', at: at(6) });
  });

  it('classifies nodemailer errors by code and SMTP reply', () => {
    expect(classifyMailError(Object.assign(new Error('x'), { code: 'ESOCKET', originalCode: 'ECONNREFUSED' })).kind).toBe('transient');
    expect(classifyMailError(Object.assign(new Error('x'), { code: 'EENVELOPE', responseCode: 451 })).kind).toBe('transient');
    expect(classifyMailError(Object.assign(new Error('x'), { code: 'EENVELOPE', responseCode: 550 })).kind).toBe('permanent');
    expect(classifyMailError(Object.assign(new Error('x'), { code: 'EMESSAGE', responseCode: 503 })).kind).toBe('transient');
    expect(classifyMailError(Object.assign(new Error('x'), { code: 'EAUTH', responseCode: 535 })).kind).toBe('config');
    expect(classifyMailError(Object.assign(new Error('x'), { code: 'ETLS' })).kind).toBe('config');
  });
});
