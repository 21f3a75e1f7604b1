/**
 * Every free-text field of a submission is redacted before it can leave the bureau's server (issue 12): the field ×
 * kind matrix is built from the schema's own roles, so a field added later joins it without editing this test.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldRoles, parseSubmission, submissionSchema, type Submission } from '../../schemas/submission.ts';
import { redactionMarks, type RedactionKind } from '../../scripts/lib/redact.ts';
import { redactSubmission, stringFields } from '../../scripts/lib/submission/redact-submission.ts';

/** A grouping opinion with every free-text field filled: one case with a secondary diagnosis, an ambiguous group. */
function fullSubmission(): Submission {
  const parsed = parseSubmission({
    organization: '济源市人民医院', submitterName: '王晓明', contact: 'wxm@example.cn', unit: '医保办', submitterType: 'hospital',
    category: 'grouping', title: 'FM19 入组规则需完善', details: '部分经皮冠状动脉支架植入病例进入歧义组，建议完善 FM1 的入组规则。',
    publicConsent: false, drgName: '经皮冠状动脉支架植入', drgCode: 'FM19', dipName: '急性心肌梗死-冠脉支架', dipCode: 'I21.0:36.06',
    cases: [{
      mainDiagnosis: { name: '急性心肌梗死', code: 'I21.000' }, secondaryDiagnoses: [{ name: '2型糖尿病', code: 'E11.900' }],
      mainProcedure: { name: '经皮冠状动脉支架植入术', code: '36.0601' }, patients: 12, totalCost: 420000, averageCost: 35000,
    }],
    ambiguous: { mainDiagnosis: { name: '肺炎', code: 'J18.900' }, mainProcedure: { name: '气管插管', code: '96.0400' }, reason: '主要诊断与手术不匹配', patients: 4, costs: '例均费用 3.2 万元，总费用 12.8 万元' },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

/** The concrete path of a schema field (`cases.*.mainDiagnosis.name` → `cases.0.mainDiagnosis.name`). */
const concrete = (field: string) => field.replaceAll('*', '0');
const get = (value: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], value);
function set<T>(value: T, path: string, to: string): T {
  const copy = structuredClone(value);
  const keys = path.split('.');
  const parent = keys.slice(0, -1).reduce<Record<string, unknown>>((v, k) => v[k] as Record<string, unknown>, copy as Record<string, unknown>);
  parent[keys.at(-1)!] = to;
  return copy;
}

/** What a hospital types, per kind: the text, the part that must disappear, and the kind it is reported as. */
const samples: { kind: RedactionKind; text: string; secret: string }[] = [
  { kind: 'patient', text: '患者张某某因胸痛入院', secret: '张某某' },
  { kind: 'patient', text: '患者李建国于2025年3月入院', secret: '李建国' },
  { kind: 'patient', text: '患儿王XX，3岁', secret: '王XX' },
  { kind: 'record-number', text: '住院号：ZY2025012345', secret: 'ZY2025012345' },
  { kind: 'record-number', text: '病案号 00123', secret: '00123' },
  { kind: 'id', text: '身份证号410102199001011234', secret: '410102199001011234' },
  { kind: 'id', text: '旧身份证 410102900101123', secret: '410102900101123' },
  { kind: 'phone', text: '同事手机 139 0013 9000', secret: '0013 9000' },
  { kind: 'phone', text: '科室电话0391-5512345', secret: '5512345' },
  { kind: 'email', text: '邮箱 zhang.san@hospital.cn', secret: 'zhang.san' },
  { kind: 'card', text: '医保卡号：H410100123456', secret: 'H410100123456' },
  { kind: 'account', text: '微信号 zhangsan_1990', secret: 'zhangsan_1990' },
  { kind: 'number', text: '编号2025010112345', secret: '2025010112345' },
  { kind: 'name', text: '请联系李科长', secret: '李科长' },
  { kind: 'name', text: '主任医师张三认为', secret: '张三' },
  { kind: 'name', text: '由赵某某负责', secret: '赵某某' },
  { kind: 'name', text: '联系人：孙七，', secret: '孙七' },
];

const freeTextFields = stringFields().filter((f) => f.role === 'free-text').map((f) => concrete(f.field));

describe('redactSubmission: every free-text field × every kind', () => {
  it('covers the fields the hospital typed personal data into, and the rest', () => {
    expect(freeTextFields).toEqual(expect.arrayContaining([
      'organization', 'unit', 'title', 'details', 'drgName', 'dipName', 'cases.0.mainDiagnosis.name', 'cases.0.secondaryDiagnoses.0.name',
      'cases.0.mainProcedure.name', 'ambiguous.mainDiagnosis.name', 'ambiguous.mainProcedure.name', 'ambiguous.reason', 'ambiguous.costs',
    ]));
  });

  const matrix = freeTextFields.flatMap((field) => samples.map((s) => ({ field, ...s })));
  it.each(matrix)('$field: $kind in “$text”', ({ field, kind, text, secret }) => {
    const base = fullSubmission();
    const s = set(base, field, `说明：${text}。`);
    const { redacted, found } = redactSubmission(s);
    const value = String(get(redacted, field));
    expect(value).not.toContain(secret);
    expect(value).toContain(redactionMarks[kind]);
    expect(value.startsWith('说明：')).toBe(true);
    expect(found).toEqual([{ field, kinds: [kind] }]);
    // Nothing else changed, apart from the name and contact fields, which are marks only.
    expect({ ...redacted, submitterName: base.submitterName, contact: base.contact }).toEqual(set(base, field, value));
  });
});

describe('redactSubmission: what stays', () => {
  it('leaves DRG text in every free-text field as typed, and reports nothing', () => {
    const text = 'FM19 组病例数 12例，例均费用 12,345.67元，I21.000x001、36.0601，2026-07-01 起；患者病情复杂，患者入组后费用偏高，患者甲于当日入院';
    let s = fullSubmission();
    for (const field of freeTextFields) s = set(s, field, text);
    const { redacted, found } = redactSubmission(s);
    expect(found).toEqual([]);
    for (const field of freeTextFields) expect(get(redacted, field), field).toBe(text);
  });

  it('keeps codes, enums and the objection reference verbatim even when they look like numbers', () => {
    const s = { ...fullSubmission(), objection: 'announcements/2026-10-monthly' };
    const { redacted } = redactSubmission(s);
    for (const f of stringFields().filter((f) => f.role === 'verbatim')) {
      expect(get(redacted, concrete(f.field)), f.field).toBe(get(s, concrete(f.field)));
    }
    expect(redacted.drgCode).toBe('FM19');
    expect(redacted.cases[0].mainProcedure.code).toBe('36.0601');
    expect(redacted.category).toBe('grouping');
  });

  it('keeps the bureau’s own published phone and mailbox in any field', () => {
    const s = set(fullSubmission(), 'ambiguous.reason', '已按 0391-6637366 和 jydrgyjx@163.com 的口径咨询，同事 13900139000 未接');
    const { redacted, found } = redactSubmission(s, { keep: ['0391-6637366', 'jydrgyjx@163.com'] });
    expect(redacted.ambiguous!.reason).toBe('已按 0391-6637366 和 jydrgyjx@163.com 的口径咨询，同事 【已隐去电话】 未接');
    expect(found).toEqual([{ field: 'ambiguous.reason', kinds: ['phone'] }]);
  });
});

describe('redactSubmission: the submitter’s own name and contact', () => {
  it('masks them wherever typed, with the public site’s marks, and replaces the fields themselves', () => {
    let s = fullSubmission();
    s = set(s, 'details', '王晓明反映：结算清单上传失败，请回复 wxm@example.cn。');
    s = set(s, 'ambiguous.costs', '王晓明统计：例均 3.2 万元');
    const { redacted, found } = redactSubmission(s);
    expect(redacted.details).toBe('【已隐去姓名】反映：结算清单上传失败，请回复 【已隐去邮箱】。');
    expect(redacted.ambiguous!.costs).toBe('【已隐去姓名】统计：例均 3.2 万元');
    expect(redacted.submitterName).toBe(redactionMarks.name);
    expect(redacted.contact).toBe(redactionMarks.email);
    expect(found).toEqual([
      { field: 'details', kinds: ['name', 'email'] },
      { field: 'ambiguous.costs', kinds: ['name'] },
    ]);
    expect(JSON.stringify(redacted)).not.toContain('王晓明');
  });

  it('masks a mobile contact with the phone mark and takes more own values when given', () => {
    const s = { ...set(fullSubmission(), 'unit', '心内科（周九病区）'), contact: '13800138000' };
    const { redacted, found } = redactSubmission(s, { ownValues: ['周九'] });
    expect(redacted.contact).toBe(redactionMarks.phone);
    expect(redacted.unit).toBe('心内科（【已隐去姓名】病区）');
    expect(found).toEqual([{ field: 'unit', kinds: ['name'] }]);
  });

  it('does not mask one-character values, which would erase ordinary words', () => {
    const s = { ...fullSubmission(), submitterName: '王' };
    const { redacted, found } = redactSubmission(s);
    expect(redacted.organization).toBe('济源市人民医院');
    expect(found).toEqual([]);
  });
});

describe('redactSubmission: driven by the schema', () => {
  it('redacts the hospital’s opinion that reached the issue in clear text (issue 12)', () => {
    let s = fullSubmission();
    s = set(s, 'cases.0.mainDiagnosis.name', '急性心肌梗死（患者张某某，住院号：2025001234）');
    s = set(s, 'ambiguous.reason', '患者身份证号410102199001011234，同事王主任手机138 0013 8000');
    s = set(s, 'ambiguous.costs', '患者李四住院费用 3.2 万元');
    const { redacted } = redactSubmission(s);
    const out = JSON.stringify(redacted);
    for (const secret of ['张某某', '2025001234', '410102199001011234', '王主任', '0013', '李四']) expect(out).not.toContain(secret);
    expect(redacted.ambiguous!.costs).toBe('患者【已隐去患者姓名】住院费用 3.2 万元');
  });

  it('redacts a string field added to the schema later, with or without a role, and keeps one marked verbatim', () => {
    const extended = submissionSchema.extend({
      /** A field someone adds later with the schema's helpers' role. */
      pharmacyNote: z.string().optional().register(fieldRoles, { role: 'free-text' }),
      /** One added with no role at all: fails closed. */
      wardNote: z.string().optional(),
      /** A code: kept. */
      insuranceArea: z.string().optional().register(fieldRoles, { role: 'verbatim' }),
    });
    const input = {
      ...fullSubmission(), pharmacyNote: '药师赵某某反映', wardNote: '患者张三住院号：123456', insuranceArea: '419001',
    };
    const value = extended.parse(input);
    const { redacted, found } = redactSubmission(value as Submission, { schema: extended });
    const r = redacted as typeof value;
    expect(r.pharmacyNote).toBe('药师【已隐去姓名】反映');
    expect(r.wardNote).toBe('患者【已隐去患者姓名】住院号：【已隐去病历号】');
    expect(r.insuranceArea).toBe('419001');
    expect(found).toEqual([
      { field: 'pharmacyNote', kinds: ['name'] },
      { field: 'wardNote', kinds: ['patient', 'record-number'] },
    ]);
  });

  it('redacts strings under keys the schema does not know', () => {
    const s = { ...fullSubmission(), note: '请联系王主任 13900139000' } as Submission;
    const { redacted, found } = redactSubmission(s);
    expect((redacted as Submission & { note: string }).note).toBe('请联系【已隐去姓名】主任 【已隐去电话】');
    expect(found).toEqual([{ field: 'note', kinds: ['name', 'phone'] }]);
  });

  it('does not change the submission it was given', () => {
    const s = set(fullSubmission(), 'details', '患者张三，住院号 123456，手机 13900139000');
    const before = structuredClone(s);
    redactSubmission(s);
    expect(s).toEqual(before);
  });
});
