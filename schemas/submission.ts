/**
 * An opinion submitted through the web form or the JSON API: the 《意见建议表》 of the 济源 notice
 * (../shared/seeds/jiyuan-drg-feedback-mechanism-draft.txt, 附件), including its 备注 2 (grouping problems:
 * DRG/DIP name and code, case examples) and 备注 3 (歧义组: main diagnosis/procedure, why it cannot be grouped,
 * patients and costs).
 *
 * The ONE schema behind the browser validation (site/scripts/submit-form.ts), the server validation
 * (scripts/lib/submission/), the issue body and the staff issue forms (.github/ISSUE_TEMPLATE). JSON field names
 * are the public API. Messages follow the GOV.UK pattern in Chinese: say what to do for this field
 * ("输入联系方式"), never "输入无效". Browser-safe: no Node imports.
 */
import { z } from 'zod';
import { redact } from '../scripts/lib/redact.ts';
import { categoryKeys, submitterTypeKeys, type CategoryKey } from './common.ts';
import { codePatterns } from './codes.ts';

/** What people read for each field: the form label, the error messages, the issue-form headings. */
export const submissionLabels = {
  organization: '单位名称',
  submitterName: '填报人',
  contact: '联系方式',
  unit: '所在单位/科室',
  submitterType: '提交人类型',
  category: '问题分类',
  title: '主要意见及建议',
  details: '具体问题和建议',
  publicConsent: '同意公开单位名称',
  objection: '异议对象',
  drgName: 'DRG 名称',
  drgCode: 'DRG 代码',
  dipName: 'DIP 名称',
  dipCode: 'DIP 代码',
  cases: '病案举例',
  ambiguous: '歧义组信息',
} as const;
export type SubmissionField = keyof typeof submissionLabels;

/** Length limits (characters), shown by the form's counters and enforced here. */
export const submissionLimits = {
  organization: 100,
  submitterName: 40,
  contact: 100,
  unit: 100,
  title: 100,
  details: 5000,
  name: 100,
  reason: 1000,
  costs: 200,
  drgDipName: 100,
  cases: 10,
  secondaryDiagnoses: 10,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// What each text field holds, for what may leave the bureau's server (issue 12). The tracker is GitHub, outside
// China, and 《个人信息保护法》第三十六条 keeps personal information processed by state organs inside China, so
// scripts/lib/submission/redact-submission.ts walks this schema: `free-text` is redacted, `personal` (the
// submitter's name and contact) is replaced by a mark and sealed separately, `verbatim` (codes, enums, references)
// is kept as typed. A string with no role is redacted like free text, so a field added without one fails closed;
// tests/unit/submission-schema.test.ts requires every string field to carry a role.
// ---------------------------------------------------------------------------------------------------------------

/** The role of a string field; see above. */
export type FieldRole = 'free-text' | 'personal' | 'verbatim';
export const fieldRoles = z.registry<{ role: FieldRole }>();
const withRole = <T extends z.ZodType>(schema: T, role: FieldRole): T => {
  fieldRoles.add(schema, { role });
  return schema;
};

// ---------------------------------------------------------------------------------------------------------------
// Normalisation. Invisible characters can hide or reorder text for the staff who read it (an RTL override makes
// `txt.exe` read `exe.txt`), so they are removed from everything; full-width digits and letters (１３８…, ＦＭ１)
// are folded (NFKC) only where the value is a code, a number or a contact, never in free text.
// ---------------------------------------------------------------------------------------------------------------

/** Bidirectional controls, zero-width characters, BOM, and C0/C1 controls other than tab and newline. */
const invisible = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u061C\u180E\uFEFF\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Removes invisible and control characters (keeps tab and newline). */
export function stripInvisible(value: string): string {
  return value.replace(invisible, '');
}

/** Free text as stored: invisible characters removed, line breaks normalised, ends trimmed. */
export function cleanText(value: string): string {
  return stripInvisible(value.replace(/\r\n?/g, '\n')).trim();
}

/** A code as stored: folded to ASCII, no spaces, upper case except the lower-case `x` of 医保版 extensions. */
export function cleanCode(value: string): string {
  return cleanText(value.normalize('NFKC'))
    .replace(/\s+/g, '')
    .toUpperCase()
    .replace(/X(\d{3})$/, 'x$1');
}

/** A contact as compared: folded to ASCII, spaces removed, full-width hyphens and brackets folded by NFKC. */
export function cleanContact(value: string): string {
  return cleanText(value.normalize('NFKC')).replace(/\s+/g, '');
}

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && cleanText(v) === '');

