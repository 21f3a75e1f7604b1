/**
 * Reads the dedicated mailbox over IMAP (imapflow) and parses messages (mailparser). Messages are never deleted
 * nor moved: a processed message gets a keyword (`$DrgProcessed`, or `\Flagged` where the server allows no
 * keywords), and the next read asks only for messages without it. Other clients' flags (\Seen by a person
 * reading the mailbox in webmail) do not matter.
 *
 * The size comes first (RFC822.SIZE with the headers): a message over `maxBytes` is returned with its headers
 * only and its body is never downloaded, so a 20 MB mail costs a few hundred bytes of traffic (inbound.ts then
 * skips it as `too-large` and the caller sends one note). Messages are downloaded one at a time, so memory holds
 * at most one message of `maxBytes`.
 */
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface MailboxReaderOptions {
  host: string;
  port: number;
  /** TLS from the start (993). Without it STARTTLS is required unless `allowPlaintext` (a loopback test server). */
  secure: boolean;
  auth: { user: string; pass: string };
  /** Default INBOX. */
  mailbox?: string;
  /** Largest message downloaded, bytes. */
  maxBytes: number;
  /** The keyword that marks a processed message. */
  processedKeyword?: string;
  /** Allow a connection without TLS (only for a server on this machine). */
  allowPlaintext?: boolean;
  /** Most messages returned by one `fetchNew` (the rest come on the next poll). */
  batchSize?: number;
  timeoutMs?: number;
}

export interface FetchedMessage {
  uid: number;
  /** RFC822.SIZE. */
  size: number;
  /** The parsed message; headers only when `headersOnly`. */
  parsed: ParsedMail;
  /** True when the message is over `maxBytes` and its body was not downloaded. */
  headersOnly: boolean;
}

export interface MailboxReader {
  /** Unprocessed messages, oldest first. */
  fetchNew(): Promise<FetchedMessage[]>;
  /** Marks a message processed (never deletes it). */
  markProcessed(uid: number): Promise<void>;
  /** How the processed mark is stored here: the keyword, or `\Flagged` on servers without keywords. */
  processedFlag(): Promise<string>;
  close(): Promise<void>;
}

export const defaultProcessedKeyword = '$DrgProcessed';

/** mailparser settings for opinions: our own HTML→text (html-text.ts), no inlined images, no generated HTML. */
export const parserOptions = { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, keepCidLinks: true } as const;

/**
 * `imaps://user:pass@host:993/INBOX` or `imap://…:143/INBOX` (STARTTLS) → reader options. Query `maxBytes`
 * overrides the limit; `allowPlaintext=true` is honoured only for a loopback host.
 */
export function mailboxOptionsFromUrl(value: string, maxBytes: number): MailboxReaderOptions {
  const url = new URL(value);
  if (url.protocol !== 'imap:' && url.protocol !== 'imaps:') throw new Error(`MAIL_IMAP_URL 的协议应为 imap: 或 imaps:，而不是 ${url.protocol}`);
  if (!url.username) throw new Error('MAIL_IMAP_URL 缺少用户名（imaps://用户:密码@主机/INBOX）');
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  const limit = url.searchParams.get('maxBytes');
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : url.protocol === 'imaps:' ? 993 : 143,
    secure: url.protocol === 'imaps:',
    auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
    mailbox: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX',
    maxBytes: limit && /^\d+$/.test(limit) ? Number(limit) : maxBytes,
    allowPlaintext: loopback && url.searchParams.get('allowPlaintext') === 'true',
  };
}

export function createMailboxReader(opts: MailboxReaderOptions): MailboxReader {
  const mailbox = opts.mailbox ?? 'INBOX';
  const keyword = opts.processedKeyword ?? defaultProcessedKeyword;
  const batchSize = opts.batchSize ?? 50;
  let client: ImapFlow | null = null;
  let flag: string | null = null;

  async function connected(): Promise<ImapFlow> {
    if (client?.usable) return client;
    const options: ImapFlowOptions = {
      host: opts.host,
      port: opts.port,
      secure: opts.secure,
      auth: opts.auth,
      logger: false,
      // Credentials never cross the network in clear, except to a test server on this machine.
      doSTARTTLS: opts.secure ? undefined : !opts.allowPlaintext,
      disableAutoIdle: true,
      connectionTimeout: opts.timeoutMs ?? 30_000,
      greetingTimeout: opts.timeoutMs ?? 30_000,
      socketTimeout: Math.max(60_000, opts.timeoutMs ?? 0),
      // A message over the limit is never downloaded; a literal far over it means a broken or hostile server.
      maxLiteralSize: Math.max(opts.maxBytes * 2, 1024 * 1024),
    };
    const c = new ImapFlow(options);
    c.on('error', () => {
      // Socket errors also reject the command in flight; the next call reconnects.
    });
    await c.connect();
    client = c;
    const box = await c.mailboxOpen(mailbox);
    // RFC 3501 §7.1: `\*` in PERMANENTFLAGS means new keywords may be created; otherwise use \Flagged.
    flag = box.permanentFlags?.has('\\*') || box.permanentFlags?.has(keyword) ? keyword : '\\Flagged';
    return c;
  }

  return {
    async fetchNew() {
      const c = await connected();
      // A NOOP makes the server report mail delivered since the last command on this connection (RFC 3501 §6.1.2).
      await c.noop();
      const query = flag === '\\Flagged' ? { flagged: false, deleted: false } : { unKeyword: keyword, deleted: false };
      const uids = ((await c.search(query, { uid: true })) || []).sort((a, b) => a - b).slice(0, batchSize);
      if (!uids.length) return [];
      // Sizes and headers of the whole batch first; bodies one by one, only for messages within the limit.
      const heads = await c.fetchAll(uids.join(','), { uid: true, size: true, headers: true }, { uid: true });
      const out: FetchedMessage[] = [];
      for (const head of heads.sort((a, b) => a.uid - b.uid)) {
        const size = head.size ?? 0;
        if (size > opts.maxBytes) {
          const parsed = await simpleParser(Buffer.concat([head.headers ?? Buffer.alloc(0), Buffer.from('\r\n')]), parserOptions);
          out.push({ uid: head.uid, size, parsed, headersOnly: true });
          continue;
        }
        const full = await c.fetchOne(String(head.uid), { uid: true, source: true }, { uid: true });
        if (!full || !full.source) continue; // expunged by another client meanwhile
        out.push({ uid: head.uid, size, parsed: await simpleParser(full.source, parserOptions), headersOnly: false });
      }
      return out;
    },
    async markProcessed(uid) {
      const c = await connected();
      const ok = await c.messageFlagsAdd(String(uid), [flag!], { uid: true });
      if (!ok) throw new Error(`无法为邮件 UID ${uid} 设置 ${flag} 标记`);
    },
    async processedFlag() {
      await connected();
      return flag!;
    },
    async close() {
      const c = client;
      client = null;
      if (c?.usable) await c.logout().catch(() => c.close());
      else c?.close();
    },
  };
}
