import { describe, expect, it } from 'vitest';
import { extractCodes } from '../../scripts/lib/classify/codes.ts';
import { codeList } from './triage-support.ts';

const codes = (text: string) => extractCodes(text, codeList);

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

  it('flags codes not in the scheme in force, with the nearest one', () => {
    // RE1 was a CHS-DRG 1.1 ADRG (化疗); 2.0 has no RE* group.
    expect(codes('RE1')[0]).toMatchObject({ code: 'RE1', known: false, nearest: { code: expect.stringMatching(/^R/) } });
    // 1.x used a final 7 (死亡或转院); 2.0 DRG codes end in 1/3/5/9 only.
    expect(codes('FR17')[0]).toMatchObject({ code: 'FR17', kind: 'drg', outdated: true, known: false, nearest: { code: 'FR1', name: '急性心肌梗死' } });
    expect(codes('FR15')[0]).toMatchObject({ known: true });
    expect(codes('FR15')[0].outdated).toBeUndefined();
  });

  it('checks format only when no list is configured', () => {
    expect(extractCodes('FM3 和 RE1', null)).toEqual([{ code: 'FM3', kind: 'adrg' }, { code: 'RE1', kind: 'adrg' }]);
  });

  it('does not take amounts, ratios, versions or words for codes', () => {
    expect(codes('费用 36.06万元，权重 12.35，增长 10.5%，系数 1.05，CHS-DRG 2.0 版，ICD-10 和 ICD-9-CM-3，MDC F，CC/MCC 表')).toEqual([]);
  });

  it('reads full-width and lower-case-extension spellings', () => {
    expect(codes('ＦＭ３５ 与 i21.000X001'.replace('i', 'I')).map((c) => c.code)).toEqual(['FM35', 'I21.000x001']);
  });

  it('splits a DIP diagnosis + procedure pair into its two codes, including 国家临床版 placeholders', () => {
    expect(codes('DIP 病种 K80.1:51.2300，另 43.7x00x004').map((c) => c.code)).toEqual(['K80.1', '51.2300', '43.7x00x004']);
  });

  it('takes short procedure codes only next to a coding word', () => {
    expect(codes('主要手术 81.54 全膝关节置换').map((c) => c.code)).toEqual(['81.54']);
    expect(codes('平均住院日 12.35 天')).toEqual([]);
  });
});
