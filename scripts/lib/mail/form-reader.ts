/**
 * Reads the standard 意见建议表 (济源 notice 附件, tests/fixtures/seeds/jiyuan-drg-feedback-mechanism-draft.txt) field by
 * field, wherever a sender put it: as `单位名称：…` lines in the mail text, as a filled-in xlsx, or as a filled-in
 * docx. All three become rows of cells (a text line is a row; a tab splits cells, as when a table is pasted from
 * Word or Excel), and one reader pairs each label cell with the cells after it or the rows below it, the two
 * layouts the printed form has (`单位名称（公章）：` on one line; `填报人 | … | 联系方式 | …` as a table).
 *
 * Pure and linear: labels are found by comparing a short, normalised prefix of each cell with a fixed list;
 * no pattern runs over the unbounded text. Attachments are untrusted: the docx reader is a streaming tag scanner
 * over word/document.xml (no entity expansion, no external references), and both zip readers refuse archives
 * whose declared unpacked size is over a limit before inflating anything (zip bombs).
 */
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { categories, categoryKeys, submitterTypes, type CategoryKey, type SubmitterTypeKey } from '../../../schemas/common.ts';

/** The form's fields as read: the text under each label, as written. */
export interface FormFields {
  organization?: string;
  title?: string;
  submitterName?: string;
  contact?: string;
  unit?: string;
  category?: string;
  details?: string;
  submitterType?: string;
  publicConsent?: string;
  drgName?: string;
  drgCode?: string;
  dipName?: string;
  dipCode?: string;
}
export type FormField = keyof FormFields;

/**
 * Labels as printed on the form (and the submission schema's labels, schemas/submission.ts), with the variants
 * people type. Compared after `normaliseLabel`: no spaces, no `（公章）`-style note, ASCII letters upper-cased.
 */
const labelTable: [FormField, string[]][] = [
  ['organization', ['单位名称', '单位', '报送单位', '填报单位']],
  ['title', ['主要意见及建议', '主要意见和建议', '主要意见建议', '意见建议概要']],
  ['submitterName', ['填报人', '填报人姓名', '姓名']],
  ['contact', ['联系方式', '联系电话', '手机', '手机号码', '电子邮箱', '邮箱']],
  ['unit', ['所在单位/科室', '所在单位', '所在科室', '科室', '所在单位科室']],
  ['category', ['问题分类']],
  ['details', ['具体问题和建议', '具体问题及建议', '具体意见和建议', '具体问题']],
  ['submitterType', ['提交人类型', '提交人身份']],
  ['publicConsent', ['同意公开单位名称', '是否同意公开单位名称', '是否同意公开']],
  ['drgName', ['DRG名称']],
  ['drgCode', ['DRG代码', 'DRG编码']],
  ['dipName', ['DIP名称']],
  ['dipCode', ['DIP代码', 'DIP编码']],
];
/** Labels that end the form's fields: the printed notes (备注) under the table. */
const stopLabels = ['备注'];

const labels = new Map<string, FormField>();
for (const [field, names] of labelTable) for (const n of names) labels.set(n, field);
const longestLabel = Math.max(...[...labels.keys(), ...stopLabels].map((l) => l.length));

/** `单位名称（公章）：` → `单位名称`: spaces and one trailing bracketed note removed, NFKC, upper-case ASCII. */
export function normaliseLabel(cell: string): string {
  let s = cell.slice(0, 40).normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  while (s.endsWith(':')) s = s.slice(0, -1);
  if (s.endsWith(')')) {
    const open = s.lastIndexOf('(');
    if (open > 0) s = s.slice(0, open);
  }
  // Leading item numbers of a typed list: `1.单位名称`, `一、单位名称`, `（1）单位名称`.
  const numbered = /^(?:\d{1,2}[.、]|[一二三四五六七八九十]{1,2}、|\(\d{1,2}\))/.exec(s);
  if (numbered) s = s.slice(numbered[0].length);
  return s;
}

type CellKind = { kind: 'label'; field: FormField | null; value: string } | { kind: 'text' };

