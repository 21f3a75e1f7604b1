/**
 * Vocabulary shared by every concept: opinion categories, handling offices, submitter types,
 * reply outcomes. Keys are stable English identifiers (public API, labels, file names);
 * `zh` is what people read. Source: 济源 notice 二(一)(二) and its 意见建议表, see ../shared/seeds/.
 */
import { z } from 'zod';

/** The four categories of 济源 notice 二(一); `hint` is the one-line explanation shown on the form. */
export const categories = {
  policy: {
    zh: '政策措施类',
    hint: '医保支付管理政策、配套措施的建议，以及政策解读咨询',
  },
  'core-elements': {
    zh: '核心要素类',
    hint: '总额预算、基准点数、调整系数、支付标准、结算清算方案、权重/分值等关键要素',
  },
  grouping: {
    zh: '分组技术类',
    hint: '按病组/病种付费技术规范、分组方案、具体病组（含歧义组）与入组规则',
  },
  other: {
    zh: '其他',
    hint: '信息技术支持、医保编码应用、结算清单质控规则、数据指标等',
  },
} as const;
export type CategoryKey = keyof typeof categories;
export const categoryKeys = Object.keys(categories) as [CategoryKey, ...CategoryKey[]];
/** Accepts one of `policy`, `core-elements`, `grouping`, `other`. */
export const categorySchema = z.enum(categoryKeys, {
  error: `问题分类必须是 ${categoryKeys.join(' / ')} 之一`,
});

/** The two handling offices of 济源 notice 二(二)1. Which office handles which category is bureau configuration. */
export const offices = {
  admin: { zh: '医保行政部门' },
  agency: { zh: '医保经办机构' },
} as const;
export type OfficeKey = keyof typeof offices;
export const officeKeys = Object.keys(offices) as [OfficeKey, ...OfficeKey[]];
export const officeSchema = z.enum(officeKeys);

/** Who may submit (济源 notice 一(一)). */
export const submitterTypes = {
  hospital: { zh: '定点医疗机构' },
  pharmacy: { zh: '定点零售药店' },
  association: { zh: '学（协）会' },
  expert: { zh: '专家学者' },
  clinician: { zh: '临床医护人员' },
  insured: { zh: '参保群众' },
  department: { zh: '相关部门' },
} as const;
export type SubmitterTypeKey = keyof typeof submitterTypes;
export const submitterTypeKeys = Object.keys(submitterTypes) as [SubmitterTypeKey, ...SubmitterTypeKey[]];
export const submitterTypeSchema = z.enum(submitterTypeKeys, { error: '请选择提交人类型' });

/** How an opinion reached the bureau (济源 notice 一(三): online form, mailbox, meetings, letters...). */
export const sources = {
  web: { zh: '网页表单' },
  email: { zh: '专用电子信箱' },
  phone: { zh: '电话' },
  meeting: { zh: '座谈调研' },
  letter: { zh: '书面征集' },
  reception: { zh: '公开接待日' },
} as const;
export type SourceKey = keyof typeof sources;
export const sourceKeys = Object.keys(sources) as [SourceKey, ...SourceKey[]];
export const sourceSchema = z.enum(sourceKeys);

/** What the bureau did with an opinion (济源 notice 三(二); 意见留用 = reserved; 转报 = 二(二)2). */
export const outcomes = {
  adopted: { zh: '采纳' },
  partial: { zh: '部分采纳' },
  reserved: { zh: '暂不采纳并留用' },
  explained: { zh: '解释说明' },
  escalated: { zh: '转报上级' },
} as const;
export type OutcomeKey = keyof typeof outcomes;
export const outcomeKeys = Object.keys(outcomes) as [OutcomeKey, ...OutcomeKey[]];
export const outcomeSchema = z.enum(outcomeKeys);

/** Finds the key whose Chinese label is `zh` (commands and issue forms use the Chinese words). */
export function keyByZh<K extends string>(table: Record<K, { zh: string }>, zh: string): K | undefined {
  const wanted = zh.trim();
  return (Object.keys(table) as K[]).find((k) => table[k].zh === wanted);
}

/**
 * A period an announcement or summary covers: a year `2026`, a half-year `2026H1`, a quarter `2026Q3`
 * or a month `2026-10`.
 */
export const periodSchema = z.preprocess(
  // YAML reads an unquoted `period: 2026` as a number; a year is still a year.
  (value) => (typeof value === 'number' ? String(value) : value),
  z.string().regex(/^\d{4}(?:-(?:0[1-9]|1[0-2])|Q[1-4]|H[12])?$/, '期间格式应为 2026、2026H1、2026Q3 或 2026-10'),
);

/** A calendar date. YAML turns `2024-07-10` into a Date; a quoted string is accepted too. */
export const dateSchema = z.coerce.date({ error: '日期格式应为 YYYY-MM-DD' });

/** A file or inline text attached to a document (e.g. 济源 意见建议表, 泰州 任务分解表). */
export const attachmentSchema = z
  .object({
    /** Title as printed, e.g. "附件1 任务分解表". */
    title: z.string().min(1),
    /** Site path or URL of a file to download, when the attachment is a file. */
    file: z.string().optional(),
    /** The attachment's text (Markdown), when it is reproduced on the page. */
    text: z.string().optional(),
  })
  .refine((a) => a.file || a.text, { message: '附件需提供 file 或 text 之一' });
export type Attachment = z.infer<typeof attachmentSchema>;
