/**
 * Finds every grouping and coding code an opinion mentions: ADRG `FM1`, DRG `FM19`, 歧义组 `HQY`,
 * ICD-10 医保版 `I21.000` / `I21.000x001` / `K35.x00` / `I10.x00x002` (the `x` placeholder stands for a level
 * the category does not have), ICD-O-3 morphology `M8070/3` / 医保版 `M80700/3`, ICD-9-CM-3 医保版 `36.0601` /
 * `51.2300x001` / `43.7x00x004`, and DIP 病种 codes, a diagnosis joined to one or more procedures by `:` or `+`
 * (`K80.1:51.2300`, `O82.0+74.1x01+68.2900`), which name one 病种 and are reported as one code with its parts.
 * With the code list in force (bureau.json codeListPath, scripts/lib/code-list.ts) it names the codes the list
 * knows and flags ADRG/DRG codes the scheme does not contain, with the nearest code that it does contain.
 *
 * Kinds stay within schemas/codes.ts (published replies validate against it): a DIP 病种 is filed under its
 * diagnosis (`icd10`, `form: 'dip'`, `parts`), a morphology code under the 医保版 疾病分类与代码 that carries it
 * (`icd10`, `form: 'morphology'`).
 *
 * Pure: text in, codes out; the list is passed in (contracts.md: `extractCodes(text, codeList)`). Every pattern
 * is a bounded, unambiguous regex, linear in the text.
 */
import { codeKind, type CodeKind, type MentionedCode } from '../../../schemas/codes.ts';
import type { CodeList } from '../code-list.ts';

export interface ExtractedCode extends MentionedCode {
  /** Set for the two forms schemas/codes.ts has no kind for: a DIP 病种 (diagnosis + procedures) or an ICD-O morphology code. */
  form?: 'dip' | 'morphology';
  /** For a DIP 病种: its diagnosis and procedure codes, in order. */
  parts?: ExtractedCode[];
  /** Only when a code list is configured: whether it has the code (for ICD codes only set when it does). */
  known?: boolean;
  /** For an unknown ADRG/DRG code: the closest code of the scheme in force (a likely typo or successor). */
  nearest?: { code: string; name: string };
  /**
   * A CHS-DRG 1.x-style DRG code not in the 2.0 scheme: 2.0 DRG codes end in 1/3/5/9 (MCC / CC / none /
   * not split, ../shared/data/chs-drg-2.0/README.md); 1.x also used 7 (死亡或转院), and no version uses 0/2/4/6/8.
   */
  outdated?: boolean;
  /**
   * For a code typed with a letter for a digit (`I63.90O`, `K35.8O2`, `FM3l`: O for 0, l for 1): the code it
   * almost certainly means. The code itself is reported as typed, so the submitter's text is still findable.
   */
  correction?: string;
}

/** ICD-10 医保版 body: category, optional decimals with at most one `x` placeholder, optional `x001` extension. */
const icd10Body = String.raw`[A-Z]\d{2}(?:\.[0-9xX]{1,4})?(?:[xX]\d{3})?`;
/** ICD-9-CM-3 医保版 body: `36.0601`, `51.2300x001`, `43.7x00x004`, `74.1x01`. */
const procBody = String.raw`\d{2}\.\d{1,4}(?:[xX]\d{2,3}){0,2}`;

/**
 * DIP 病种: a diagnosis, `:` or `+`, a procedure, and up to three more `+procedure`. Spaces are allowed around
 * `:` only (`K80.1 : 51.2300`); a spaced `+` reads as two separate mentions ("诊断 K80.1 + 手术 51.2300" lists codes).
 */
const dipCode = new RegExp(String.raw`(?<![A-Za-z0-9.\-/])(${icd10Body})(?: ?: ?|\+)(${procBody}(?:\+${procBody}){0,3})(?![\d.A-Za-z%‰])`, 'g');

/** ICD-O-3 morphology (`M8070/3`) and the 医保版 six-character form (`M80700/3`); behaviour digit 0-3, 6 or 9. */
const morphologyCode = /(?<![A-Za-z0-9.\-/])M\d{4,5}\/[0-369](?![\dA-Za-z])/g;

/**
 * Letter codes: ADRG (2 letters + digit), DRG (+ one more digit), 歧义组 (`?QY`), ICD-10. Not glued to other
 * ASCII letters/digits, so `FM19` never yields `M19` and `ICD-10` never yields a code. A lower-case first letter
 * is read only with decimals (`k35.x00`), where it cannot be a word. A slash or a list number may come before
 * one (`BB1/BB2/BB5`, `2.OF2早期流产`: development data, issue 13); a dot after a letter may not (`v.FM1`).
 */
