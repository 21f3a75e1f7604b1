import { describe, expect, it } from 'vitest';
import { extractCodes } from '../../scripts/lib/classify/codes.ts';
import { parseCodeList } from '../../scripts/lib/code-list.ts';
import { codeCheck } from '../../scripts/lib/triage/comment.ts';
import { codeList } from './triage-support.ts';

const codes = (text: string) => extractCodes(text, codeList);
const names = (text: string) => codes(text).map((c) => c.code);

describe('extractCodes', () => {
  it('finds every kind of code the opinions use, first mention first, each once', () => {
    const found = codes('FM3 病组里的 FM35 与 FM31；HQY 歧义组；主要诊断 I21.000x001（I21.000），手术 36.0601、51.2300x001，再次提到 FM3。');
    expect(found.map((c) => [c.code, c.kind])).toEqual([
      ['FM3', 'adrg'], ['FM35', 'drg'], ['FM31', 'drg'], ['HQY', 'ambiguous'],
      ['I21.000x001', 'icd10'], ['I21.000', 'icd10'], ['36.0601', 'icd9cm3'], ['51.2300x001', 'icd9cm3'],
    ]);
  });

  it('names codes from the configured list and marks them known', () => {
    expect(codes('FM3')[0]).toEqual({ code: 'FM3', kind: 'adrg', name: '经皮冠状动脉支架植入', known: true });
    expect(codes('FM35')[0]).toMatchObject({ name: '经皮冠状动脉支架植入', known: true });
    expect(codes('进入HQY')[0]).toMatchObject({ kind: 'ambiguous', known: true, name: expect.stringContaining('歧义组') });
  });

  it('names diagnosis, procedure and DIP codes too when the configured list has them', () => {
    const list = parseCodeList('code\tname\nK80.1:51.2300\t胆囊结石伴胆囊炎：腹腔镜胆囊切除术\nK80.100\t胆囊结石伴急性胆囊炎\n51.2300\t腹腔镜胆囊切除术\n');
    const [dip] = extractCodes('病种 K80.1:51.2300 分值偏低', list);
    expect(dip).toMatchObject({ code: 'K80.1:51.2300', name: '胆囊结石伴胆囊炎：腹腔镜胆囊切除术', known: true });
    expect(dip.parts?.[1]).toMatchObject({ code: '51.2300', kind: 'icd9cm3', name: '腹腔镜胆囊切除术', known: true });
    expect(extractCodes('诊断 K80.100', list)[0]).toMatchObject({ name: '胆囊结石伴急性胆囊炎', known: true });
    // An ICD code the list does not have is not "unknown": the list is a grouping list, not a code book.
    expect(extractCodes('诊断 K35.x00', list)[0]).toEqual({ code: 'K35.x00', kind: 'icd10' });
  });

  it('flags codes not in the scheme in force, with the nearest one', () => {
    // RE1 was a CHS-DRG 1.1 ADRG (化疗); 2.0 has no RE* group.
    expect(codes('RE1')[0]).toMatchObject({ code: 'RE1', known: false, nearest: { code: expect.stringMatching(/^R/) } });
    // 1.x used a final 7 (死亡或转院); 2.0 DRG codes end in 1/3/5/9 only.
    expect(codes('FR17')[0]).toMatchObject({ code: 'FR17', kind: 'drg', outdated: true, known: false, nearest: { code: 'FR1', name: '急性心肌梗死' } });
    expect(codes('FR15')[0]).toMatchObject({ known: true });
    expect(codes('FR15')[0].outdated).toBeUndefined();
    // The same answer every time (descriptions are remembered per list), and callers get their own copy.
    const first = codes('RE1')[0];
    first.name = 'changed';
    expect(codes('RE1')[0].name).toBeUndefined();
  });

  it('checks format only when no list is configured', () => {
    expect(extractCodes('FM3 和 RE1', null)).toEqual([{ code: 'FM3', kind: 'adrg' }, { code: 'RE1', kind: 'adrg' }]);
  });

  it('does not take amounts, ratios, versions, dates or words for codes', () => {
    expect(codes('费用 36.06万元，权重 12.35，增长 10.5%，系数 1.05，CHS-DRG 2.0 版，ICD-10 和 ICD-9-CM-3，MDC F，CC/MCC 表')).toEqual([]);
    expect(codes('2025.01.01 起执行，第12.3条，手术量增长 12.5，平均住院日为 12.35，费用为36.0601万元')).toEqual([]);
  });

  it('reads full-width and lower-case spellings', () => {
    expect(names('ＦＭ３５ 与 I21.000X001')).toEqual(['FM35', 'I21.000x001']);
    expect(names('Ｋ８０．１００、５１．２３００ｘ００１')).toEqual(['K80.100', '51.2300x001']);
    expect(names('诊断 k35.x00')).toEqual(['K35.x00']);
  });

  it('reads codes in slash lists and after a list number, but not glued to a word (issue 13)', () => {
    expect(names('多集中在 BB1/BB2/BB5 和 GB2/GB3 之间，同一DRG（IC23/IC25）')).toEqual(['BB1', 'BB2', 'BB5', 'GB2', 'GB3', 'IC23', 'IC25']);
    expect(names('讨论：1.NA2女性生殖器官恶性肿瘤；2.OF2早期流产手术')).toEqual(['NA2', 'OF2']);
    expect(names('ICD-10/ICD-9-CM-3 对照，版本 v.FM1')).toEqual([]);
  });

  it('reports a code typed with O for 0 or l for 1 as typed, with the code it means (issue 13)', () => {
    expect(codes('主诊断编码录成 K80.10O 系统未拦截')).toEqual([{ code: 'K80.10O', kind: 'icd10', correction: 'K80.100' }]);
    expect(names('I63.90O、S72.0OO 与 K35.8O2')).toEqual(['I63.90O', 'S72.0OO', 'K35.8O2']);
    expect(codes('FM3l到底按啥入组')[0]).toMatchObject({ code: 'FM3l', kind: 'drg', correction: 'FM31', name: '经皮冠状动脉支架植入', known: true });
    // The triage comment says what it probably should be.
    expect(codeCheck(codes('FM3l')[0], true)).toBe('⚠️ 疑似录入错误（字母 O/l 当作数字 0/1），应为 FM31 经皮冠状动脉支架植入');
    // Words and ordinary codes are not read as typos.
    expect(names('Office 2019、COVID-19、I63.900')).toEqual(['I63.900']);
  });

  it('reads 医保版 ICD-10 codes with the x placeholder (issue 13)', () => {
    expect(codes('急性阑尾炎 K35.x00，高血压 I10.x00x002，前列腺增生 N40.X00').map((c) => [c.code, c.kind])).toEqual([
      ['K35.x00', 'icd10'], ['I10.x00x002', 'icd10'], ['N40.x00', 'icd10'],
    ]);
    expect(names('甲状腺乳头状癌 C73.x00x001')).toEqual(['C73.x00x001']);
    // An X that is the chapter letter stays upper-case (external causes, X59.9).
    expect(names('外因 X59.9')).toEqual(['X59.9']);
  });

  it('keeps a DIP 病种 (diagnosis joined to procedures by : or +) as one code, with its parts (issue 13)', () => {
    const [dip] = codes('DIP 病种 K80.1:51.2300 分值偏低');
    expect(dip).toMatchObject({ code: 'K80.1:51.2300', kind: 'icd10', form: 'dip' });
    expect(dip.parts?.map((p) => [p.code, p.kind])).toEqual([['K80.1', 'icd10'], ['51.2300', 'icd9cm3']]);
    expect(names('C16.9+43.7x00x004 和 O82.0+74.1x01+68.2900，H25.9:13.4100+13.7000')).toEqual(['C16.9+43.7x00x004', 'O82.0+74.1x01+68.2900', 'H25.9:13.4100+13.7000']);
    // Full-width colon and spaces around it; a spaced + is two separate mentions.
    expect(names('病种 K40.9：53.0500')).toEqual(['K40.9:53.0500']);
    expect(names('病种 K40.9 : 53.0500')).toEqual(['K40.9:53.0500']);
    expect(names('诊断 K80.1 + 手术 51.2300')).toEqual(['K80.1', '51.2300']);
    // The diagnosis mentioned on its own elsewhere is its own mention.
    expect(names('K80.1:51.2300，另有 K80.1 保守治疗')).toEqual(['K80.1:51.2300', 'K80.1']);
  });

  it('reads ICD-O morphology codes and their 医保版 six-character form (issue 13)', () => {
    expect(codes('肺鳞癌 M8070/3，医保版 M80700/3；腺癌 M8140/3').map((c) => [c.code, c.kind, c.form])).toEqual([
      ['M8070/3', 'icd10', 'morphology'], ['M80700/3', 'icd10', 'morphology'], ['M8140/3', 'icd10', 'morphology'],
    ]);
    // Not a fraction or a date; behaviour codes are 0-3, 6 and 9.
    expect(names('比例 M8070/5，第 M807/3 号')).toEqual([]);
  });

  it('takes short procedure codes next to a coding word, a procedure name or another code (issue 13)', () => {
    expect(names('主要手术 81.54 全膝关节置换')).toEqual(['81.54']);
    expect(names('平均住院日 12.35 天')).toEqual([]);
    expect(names('做了冠脉造影（88.56）后植入支架（36.07），还做了血管内超声（00.24）')).toEqual(['88.56', '36.07', '00.24']);
    expect(names('病人还做了99.10溶栓')).toEqual(['99.10']);
    expect(names('同时做了腹腔镜胆囊切除51.23、开腹胆囊切除51.22两项手术')).toEqual(['51.23', '51.22']);
    expect(names('主要手术编码为36.0601')).toEqual(['36.0601']);
    expect(names('编码 36.06和36.07')).toEqual(['36.06', '36.07']);
  });
});
