/**
 * The mail settings from the environment (all optional), checked once at start-up with errors that name the
 * variable. Pure: takes the environment and the bureau's published mailbox, returns the settings.
 *
 * | variable | meaning |
 * | --- | --- |
 * | `MAIL_IMAP_URL` | the dedicated mailbox: `imaps://user:password@host/INBOX` (user and password URL-encoded) |
 * | `MAIL_IMAP_PASSWORD` | the password, when it is kept out of the URL |
 * | `MAIL_MAX_BYTES` | largest message read (default 10 MB); larger ones get a polite note |
 * | `MAIL_POLL_SECONDS` | how often the mailbox is read (default 60) |
 * | `MAIL_AUTHSERV_IDS` | comma-separated authserv-ids of the receiving servers whose Authentication-Results are trusted (e.g. `mx.163.com`) |
 * | `MAIL_SMTP_URL` | outgoing mail: `smtps://user:password@host:465` or `smtp://…:587`; unset: .eml files in `DATA_DIR/mail` |
 * | `MAIL_FROM` | the bureau's sending address (default bureau.json `contact.email`) |
 * | `SMS_GATEWAY_URL`, `SMS_GATEWAY_TOKEN`, `SMS_GATEWAY_TEMPLATE` | SMS for mobile contacts (sms.ts) |
 */
import { mailboxOptionsFromUrl, type MailboxReaderOptions } from './imap-fs.ts';
import type { MailAddress } from './outbound.ts';
import type { HttpSmsGatewayOptions } from './sms.ts';

export const defaultMaxBytes = 10 * 1024 * 1024;

export interface MailConfig {
  /** Null: no mailbox is read. */
  imap: MailboxReaderOptions | null;
  pollSeconds: number;
  trustedAuthServIds: string[];
  /** Null: mail is written as .eml files to `mailDir`. */
  smtpUrl: string | null;
  mailDir: string;
  /** Null when neither MAIL_FROM nor the bureau's published mailbox is set: then no mail is sent. */
  from: MailAddress | null;
  /** Addresses that are ours (the mailbox and the sender): mail from them is a loop. */
  ownAddresses: string[];
  sms: HttpSmsGatewayOptions | null;
}

export class MailConfigError extends Error {
  override name = 'MailConfigError';
}

const email = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name]?.trim();
  if (!v) return fallback;
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new MailConfigError(`${name} 应为正整数，而不是“${v}”`);
  return Number(v);
}

export function mailConfigFromEnv(env: NodeJS.ProcessEnv, ctx: { mailDir: string; bureauEmail?: string; bureauName: string }): MailConfig {
  const maxBytes = positiveInt(env, 'MAIL_MAX_BYTES', defaultMaxBytes);
  let imap: MailboxReaderOptions | null = null;
  if (env.MAIL_IMAP_URL?.trim()) {
    try {
      imap = mailboxOptionsFromUrl(env.MAIL_IMAP_URL.trim(), maxBytes);
    } catch (e) {
      throw new MailConfigError(e instanceof TypeError ? 'MAIL_IMAP_URL 不是有效的地址（应为 imaps://用户:密码@主机/INBOX）' : (e as Error).message);
    }
    if (env.MAIL_IMAP_PASSWORD) imap.auth.pass = env.MAIL_IMAP_PASSWORD;
    if (!imap.auth.pass) throw new MailConfigError('MAIL_IMAP_URL 缺少密码（写在地址中，或设置 MAIL_IMAP_PASSWORD）');
  }
  const fromAddress = (env.MAIL_FROM?.trim() || ctx.bureauEmail || '').toLowerCase();
  if (fromAddress && !email.test(fromAddress)) throw new MailConfigError(`MAIL_FROM 应为电子邮箱地址，而不是“${fromAddress}”`);
  const smtpUrl = env.MAIL_SMTP_URL?.trim() || null;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new MailConfigError('MAIL_SMTP_URL 应为 smtp://用户:密码@主机:端口 或 smtps://…');
  let sms: HttpSmsGatewayOptions | null = null;
  if (env.SMS_GATEWAY_URL?.trim()) {
    const url = env.SMS_GATEWAY_URL.trim();
    if (!/^https?:\/\//.test(url)) throw new MailConfigError('SMS_GATEWAY_URL 应为 https:// 地址');
    if (env.SMS_GATEWAY_TEMPLATE) {
      try {
        JSON.parse(env.SMS_GATEWAY_TEMPLATE);
      } catch (e) {
        throw new MailConfigError(`SMS_GATEWAY_TEMPLATE 不是有效的 JSON：${(e as Error).message}`);
      }
    }
    sms = { url, token: env.SMS_GATEWAY_TOKEN || undefined, template: env.SMS_GATEWAY_TEMPLATE || undefined };
  }
  const own = new Set([fromAddress, (ctx.bureauEmail ?? '').toLowerCase(), imap && imap.auth.user.includes('@') ? imap.auth.user.toLowerCase() : ''].filter(Boolean));
  return {
    imap,
    pollSeconds: positiveInt(env, 'MAIL_POLL_SECONDS', 60),
    trustedAuthServIds: (env.MAIL_AUTHSERV_IDS ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean),
    smtpUrl,
    mailDir: ctx.mailDir,
    from: fromAddress ? { name: ctx.bureauName, address: fromAddress } : null,
    ownAddresses: [...own],
    sms,
  };
}
