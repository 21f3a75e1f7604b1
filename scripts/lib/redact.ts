/**
 * Removes personal data from free text before it is published (DEVELOPERS.md, privacy: a submitter's
 * name and contact never appear on the public site). Pure and conservative: when in doubt, it hides.
 *
 * What it finds: e-mail addresses, mobile and landline phone numbers, 身份证 numbers (18 and 15 digits),
 * bank / 社保卡 / 医保卡 numbers, QQ and 微信 ids, names after 联系人/填报人/经办人/姓名…, and
 * "<surname>先生/女士/老师…". Full-width digits and letters (１３８…, ＠) and digits spaced or dashed
 * into groups (138 0013 8000) are recognised too: detection runs on a half-width copy of the same length,
 * so every match maps back onto the original characters.
 *
 * What it keeps: the bureau's own published phone and mailbox (passed as `keep`), dates, amounts with
 * decimals or thousands separators, 文号 such as 〔2024〕65号, and DRG/DIP/ICD codes (I21.000x001, 36.0601).
 */

export type RedactionKind = 'email' | 'phone' | 'id' | 'card' | 'account' | 'name' | 'number';

export const redactionMarks: Record<RedactionKind, string> = {
  email: '【已隐去邮箱】',
  phone: '【已隐去电话】',
  id: '【已隐去证件号】',
  card: '【已隐去卡号】',
  account: '【已隐去账号】',
  name: '【已隐去姓名】',
  number: '【已隐去号码】',
};

export interface RedactOptions {
  /** Published contacts of the bureau itself (phone, mailbox) that may stay in the text. */
  keep?: string[];
}

export interface Redaction {
  /** The text with personal data replaced by 【已隐去…】 marks. */
  text: string;
  /** What was removed, in order of appearance (kinds only, never the values). */
  removed: RedactionKind[];
}

/** Half-width copy of the same length: full-width ASCII (U+FF01–FF5E) → ASCII, ideographic space → space. */
export function toHalfWidth(text: string): string {
  if (!/[\uff01-\uff5e\u3000]/.test(text)) return text;
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else out += ch;
  }
  return out;
}

/** Digits possibly separated by single spaces or dashes (how people type long numbers). */
const sep = String.raw`[ \-–—]?`;
const digits = (n: number) => Array.from({ length: n }, () => String.raw`\d`).join(sep);

