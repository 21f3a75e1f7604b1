/**
 * What the mail core needs of a parsed message, and what it reads from the headers: the message's identity
 * (Message-ID or a stand-in), whether it is machine mail that must never get a receipt (auto-replies, bounces,
 * list mail, our own mail coming back), and whether the receiving server vouched for the From address.
 *
 * `MailLike` is the part of mailparser's `ParsedMail` this module reads, so tests and callers can pass a
 * ParsedMail as it is. Pure: header text in, decisions out. Header values are outside data: every scan here is
 * an indexOf/split loop or an anchored pattern over a bounded piece, never a backtracking regex over the header.
 */
import { createHash } from 'node:crypto';

export interface MailAddressLike {
  name?: string;
  address?: string;
}

export interface MailAttachmentLike {
  filename?: string;
  contentType: string;
  size: number;
  content: Buffer;
  contentDisposition?: string;
  /** An image embedded in the HTML (multipart/related with a Content-ID). */
  related?: boolean;
}

/** The part of mailparser's ParsedMail the mail core reads. */
export interface MailLike {
  headers: ReadonlyMap<string, unknown>;
  /** Raw header lines in order, lower-case keys (mailparser's `headerLines`): used where parsed values lose detail. */
  headerLines?: ReadonlyArray<{ key: string; line: string }>;
  subject?: string;
  from?: { value: MailAddressLike[] };
  messageId?: string;
  inReplyTo?: string;
  references?: string | string[];
  date?: Date;
  text?: string;
  html?: string | false;
  attachments: MailAttachmentLike[];
}

/** Values of one header, topmost first, unfolded, without the name (`Authentication-Results` may repeat). */
export function rawHeaders(mail: MailLike, key: string): string[] {
  const k = key.toLowerCase();
  if (mail.headerLines) {
    const out: string[] = [];
    for (const h of mail.headerLines) {
      if (h.key !== k) continue;
      const colon = h.line.indexOf(':');
      out.push((colon < 0 ? '' : h.line.slice(colon + 1)).replace(/\r?\n[ \t]+/g, ' ').trim());
    }
    return out;
  }
  const v = mail.headers.get(k);
  if (typeof v === 'string') return [v.trim()];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').map((x) => x.trim());
  return [];
}

const firstHeader = (mail: MailLike, key: string) => rawHeaders(mail, key)[0];

/** Lower-case address, or '' when there is none. */
export const normaliseAddress = (address: string | undefined) => (address ?? '').trim().toLowerCase();

/** The first From mailbox. Never authority: anyone can write any From (see `senderVerification`). */
export function senderOf(mail: MailLike): { address: string; name: string } | null {
  const first = mail.from?.value.find((a) => a.address);
  if (!first?.address) return null;
  return { address: normaliseAddress(first.address), name: (first.name ?? '').trim() };
}

/** Ends every stand-in key (RFC 6761 `.invalid`: it can never be a real message's id, nor be replied to). */
export const standInIdSuffix = '@drg-feedback.invalid>';

/**
 * The message's identity for "one message, one opinion": its Message-ID, or, when it has none (some scanners and
 * old clients send none), a stand-in hashed from headers that do not change between two reads of the same stored
 * message. Only headers, so a message too large to download gets the same key as it would after download.
 */
export function messageKeyOf(mail: MailLike): string {
  const id = (mail.messageId ?? '').trim();
  if (id.length >= 3 && id.length <= 998) return id;
  const parts = ['date', 'from', 'to', 'subject', 'received'].map((k) => rawHeaders(mail, k).join('\n'));
  return `<no-id.${createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32)}${standInIdSuffix}`;
}

/** Why a message gets no opinion and no receipt. */
export type MachineMailReason = 'auto-reply' | 'bounce' | 'list' | 'loop';

/** The header our own outgoing mail carries (outbound.ts), so a receipt that comes back is recognised as ours. */
export const ownMailHeader = 'X-DRG-Feedback';

const autoReplySubjects = ['自动回复', '自动答复', '自動回覆', '自动应答', 'auto:', 'autoreply', 'auto-reply', 'auto reply', 'automatic reply', 'out of office', 'out of the office', 'abwesenheitsnotiz'];
const bounceSubjects = ['退信', '系统退信', '邮件退回', 'undeliverable', 'undelivered mail', 'delivery status notification', 'mail delivery failed', 'delivery failure', 'returned mail', 'failure notice'];
const bounceLocalParts = new Set(['mailer-daemon', 'postmaster', 'mail-daemon', 'mailerdaemon']);
/** Senders that say they read no answers: notifications from systems, never a person's opinion. */
const noReplyLocalParts = new Set(['noreply', 'no-reply', 'donotreply', 'do-not-reply', 'no_reply', 'notification', 'notifications']);

