import { describe, expect, it } from 'vitest';
import { mailConfigFromEnv } from '../../scripts/lib/mail/config.ts';

const ctx = { mailDir: '/srv/drg/.data/mail', bureauEmail: 'jydrgyjx@163.com', bureauName: '济源示范区医保局' };

describe('mail settings from the environment', () => {
  it('nothing set: no mailbox, .eml files under DATA_DIR/mail, the published mailbox as sender', () => {
    expect(mailConfigFromEnv({}, ctx)).toEqual({
      imap: null, pollSeconds: 60, trustedAuthServIds: [], smtpUrl: null, mailDir: '/srv/drg/.data/mail',
      from: { name: '济源示范区医保局', address: 'jydrgyjx@163.com' }, ownAddresses: ['jydrgyjx@163.com'], sms: null,
    });
  });

  it('everything set', () => {
    const c = mailConfigFromEnv(
      {
        MAIL_IMAP_URL: 'imaps://jydrgyjx%40163.com@imap.163.com/INBOX', MAIL_IMAP_PASSWORD: 'secret', MAIL_MAX_BYTES: '5000000', MAIL_POLL_SECONDS: '30',
        MAIL_AUTHSERV_IDS: 'mx.163.com, MX2.163.com', MAIL_SMTP_URL: 'smtps://jydrgyjx%40163.com:secret@smtp.163.com:465', MAIL_FROM: 'Notice@jy.example.gov.cn',
        SMS_GATEWAY_URL: 'https://sms.example.cn/send', SMS_GATEWAY_TOKEN: 't', SMS_GATEWAY_TEMPLATE: '{"to":"{{to}}"}',
      },
      ctx,
    );
    expect(c.imap).toMatchObject({ host: 'imap.163.com', port: 993, auth: { user: 'jydrgyjx@163.com', pass: 'secret' }, maxBytes: 5_000_000 });
    expect(c.pollSeconds).toBe(30);
    expect(c.trustedAuthServIds).toEqual(['mx.163.com', 'mx2.163.com']);
    expect(c.from).toEqual({ name: '济源示范区医保局', address: 'notice@jy.example.gov.cn' });
    expect(c.ownAddresses.sort()).toEqual(['jydrgyjx@163.com', 'notice@jy.example.gov.cn']);
    expect(c.sms).toEqual({ url: 'https://sms.example.cn/send', token: 't', template: '{"to":"{{to}}"}' });
  });

  it.each([
    [{ MAIL_MAX_BYTES: '10MB' }, 'MAIL_MAX_BYTES 应为正整数'],
    [{ MAIL_IMAP_URL: 'imaps://u@imap.163.com' }, 'MAIL_IMAP_URL 缺少密码'],
    [{ MAIL_IMAP_URL: 'not a url' }, 'MAIL_IMAP_URL 不是有效的地址'],
    [{ MAIL_FROM: '医保局' }, 'MAIL_FROM 应为电子邮箱地址'],
    [{ MAIL_SMTP_URL: 'smtp.163.com' }, 'MAIL_SMTP_URL 应为'],
    [{ SMS_GATEWAY_URL: 'https://sms.example.cn', SMS_GATEWAY_TEMPLATE: '{' }, 'SMS_GATEWAY_TEMPLATE 不是有效的 JSON'],
  ])('%o is refused: %s', (env, message) => {
    expect(() => mailConfigFromEnv(env, ctx)).toThrow(message);
  });
});