const codeStart = String.raw`(?<![A-Za-z0-9\-])(?<![A-Za-z]\.)`;
const letterCode = new RegExp(String.raw`${codeStart}(?:[A-Z]{2}\d{1,2}|[A-Z]QY|${icd10Body}|[a-z]\d{2}\.[0-9xX]{1,4}(?:[xX]\d{3})?)(?![A-Za-z0-9])`, 'g');

/**
 * Codes typed with a letter for a digit: ICD-10 decimals with an O for 0 (`I63.90O`, `S72.0OO`) and an ADRG with
 * an l for 1 (`FM3l`). Matched on their own so the strict patterns above stay strict.
 */
const typoCode = new RegExp(String.raw`${codeStart}(?:[A-Z]\d{2}\.[0-9xX]{0,3}[Oo][0-9xXOo]{0,3}|[A-Z]{2}\d{1,2}l)(?![A-Za-z0-9])`, 'g');

/** ICD-9-CM-3 procedure codes, checked against their context below (a bare `12.35` is usually a number). */
const procedureCode = new RegExp(String.raw`(?<![\d.A-Za-z])${procBody}(?![\d.A-Za-z%‰])`, 'g');

/** A number followed by one of these is an amount, a ratio or a duration, not a code (`36.06万元`, `12.35%`). */
const unitAfter = /^\s*(?:万|元|亿|千|百|天|日|倍|个|岁|年|月|例|人|次|点|分|小时|周|张|份|项|克|mg|ml|kg|cm|%|‰)/;
/** Words that introduce a number that is not a code (`权重 12.35`, `系数 10.5`, `增长 12.5`). */
const amountBefore = /(?:权重|系数|点数|分值|费率|点值|比例|比值|占比|金额|费用|均值|平均|合计|约|达|增长|下降|上升|降低|提高|降|升|增|减|第)\s*[:：]?\s*$/;
/** Words that introduce any number, a code only when its shape is unmistakable (`编码为 36.0601` is one). */
const weakBefore = /(?:为|是|到|标准)\s*[:：]?\s*$/;
/**
 * Words near a short number that make it a procedure code: coding words and the endings of procedure names
 * (`主要手术 81.54`, `冠脉造影（88.56）`, `溶栓 99.10`).
 */
const procedureContext = /(?:编码|代码|ICD|CM-3|码|手术|操作|术|造影|植入|置换|切除|修补|成形|吻合|引流|穿刺|活检|透析|放疗|化疗|溶栓|插管|镜|超声|介入|支架|治疗|做了)/;
/** Between two codes of a list (`51.23、51.22`, `36.06和36.07`): a short code next to a code is a code. */
const listGap = /^[\s、，,;；和与及或/（）()]{1,3}$/;

const procedureShape = /^\d{2}\.\d{1,4}(?:x\d{2,3}){0,2}$/;
/** Decimals with at most one placeholder `x`: `.000`, `.x00`, `.9x00`. */
const icd10Shape = /^[A-Z]\d{2}(?:\.(?:\d{1,4}|\d{0,2}x\d{1,2}))?(?:x\d{3})?$/;

function kindOf(code: string): CodeKind | undefined {
  if (procedureShape.test(code)) return 'icd9cm3';
  const kind = codeKind(code);
  if (kind) return kind;
  // Placeholder forms (K35.x00, I10.x00x002) the strict schema pattern does not spell out.
  if (icd10Shape.test(code)) return 'icd10';
  return undefined;
}

/** Upper-cases letters but keeps the `x` of placeholders and extensions lower-case, as the 医保版 code books print them. */
function canonical(raw: string): string {
  const upper = raw.toUpperCase();
  // The first character may be the ICD-10 chapter letter X (X59.9); only later X's are placeholders.
  return upper[0] + upper.slice(1).replace(/X(?=\d)/g, 'x');
}

function isProcedureMention(text: string, index: number, code: string, previousEnd: number): boolean {
  const after = text.slice(index + code.length, index + code.length + 4);
  if (unitAfter.test(after)) return false;
  const before = text.slice(Math.max(0, index - 20), index);
  if (amountBefore.test(before)) return false;
  // Long decimals or an extension are unmistakably codes; short ones (81.54) need a coding word or a code nearby.
  const decimals = code.split('.')[1].replace(/x.*$/i, '');
  if (decimals.length >= 3 || /x/i.test(code)) return true;
  if (weakBefore.test(before)) return false;
  if (previousEnd >= 0 && index - previousEnd <= 3 && listGap.test(text.slice(previousEnd, index))) return true;
  return procedureContext.test(before) || procedureContext.test(text.slice(index + code.length, index + code.length + 12));
}

/**
 * Group-code descriptions per code list: looking up the nearest code measures the distance to every code of the
 * scheme, which would cost more than the rest of a classification; the same few codes recur across opinions.
 */
const described = new WeakMap<CodeList, Map<string, ExtractedCode>>();