const startsWithAny = (s: string, prefixes: readonly string[]) => prefixes.some((p) => s.startsWith(p));

const replyPrefixes = ['re:', 're：', 'aw:', 'fw:', 'fwd:', 'fw：', 'fwd：', '回复:', '回复：', '答复:', '答复：', '转发:', '转发：'];

/** Subject without reply/forward prefixes (Re:, 回复：, Fwd:) and leading tags such as `[外部邮件]`, case kept. */
export function cleanSubject(subject: string): string {
  let s = subject.replace(/\s+/g, ' ').trim();
  for (let guard = 0; guard < 10; guard++) {
    const before = s;
    const lower = s.toLowerCase();
    const p = replyPrefixes.find((x) => lower.startsWith(x));
    if (p) s = s.slice(p.length).trimStart();
    if (s.startsWith('[') || s.startsWith('【')) {
      const close = s.indexOf(s[0] === '[' ? ']' : '】');
      if (close > 0 && close < 30) s = s.slice(close + 1).trimStart();
    }
    if (s === before) break;
  }
  return s;
}

/**
 * Machine mail that must never become an opinion nor get a receipt, else two auto-responders answer each other
 * forever: RFC 3834 auto-replies (Auto-Submitted other than `no`), the X-Autoreply family, Precedence
 * bulk/junk/list, out-of-office subjects (自动回复); RFC 3464 bounces (multipart/report, MAILER-DAEMON, an empty
 * Return-Path); RFC 2919 list mail (List-Id, List-Unsubscribe); and our own mail coming back.
 */