/** A cell that is a label (`联系方式`), a label with its value (`联系方式：138…`), or plain text. */
function classifyCell(cell: string): CellKind {
  const trimmed = cell.trim();
  if (!trimmed) return { kind: 'text' };
  // A label with its value after a colon, within the first few characters.
  const head = trimmed.slice(0, longestLabel + 12);
  let colon = -1;
  for (let i = 0; i < head.length; i++) {
    if (head[i] === ':' || head[i] === '：') {
      colon = i;
      break;
    }
  }
  const asLabel = (text: string): FormField | null | undefined => {
    const n = normaliseLabel(text);
    if (stopLabels.includes(n)) return null;
    return labels.get(n);
  };
  if (colon > 0) {
    const field = asLabel(trimmed.slice(0, colon));
    if (field !== undefined) return { kind: 'label', field, value: trimmed.slice(colon + 1).trim() };
  }
  if (trimmed.length <= longestLabel + 12) {
    const field = asLabel(trimmed);
    if (field !== undefined) return { kind: 'label', field, value: '' };
  }
  return { kind: 'text' };
}

/** Lines that are print notes on the blank form, not answers. */
const printNotes = new Set(['(可附页)', '(公章)', '(盖章)']);

/**
 * Rows of cells → the form's fields. A label starts a field; the cells after it in the row, and the rows after it
 * without a label, are its value, until the next label. A label seen a second time is text (the details may say
 * “联系电话：…” about someone else). Returns the fields and how many labels were found.
 */
export function readFormRows(rows: readonly (readonly string[])[]): { fields: FormFields; labelCount: number } {
  const values = new Map<FormField, string[]>();
  let current: string[] | null = null;
  let labelCount = 0;
  const push = (text: string) => {
    const t = text.trim();
    if (current && t && !printNotes.has(t.normalize('NFKC').replace(/\s+/g, ''))) current.push(t);
  };
  for (const row of rows) {
    for (const cell of row) {
      const c = classifyCell(cell);
      if (c.kind === 'label' && c.field === null) {
        current = null; // 备注: the printed notes follow
        continue;
      }
      if (c.kind === 'label' && c.field && !values.has(c.field)) {
        labelCount++;
        current = [];
        values.set(c.field, current);
        push(c.value);
        continue;
      }
      for (const line of cell.split('\n')) push(line);
    }
  }
  const fields: FormFields = {};
  for (const [field, lines] of values) {
    const v = lines.join('\n').trim();
    if (v) fields[field] = v;
  }
  return { fields, labelCount };
}

/**
 * True when the fields are the 意见建议表 rather than a letter that happens to contain `电话：…`: its title or its
 * details, plus at least one more of its labels.
 */
export function looksLikeForm(read: { fields: FormFields; labelCount: number }): boolean {
  return read.labelCount >= 2 && (read.fields.title !== undefined || read.fields.details !== undefined);
}

/** Plain text → rows: one row per line, tabs split cells. */
export function textRows(text: string): string[][] {
  return text.replace(/\r\n?/g, '\n').split('\n').map((line) => line.split('\t'));
}

// ---------------------------------------------------------------------------------------------------------------
// Attachments.
// ---------------------------------------------------------------------------------------------------------------

/** Unpacked size a form's archive may declare; a real 意见建议表 is a few hundred KB at most. */
export const maxUnpackedBytes = 30 * 1024 * 1024;

export class FormFileError extends Error {
  override name = 'FormFileError';
}

/** Reads the zip's directory (no inflating) and refuses archives that declare too much unpacked data. */
function checkZip(buf: Uint8Array): void {
  let total = 0;
  try {
    unzipSync(buf, {
      filter(file) {
        total += file.originalSize;
        return false;
      },
    });
  } catch (e) {
    throw new FormFileError(`文件不是有效的 Office 文档（${(e as Error).message}）`);
  }
  if (total > maxUnpackedBytes) throw new FormFileError(`文件解压后超过 ${Math.round(maxUnpackedBytes / 1024 / 1024)} MB，未读取`);
}

const cellText = (cell: ExcelJS.Cell): string => {
  try {
    return cell.text ?? '';
  } catch {
    return '';
  }
};

/** An xlsx workbook → rows of cells, every sheet in order; a merged range counts once (ExcelJS repeats it). */
export async function xlsxRows(content: Buffer): Promise<string[][]> {
  checkZip(content);
  const wb = new ExcelJS.Workbook();
  try {
    // ExcelJS declares its own Buffer type; the bytes are what it reads.
    await wb.xlsx.load(content as unknown as ExcelJS.Buffer);
  } catch (e) {
    throw new FormFileError(`无法读取 Excel 文件（${(e as Error).message}）`);
  }
  const rows: string[][] = [];
  wb.eachSheet((sheet) => {
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: false }, (cell) => {
        if (cell.isMerged && cell.master !== cell) return;
        cells.push(cellText(cell));
      });
      rows.push(cells);
    });
  });
  return rows;
}

