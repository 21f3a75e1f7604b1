/**
 * The mail the bureau sends, composed in Chinese (plain text and a simple HTML part with the same content):
 * receipts for opinions that came by mail (with the 查询码), replies (the answer itself for an e-mail contact, and
 * the link to the public reply), reminders to the handling office about overdue opinions (the daily overdue check,
 * scripts/lib/triage/overdue.ts), and the two notes to a sender whose mail could not be registered (too large,
 * form incomplete). Also the SMS texts for a mobile contact (sms.ts sends them).
 *
 * Pure. Every mail has a queue `key` and a Message-ID derived from it, so a retried mail is the same mail to the
 * receiving server; answers to a message thread to it (In-Reply-To / References). Automatic answers carry
 * `Auto-Submitted: auto-replied` (RFC 3834) and `X-Auto-Response-Suppress: All` (Exchange), so responders stay
 * quiet, and our own `X-DRG-Feedback` marker, so one that comes back is recognised (message.ts machineMail).
 * Text from outside (titles, answers) is escaped in the HTML part; what a receipt echoes of the sender's own text
 * is short, because a forged From would make it mail to a stranger.
 */
import { createHash } from 'node:crypto';
import { categories, offices, outcomes, type CategoryKey, type OfficeKey, type OutcomeKey } from '../../../schemas/common.ts';
import { submissionLabels, type FieldError } from '../../../schemas/submission.ts';
import { replyPath } from '../submission/public-status.ts';
import { chinaDateTime } from '../workdays.ts';
import { messageKeyOf, ownMailHeader, standInIdSuffix, type MailLike } from './message.ts';

export interface MailAddress {
  name?: string;
  address: string;
}

export type OutgoingKind = 'receipt' | 'reply' | 'reminder' | 'too-large' | 'invalid';

/** One mail to send: what the transports (transport-fs.ts) deliver and the mail queue stores. */
export interface OutgoingMail {
  /** Queue key: one per mail that should exist (`receipt:JY-2026-7K3M9Q`); a retry keeps it, and so its Message-ID. */
  key: string;
  kind: OutgoingKind;
  from: MailAddress;
  to: MailAddress[];
  subject: string;
  text: string;
  html: string;
  /** `<…@domain>`, derived from `key` and the sender's domain. */
  messageId: string;
  /** Message-ID of the mail answered (the sender's original message). */
  inReplyTo?: string;
  references?: string[];
  /** Extra headers (Auto-Submitted, X-Auto-Response-Suppress, X-DRG-Feedback). */
  headers: Record<string, string>;
}

/** Who sends, and the public site the links point to. */
export interface MailIdentity {
  /** The bureau's address (MAIL_FROM) and its name as the display name. */
  from: MailAddress;
  /** bureau.json `siteUrl`. */
  siteUrl: string;
  bureau: { name: string; shortName: string; contact: { phone?: string; email?: string } };
}

/** The message being answered, for threading. */
export interface OriginalMessage {
  messageId: string;
  references?: string | string[];
  date?: Date;
}

/** `<kind.hash@domain>`: stable for one key, unique across keys. */
export function messageIdFor(key: string, from: MailAddress): string {
  const domain = from.address.slice(from.address.lastIndexOf('@') + 1) || 'localhost';
  const kind = key.slice(0, key.indexOf(':') > 0 ? key.indexOf(':') : undefined).replace(/[^a-z-]/g, '') || 'mail';
  return `<${kind}.${createHash('sha256').update(key).digest('base64url').slice(0, 24)}@${domain}>`;
}

/** The message to answer, as the mailbox gave it (a stand-in key from messageKeyOf is no id to reply to). */
export function originalOf(mail: MailLike): OriginalMessage {
  return { messageId: messageKeyOf(mail), references: mail.references, date: mail.date };
}

const threadTo = (original?: OriginalMessage): Pick<OutgoingMail, 'inReplyTo' | 'references'> => {
  if (!original?.messageId || original.messageId.endsWith(standInIdSuffix)) return {};
  const earlier = original.references === undefined ? [] : Array.isArray(original.references) ? original.references : original.references.split(/\s+/).filter(Boolean);
  // RFC 5322 §3.6.4: the parent's References plus the parent; the list is cut from the front when long.
  return { inReplyTo: original.messageId, references: [...earlier.slice(-10), original.messageId] };
};

