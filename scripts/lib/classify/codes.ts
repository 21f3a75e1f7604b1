/**
 * Finds every grouping and coding code an opinion mentions: ADRG `FM1`, DRG `FM19`, 歧义组 `HQY`,
 * ICD-10 医保版 `I21.000` / `I21.000x001`, ICD-9-CM-3 医保版 `36.0601` / `51.2300x001` (a DIP 病种 is a
 * diagnosis + procedure pair, e.g. `K80.1:51.2300`, and is reported as its two codes). With the code list in
 * force (bureau.json codeListPath, scripts/lib/code-list.ts) it names ADRG/DRG codes and flags those the
 * scheme does not contain, with the nearest code that it does contain.
 *
 * Pure: text in, codes out; the list is passed in (contracts.md: `extractCodes(text, codeList)`).
 */
import { codeKind, type CodeKind, type MentionedCode } from '../../../schemas/codes.ts';
import type { CodeList } from '../code-list.ts';

export interface ExtractedCode extends MentionedCode {
  /** Only for ADRG/DRG/歧义组 codes when a code list is configured: whether the scheme in force has it. */
  known?: boolean;
  /** For an unknown ADRG/DRG code: the closest code of the scheme in force (a likely typo or successor). */
  nearest?: { code: string; name: string };
  /**
   * A CHS-DRG 1.x-style DRG code not in the 2.0 scheme: 2.0 DRG codes end in 1/3/5/9 (MCC / CC / none /
   * not split, ../shared/data/chs-drg-2.0/README.md); 1.x also used 7 (死亡或转院), and no version uses 0/2/4/6/8.
   */
  outdated?: boolean;
}

/**
 * Letter codes: ADRG (2 letters + digit), DRG (+ one more digit), 歧义组 (`?QY`), ICD-10 (letter + 2 digits,
 * optional decimals and an `x001` 医保版 extension). Not glued to other ASCII letters/digits, so `FM19` never
 * yields `M19` and `ICD-10` never yields a code.
 */
const letterCode = /(?<![A-Za-z0-9.\-/])(?:[A-Z]{2}\d{1,2}|[A-Z]QY|[A-Z]\d{2}(?:\.[0-9A-Z]{1,3})?(?:[xX]\d{3})?)(?![A-Za-z0-9])/g;

/**
 * ICD-9-CM-3 procedure codes: 2 digits, a dot, 1-4 digits, optionally the 国家临床版 `x00` placeholder and an
 * `x001` extension (`36.0601`, `51.2300x001`, `43.7x00x004`).
 */
const procedureCode = /(?<![\d.A-Za-z])\d{2}\.\d{1,4}(?:[xX]\d{2,3}){0,2}(?![\d.A-Za-z%‰])/g;

/** A number followed by one of these is an amount, a ratio or a duration, not a code (`36.06万元`, `12.35%`). */
const unitAfter = /^\s*(?:万|元|亿|千|百|天|日|倍|个|岁|年|月|例|人|次|点|分|小时|周|张|份|项|mg|ml|kg|%|‰)/;
/** Words that introduce a number that is not a code (`权重 12.35`, `系数 10.5`). */
const numberBefore = /(?:权重|系数|点数|分值|费率|点值|比例|比值|金额|费用|标准|均值|平均|合计|约|为|是|达|到|降|升|增|减)\s*[:：]?\s*$/;
/** Words near a short number that make it a procedure code (`手术 81.54`, `ICD-9-CM-3 编码 36.06`). */
const procedureContext = /(?:编码|代码|ICD|手术|操作|术|码|CM-3)/;

const procedureShape = /^\d{2}\.\d{1,4}(?:x\d{2,3}){0,2}$/;

function kindOf(code: string): CodeKind | undefined {
  const kind = codeKind(code);
  if (kind) return kind;
  // 国家临床版 placeholder form (43.7x00x004): a procedure code the strict schema pattern does not spell out.
  if (procedureShape.test(code)) return 'icd9cm3';
  return undefined;
}

/** Upper-cases letters but keeps the `x` of extensions lower-case, as the 医保版 code books print them. */
function canonical(raw: string): string {
  return raw.toUpperCase().replace(/X(?=\d{2,3})/g, 'x');
}

function isProcedureMention(text: string, index: number, code: string): boolean {
  const after = text.slice(index + code.length, index + code.length + 4);
  if (unitAfter.test(after)) return false;
  const before = text.slice(Math.max(0, index - 20), index);
  if (numberBefore.test(before)) return false;
  // Long decimals or an extension are unmistakably codes; short ones (81.54) need a coding word nearby.
  const decimals = code.split('.')[1].replace(/x.*$/i, '');
  if (decimals.length >= 3 || /x/i.test(code)) return true;
  return procedureContext.test(before) || procedureContext.test(text.slice(index + code.length, index + code.length + 12));
}

function describe(code: string, kind: CodeKind, codeList: CodeList | null): ExtractedCode {
  const found: ExtractedCode = { code, kind };
  if (kind === 'drg' && !/[1359]$/.test(code)) found.outdated = true;
  if (!codeList || (kind !== 'adrg' && kind !== 'drg' && kind !== 'ambiguous')) return found;
  if (kind === 'ambiguous') {
    // 歧义组 are not in the ADRG list; one exists for every MDC the scheme has.
    const mdc = code[0];
    const known = codeList.nearest(code, codeList.size).some((c) => c.code.startsWith(mdc));
    found.known = known;
    if (known) found.name = `MDC ${mdc} 歧义组（主要诊断与主要手术不匹配）`;
    return found;
  }
  const name = found.outdated ? undefined : codeList.name(code);
  if (name) {
    found.name = name;
    found.known = true;
  } else {
    found.known = false;
    const [best] = codeList.nearest(code, 1);
    if (best) found.nearest = { code: best.code, name: best.name };
  }
  return found;
}

/** Every code in `text`, first mention first, each once. */
export function extractCodes(text: string, codeList: CodeList | null): ExtractedCode[] {
  const normal = text.normalize('NFKC');
  const hits: { index: number; code: string; kind: CodeKind }[] = [];
  for (const m of normal.matchAll(letterCode)) {
    const code = canonical(m[0]);
    const kind = kindOf(code);
    if (kind) hits.push({ index: m.index, code, kind });
  }
  for (const m of normal.matchAll(procedureCode)) {
    const code = canonical(m[0]);
    const kind = kindOf(code);
    if (kind && isProcedureMention(normal, m.index, m[0])) hits.push({ index: m.index, code, kind });
  }
  hits.sort((a, b) => a.index - b.index);
  const seen = new Set<string>();
  const out: ExtractedCode[] = [];
  for (const hit of hits) {
    if (seen.has(hit.code)) continue;
    seen.add(hit.code);
    out.push(describe(hit.code, hit.kind, codeList));
  }
  return out;
}