const entities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
/** XML text → string: the five predefined entities and numeric references only (no DTD is ever read). */
function decodeXmlText(s: string): string {
  if (!s.includes('&')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const amp = s.indexOf('&', i);
    if (amp < 0) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, amp);
    const semi = s.indexOf(';', amp);
    const name = semi > amp && semi - amp <= 10 ? s.slice(amp + 1, semi) : '';
    let ch: string | undefined;
    if (name.startsWith('#x')) ch = String.fromCodePoint(Number.parseInt(name.slice(2), 16) || 0xfffd);
    else if (name.startsWith('#')) ch = String.fromCodePoint(Number.parseInt(name.slice(1), 10) || 0xfffd);
    else ch = entities[name];
    if (ch === undefined) {
      out += '&';
      i = amp + 1;
    } else {
      out += ch;
      i = semi + 1;
    }
  }
  return out;
}

/**
 * word/document.xml → rows: a paragraph outside tables is a one-cell row; a table row is a row of its cells
 * (each cell's paragraphs joined by newlines). A vertically merged continuation cell (`<w:vMerge/>` without
 * `restart`) is empty in Word's own rendering and is left out. Nested tables are read as text of their cell.
 */
export function docxXmlRows(xml: string): string[][] {
  const rows: string[][] = [];
  let tableDepth = 0;
  let row: string[] | null = null;
  let cell: string[] | null = null;
  let cellMergedContinue = false;
  let para = '';
  let inText = false;
  let fallbackDepth = 0;
  let i = 0;
  const endParagraph = () => {
    if (cell) cell.push(para);
    else if (tableDepth === 0) rows.push([para]);
    para = '';
  };
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) break;
    if (inText && fallbackDepth === 0 && lt > i) para += decodeXmlText(xml.slice(i, lt));
    const gt = xml.indexOf('>', lt);
    if (gt < 0) break;
    const tag = xml.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('?') || tag.startsWith('!')) continue;
    const closing = tag.startsWith('/');
    const selfClosing = tag.endsWith('/');
    const nameEnd = tag.search(/[\s/]|$/);
    const name = tag.slice(closing ? 1 : 0, closing ? undefined : nameEnd === 0 ? undefined : nameEnd).trim();
    // Word writes a text box twice (mc:Choice and, for old readers, mc:Fallback): read it once.
    if (name === 'mc:Fallback') {
      if (!selfClosing) fallbackDepth += closing ? -1 : 1;
      continue;
    }
    if (fallbackDepth > 0) continue;
    switch (name) {
      case 'w:t':
        inText = !closing && !selfClosing;
        break;
      case 'w:tab':
        if (!closing) para += '\t';
        break;
      case 'w:br':
      case 'w:cr':
        if (!closing) para += '\n';
        break;
      case 'w:p':
        if (closing) endParagraph();
        else if (selfClosing) {
          para = '';
          endParagraph();
        }
        break;
      case 'w:tbl':
        tableDepth += closing ? -1 : 1;
        break;
      case 'w:tr':
        if (tableDepth === 1) {
          if (!closing) row = [];
          else if (row) {
            rows.push(row);
            row = null;
          }
        }
        break;
      case 'w:tc':
        if (tableDepth === 1) {
          if (!closing) {
            cell = [];
            cellMergedContinue = false;
          } else if (cell && row) {
            if (!cellMergedContinue) row.push(cell.join('\n'));
            cell = null;
          }
        }
        break;
      case 'w:vMerge':
        if (cell && !closing && !/w:val="restart"/.test(tag)) cellMergedContinue = true;
        break;
    }
  }
  return rows;
}

/** A docx → rows (word/document.xml only: headers, footers and comments are not the form). */
export function docxRows(content: Buffer): string[][] {
  checkZip(content);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(content, { filter: (f) => f.name === 'word/document.xml' });
  } catch (e) {
    throw new FormFileError(`无法读取 Word 文件（${(e as Error).message}）`);
  }
  const xml = files['word/document.xml'];
  if (!xml) throw new FormFileError('Word 文件中没有正文（word/document.xml）');
  return docxXmlRows(new TextDecoder('utf-8').decode(xml));
}