const autoReplyHeaders = (kind: OutgoingKind): Record<string, string> => ({
  'Auto-Submitted': 'auto-replied',
  'X-Auto-Response-Suppress': 'All',
  [ownMailHeader]: kind,
});

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const cut = (s: string, max: number) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
};
const absolute = (siteUrl: string, path: string) => `${siteUrl.replace(/\/+$/, '')}${path}`;
export const trackUrl = (siteUrl: string, trackingCode: string) => absolute(siteUrl, `/track?code=${encodeURIComponent(trackingCode)}`);
export const replyUrl = (siteUrl: string, trackingCode: string) => absolute(siteUrl, replyPath(trackingCode));
const kbText = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

/** A mail body as blocks; rendered once as text and once as HTML so the two parts never say different things. */
type Block =
  | { p: string }
  | { fields: [string, string][] }
  | { link: [string, string] }
  | { list: string[] }
  | { quote: string }
  | { small: string };

function renderText(blocks: Block[]): string {
  return (
    blocks
      .map((b) => {
        if ('p' in b) return b.p;
        if ('fields' in b) return b.fields.map(([k, v]) => `${k}：${v}`).join('\n');
        if ('link' in b) return `${b.link[0]}：${b.link[1]}`;
        if ('list' in b) return b.list.map((l) => `- ${l}`).join('\n');
        if ('quote' in b) return b.quote;
        return `--\n${b.small}`;
      })
      .join('\n\n') + '\n'
  );
}

function renderHtml(blocks: Block[], title: string): string {
  const br = (s: string) => escapeHtml(s).replace(/\n/g, '<br>\n');
  const body = blocks
    .map((b) => {
      if ('p' in b) return `<p>${br(b.p)}</p>`;
      if ('fields' in b) {
        const rows = b.fields.map(([k, v]) => `<tr><th scope="row" style="text-align:left;padding:2px 12px 2px 0;white-space:nowrap">${escapeHtml(k)}</th><td>${br(v)}</td></tr>`);
        return `<table role="presentation" style="border-collapse:collapse">${rows.join('')}</table>`;
      }
      if ('link' in b) return `<p>${escapeHtml(b.link[0])}：<a href="${escapeHtml(b.link[1])}">${escapeHtml(b.link[1])}</a></p>`;
      if ('list' in b) return `<ul>${b.list.map((l) => `<li>${br(l)}</li>`).join('')}</ul>`;
      if ('quote' in b) return `<blockquote style="margin:0 0 0 8px;padding-left:8px;border-left:3px solid #ccc">${br(b.quote)}</blockquote>`;
      return `<hr><p style="color:#555;font-size:90%">${br(b.small)}</p>`;
    })
    .join('\n');
  return `<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body style="font-family:sans-serif;line-height:1.6">\n${body}\n</body></html>\n`;
}

function footer(id: MailIdentity, automatic: boolean): Block {
  const lines = [automatic ? '本邮件由系统自动发送。' : '', id.bureau.name, id.bureau.contact.phone ? `联系电话：${id.bureau.contact.phone}` : '', absolute(id.siteUrl, '/')].filter(Boolean);
  return { small: lines.join('\n') };
}

function mail(id: MailIdentity, m: Omit<OutgoingMail, 'from' | 'messageId' | 'text' | 'html'>, blocks: Block[]): OutgoingMail {
  return { ...m, from: id.from, messageId: messageIdFor(m.key, id.from), text: renderText(blocks), html: renderHtml(blocks, m.subject) };
}

// ---------------------------------------------------------------------------------------------------------------

export interface ReceiptInput {
  to: string;
  trackingCode: string;
  /** ISO instant received. */
  receivedAt: string;
  /** YYYY-MM-DD. */
  deadline: string;
  office: OfficeKey;
  category: CategoryKey;
  /** False when the category was decided by triage, not ticked by the sender. */
  categoryGiven: boolean;
  title: string;
  attachments: readonly { filename: string; size: number }[];
  /** `queued`: accepted into the outbox, registered later (the 查询码 is final either way). */
  status: 'delivered' | 'queued';
  original?: OriginalMessage;
}

