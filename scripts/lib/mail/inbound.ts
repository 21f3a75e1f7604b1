/**
 * A message in the dedicated mailbox (专用电子信箱, 济源 notice 一(三)) → an opinion for the submission service, or
 * the reason it is none. Pure: the caller (the mailbox poller) reads the mailbox (imap-fs.ts), passes each parsed
 * message here, submits the opinion through the same path as the web form (schemas/submission.ts validation,
 * redaction, sealing, outbox, triage; source `email`), seals the attachments, sends the receipt
 * (outbound.ts) and flags the message.
 *
 * Order of the checks, and why:
 * 1. Already processed (its Message-ID is in the store): one message never becomes two opinions, even when the
 *    IMAP flag was lost (another client cleared it, the mailbox was restored from a backup).
 * 2. Machine mail (message.ts): auto-replies, bounces, list mail, our own mail coming back — never answered, else
 *    two auto-responders mail each other forever.
 * 3. Too large (IMAP RFC822.SIZE over the limit): decided from the size before the body is downloaded; the caller
 *    sends one polite note (outbound.ts composeTooLarge) to the sender.
 * 4. The 意见建议表, read field by field from an xlsx or docx attachment or from `单位名称：…` lines in the text
 *    (form-reader.ts); otherwise the subject is the title, the text is the details, and triage decides the category.
 * The From address is data (the contact and where the receipt goes), never authority: the note says whether a
 * trusted receiving server verified it (DKIM/SPF/DMARC, message.ts senderVerification).
 */
import { submitterTypes, type CategoryKey } from '../../../schemas/common.ts';
import {
  cleanText,
  parseSubmission,
  submissionLabels,
  submissionLimits,
  stripInvisible,
  type FieldError,
  type Submission,
} from '../../../schemas/submission.ts';
import {
  categoryFromForm,
  consentFromForm,
  docxRows,
  formFileKind,
  looksLikeForm,
  readFormRows,
  submitterTypeFromForm,
  submitterTypeFromOrganization,
  textRows,
  xlsxRows,
  type FormFields,
} from './form-reader.ts';
import { htmlToText } from './html-text.ts';
import { cleanSubject, machineMail, messageKeyOf, senderOf, senderVerification, type MachineMailReason, type MailLike, type SenderVerification } from './message.ts';

export interface InboundOptions {
  /** The bureau's own addresses (the mailbox, MAIL_FROM): mail from them is our own coming back. */
  ownAddresses: readonly string[];
  /** authserv-ids of the bureau's receiving servers whose Authentication-Results headers are trusted. */
  trustedAuthServIds: readonly string[];
  /** The message's size in bytes as the IMAP server reports it (RFC822.SIZE). */
  size: number;
  /** Largest message read; larger ones are skipped before their body is downloaded. */
  maxBytes: number;
  /** Whether an opinion was already made from this message (its key: Message-ID or stand-in, `messageKeyOf`). */
  alreadyProcessed?: (messageKey: string) => boolean;
  /** The category when the mail ticks none: the triage classifier (scripts/lib/classify/). */
  classify: (opinion: { title: string; body: string }) => CategoryKey;
  /** The bureau's tracking-code prefix (JY): a 查询码 in the subject marks a follow-up to that opinion. */
  codePrefix?: string;
}

/** An attachment kept for sealing: the caller stores the content sealed; the issue lists names and sizes only. */
export interface InboundAttachment {
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
  /** An image embedded in the HTML body (a signature logo, a screenshot), not attached as a file. */
  inline: boolean;
}

export type SkipReason = MachineMailReason | 'duplicate' | 'too-large' | 'empty' | 'no-sender';

export interface SenderInfo {
  address: string;
  name: string;
  verification: SenderVerification;
}

export type InboundResult =
  | {
      kind: 'opinion';
      /** Message-ID (or stand-in): record it as processed in the same transaction that queues the opinion. */
      messageId: string;
      /** Idempotency key for the submission service: a retry after a crash gets the same 查询码. */
      idempotencyKey: string;
      /** Valid for schemas/submission.ts; submit with source `email`. */
      submission: Submission;
      attachments: InboundAttachment[];
      sender: SenderInfo;
      /** Where the receipt goes (the From address; rate-limit with `shouldSendReceipt`). */
      receiptTo: string;
      /**
       * For staff, in Chinese: how the opinion was read, whether the sender is verified, what was changed. Free of
       * personal data (no address, name or contact), so it may go into the issue in clear; the attachment list
       * (`attachmentSummary`) is not here because file names are the sender's text and need redaction first.
       */
      notes: string[];
      /** Where the 意见建议表 was read from, or null for a free-form letter. */
      form: 'xlsx' | 'docx' | 'text' | null;
      /** False when the category was decided by the classifier, not ticked: record selectedCategory null. */
      categoryGiven: boolean;
      /** A 查询码 the subject or text mentions: likely a follow-up to that opinion, for staff to link. */
      followUpOf: string | null;
    }
  | {
      kind: 'invalid';
      messageId: string;
      /** Field-specific Chinese errors, for the reply (outbound.ts composeInvalid). */
      errors: FieldError[];
      sender: SenderInfo;
      receiptTo: string;
      notes: string[];
    }
  | {
      kind: 'skip';
      messageId: string;
      reason: SkipReason;
      /** Why, in Chinese, for the log. */
      detail: string;
      /** Whom to tell (one polite note, for `too-large` only); null: tell no one. */
      notify: string | null;
    };

