/**
 * Turns an issue opened with .github/ISSUE_TEMPLATE/announcement.yml into announcement content: the
 * Markdown file (schemas/announcement.ts) and, when a table was pasted, a CSV file beside it that the
 * announcement page renders (site/utils/csv-fs.ts). Pure: issue body in, files or field errors out.
 * Errors name the form field as staff see it, so they can fix the issue and the workflow runs again.
 */
import { announcementSchema, announcementTypes, type AnnouncementType } from '../../../schemas/announcement.ts';
import { keyByZh } from '../../../schemas/common.ts';
import { stringifyFrontmatter } from '../frontmatter.ts';
import { parseSections } from '../triage/parse.ts';

/** Form labels (the `### ` headings GitHub renders), by schema field. */
export const announcementFormLabels = {
  title: '公告标题',
  type: '公告类型',
  period: '所属期间',
  published: '发布日期',
  issuer: '发布单位',
  summary: '摘要',
  body: '公告正文',
  tableCaption: '数据表标题',
  tableCsv: '数据表（CSV）',
  objectionsUntil: '异议申诉截止日期',
} as const;

export type AnnouncementFromIssue =
  | { ok: true; id: string; files: { path: string; content: string }[] }
  | { ok: false; errors: { field: string; message: string }[] };

/** The body of a fenced block (`render: csv` wraps the answer in ```csv … ```), else the text. */
function unfence(text: string): string {
  const m = /^```[\w-]*\n([\s\S]*?)\n?```$/.exec(text.trim());
  return (m ? m[1] : text).trim();
}

/** File id: publish day, type and period, e.g. 2026-11-05-quarterly-announcement-2026q3. */
export function announcementId(published: string, type: AnnouncementType, period: string): string {
  return `${published}-${type}-${period.toLowerCase()}`;
}

export function announcementFromIssue(body: string): AnnouncementFromIssue {
  const sections = parseSections(body);
  const get = (field: keyof typeof announcementFormLabels) => sections.get(announcementFormLabels[field]) ?? null;
  const errors: { field: string; message: string }[] = [];
  const typeZh = get('type');
  const type = typeZh ? keyByZh(announcementTypes, typeZh) : undefined;
  if (!type) errors.push({ field: announcementFormLabels.type, message: `请选择公告类型（${Object.values(announcementTypes).map((t) => t.zh).join('、')}）` });
  const text = get('body');
  if (!text) errors.push({ field: announcementFormLabels.body, message: '请填写公告正文' });
  const csv = get('tableCsv') ? unfence(get('tableCsv')!) : '';
  const caption = get('tableCaption');
  if (csv && !caption) errors.push({ field: announcementFormLabels.tableCaption, message: '粘贴了数据表时，请填写数据表标题' });
  if (csv && csv.split(/\r?\n/).filter((l) => l.trim()).length < 2) errors.push({ field: announcementFormLabels.tableCsv, message: '数据表至少需要表头和一行数据' });

  const published = get('published')?.trim() ?? '';
  const period = get('period')?.trim() ?? '';
  const id = type && /^\d{4}-\d{2}-\d{2}$/.test(published) ? announcementId(published, type, period) : 'announcement';
  const data: Record<string, unknown> = {
    title: get('title')?.trim(),
    type,
    period,
    published,
    ...(get('issuer') ? { issuer: get('issuer')!.trim() } : {}),
    ...(get('summary') ? { summary: get('summary')!.trim() } : {}),
    ...(csv && caption ? { tables: [{ caption: caption.trim(), csv: `${id}.csv` }] } : {}),
    ...(get('objectionsUntil') ? { objectionsUntil: get('objectionsUntil')!.trim() } : {}),
  };
  const parsed = announcementSchema.safeParse(data);
  if (!parsed.success) {
    const byField: Record<string, string> = { title: announcementFormLabels.title, type: announcementFormLabels.type, period: announcementFormLabels.period, published: announcementFormLabels.published, objectionsUntil: announcementFormLabels.objectionsUntil };
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      if (key === 'type' && !type) continue;
      errors.push({ field: byField[key] ?? key, message: issue.message });
    }
  }
  if (errors.length) return { ok: false, errors };
  // Dates stay YYYY-MM-DD strings: the schema coerces them, and the file reads as the staff typed it.
  const files = [{ path: `announcements/${id}.md`, content: stringifyFrontmatter({ data, body: `${text!.replace(/\r\n/g, '\n').trim()}\n` }) }];
  if (csv) files.push({ path: `announcements/${id}.csv`, content: `${csv.replace(/\r\n/g, '\n')}\n` });
  return { ok: true, id, files };
}