/** The receipt for an opinion received by mail. */
export function composeReceipt(id: MailIdentity, r: ReceiptInput): OutgoingMail {
  const fields: [string, string][] = [
    ['查询码', r.trackingCode],
    [submissionLabels.title, cut(r.title, 40)],
    ['收到时间', `${chinaDateTime(r.receivedAt)}（北京时间）`],
    [submissionLabels.category, `${categories[r.category].zh}${r.categoryGiven ? '' : '（系统初步分类，工作人员将核对）'}`],
    ['承办部门', offices[r.office].zh],
    ['答复期限', `${r.deadline} 前`],
  ];
  if (r.attachments.length) fields.push(['附件', r.attachments.map((a) => `${cut(a.filename, 60)}（${kbText(a.size)}）`).join('、')]);
  const blocks: Block[] = [
    { p: '您好：' },
    { p: `${id.bureau.name}已收到您通过意见收集反馈专用电子信箱提交的意见建议，${r.status === 'delivered' ? '已登记办理' : '已保存，系统将自动登记办理，无需重复发送'}。` },
    { fields },
    { link: ['查询办理进度', trackUrl(id.siteUrl, r.trackingCode)] },
    {
      p: '请保存查询码。作出答复后，我们会发邮件告知；公开答复刊登在网站上，不公开您的姓名和联系方式。补充材料请回复本邮件，并保留主题中的查询码。',
    },
    footer(id, true),
  ];
  return mail(
    id,
    {
      key: `receipt:${r.trackingCode}`,
      kind: 'receipt',
      to: [{ address: r.to }],
      subject: `已收到您的意见建议（查询码 ${r.trackingCode}）`,
      headers: autoReplyHeaders('receipt'),
      ...threadTo(r.original),
    },
    blocks,
  );
}

export interface ReplyInput {
  to: string;
  trackingCode: string;
  title: string;
  outcome: OutcomeKey;
  /** The answer itself, for an e-mail contact (the `/reply` text). */
  answer?: string;
  /** Whether the public reply page exists yet (`npm run replies` has published it). */
  published: boolean;
  original?: OriginalMessage;
}

/** The answer to an opinion: the answer text when given, and the links to the public reply and the status. */
export function composeReply(id: MailIdentity, r: ReplyInput): OutgoingMail {
  if (!r.answer && !r.published) throw new Error('composeReply: 需要答复正文或已公开的答复页面');
  const blocks: Block[] = [
    { p: '您好：' },
    { p: `您提交的意见建议（查询码 ${r.trackingCode}）已作出答复。` },
    { fields: [[submissionLabels.title, cut(r.title, 60)], ['办理结果', outcomes[r.outcome].zh]] },
  ];
  if (r.answer) blocks.push({ p: '答复如下：' }, { quote: r.answer.trim() });
  if (r.published) blocks.push({ link: ['公开答复', replyUrl(id.siteUrl, r.trackingCode)] });
  blocks.push({ link: ['查询办理进度', trackUrl(id.siteUrl, r.trackingCode)] });
  // The submitter's verdict (好差评, 国办发〔2019〕51号): the /track page's verdict form.
  blocks.push({ link: ['评价这次答复（满意 / 基本满意 / 不满意）', `${trackUrl(id.siteUrl, r.trackingCode)}#verdict`] });
  blocks.push({ p: `如对答复有疑问，可回复本邮件${id.bureau.contact.phone ? `或致电 ${id.bureau.contact.phone}` : ''}。` }, footer(id, false));
  const answerHash = createHash('sha256').update(r.answer ?? '').digest('hex').slice(0, 12);
  return mail(
    id,
    {
      key: `reply:${r.trackingCode}:${r.outcome}:${answerHash}:${r.published ? 'published' : 'mail'}`,
      kind: 'reply',
      to: [{ address: r.to }],
      subject: `对您意见建议的答复（查询码 ${r.trackingCode}）`,
      headers: { [ownMailHeader]: 'reply' },
      ...threadTo(r.original),
    },
    blocks,
  );
}

export interface ReminderItem {
  trackingCode: string;
  title: string;
  /** YYYY-MM-DD. */
  deadline: string;
  /** Working days past the deadline. */
  lateWorkdays: number;
  /** Where staff open it (the issue). */
  url?: string;
}

export interface ReminderInput {
  to: MailAddress[];
  office: OfficeKey;
  /** 逾期督办 (to the leadership, past overdueEscalationDays) rather than the first 逾期提醒. */
  escalation: boolean;
  /** The day of the check, YYYY-MM-DD (China). */
  day: string;
  items: readonly ReminderItem[];
}

/** The daily reminder to an office (or, escalated, to the leadership) listing its overdue opinions. */
export function composeReminder(id: MailIdentity, r: ReminderInput): OutgoingMail {
  if (!r.items.length) throw new Error('composeReminder: 没有逾期意见');
  const what = r.escalation ? '逾期督办' : '逾期提醒';
  const list = r.items.map((i) => `${i.trackingCode}《${cut(i.title, 40)}》答复期限 ${i.deadline}，已逾期 ${i.lateWorkdays} 个工作日${i.url ? `：${i.url}` : ''}`);
  const blocks: Block[] = [
    { p: `${offices[r.office].zh}：` },
    {
      p: r.escalation
        ? `以下 ${r.items.length} 条意见建议超过答复期限仍未答复，请分管负责人督办。`
        : `以下 ${r.items.length} 条意见建议已超过答复期限，请尽快答复。`,
    },
    { list },
    { p: `检查日期：${r.day}。按期答复的意见不会出现在提醒中。` },
    footer(id, true),
  ];
  return mail(
    id,
    {
      key: `reminder:${r.office}:${r.escalation ? 'escalation' : 'overdue'}:${r.day}`,
      kind: 'reminder',
      to: r.to,
      subject: `【${what}】${offices[r.office].zh}有 ${r.items.length} 条意见建议${r.escalation ? '逾期未办' : '已逾期'}（${r.day}）`,
      headers: { 'Auto-Submitted': 'auto-generated', [ownMailHeader]: 'reminder' },
    },
    blocks,
  );
}