/** 单位名称 when the mail does not give one (the schema needs one; staff can correct it). */
export const unknownOrganization = '来信未注明单位';
/** Title when neither the form, the subject nor the text gives one. */
export const fallbackTitle = '电子邮件来信';

const kb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

/** `意见建议表.xlsx（12 KB）、病案.pdf（1.2 MB）`: what the issue shows of the attachments (names and sizes only). */
export function attachmentSummary(attachments: readonly { filename: string; size: number }[]): string {
  return attachments.map((a) => `${a.filename}（${kb(a.size)}）`).join('、');
}

/** A safe display name: no path, no invisible characters, bounded. */
function safeFilename(name: string | undefined, index: number, contentType: string): string {
  const base = stripInvisible(name ?? '').replace(/[\r\n]/g, ' ');
  const cut = base.slice(Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\')) + 1).trim().slice(0, 150);
  if (cut && cut !== '.' && cut !== '..') return cut;
  const ext = contentType.split('/')[1]?.split(/[+;]/)[0] ?? 'bin';
  return `附件${index + 1}.${ext.slice(0, 10)}`;
}

/**
 * The letter's own text: quoted history (`> …` lines, `-----原始邮件-----` and everything after it) is dropped when
 * text stands above it; a forwarded opinion with nothing above the separator is kept whole.
 */
export function ownText(text: string): { text: string; quotedRemoved: boolean } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const separators = ['-----原始邮件-----', '------------------ 原始邮件 ------------------', '-----original message-----', '________________________________'];
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim().toLowerCase();
    const isSeparator =
      separators.some((s) => l.startsWith(s)) ||
      (l.startsWith('on ') && l.endsWith('wrote:') && l.length < 300) ||
      (l.startsWith('在') && (l.endsWith('写道：') || l.endsWith('写道:')) && l.length < 300);
    if (isSeparator) {
      cut = i;
      break;
    }
  }
  const above = lines.slice(0, cut).filter((l) => !l.trimStart().startsWith('>'));
  const aboveText = above.join('\n').trim();
  if (aboveText.replace(/\s/g, '').length < 10) return { text: text.trim(), quotedRemoved: false };
  return { text: aboveText, quotedRemoved: cut < lines.length || above.length < cut };
}

/** The first 查询码 with this prefix in the text (`JY-2026-7K3M9Q`), found with indexOf, not a scan pattern. */
export function trackingCodeIn(text: string, prefix: string | undefined): string | null {
  if (!prefix) return null;
  const hay = text.slice(0, 4000).toUpperCase();
  let from = 0;
  for (;;) {
    const at = hay.indexOf(`${prefix}-`, from);
    if (at < 0) return null;
    const candidate = hay.slice(at, at + prefix.length + 12);
    if (/^[A-Z]{2,4}-\d{4}-[0-9A-Z]{6}$/.test(candidate) && !/[0-9A-Z]/.test(hay[at + candidate.length] ?? '')) return candidate;
    from = at + 1;
  }
}

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** Short fields the mail may get wrong: dropped from their field and kept in the details as written. */
const optionalFields = ['unit', 'drgName', 'drgCode', 'dipName', 'dipCode'] as const;

