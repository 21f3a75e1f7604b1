/**
 * Removes personal data from free text before it leaves the bureau's server: published pages (DEVELOPERS.md,
 * privacy) and the issue tracker, which is GitHub, outside China (《个人信息保护法》第三十六条: personal
 * information processed by state organs is stored inside China; issue 12). Pure and conservative: when in
 * doubt, it hides.
 *
 * What it finds: e-mail addresses, mobile and landline phone numbers, 身份证 numbers (18 and 15 digits),
 * bank / 社保卡 / 医保卡 / 就诊卡 numbers, record numbers after their label (住院号, 病案号, 门诊号, 床号…),
 * QQ and 微信 ids, names after 联系人/填报人/经办人/姓名…, patients' names after 患者/病人/患儿/病员/产妇
 * (患者张三, 患者王某某), pseudonymised names anywhere (张某某, 王某, 李XX), names before or after a title
 * (王主任, 张医生, 请联系李科长, 主任医师张三), and "<surname>先生/女士/老师…". Full-width digits and letters
 * (１３８…, ＠) and digits spaced or dashed into groups (138 0013 8000) are recognised too: detection runs on a
 * half-width copy of the same length, so every match maps back onto the original characters.
 *
 * What it keeps: the bureau's own published phone and mailbox (passed as `keep`), dates, amounts with
 * decimals or thousands separators, 文号 such as 〔2024〕65号, DRG/DIP/ICD codes (FM19, I21.000x001, 36.0601),
 * case counts (12例), "患者甲" (the form asks for it instead of a name), and 患者 followed by an ordinary word
 * (患者病情, 患者入组, 患者于当日入院, 患者高血压病史).
 *
 * Every pattern runs in linear time over outside text: quantifiers over unbounded input are never nested or
 * adjacent over the same characters (`[ \t]*(?:[:：][ \t]*)?`, not `[ \t]*[:：]?[ \t]*`), e-mail local parts
 * start only at the start of their run, and every other repeat is bounded (tests/unit/redact.test.ts runs
 * 100 KB adversarial inputs).
 */

export type RedactionKind = 'email' | 'phone' | 'id' | 'card' | 'account' | 'record-number' | 'patient' | 'name' | 'number';