/** Which reader an attachment needs, from its MIME type or file name. */
export function formFileKind(a: { filename?: string; contentType: string }): 'xlsx' | 'docx' | null {
  const name = (a.filename ?? '').toLowerCase();
  const type = a.contentType.toLowerCase();
  if (type === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' || name.endsWith('.xlsx')) return 'xlsx';
  if (type === 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' || name.endsWith('.docx')) return 'docx';
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Answers → schema keys.
// ---------------------------------------------------------------------------------------------------------------

/** Marks that tick a box, as typed or printed: √ ✓ ✔ ☑ ■ ● ☒ ▣ ◉ ✅ X and [x]-style brackets. */
const tickMarks = new Set(['√', '✓', '✔', '☑', '■', '●', '☒', '▣', '◉', '✅', '▪', '⊙']);
/** Empty boxes: the printed form uses 口 (the character) for □. */
const emptyBoxes = new Set(['口', '□', '☐', '○', '◯']);

/**
 * The category of a `问题分类` answer: the one ticked (`口政策措施类、☑核心要素类…`), or the one named when only one is
 * named without a box. Null when nothing or several are ticked (triage decides).
 */
export function categoryFromForm(answer: string | undefined): CategoryKey | null {
  if (!answer) return null;
  const a = answer.normalize('NFKC').slice(0, 300);
  const ticked = new Set<CategoryKey>();
  const bare = new Set<CategoryKey>();
  for (const k of categoryKeys) {
    const names = k === 'other' ? ['其他类', '其它', '其他'] : [categories[k].zh];
    for (const name of names) {
      let from = 0;
      for (;;) {
        const at = a.indexOf(name, from);
        if (at < 0) break;
        from = at + name.length;
        // The printed form puts the box before the name (`口政策措施类`); brackets around the mark are common.
        let j = at - 1;
        while (j >= 0 && (a[j] === ' ' || a[j] === '[' || a[j] === ']' || a[j] === '(' || a[j] === ')' || a[j] === '【' || a[j] === '】')) j--;
        const before = j >= 0 ? a[j] : '';
        // A mark after the name counts only bracketed (`核心要素类（√）`) or closing the item (`核心要素类√、`):
        // in `口核心要素类 ☑分组技术类` the mark after one name is the box of the next.
        const next = a[from] ?? '';
        const bracketed = (next === '(' || next === '[' || next === '【') && tickMarks.has(a[from + 1] ?? '');
        const closing = tickMarks.has(next) && (from + 1 >= a.length || '、,;\n。'.includes(a[from + 1]));
        if (tickMarks.has(before) || before.toLowerCase() === 'x' || bracketed || closing) ticked.add(k);
        else if (!emptyBoxes.has(before)) bare.add(k);
      }
      if (ticked.has(k) || bare.has(k)) break;
    }
  }
  if (ticked.size === 1) return [...ticked][0];
  if (ticked.size === 0 && bare.size === 1) return [...bare][0];
  return null;
}

/** A `提交人类型` answer → its key (the Chinese name, the key, or a telling word). */
export function submitterTypeFromForm(answer: string | undefined): SubmitterTypeKey | null {
  if (!answer) return null;
  const a = answer.trim();
  for (const [k, v] of Object.entries(submitterTypes) as [SubmitterTypeKey, { zh: string }][]) if (a === k || a.includes(v.zh)) return k;
  return submitterTypeFromOrganization(a);
}

/**
 * A guess from the unit's name, for mail without the form (the schema needs a type; staff can correct it):
 * hospitals and clinics, pharmacies, associations, universities, government departments. Null when it does not say.
 */
export function submitterTypeFromOrganization(organization: string | undefined): SubmitterTypeKey | null {
  if (!organization) return null;
  const o = organization.slice(0, 100);
  const has = (...words: string[]) => words.some((w) => o.includes(w));
  if (has('药店', '药房', '大药房', '医药连锁')) return 'pharmacy';
  if (has('医院', '卫生院', '卫生室', '诊所', '门诊部', '保健院', '医疗机构', '医疗集团', '社区卫生服务')) return 'hospital';
  if (has('学会', '协会')) return 'association';
  if (has('大学', '学院', '研究院', '研究所', '研究中心')) return 'expert';
  if (has('医疗保障局', '卫生健康委', '卫健委', '财政局', '人民政府', '管理委员会')) return 'department';
  if (has('医护', '医生', '护士', '科主任', '临床')) return 'clinician';
  if (has('参保', '群众', '患者', '个人')) return 'insured';
  return null;
}

/** A `同意公开单位名称` answer → yes/no, or undefined when it does not say. */
export function consentFromForm(answer: string | undefined): boolean | undefined {
  if (!answer) return undefined;
  const a = answer.trim().toLowerCase();
  if (a.startsWith('否') || a.startsWith('不') || a.startsWith('no') || a === 'false') return false;
  if (a.startsWith('是') || a.startsWith('同意') || a.startsWith('yes') || a === 'true' || a.startsWith('√') || a.startsWith('☑')) return true;
  return undefined;
}