// Names: 2–4 Han characters (or 姓·名) after a keyword that introduces a person.
const nameKeywords = [
  '联系人姓名', '填报人姓名', '患者姓名', '病人姓名', '本人姓名', '联系人', '填报人', '经办人', '报告人', '申请人', '反映人',
  '投诉人', '举报人', '提交人', '负责人', '姓名', '我叫',
];
// Words that follow a keyword but are not a name (联系人信息已加密, 填报人应…).
const notAName = String.raw`(?!信息|电话|方式|手机|邮箱|单位|科室|部门|和|及|与|的|都|已|未|不|在|应|可|需|须|等|为空|一栏)`;
const han = String.raw`[\u3400-\u9fff]`;
// Words that end a name when they follow it directly (联系人张三电话… → 张三).
const afterName = String.raw`(?=[\s,，。.;；:：、()（）\[\]【】<>《》"“”'‘’!！?？/\\|\d]|电话|手机|座机|联系|邮箱|电邮|微信|科室|医生|主任|护士|老师|同志|先生|女士|，|$)`;
const nameAfterKeyword = new RegExp(
  String.raw`(${nameKeywords.join('|')})([ \t]*[:：是为]?[ \t]*)${notAName}(${han}{1,3}[·•]${han}{1,4}|${han}{2,4}?${afterName}|${han}{2,3})`,
  'gu',
);
// The hundred most common surnames (百家姓 by population) before a form of address: 王女士, 欧阳先生.
const surnames =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤';
const compoundSurnames = ['欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '令狐'];
const addressedPerson = new RegExp(
  String.raw`(?:${compoundSurnames.join('|')}|[${surnames}])${han}?(?=先生|女士|小姐|同志|老师|大夫)`,
  'gu',
);

interface Rule {
  kind: RedactionKind;
  pattern: RegExp;
  /** Index of the capture group to hide (default: the whole match). */
  group?: number;
  /**
   * A cheap test that every match of `pattern` passes: the rule is skipped when it fails, since most texts hold no
   * contact at all (redaction was 14% of a submission's CPU, bench:submit).
   */
  when?: RegExp;
}

const anyDigit = /\d/;

const rules: Rule[] = [
  // E-mail, also with full-width ＠ (normalised) and spaces around @.
  { kind: 'email', pattern: /[A-Za-z0-9._%+-]+ ?@ ?[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, when: /@/ },
  // Labelled accounts: QQ, 微信/WeChat ids, 社保卡/医保卡/银行卡/身份证 numbers after their label.
  { kind: 'account', pattern: /((?:QQ|qq|微信号?|WeChat|wechat|vx|VX)[ \t]*(?:号码?)?[ \t]*[:：]?[ \t]*)([A-Za-z0-9_-]{5,20})/g, group: 2, when: /QQ|qq|微信|WeChat|wechat|vx|VX/ },
  {
    kind: 'card',
    pattern: /((?:(?:社保卡|社会保障卡|医保卡|银行卡|就诊卡)(?:卡?号码?)?|社会保障号码?|医保号|卡号)[ \t]*[:：为是]?[ \t]*)((?=[A-Za-z0-9 \-]*\d)[A-Za-z0-9](?:[ \-]?[A-Za-z0-9]){5,22})/g,
    group: 2,
    when: /社保卡|社会保障|医保卡|银行卡|就诊卡|医保号|卡号/,
  },
  // 身份证: 17 digits + digit/X (6-8-4 or spaced 4s allowed), or the old 15 digits.
  { kind: 'id', pattern: new RegExp(String.raw`(?<![\d.])(?:${digits(17)}${sep}[\dXx]|\d{15})(?![\d.])`, 'g'), when: anyDigit },
  // Bank and social-security cards: 16–19 digits, usually in groups of four.
  { kind: 'card', pattern: new RegExp(String.raw`(?<![\d.])\d{4}(?:[ \-]?\d{4}){3}(?:[ \-]?\d{1,3})?(?![\d.])`, 'g'), when: anyDigit },
  // Mobile numbers, optionally with +86/0086, in any grouping: 13800138000, 138 0013 8000, 138-0013-8000.
  { kind: 'phone', pattern: new RegExp(String.raw`(?<![\d.])(?:(?:\+|00)86[ \-]?)?1[3-9]${sep}${digits(9)}(?![\d.])`, 'g'), when: anyDigit },
  // Service numbers 400/800-xxx-xxxx.
  { kind: 'phone', pattern: new RegExp(String.raw`(?<![\d.])[48]00${sep}${digits(7)}(?![\d.])`, 'g'), when: anyDigit },
  // Landlines with area code: 0391-6637366, (0391)6637366, 0391 663 7366, 010-12345678-801.
  {
    kind: 'phone',
    pattern: new RegExp(String.raw`(?<![\d.])(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})${sep}\d{3,4}${sep}\d{3,4}(?:(?:-|转|ext\.?)\d{1,5})?(?![\d.])`, 'g'),
    when: anyDigit,
  },
  // Local numbers without area code, when labelled: 电话：6637366, 手机 1380013.
  { kind: 'phone', pattern: /((?:电话|手机|座机|联系方式|联系电话|tel|Tel|TEL|phone|Phone)[ \t]*(?:号码?)?[ \t]*[:：]?[ \t]*)(\d(?:[ \-]?\d){6,11})(?![\d.])/g, group: 2, when: anyDigit },
  // Any other long bare digit run (11+ digits) is a number about a person, not a figure: figures carry
  // decimals or thousands separators (12,345.67 元), which the look-arounds exclude.
  { kind: 'number', pattern: /(?<![\d.,])\d{11,}(?![\d.,])/g, when: /\d{11}/ },
  { kind: 'name', pattern: nameAfterKeyword, group: 3, when: new RegExp(nameKeywords.join('|')) },
  { kind: 'name', pattern: addressedPerson, when: /先生|女士|小姐|同志|老师|大夫/ },
];

interface Hit {
  start: number;
  end: number;
  kind: RedactionKind;
  /** Position of the rule in `rules`: earlier rules win ties. */
  rank: number;
}

/** Removes personal data; see the file comment for what counts. */
export function redact(text: string, options: RedactOptions = {}): Redaction {
  const half = toHalfWidth(text);
  const keep = (options.keep ?? []).map((k) => digitsAndLetters(toHalfWidth(k))).filter((k) => k.length >= 5);
  const hits: Hit[] = [];
  for (const [rank, rule] of rules.entries()) {
    if (rule.when && !rule.when.test(half)) continue;
    rule.pattern.lastIndex = 0;
    for (const m of half.matchAll(rule.pattern)) {
      let start = m.index!;
      let value = m[0];
      if (rule.group) {
        value = m[rule.group];
        if (!value) continue;
        start += m[0].lastIndexOf(value);
      }
      if (rule.kind !== 'name' && keep.includes(digitsAndLetters(value))) continue;
      hits.push({ start, end: start + value.length, kind: rule.kind, rank });
    }
  }
  // Earlier rules win over later ones on overlap (an e-mail is not also a phone number).
  hits.sort((a, b) => a.start - b.start || a.rank - b.rank);
  const chosen: Hit[] = [];
  for (const hit of hits) {
    const last = chosen.at(-1);
    if (last && hit.start < last.end) {
      last.end = Math.max(last.end, hit.end);
      continue;
    }
    chosen.push({ ...hit });
  }
  let out = '';
  let at = 0;
  for (const hit of chosen) {
    out += text.slice(at, hit.start) + redactionMarks[hit.kind];
    at = hit.end;
  }
  out += text.slice(at);
  return { text: out, removed: chosen.map((h) => h.kind) };
}

/** Convenience: only the redacted text. */
export const redactText = (text: string, options?: RedactOptions) => redact(text, options).text;

function digitsAndLetters(s: string): string {
  return s.replace(/[^0-9A-Za-z@._]/g, '').toLowerCase();
}