function describe(code: string, kind: CodeKind, codeList: CodeList | null): ExtractedCode {
  if (!codeList || kind === 'icd10' || kind === 'icd9cm3') return describeUncached(code, kind, codeList);
  let memo = described.get(codeList);
  if (!memo) described.set(codeList, (memo = new Map()));
  let found = memo.get(code);
  if (!found) {
    found = describeUncached(code, kind, codeList);
    // Bounded: a server fed arbitrary text must not grow without limit.
    if (memo.size < 10_000) memo.set(code, found);
  }
  return { ...found };
}

function describeUncached(code: string, kind: CodeKind, codeList: CodeList | null): ExtractedCode {
  const found: ExtractedCode = { code, kind };
  if (kind === 'drg' && !/[1359]$/.test(code)) found.outdated = true;
  if (!codeList) return found;
  if (kind === 'icd10' || kind === 'icd9cm3') {
    // The configured list is usually the ADRG list; a bureau may add diagnosis/procedure codes to name them too.
    const name = codeList.name(code);
    if (name) {
      found.name = name;
      found.known = true;
    }
    return found;
  }
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

function describeDip(diagnosis: string, procedures: string[], codeList: CodeList | null): ExtractedCode {
  const parts = [describe(diagnosis, 'icd10', codeList), ...procedures.map((p) => describe(p, 'icd9cm3', codeList))];
  const code = `${diagnosis}${procedures.length ? ':' : ''}${procedures.join('+')}`;
  const found: ExtractedCode = { code, kind: 'icd10', form: 'dip', parts };
  const name = codeList?.name(code);
  if (name) {
    found.name = name;
    found.known = true;
  }
  return found;
}

interface Hit {
  index: number;
  end: number;
  found: ExtractedCode;
}

/** Every code in `text`, first mention first, each once. */
export function extractCodes(text: string, codeList: CodeList | null): ExtractedCode[] {
  const normal = text.normalize('NFKC');
  const hits: Hit[] = [];
  // Spans already taken by a DIP 病种 or a morphology code: their parts are not mentioned again on their own.
  const taken: [number, number][] = [];
  const inTaken = (i: number) => taken.some(([a, b]) => i >= a && i < b);

  for (const m of normal.matchAll(dipCode)) {
    const diagnosis = canonical(m[1]);
    if (kindOf(diagnosis) !== 'icd10') continue;
    const procedures = m[2].split('+').map(canonical);
    if (!procedures.every((p) => procedureShape.test(p))) continue;
    // Keep the separator the text used when it is `+` throughout (`C16.9+43.9100`); `:` otherwise.
    const joinedByPlus = normal[m.index + m[1].length] === '+';
    const found = describeDip(diagnosis, procedures, codeList);
    if (joinedByPlus) found.code = [diagnosis, ...procedures].join('+');
    hits.push({ index: m.index, end: m.index + m[0].length, found });
    taken.push([m.index, m.index + m[0].length]);
  }
  for (const m of normal.matchAll(morphologyCode)) {
    if (inTaken(m.index)) continue;
    hits.push({ index: m.index, end: m.index + m[0].length, found: { code: m[0], kind: 'icd10', form: 'morphology' } });
    taken.push([m.index, m.index + m[0].length]);
  }
  for (const m of normal.matchAll(typoCode)) {
    if (inTaken(m.index)) continue;
    const meant = canonical(m[0].replace(/[Oo]/g, '0').replace(/l$/, '1'));
    const kind = kindOf(meant);
    if (!kind) continue;
    hits.push({ index: m.index, end: m.index + m[0].length, found: { ...describe(meant, kind, codeList), code: m[0], correction: meant } });
    taken.push([m.index, m.index + m[0].length]);
  }
  for (const m of normal.matchAll(letterCode)) {
    if (inTaken(m.index)) continue;
    const code = canonical(m[0]);
    const kind = kindOf(code);
    if (kind) hits.push({ index: m.index, end: m.index + m[0].length, found: describe(code, kind, codeList) });
  }
  let previousEnd = -1;
  for (const m of normal.matchAll(procedureCode)) {
    if (inTaken(m.index)) continue;
    const code = canonical(m[0]);
    if (kindOf(code) !== 'icd9cm3' || !isProcedureMention(normal, m.index, m[0], previousEnd)) continue;
    hits.push({ index: m.index, end: m.index + m[0].length, found: describe(code, 'icd9cm3', codeList) });
    previousEnd = m.index + m[0].length;
  }
  hits.sort((a, b) => a.index - b.index);
  const seen = new Set<string>();
  const out: ExtractedCode[] = [];
  for (const { found } of hits) {
    if (seen.has(found.code)) continue;
    seen.add(found.code);
    out.push(found);
  }
  return out;
}
