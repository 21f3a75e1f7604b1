/**
 * The two MailTransport implementations (transport.ts): SMTP through nodemailer (MAIL_SMTP_URL), and, when no SMTP
 * is configured, an .eml writer under a folder (DATA_DIR/mail) so a bureau running the server offline still has
 * every receipt and reply as a file it can open in any mail program or send by hand. Both build the message
 * with nodemailer's composer from the same options, so the file is byte-for-byte what SMTP would have carried,
 * apart from the Date header.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { SendMailOptions } from 'nodemailer/lib/mailer';
import type { OutgoingMail } from './outbound.ts';
import { classifyMailError, MailTransportError, type MailTransport, type SendResult } from './transport.ts';

/** The outgoing mail as nodemailer options. */
export function nodemailerOptions(mail: OutgoingMail): SendMailOptions {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    ...(mail.references?.length ? { references: mail.references } : {}),
    headers: mail.headers,
    // Nothing in an outgoing mail is read from a path or URL: only the strings above.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

export interface SmtpTransportOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered; add `?requireTLS=true` to insist) or `smtps://…:465`. */
  url: string;
  /** How long to wait for the connection, the greeting and an idle socket (ms). */
  timeoutMs?: number;
}

export function createSmtpTransport(opts: SmtpTransportOptions): MailTransport {
  const timeout = opts.timeoutMs ?? 30_000;
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch {
    throw new MailTransportError('MAIL_SMTP_URL 不是有效的地址（应为 smtp://用户:密码@主机:端口 或 smtps://…）', 'config', 'ECONFIG');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new MailTransportError(`MAIL_SMTP_URL 的协议应为 smtp: 或 smtps:，而不是 ${url.protocol}`, 'config', 'ECONFIG');
  }
  const transporter = createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    requireTLS: url.searchParams.get('requireTLS') === 'true',
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // One mail per connection: the queue sends a handful a minute, and a pooled connection that went stale is
    // one more way to fail.
    pool: false,
  });
  return {
    kind: 'smtp',
    async send(mail) {
      try {
        const info = await transporter.sendMail(nodemailerOptions(mail));
        const rejected = (info.rejected ?? []).map(String);
        if (rejected.length && !(info.accepted ?? []).length) {
          throw new MailTransportError(`收件人被拒收：${rejected.join(', ')}`, 'permanent', 'EENVELOPE');
        }
        return { messageId: info.messageId ?? mail.messageId, accepted: (info.accepted ?? []).map(String), rejected, response: info.response ?? '' };
      } catch (e) {
        throw classifyMailError(e);
      }
    },
    async close() {
      transporter.close();
    },
  };
}

/** A file name for the mail: its kind, queue key and a hash part, nothing taken unsanitised from outside. */
export function emlFileName(mail: OutgoingMail): string {
  const safeKey = mail.key.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 120);
  return `${safeKey || mail.kind}.eml`;
}

/** The raw RFC 5322 message, as nodemailer would send it. */
export function buildRawMessage(mail: OutgoingMail): Promise<Buffer> {
  return new MailComposer(nodemailerOptions(mail)).compile().build();
}

/**
 * Writes each mail as `<dir>/<key>.eml` (written to a temporary name and renamed, so a reader never sees half a
 * file; the same key overwrites, so a retried mail is still one file).
 */
export function createEmlWriter(dir: string): MailTransport {
  return {
    kind: 'eml',
    async send(mail): Promise<SendResult> {
      try {
        await mkdir(dir, { recursive: true });
        const raw = await buildRawMessage(mail);
        const file = join(dir, emlFileName(mail));
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, raw, { mode: 0o600 });
        await rename(tmp, file);
        return { messageId: mail.messageId, accepted: mail.to.map((t) => t.address), rejected: [], response: file };
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        // A full or read-only disk is not the mail's fault: retried like a server that is down.
        throw new MailTransportError(`无法写入邮件文件：${err.message}`, 'transient', err.code);
      }
    },
    async close() {},
  };
}

/** SMTP when a URL is configured, else the .eml writer under `mailDir` (DATA_DIR/mail). */
export function createMailTransport(config: { smtpUrl?: string; mailDir: string; timeoutMs?: number }): MailTransport {
  return config.smtpUrl ? createSmtpTransport({ url: config.smtpUrl, timeoutMs: config.timeoutMs }) : createEmlWriter(config.mailDir);
}