/** Required free text between `min` and `max` characters. */
function requiredText(label: string, max: number, min = 1, empty = `输入${label}`) {
  return withRole(
    z.preprocess(
      (v) => (typeof v === 'string' ? cleanText(v) : v),
      z
        .string({ error: (iss) => (iss.input === undefined || iss.input === null ? empty : `${label}应为文字`) })
        .min(1, empty)
        .min(min, `${label}至少需要 ${min} 个字`)
        .max(max, `${label}不能超过 ${max} 个字`),
    ),
    'free-text',
  );
}

/**
 * Optional free text: blank means not given. `noIdentity`: the message when the text carries a patient's identity
 * (or any personal data scripts/lib/redact.ts finds), for fields where it never belongs: case examples.
 */
function optionalText(label: string, max: number, noIdentity?: string) {
  let text = z.string({ error: `${label}应为文字` }).max(max, `${label}不能超过 ${max} 个字`);
  if (noIdentity) text = text.refine((t) => redact(t).removed.length === 0, noIdentity);
  return withRole(
    z.preprocess((v) => (blank(v) ? undefined : typeof v === 'string' ? cleanText(v) : v), text.optional()),
    'free-text',
  );
}

/** Optional code of one format (schemas/codes.ts patterns). */
function optionalCode(label: string, test: (code: string) => boolean, example: string) {
  return withRole(
    z.preprocess(
      (v) => (blank(v) ? undefined : typeof v === 'string' ? cleanCode(v) : v),
      z
        .string({ error: `${label}应为文字` })
        .max(40, `${label}不能超过 40 个字符`)
        .refine(test, `${label}格式不对，应为${example}`)
        .optional(),
    ),
    'verbatim',
  );
}

/** Optional non-negative number; accepts numerals written with full-width digits, thousands separators or 元. */
function optionalNumber(label: string, opts: { integer?: boolean; max: number; example: string }) {
  let n = z.number({ error: `${label}应为数字，例如 ${opts.example}` }).min(0, `${label}不能小于 0`).max(opts.max, `${label}不能超过 ${opts.max}`);
  if (opts.integer) n = n.int(`${label}应为整数，例如 ${opts.example}`);
  return z.preprocess((v) => {
    if (blank(v)) return undefined;
    if (typeof v !== 'string') return v;
    const s = cleanText(v.normalize('NFKC')).replace(/[,\s]|元$|例$|人$/g, '');
    return /^\d+(?:\.\d+)?$/.test(s) ? Number(s) : v;
  }, n.optional());
}

// ---------------------------------------------------------------------------------------------------------------
// Contact: mobile, landline or e-mail (the 意见建议表 asks for 联系方式; the notice publishes a landline and a mailbox).
// ---------------------------------------------------------------------------------------------------------------

const mobile = /^(?:\+?86-?)?1[3-9]\d{9}$/;
const landline = /^(?:(?:\+?86-?)?(?:\(0\d{2,3}\)|0\d{2,3})-?\d{7,8}|[48]00-?\d{3}-?\d{4})(?:(?:-|转|ext\.?)\d{1,6})?$/i;
const email = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