export function machineMail(mail: MailLike, ownAddresses: readonly string[]): { reason: MachineMailReason; detail: string } | null {
  const sender = senderOf(mail);
  const own = new Set(ownAddresses.map(normaliseAddress));
  if (rawHeaders(mail, ownMailHeader).length) return { reason: 'loop', detail: `带有本系统发信标记 ${ownMailHeader}` };
  if (sender && own.has(sender.address)) return { reason: 'loop', detail: `发件人是本局发信地址 ${sender.address}` };

  const contentType = (firstHeader(mail, 'content-type') ?? '').toLowerCase();
  if (contentType.startsWith('multipart/report')) return { reason: 'bounce', detail: 'multipart/report 投递状态报告' };
  const local = sender ? sender.address.slice(0, sender.address.indexOf('@')) : '';
  if (bounceLocalParts.has(local)) return { reason: 'bounce', detail: `发件人 ${sender!.address}` };
  if (noReplyLocalParts.has(local)) return { reason: 'auto-reply', detail: `发件人 ${local}@… 是系统通知地址` };
  const returnPath = firstHeader(mail, 'return-path');
  if (returnPath !== undefined && returnPath.replace(/\s/g, '') === '<>') return { reason: 'bounce', detail: '空的 Return-Path（系统通知）' };
  if (rawHeaders(mail, 'x-failed-recipients').length) return { reason: 'bounce', detail: 'X-Failed-Recipients' };

  const autoSubmitted = (firstHeader(mail, 'auto-submitted') ?? '').toLowerCase();
  if (autoSubmitted && !autoSubmitted.startsWith('no')) return { reason: 'auto-reply', detail: `Auto-Submitted: ${autoSubmitted.slice(0, 40)}` };
  for (const k of ['x-autoreply', 'x-autorespond', 'x-autorespons', 'x-auto-reply']) {
    if (rawHeaders(mail, k).length) return { reason: 'auto-reply', detail: k };
  }
  const precedence = (firstHeader(mail, 'precedence') ?? '').toLowerCase();
  if (precedence === 'list') return { reason: 'list', detail: 'Precedence: list' };
  if (precedence === 'bulk' || precedence === 'junk' || precedence === 'auto_reply') return { reason: 'auto-reply', detail: `Precedence: ${precedence}` };

  if (rawHeaders(mail, 'list-id').length || rawHeaders(mail, 'list-unsubscribe').length || rawHeaders(mail, 'list-post').length) {
    return { reason: 'list', detail: 'List-Id / List-Unsubscribe' };
  }
  const subject = cleanSubject(mail.subject ?? '').toLowerCase();
  if (startsWithAny(subject, autoReplySubjects)) return { reason: 'auto-reply', detail: `主题“${(mail.subject ?? '').slice(0, 40)}”` };
  if (startsWithAny(subject, bounceSubjects)) return { reason: 'bounce', detail: `主题“${(mail.subject ?? '').slice(0, 40)}”` };
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Authentication-Results (RFC 8601). Anyone can put any From on a message, and anyone can add an
// Authentication-Results header too: only those added by the bureau's own receiving servers (their authserv-id,
// configured) count, and a pass counts only for the From domain (DMARC alignment, RFC 7489 §3.1), so
// `dkim=pass header.d=evil.example` proves nothing about `From: boss@hospital.example`.
// ---------------------------------------------------------------------------------------------------------------

export interface AuthResult {
  method: string;
  result: string;
  /** Properties such as `header.d`, `smtp.mailfrom`, `header.from`. */
  props: Record<string, string>;
}

/** Drops `( … )` comments (they may nest; a counter, not a pattern). */
function stripComments(value: string): string {
  let depth = 0;
  let out = '';
  for (const ch of value) {
    if (ch === '(') depth++;
    else if (ch === ')' && depth > 0) depth--;
    else if (depth === 0) out += ch;
  }
  return out;
}

/** One Authentication-Results value → its authserv-id and results. */
export function parseAuthenticationResults(value: string): { authServId: string; results: AuthResult[] } {
  const parts = stripComments(value.slice(0, 8192)).split(';').map((p) => p.trim());
  const authServId = (parts[0] ?? '').split(/\s+/)[0]?.toLowerCase() ?? '';
  const results: AuthResult[] = [];
  for (const part of parts.slice(1)) {
    const words = part.split(/\s+/).filter(Boolean);
    const head = words.shift();
    if (!head) continue;
    const eq = head.indexOf('=');
    if (eq <= 0) continue;
    const props: Record<string, string> = {};
    for (const w of words) {
      const e = w.indexOf('=');
      if (e > 0) props[w.slice(0, e).toLowerCase()] = w.slice(e + 1).replace(/^"|"$/g, '').toLowerCase();
    }
    results.push({ method: head.slice(0, eq).toLowerCase(), result: head.slice(eq + 1).toLowerCase(), props });
  }
  return { authServId, results };
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
/** Relaxed alignment: the same domain, or one a subdomain of the other (mail.hospital.cn ~ hospital.cn). */
const aligned = (a: string, b: string) => a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);

export interface SenderVerification {
  verified: boolean;
  /** How: `dmarc`, `dkim` or `spf`, with the domain that passed. */
  method?: 'dmarc' | 'dkim' | 'spf';
  domain?: string;
}

/**
 * Whether a trusted receiving server vouched for the From domain: dmarc=pass, or dkim=pass / spf=pass for an
 * aligned domain, in an Authentication-Results header whose authserv-id is one of `trustedAuthServIds`.
 * With no trusted ids configured nothing is verified: an unconfigured server cannot tell its own headers from
 * forged ones.
 */
export function senderVerification(mail: MailLike, trustedAuthServIds: readonly string[]): SenderVerification {
  const sender = senderOf(mail);
  if (!sender) return { verified: false };
  const fromDomain = domainOf(sender.address);
  const trusted = new Set(trustedAuthServIds.map((s) => s.toLowerCase()));
  for (const header of rawHeaders(mail, 'authentication-results')) {
    const { authServId, results } = parseAuthenticationResults(header);
    if (!trusted.has(authServId)) continue;
    for (const r of results) {
      if (r.result !== 'pass') continue;
      if (r.method === 'dmarc') {
        const d = r.props['header.from'] ?? fromDomain;
        if (aligned(d, fromDomain)) return { verified: true, method: 'dmarc', domain: d };
      }
      if (r.method === 'dkim') {
        const d = r.props['header.d'] ?? (r.props['header.i'] ? domainOf(r.props['header.i']) : '');
        if (d && aligned(d, fromDomain)) return { verified: true, method: 'dkim', domain: d };
      }
      if (r.method === 'spf') {
        const m = r.props['smtp.mailfrom'] ?? '';
        const d = m.includes('@') ? domainOf(m) : m;
        if (d && aligned(d, fromDomain)) return { verified: true, method: 'spf', domain: d };
      }
    }
  }
  return { verified: false };
}