export async function opinionFromMessage(mail: MailLike, opts: InboundOptions): Promise<InboundResult> {
  const messageId = messageKeyOf(mail);
  if (opts.alreadyProcessed?.(messageId)) return { kind: 'skip', messageId, reason: 'duplicate', detail: '这封邮件已登记过', notify: null };
  const machine = machineMail(mail, opts.ownAddresses);
  if (machine) return { kind: 'skip', messageId, reason: machine.reason, detail: machine.detail, notify: null };
  const from = senderOf(mail);
  if (opts.size > opts.maxBytes) {
    return { kind: 'skip', messageId, reason: 'too-large', detail: `邮件 ${kb(opts.size)}，超过 ${kb(opts.maxBytes)} 的上限，未下载`, notify: from?.address ?? null };
  }
  if (!from) return { kind: 'skip', messageId, reason: 'no-sender', detail: '邮件没有发件人地址', notify: null };
  const sender: SenderInfo = { ...from, verification: senderVerification(mail, opts.trustedAuthServIds) };
  const notes: string[] = [];
  notes.push(
    sender.verification.verified
      ? `发件地址已由收信服务器验证（${sender.verification.method?.toUpperCase()} 通过，域名 ${sender.verification.domain}）。`
      : '发件地址未经验证（没有收信服务器的 DKIM/SPF 通过记录），只作联系线索，不能证明来信单位或身份。',
  );

  // Attachments: every one is kept (the caller seals them); the form, if one is among them, is also read.
  const attachments: InboundAttachment[] = mail.attachments.map((a, i) => ({
    filename: safeFilename(a.filename, i, a.contentType),
    contentType: a.contentType,
    size: a.size ?? a.content.length,
    content: a.content,
    inline: Boolean(a.related),
  }));

  const rawText = cleanText(mail.text?.trim() ? mail.text : mail.html ? htmlToText(mail.html) : '');
  if (!mail.text?.trim() && mail.html) notes.push('来信只有 HTML 正文，已转为纯文本（脚本、样式和图片已去除，未加载任何外部资源）。');
  const own = ownText(rawText);
  if (own.quotedRemoved) notes.push('正文中引用的原邮件内容已去除。');
  const body = own.text;
  const subject = cleanText(cleanSubject(mail.subject ?? ''));
  const files = attachments.filter((a) => !a.inline);

  if (!body && !files.length && !subject) return { kind: 'skip', messageId, reason: 'empty', detail: '邮件没有主题、正文和附件', notify: null };

  // The 意见建议表: an attachment first (it is the standard way to send it), then the text.
  let form: FormFields | null = null;
  let formSource: 'xlsx' | 'docx' | 'text' | null = null;
  for (const a of files) {
    const kind = formFileKind(a);
    if (!kind) continue;
    try {
      const read = readFormRows(kind === 'xlsx' ? await xlsxRows(a.content) : docxRows(a.content));
      if (looksLikeForm(read)) {
        form = read.fields;
        formSource = kind;
        notes.push(`已按附件《${a.filename}》中的意见建议表逐项读取。`);
        break;
      }
    } catch (e) {
      notes.push(`附件《${a.filename}》无法读取：${(e as Error).message}。`);
    }
  }
  if (!form) {
    const read = readFormRows(textRows(body));
    if (looksLikeForm(read)) {
      form = read.fields;
      formSource = 'text';
      notes.push('已按正文中的意见建议表栏目逐项读取。');
    }
  }
  if (!form) notes.push('来信未使用意见建议表：邮件主题作为主要意见，正文作为具体问题和建议，问题分类由自动分拣确定。');
  const f: FormFields = form ?? {};

  // Details: the form's, or the letter's text; a covering letter next to a form attachment is kept after it.
  let details = formSource === 'text' ? (f.details ?? '') : formSource ? [f.details ?? '', body ? `来信正文：\n${body}` : ''].filter(Boolean).join('\n\n') : body;
  if (details.replace(/\s/g, '').length < 10 && files.length) {
    details = [details, `（意见见附件：${files.map((a) => a.filename).join('、')}）`].filter(Boolean).join('\n');
  }
  const firstLine = body.split('\n').find((l) => l.trim())?.trim() ?? '';
  const titleFallback = subject.length >= 4 ? subject : firstLine.length >= 4 ? cut(firstLine, 40) : fallbackTitle;
  let title = f.title ?? titleFallback;
  if (!form && details.replace(/\s/g, '').length < 10 && subject) details = [subject, details].filter(Boolean).join('\n');

  // Over-long text: the details keep what fits, the whole text goes with the attachments.
  if (details.length > submissionLimits.details) {
    const full = details;
    details = `${details.slice(0, submissionLimits.details - 80).trimEnd()}\n……（正文共 ${full.length} 字，超出部分见附件“来信正文.txt”）`;
    const content = Buffer.from(full, 'utf8');
    attachments.push({ filename: '来信正文.txt', contentType: 'text/plain; charset=utf-8', size: content.length, content, inline: false });
    notes.push(`正文超过 ${submissionLimits.details} 字，已截断，全文另存为附件“来信正文.txt”。`);
  }
  if (title.length > submissionLimits.title) title = cut(title, submissionLimits.title);

  const categoryTicked = categoryFromForm(f.category);
  const category = categoryTicked ?? opts.classify({ title, body: details });
  if (form && !categoryTicked) notes.push(f.category ? `问题分类“${cut(f.category, 40)}”无法确定为一类，由自动分拣确定。` : '意见建议表未填问题分类，由自动分拣确定。');
  let submitterType = submitterTypeFromForm(f.submitterType) ?? submitterTypeFromOrganization(f.organization);
  if (!submitterTypeFromForm(f.submitterType)) {
    notes.push(submitterType ? `提交人类型按单位名称推断为“${submitterTypes[submitterType].zh}”，请核对。` : `提交人类型无法判断，暂记为“${submitterTypes.insured.zh}”，请核对。`);
  }
  submitterType ??= 'insured';
  const senderName = cut(sender.name || sender.address.slice(0, sender.address.indexOf('@')) || '来信人', submissionLimits.submitterName);

  const input: Record<string, unknown> = {
    organization: f.organization ? cut(f.organization, submissionLimits.organization) : unknownOrganization,
    submitterName: f.submitterName ? cut(f.submitterName, submissionLimits.submitterName) : senderName,
    contact: f.contact ?? sender.address,
    unit: f.unit,
    submitterType,
    category,
    title,
    details,
    publicConsent: consentFromForm(f.publicConsent) ?? false,
    drgName: f.drgName,
    drgCode: f.drgCode,
    dipName: f.dipName,
    dipCode: f.dipCode,
  };
  if (!f.organization) notes.push(`来信未注明单位名称，暂记为“${unknownOrganization}”。`);

  let parsed = parseSubmission(input);
  if (!parsed.ok) {
    // What the mail got wrong is repaired where the mail itself says better, and kept in the text otherwise.
    const extra: string[] = [];
    for (const e of parsed.errors) {
      const field = e.field.split('.')[0];
      if (field === 'contact' && input.contact !== sender.address) {
        // Not quoted: a contact is personal data, and notes go into the issue in clear.
        notes.push(`意见建议表中的联系方式无法识别（${e.message}），已改用发件地址。`);
        input.contact = sender.address;
      } else if (field === 'organization') {
        notes.push(`单位名称“${cut(String(input.organization), 40)}”不符合要求（${e.message}），暂记为“${unknownOrganization}”。`);
        input.organization = unknownOrganization;
      } else if (field === 'submitterName') {
        input.submitterName = senderName;
      } else if (field === 'title') {
        input.title = titleFallback;
      } else if ((optionalFields as readonly string[]).includes(field)) {
        const label = submissionLabels[field as (typeof optionalFields)[number]];
        notes.push(`${label}“${cut(String(input[field]), 40)}”不符合要求（${e.message}），已保留在具体问题和建议中。`);
        extra.push(`${label}：${input[field]}`);
        input[field] = undefined;
      }
    }
    if (extra.length) input.details = [input.details, ...extra].filter(Boolean).join('\n');
    parsed = parseSubmission(input);
  }
  if (!parsed.ok) return { kind: 'invalid', messageId, errors: parsed.errors, sender, receiptTo: sender.address, notes };

  return {
    kind: 'opinion',
    messageId,
    idempotencyKey: `mail:${messageId}`,
    submission: parsed.value,
    attachments,
    sender,
    receiptTo: sender.address,
    notes,
    form: formSource,
    categoryGiven: categoryTicked !== null,
    followUpOf: trackingCodeIn(`${mail.subject ?? ''}\n${body}`, opts.codePrefix),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Receipts: at most a few per sender address and period. A responder that sets none of the headers machineMail
// knows still cannot hold a conversation with us: after the limit it gets silence, and the loop ends.
// ---------------------------------------------------------------------------------------------------------------

export interface ReceiptPolicy {
  /** Most mails (receipts and notes) to one address in any hour. */
  perHour: number;
  /** Most mails to one address in any 24 hours. */
  perDay: number;
}
export const defaultReceiptPolicy: ReceiptPolicy = { perHour: 3, perDay: 10 };

/**
 * Whether one more automatic mail (receipt, too-large note, invalid-form reply) may go to an address, given when
 * the earlier ones went (`history`: the store's sent-mail times for that address, any order).
 */
export function shouldSendReceipt(history: readonly (Date | string)[], now: Date, policy: ReceiptPolicy = defaultReceiptPolicy): boolean {
  const t = now.getTime();
  let hour = 0;
  let day = 0;
  for (const h of history) {
    const at = typeof h === 'string' ? Date.parse(h) : h.getTime();
    if (!Number.isFinite(at) || at > t) continue;
    if (t - at < 60 * 60_000) hour++;
    if (t - at < 24 * 60 * 60_000) day++;
  }
  return hour < policy.perHour && day < policy.perDay;
}