/** Which kind of contact a value is, or undefined when it is none of them. */
export function contactKind(value: string): 'mobile' | 'landline' | 'email' | undefined {
  const c = cleanContact(value);
  if (email.test(c)) return 'email';
  const digits = c.replace(/(?<=\d)-(?=\d)/g, '');
  if (mobile.test(digits) || mobile.test(c)) return 'mobile';
  if (landline.test(c)) return 'landline';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Grouping fields (备注 2 and 3).
// ---------------------------------------------------------------------------------------------------------------

const isIcd10 = (c: string) => codePatterns.icd10.test(c);
const isIcd9 = (c: string) => codePatterns.icd9cm3.test(c);
/** A DRG field may hold a DRG (`FM19`), its ADRG (`FM1`) or an ambiguous group (`HQY`). */
const isDrgOrAdrg = (c: string) => codePatterns.drg.test(c) || codePatterns.adrg.test(c) || codePatterns.ambiguous.test(c);
/** DIP codes are a diagnosis (ICD-10) optionally joined to procedures with `:` or `+` (DIP 2.0 病种组合). */
const isDipCode = (c: string) => /^[A-Z]\d{2}(?:\.[0-9A-Zx]{1,10})?(?:[:+][0-9A-Z.x+]{1,40})*$/.test(c) && c.length <= 40;

/**
 * What a case field says when it carries a patient's identity (an ID-card number, 住院号：…, 患者张三): case examples
 * describe groups of cases, so a patient is never needed there, and the form shows this at the field.
 */
export const noPatientIdentity = {
  cases: '病案举例中请不要填写患者身份信息（如姓名、住院号、身份证号），请改为“患者甲”或删除',
  ambiguous: '歧义组信息中请不要填写患者身份信息（如姓名、住院号、身份证号），请改为“患者甲”或删除',
} as const;

/** A diagnosis or procedure: name, code, or both. `where` names the section for the patient-identity message. */
function codedItem(label: string, kind: 'diagnosis' | 'procedure', where: keyof typeof noPatientIdentity) {
  return z.object({
    /** Name as written in the 病案首页, e.g. 急性心肌梗死. Never a patient's identity. */
    name: optionalText(`${label}名称`, submissionLimits.name, noPatientIdentity[where]),
    /** ICD-10 医保版 (diagnoses) or ICD-9-CM-3 医保版 (procedures) code. */
    code:
      kind === 'diagnosis'
        ? optionalCode(`${label}编码`, isIcd10, ' ICD-10 医保版编码，例如 I21.000 或 I21.000x001')
        : optionalCode(`${label}编码`, isIcd9, ' ICD-9-CM-3 医保版编码，例如 36.0601'),
  });
}
export type CodedItem = z.infer<ReturnType<typeof codedItem>>;

const hasItem = (i: CodedItem | undefined) => Boolean(i && (i.name || i.code));

/** One case example (病案举例): diagnoses, procedure and the group's cost statistics. */
export const caseSchema = z
  .object({
    /** 主要诊断 (name and/or ICD-10 医保版 code). Required when the case is given. */
    mainDiagnosis: codedItem('主要诊断', 'diagnosis', 'cases').default({}),
    /** 次要诊断, any number up to the limit. */
    secondaryDiagnoses: z
      .array(codedItem('次要诊断', 'diagnosis', 'cases'), { error: '次要诊断应为列表' })
      .max(submissionLimits.secondaryDiagnoses, `次要诊断最多填写 ${submissionLimits.secondaryDiagnoses} 个`)
      .default([]),
    /** 主要手术和操作 (name and/or ICD-9-CM-3 医保版 code). */
    mainProcedure: codedItem('主要手术和操作', 'procedure', 'cases').default({}),
    /** Number of patients (cases) like this one. */
    patients: optionalNumber('患者数量', { integer: true, max: 1_000_000, example: '12' }),
    /** Total cost of these cases, yuan. */
    totalCost: optionalNumber('总费用', { max: 1e10, example: '35000.50' }),
    /** Average cost per case, yuan. */
    averageCost: optionalNumber('例均费用', { max: 1e9, example: '28000' }),
  })
  .superRefine((c, ctx) => {
    const filled = hasItem(c.mainProcedure) || c.secondaryDiagnoses.some(hasItem) || c.patients !== undefined || c.totalCost !== undefined || c.averageCost !== undefined;
    if (filled && !hasItem(c.mainDiagnosis)) {
      ctx.addIssue({ code: 'custom', path: ['mainDiagnosis', 'name'], message: '输入该病案的主要诊断名称或编码' });
    }
  });
export type SubmissionCase = z.infer<typeof caseSchema>;

/** A 歧义组 (ambiguous group) problem: a case that cannot be grouped normally. */
export const ambiguousSchema = z
  .object({
    /** 主要诊断及编码. */
    mainDiagnosis: codedItem('歧义组主要诊断', 'diagnosis', 'ambiguous').default({}),
    /** 主要手术和操作名称及编码. */
    mainProcedure: codedItem('歧义组主要手术和操作', 'procedure', 'ambiguous').default({}),
    /** 无法正常入组原因. */
    reason: optionalText('无法正常入组原因', submissionLimits.reason),
    /** 患者数量. */
    patients: optionalNumber('歧义组患者数量', { integer: true, max: 1_000_000, example: '12' }),
    /** 费用统计情况, as written, e.g. 例均费用 3.2 万元，总费用 128 万元. */
    costs: optionalText('费用统计情况', submissionLimits.costs),
  })
  .superRefine((a, ctx) => {
    const filled = hasItem(a.mainDiagnosis) || hasItem(a.mainProcedure) || a.reason || a.patients !== undefined || a.costs;
    if (!filled) return;
    if (!hasItem(a.mainDiagnosis)) ctx.addIssue({ code: 'custom', path: ['mainDiagnosis', 'name'], message: '输入歧义组的主要诊断名称或编码' });
    if (!a.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: '输入无法正常入组的原因' });
  });