export interface TooLargeInput {
  to: string;
  /** Bytes, as the mailbox reported. */
  size: number;
  maxBytes: number;
  original: OriginalMessage;
}

/** The one polite note to a sender whose mail is over the size limit (it was not downloaded nor registered). */
export function composeTooLarge(id: MailIdentity, r: TooLargeInput): OutgoingMail {
  const when = r.original.date ? `于 ${chinaDateTime(r.original.date)}（北京时间）` : '';
  const blocks: Block[] = [
    { p: '您好：' },
    {
      p: `您${when}发送到意见收集反馈专用电子信箱的邮件大小为 ${kbText(r.size)}，超过本信箱可接收的 ${kbText(r.maxBytes)}，未能登记。`,
    },
    { p: '请压缩或精简附件（例如只附意见建议表和必要的病案材料）后重新发送，或分几封邮件发送；也可以在网站上在线填写意见建议表。' },
    { link: ['在线提交', absolute(id.siteUrl, '/submit')] },
    footer(id, true),
  ];
  return mail(
    id,
    {
      key: `too-large:${r.original.messageId}`,
      kind: 'too-large',
      to: [{ address: r.to }],
      subject: '您的邮件过大，未能登记',
      headers: autoReplyHeaders('too-large'),
      ...threadTo(r.original),
    },
    blocks,
  );
}

export interface InvalidInput {
  to: string;
  errors: readonly FieldError[];
  original: OriginalMessage;
}

const fieldName = (field: string): string => {
  const top = field.split('.')[0] as keyof typeof submissionLabels;
  return submissionLabels[top] ?? '来信';
};

/** The reply to a mail that could not be registered: what to add, field by field (inbound.ts `invalid`). */
export function composeInvalid(id: MailIdentity, r: InvalidInput): OutgoingMail {
  const blocks: Block[] = [
    { p: '您好：' },
    { p: '您发送到意见收集反馈专用电子信箱的邮件缺少必要内容，暂未登记。请补充以下内容后重新发送：' },
    { list: r.errors.map((e) => `${fieldName(e.field)}：${e.message}`) },
    {
      p: `可以在邮件正文中按“${submissionLabels.organization}：……”“${submissionLabels.title}：……”“${submissionLabels.details}：……”逐行填写，或附上填好的意见建议表（Excel 或 Word）。`,
    },
    { link: ['在线提交', absolute(id.siteUrl, '/submit')] },
    footer(id, true),
  ];
  return mail(
    id,
    {
      key: `invalid:${r.original.messageId}`,
      kind: 'invalid',
      to: [{ address: r.to }],
      subject: '您的意见建议暂未登记，请补充',
      headers: autoReplyHeaders('invalid'),
      ...threadTo(r.original),
    },
    blocks,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// SMS texts for a mobile contact: short (one 70-character segment where possible), the bureau's short name as
// the signature the gateway requires, the 查询码 and the status link. Never the opinion's text.
// ---------------------------------------------------------------------------------------------------------------

/** What a submitter with a mobile contact is told: the receipt and the reply (reminders go to offices by mail). */
export type SmsKind = 'receipt' | 'reply';

export interface SmsText {
  kind: SmsKind;
  /** Template parameters, for gateways that send pre-approved templates (code, deadline, url). */
  params: Record<string, string>;
  /** The whole text, for gateways that send free text. */
  text: string;
}

export function composeSms(id: MailIdentity, kind: SmsKind, p: { trackingCode: string; deadline?: string }): SmsText {
  const url = trackUrl(id.siteUrl, p.trackingCode);
  const sign = `【${id.bureau.shortName}】`;
  const text =
    kind === 'receipt'
      ? `${sign}您的意见建议已收到，查询码 ${p.trackingCode}${p.deadline ? `，答复期限 ${p.deadline}` : ''}。进度：${url}`
      : `${sign}您的意见建议（查询码 ${p.trackingCode}）已答复，请查看：${url}`;
  return { kind, params: { code: p.trackingCode, url, ...(p.deadline ? { deadline: p.deadline } : {}) }, text };
}