export const redactionMarks: Record<RedactionKind, string> = {
  email: '【已隐去邮箱】',
  phone: '【已隐去电话】',
  id: '【已隐去证件号】',
  card: '【已隐去卡号】',
  account: '【已隐去账号】',
  'record-number': '【已隐去病历号】',
  patient: '【已隐去患者姓名】',
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
/** Spaces, then optionally a colon (or 为/是) and more spaces, between a label and its value. */
const labelGap = (joiners: string) => String.raw`[ \t]*(?:[${joiners}][ \t]*)?`;
const alt = (words: readonly string[]) => words.join('|');

// Names: 2–4 Han characters (or 姓·名) after a keyword that introduces a person.
const nameKeywords = [
  '联系人姓名', '填报人姓名', '本人姓名', '联系人', '填报人', '经办人', '报告人', '申请人', '反映人',
  '投诉人', '举报人', '提交人', '负责人', '姓名', '我叫',
];
// Words that follow a keyword but are not a name (联系人信息已加密, 填报人应…).
const notAName = String.raw`(?!信息|电话|方式|手机|邮箱|单位|科室|部门|和|及|与|的|都|已|未|不|在|应|可|需|须|等|为空|一栏)`;
const han = String.raw`[\u3400-\u9fff]`;
// Words that end a name when they follow it directly (联系人张三电话… → 张三).
const afterName = String.raw`(?=[\s,，。.;；:：、()（）\[\]【】<>《》"“”'‘’!！?？/\\|\d]|电话|手机|座机|联系|邮箱|电邮|微信|科室|医生|主任|护士|老师|同志|先生|女士|，|$)`;
/** A name after a label that says a name follows (姓名：…): no surname needed, 2–4 characters or 姓·名. */
const labelledName = String.raw`${notAName}(${han}{1,3}[·•]${han}{1,4}|${han}{2,4}?${afterName}|${han}{2,3})`;
const nameAfterKeyword = new RegExp(String.raw`(?:${alt(nameKeywords)})([ \t]*(?:[:：是为][ \t]*)?)${labelledName}`, 'gu');

// The hundred most common surnames (百家姓 by population).
const surnames =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤';
const compoundSurnames = ['欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '令狐'];
const surname = String.raw`(?:${alt(compoundSurnames)}|[${surnames}])`;
/**
 * Surname characters that also end common words, with the characters that make those words: 对于医生, 由于某种,
 * 允许医生, 其余医生, 对方医生, 每周主任查房, 提高医师, 日常医生, 担任主任, 主任医师. Where no name label or
 * patient keyword comes first, such a character is a surname only when it does not follow one of them.
 */
const wordMates: Record<string, string> = {
  于: '由对关属便利等至基鉴善处位终',
  向: '面指趋倾导转走一方',
  许: '允或也期准',
  余: '其多剩',
  方: '对双各院医药患一他我三',
  周: '每本上下一两几',
  高: '提最较更增升偏',
  常: '日经正非平通异',
  任: '主责担兼信继出就专现前历胜聘委放',
  金: '资基奖押',
  程: '过疗全流课工',
};
const freeSurname = String.raw`(?:${alt(compoundSurnames)}|${Object.entries(wordMates)
  .map(([c, mates]) => String.raw`(?<![${mates}])${c}`)
  .join('|')}|[${[...surnames].filter((c) => !(c in wordMates)).join('')}])`;

/** "<surname>先生/女士…": 王女士, 欧阳先生. */
const addressedPerson = new RegExp(String.raw`${freeSurname}${han}?(?=先生|女士|小姐|同志)`, 'gu');

// Titles a person is named with (王主任, 主任医师张三). Longest first: the alternation tries them in order.
const titles = [
  '副主任医师', '主任医师', '主治医师', '住院医师', '副主任', '主任', '医生', '医师', '大夫', '副科长', '科长', '护士长', '护士',
  '副院长', '院长', '副处长', '处长', '副局长', '局长', '老师',
];
// Characters that do not occur in given names but do sit between a surname-like character and a title in ordinary
// text: 高年资医师, 常务副院长, 周末主任值班, 高级职称医师.
const notInGivenName = '年资级科室院部组区处局会委办的和与及等各位个是为在由对向经治床班诊管务所站队团长员医护副总该每几多两其此这那请给让被把从到了术末';
const givenChar = String.raw`(?:(?![${notInGivenName}])${han})`;
/** A name before a title: the surname and up to two given-name characters are hidden, the title stays. */
const nameBeforeTitle = new RegExp(String.raw`${freeSurname}${givenChar}{0,2}(?=${alt(titles)})`, 'gu');

/**
 * Where a name without a label ends: punctuation, digits, Latin letters, the end, or a word that typically follows
 * a patient's or a colleague's name (患者张三因胸痛…, 患者李四于2024年…, 主任王五电话…). Without such an end the
 * text is not taken for a name: 患者严重感染 stays.
 */
const nameEnd = String.raw`(?=[\s,，。.;；:：、()（）\[\]【】<>《》"“”'‘’!！?？/\\|\dA-Za-z]|$|因|于|在|经|行|入|住|出|转|就|男|女|的|为|是|及|和|与|等|术|诊|主诉|年|病|既往|自|由|无|有|系|确|被|已|曾|现|诉|伴|家属|本人|到|来|去|要|需|从|至|今|岁|反映|投诉|称|说|表示|认为|建议|提出|指出|介绍|告知|同意|要求|负责|电话|手机|联系|同志|先生|女士|主任|医生|医师|护士|老师)`;
/**
 * An unlabelled name: a surname and one or two characters, then a name end. Lazy, so the shortest name followed
 * by an end wins (张三认为 → 张三, 王五行PCI → 王五); 王小明因 → 王小明 since 明 is no end.
 */
const bareName = String.raw`${surname}${han}{1,2}?${nameEnd}`;
/**
 * Words after 患者 or a title that start with a surname character and may be followed by a name end, but are
 * ordinary words: 患者于当日入院, 患者高血压病史, 患者黄疸，患者白内障术后, 患者付费, 医生于术中.
 * 于 and 向 are prepositions far more often than surnames there, so they are never taken for a name after 患者.
 */
const notANameStart = [
  '于', '向', '高血', '高热', '高龄', '高危', '高烧', '高度', '高位', '高钾', '高钠', '高糖', '高脂', '高原', '高额', '高值', '高倍', '高低',
  '黄疸', '黄斑', '黄体', '严重', '严格', '白细', '白内', '白蛋', '白血', '常规', '常见', '常用', '付费', '付款', '付出', '陈旧', '苏醒',
  '范围', '程度', '程序', '方面', '方案', '方可', '方式', '方法', '任何', '任一', '周期', '周围', '周岁', '周转', '周内', '余下', '余额',
  '金额', '钱款', '万一', '万元', '马上', '许多', '许可', '何时', '何种', '何处', '张力', '毛发', '毛细', '石膏', '叶酸', '夏季', '陆续',
  '顾虑', '戴',
];
/** A second character that makes the "name" a surname-like word plus a verb: 患者曾于…, 曾在…, 曾经…, 曾被诊断. */
const notASecondChar = new Set([...'于在经行因被已由']);
const notABareName = (value: string) => notANameStart.some((w) => value.startsWith(w)) || notASecondChar.has(value[1] ?? '');

/** Words a patient keyword can be; 孕妇 too (产科病例). */
const patientKeywords = ['患者', '病人', '患儿', '病员', '产妇', '孕妇'];
/**
 * A pseudonymised name: 张某某, 王某, 李XX, 赵**. 某 alone is also a determiner (于某日, 由于某种原因, 向某医院), and
 * 某某 after a surname-like character can be a placeholder institution (关于某某医院): those stay.
 */
const orgWords = '医院|医疗|单位|科室|机构|公司|部门|地区|省|市|县|区|卫生|药店|诊所|中心|大学|学院|社区|乡|镇|村|街道|集团|有限|平台|系统|项目';
const determined = '某些种类项个一位家所地处方次段时日天月年期病医院科机单部省市县区级程件份点批组例条款环阶情药品器耗材物剂检';
const pseudonym = String.raw`${freeSurname}(?:某某(?!某|${orgWords})|某(?![某${determined}])|(?:XX|xx|××|\*\*|○○)(?![A-Za-z]|${orgWords}))`;

/** A patient's name right after the keyword (患者张三, 患儿王某某, 患者：李XX). 患者甲 and 患者某某 stay. */
const patientName = new RegExp(String.raw`(?:${alt(patientKeywords)})${labelGap(':：')}(${pseudonym}|${bareName})`, 'gu');
/** A patient's name after 患者姓名: as lax as any other labelled name. */
const patientLabelledName = new RegExp(String.raw`(?:${alt(patientKeywords)})姓名([ \t]*(?:[:：是为][ \t]*)?)${labelledName}`, 'gu');
/** A name after a title: 主任王某, 主任医师张三, 请联系科长李明华。 */
const nameAfterTitle = new RegExp(String.raw`(?:${alt(titles)})[ \t]?(${pseudonym}|${bareName})`, 'gu');
const pseudonymName = new RegExp(pseudonym, 'gu');

/** Record numbers after their label: 住院号：2024001234, 病案号 A-0012, 床号 12. */
const recordLabels = ['住院病案号', '住院号', '病案号', '病历号', '门诊号', '急诊号', '就诊号', '登记号', '床位号', '床号', 'ID号'];
/** A labelled value: letters and digits, dashes between them; not a length (住院号10位) nor a longer run. */
const labelledValue = (min: number, max: number) =>
  String.raw`((?=[A-Za-z0-9-]{0,${max * 2}}\d)[A-Za-z0-9](?:-?[A-Za-z0-9]){${min - 1},${max - 1}})(?![A-Za-z0-9]|[位个条项例次张份])`;

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
  /** Matches that are ordinary words after all (患者高血压…). */
  reject?: (value: string) => boolean;
}

const anyDigit = /\d/;
const whenWords = (words: readonly string[]) => new RegExp(alt(words));

const rules: Rule[] = [
  // E-mail, also with full-width ＠ (normalised) and spaces around @. A local part starts only where its run starts,
  // so a long run without @ is scanned once, not once per character.
  { kind: 'email', pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+ ?@ ?[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, when: /@/ },
  // Labelled accounts: QQ, 微信/WeChat ids.
  { kind: 'account', pattern: /((?:QQ|qq|微信号?|WeChat|wechat|vx|VX)(?:[ \t]*号码?)?[ \t]*(?:[:：][ \t]*)?)([A-Za-z0-9_-]{5,20})/g, group: 2, when: /QQ|qq|微信|WeChat|wechat|vx|VX/ },
  // Record numbers after their label, before the ID and card rules: an 18-digit 住院号 is a record number.
  {
    kind: 'record-number',
    pattern: new RegExp(String.raw`((?:${alt(recordLabels)})码?${labelGap(':：为是')})${labelledValue(1, 40)}`, 'g'),
    group: 2,
    when: whenWords(recordLabels),
  },
  // 社保卡/医保卡/银行卡/就诊卡 numbers after their label.
  {
    kind: 'card',
    pattern: new RegExp(String.raw`((?:(?:社保卡|社会保障卡|医保卡|银行卡|就诊卡)(?:卡?号码?)?|社会保障号码?|医保号|卡号)${labelGap(':：为是')})((?=[A-Za-z0-9 \-]{0,46}\d)[A-Za-z0-9](?:[ \-]?[A-Za-z0-9]){3,22})(?![A-Za-z0-9]|[位个])`, 'g'),
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
  { kind: 'phone', pattern: /((?:电话|手机|座机|联系方式|联系电话|tel|Tel|TEL|phone|Phone)(?:[ \t]*号码?)?[ \t]*(?:[:：][ \t]*)?)(\d(?:[ \-]?\d){6,11})(?![\d.])/g, group: 2, when: anyDigit },
  // Any other long bare digit run (11+ digits) is a number about a person, not a figure: figures carry
  // decimals or thousands separators (12,345.67 元), which the look-arounds exclude.
  { kind: 'number', pattern: /(?<![\d.,])\d{11,}(?![\d.,])/g, when: /\d{11}/ },
  // Patients before other names: 患者张某某 is a patient, not just a pseudonym.
  { kind: 'patient', pattern: patientLabelledName, group: 2, when: /姓名/ },
  { kind: 'patient', pattern: patientName, group: 1, when: whenWords(patientKeywords), reject: notABareName },
  { kind: 'name', pattern: nameAfterKeyword, group: 2, when: whenWords(nameKeywords) },
  { kind: 'name', pattern: nameAfterTitle, group: 1, when: whenWords(titles), reject: notABareName },
  { kind: 'name', pattern: nameBeforeTitle, when: /主任|医生|医师|大夫|科长|护士|院长|处长|局长|老师/ },
  { kind: 'name', pattern: pseudonymName, when: /某|XX|xx|××|\*\*|○○/ },
  { kind: 'name', pattern: addressedPerson, when: /先生|女士|小姐|同志/ },
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
      if (rule.reject?.(value)) continue;
      if (rule.kind !== 'name' && rule.kind !== 'patient' && keep.includes(digitsAndLetters(value))) continue;
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