export type SubmissionAmbiguous = z.infer<typeof ambiguousSchema>;

const isEmptyCase = (c: SubmissionCase) =>
  !hasItem(c.mainDiagnosis) && !hasItem(c.mainProcedure) && !c.secondaryDiagnoses.some(hasItem) && c.patients === undefined && c.totalCost === undefined && c.averageCost === undefined;
const isEmptyAmbiguous = (a: SubmissionAmbiguous) =>
  !hasItem(a.mainDiagnosis) && !hasItem(a.mainProcedure) && !a.reason && a.patients === undefined && !a.costs;

// ---------------------------------------------------------------------------------------------------------------
// The submission.
// ---------------------------------------------------------------------------------------------------------------

export const submissionSchema = z
  .object({
    /** 单位名称: the submitting organisation (a unit, not a person), e.g. 济源市人民医院. */
    organization: requiredText(submissionLabels.organization, submissionLimits.organization, 2),
    /** 填报人: the person filling in the form. Personal data: sealed for staff, never shown in clear. */
    submitterName: withRole(requiredText(submissionLabels.submitterName, submissionLimits.submitterName, 1, '输入填报人姓名'), 'personal'),
    /** 联系方式: mobile (13800138000), landline (0391-6637366) or e-mail. Personal data: sealed like the name. */
    contact: withRole(
      z.preprocess(
        (v) => (typeof v === 'string' ? cleanContact(v) : v),
        z
          .string({ error: (iss) => (iss.input === undefined || iss.input === null ? '输入联系方式（手机、座机或电子邮箱）' : '联系方式应为文字') })
          .min(1, '输入联系方式（手机、座机或电子邮箱）')
          .max(submissionLimits.contact, `联系方式不能超过 ${submissionLimits.contact} 个字符`)
          .refine((c) => contactKind(c) !== undefined, '联系方式应为手机号码（如 13800138000）、座机号码（如 0391-6637366）或电子邮箱'),
      ),
      'personal',
    ),
    /** 所在单位/科室, e.g. 医保办. Optional. */
    unit: optionalText(submissionLabels.unit, submissionLimits.unit),
    /** Who is submitting: `hospital`, `pharmacy`, `association`, `expert`, `clinician`, `insured`, `department`. */
    submitterType: withRole(z.enum(submitterTypeKeys, { error: '选择提交人类型' }), 'verbatim'),
    /** 问题分类 as ticked: `policy`, `core-elements`, `grouping`, `other` (triage may correct it). */
    category: withRole(z.enum(categoryKeys, { error: '选择问题分类' }), 'verbatim'),
    /** 主要意见及建议: a one-line summary; becomes the issue title. */
    title: requiredText(submissionLabels.title, submissionLimits.title, 4),
    /** 具体问题和建议: the full text. */
    details: requiredText(submissionLabels.details, submissionLimits.details, 10),
    /** Whether the unit may be named in a published reply (never the person). Defaults to no. */
    publicConsent: z.boolean({ error: '选择是否同意公开单位名称（是或否）' }).default(false),
    /** For objections (异议申诉) to an announcement: `announcements/<id>`, set by the form's objection link. */
    objection: withRole(
      z.preprocess(
        (v) => (blank(v) ? undefined : v),
        z.string({ error: '异议对象应为文字' }).regex(/^announcements\/[\w-]{1,100}$/, '异议对象应为 announcements/<公告编号>').optional(),
      ),
      'verbatim',
    ),
    /** DRG 名称 (grouping problems). */
    drgName: optionalText(submissionLabels.drgName, submissionLimits.drgDipName),
    /** DRG 代码: a DRG (`FM19`), its ADRG (`FM1`) or an ambiguous group (`HQY`). */
    drgCode: optionalCode(submissionLabels.drgCode, isDrgOrAdrg, ' DRG 代码（如 FM19）或 ADRG 代码（如 FM1）'),
    /** DIP 名称 (grouping problems). */
    dipName: optionalText(submissionLabels.dipName, submissionLimits.drgDipName),
    /** DIP 代码: the diagnosis code, optionally with procedure codes, e.g. `I21.0:36.06`. */
    dipCode: optionalCode(submissionLabels.dipCode, isDipCode, ' 诊断编码加可选的手术操作编码，例如 I21.0:36.06'),
    /** 病案举例: one or more case examples; blank rows from the form are dropped. */
    cases: z
      .array(caseSchema, { error: '病案举例应为列表' })
      .max(submissionLimits.cases, `病案举例最多填写 ${submissionLimits.cases} 例`)
      .default([])
      .transform((cs) =>
        cs.filter((c) => !isEmptyCase(c)).map((c) => ({ ...c, secondaryDiagnoses: c.secondaryDiagnoses.filter(hasItem) })),
      ),
    /** 歧义组 fields; all blank means not given. */
    ambiguous: ambiguousSchema.optional().transform((a) => (a && !isEmptyAmbiguous(a) ? a : undefined)),
  });
export type Submission = z.infer<typeof submissionSchema>;
/** What a client sends (before normalisation). */
export type SubmissionInput = z.input<typeof submissionSchema>;

/** The category whose extra fields (备注 2, 3) the form shows. */
export const groupingCategory: CategoryKey = 'grouping';

/** True when the submission carries any grouping or ambiguous-group field. */
export function hasGroupingFields(s: Submission): boolean {
  return Boolean(s.drgName || s.drgCode || s.dipName || s.dipCode || s.cases.length || s.ambiguous);
}

/** A field-specific problem, as the API returns it (`field` is a dotted path such as `cases.0.mainDiagnosis.code`). */
export interface FieldError {
  field: string;
  message: string;
}

/** zod issues → field errors, first message per field, in form order. */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || 'form';
    if (seen.has(field)) continue;
    seen.add(field);
    out.push({ field, message: issue.message });
  }
  const order = Object.keys(submissionLabels);
  const rank = (f: string) => {
    const i = order.indexOf(f.split('.')[0]);
    return i < 0 ? order.length : i;
  };
  return out.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e.field) - rank(b.e.field) || a.i - b.i).map(({ e }) => e);
}

/** Validates a submission: the value, or field errors in form order. */
export function parseSubmission(input: unknown): { ok: true; value: Submission } | { ok: false; errors: FieldError[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: 'form', message: '提交的内容应为一个包含各栏目的 JSON 对象' }] };
  }
  const parsed = submissionSchema.safeParse(input);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: toFieldErrors(parsed.error) };
}
