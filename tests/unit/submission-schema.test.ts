import { describe, expect, it } from 'vitest';
import { contactKind, noPatientIdentity, parseSubmission, submissionLabels, toFieldErrors } from '../../schemas/submission.ts';
import { stringFields } from '../../scripts/lib/submission/redact-submission.ts';

const valid = {
  organization: '济源市人民医院',
  submitterName: '张三',
  contact: '13800138000',
  unit: '医保办',
  submitterType: 'hospital',
  category: 'policy',
  title: '建议细化结算清单质控规则',
  details: '目前结算清单质控规则与病案首页填写要求存在差异，建议统一口径。',
  publicConsent: true,
};
const errorsOf = (input: unknown) => {
  const r = parseSubmission(input);
  if (r.ok) throw new Error('expected errors');
  return Object.fromEntries(r.errors.map((e) => [e.field, e.message]));
};

describe('submission schema', () => {
  it('accepts the official form fields and normalises them', () => {
    const r = parseSubmission({ ...valid, title: '  建议细化结算清单质控规则 \u202E ', contact: '１３８ 0013 8000' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.title).toBe('建议细化结算清单质控规则');
    expect(r.value.contact).toBe('13800138000');
    expect(r.value.cases).toEqual([]);
    expect(r.value.ambiguous).toBeUndefined();
  });

  it('says what to do for each missing field, GOV.UK style, in form order', () => {
    const r = parseSubmission({});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      { field: 'organization', message: '输入单位名称' },
      { field: 'submitterName', message: '输入填报人姓名' },
      { field: 'contact', message: '输入联系方式（手机、座机或电子邮箱）' },
      { field: 'submitterType', message: '选择提交人类型' },
      { field: 'category', message: '选择问题分类' },
      { field: 'title', message: '输入主要意见及建议' },
      { field: 'details', message: '输入具体问题和建议' },
    ]);
    expect(r.errors.every((e) => !e.message.includes('无效'))).toBe(true);
  });

  it('treats blank strings from a form post like missing values', () => {
    expect(errorsOf({ ...valid, organization: '   ', contact: '' })).toEqual({
      organization: '输入单位名称',
      contact: '输入联系方式（手机、座机或电子邮箱）',
    });
  });

  it('explains wrong types and lengths', () => {
    const e = errorsOf({ ...valid, organization: 42, publicConsent: 'yes', title: 'x'.repeat(101), details: '太短', category: 'misc', submitterType: ['hospital'] });
    expect(e).toMatchObject({
      organization: '单位名称应为文字',
      publicConsent: '选择是否同意公开单位名称（是或否）',
      title: '主要意见及建议不能超过 100 个字',
      details: '具体问题和建议至少需要 10 个字',
      category: '选择问题分类',
      submitterType: '选择提交人类型',
    });
  });

  it('rejects non-objects', () => {
    for (const input of [null, [], 'text', 3]) expect(parseSubmission(input)).toMatchObject({ ok: false, errors: [{ field: 'form' }] });
  });

  it('accepts mobile, landline and e-mail contacts, and names the three when it is none', () => {
    for (const c of ['13800138000', '+86 138-0013-8000', '0391-6637366', '(0391)6637366', '0391-6637366-801', '400-123-4567', 'jydrgyjx@163.com', '１３８００１３８０００'])
      expect(contactKind(c), c).toBeDefined();
    expect(contactKind('12345')).toBeUndefined();
    expect(contactKind('张三')).toBeUndefined();
    expect(errorsOf({ ...valid, contact: '12345' }).contact).toBe('联系方式应为手机号码（如 13800138000）、座机号码（如 0391-6637366）或电子邮箱');
  });

  it('checks code formats field by field and folds full-width codes', () => {
    const r = parseSubmission({
      ...valid,
      category: 'grouping',
      drgCode: 'ｆｍ１９',
      dipCode: 'i21.0:36.06',
      cases: [{ mainDiagnosis: { name: '急性心肌梗死', code: 'i21.000X001' }, mainProcedure: { code: '36.0601' }, secondaryDiagnoses: [{ code: 'E11.900' }, { name: '', code: '' }], patients: '１２', totalCost: '420,000', averageCost: '35000元' }],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.drgCode).toBe('FM19');
    expect(r.value.dipCode).toBe('I21.0:36.06');
    expect(r.value.cases[0]).toEqual({
      mainDiagnosis: { name: '急性心肌梗死', code: 'I21.000x001' },
      mainProcedure: { code: '36.0601' },
      secondaryDiagnoses: [{ code: 'E11.900' }],
      patients: 12,
      totalCost: 420000,
      averageCost: 35000,
    });
    const e = errorsOf({ ...valid, drgCode: 'FM', cases: [{ mainDiagnosis: { code: '36.0601' }, mainProcedure: { code: 'I21.0' }, patients: '12.5' }] });
    expect(e.drgCode).toBe('DRG 代码格式不对，应为 DRG 代码（如 FM19）或 ADRG 代码（如 FM1）');
    expect(e['cases.0.mainDiagnosis.code']).toBe('主要诊断编码格式不对，应为 ICD-10 医保版编码，例如 I21.000 或 I21.000x001');
    expect(e['cases.0.mainProcedure.code']).toBe('主要手术和操作编码格式不对，应为 ICD-9-CM-3 医保版编码，例如 36.0601');
    expect(e['cases.0.patients']).toBe('患者数量应为整数，例如 12');
  });

  it('keeps row numbers of case errors stable and drops blank rows only after validation', () => {
    const e = errorsOf({ ...valid, cases: [{}, { patients: '3' }] });
    expect(e).toEqual({ 'cases.1.mainDiagnosis.name': '输入该病案的主要诊断名称或编码' });
    const r = parseSubmission({ ...valid, cases: [{}, { mainDiagnosis: { name: '肺炎' } }, {}] });
    expect(r.ok && r.value.cases).toHaveLength(1);
  });

  it('asks for the main diagnosis and the reason of an ambiguous-group case once any of it is given', () => {
    expect(errorsOf({ ...valid, ambiguous: { patients: '4' } })).toEqual({
      'ambiguous.mainDiagnosis.name': '输入歧义组的主要诊断名称或编码',
      'ambiguous.reason': '输入无法正常入组的原因',
    });
    const blank = parseSubmission({ ...valid, ambiguous: { mainDiagnosis: { name: '', code: '' }, reason: '' } });
    expect(blank.ok && blank.value.ambiguous).toBeUndefined();
  });

  it('limits cases and accepts objections only as announcement references', () => {
    expect(errorsOf({ ...valid, cases: Array.from({ length: 11 }, () => ({ mainDiagnosis: { name: '肺炎' } })) }).cases).toBe('病案举例最多填写 10 例');
    expect(errorsOf({ ...valid, objection: '../../etc/passwd' }).objection).toBe('异议对象应为 announcements/<公告编号>');
    expect(parseSubmission({ ...valid, objection: 'announcements/2026-10-monthly' }).ok).toBe(true);
  });

  it('removes invisible characters that could disguise text for staff', () => {
    const r = parseSubmission({ ...valid, details: '建议\u200B调整\u202Eexe.txt\u2066权重\uFEFF系数，理由如下……' });
    expect(r.ok && r.value.details).toBe('建议调整exe.txt权重系数，理由如下……');
  });

  it('labels every field in Chinese', () => {
    expect(Object.values(submissionLabels).every((l) => /[\u4e00-\u9fff]/.test(l))).toBe(true);
    expect(toFieldErrors).toBeTypeOf('function');
  });
});

describe('submission schema: what may leave the server (issue 12)', () => {
  it('gives every string field a role, so none reaches the tracker by accident', () => {
    const fields = stringFields();
    expect(fields.filter((f) => !f.role)).toEqual([]);
    const byRole = (role: string) => fields.filter((f) => f.role === role).map((f) => f.field);
    expect(byRole('personal')).toEqual(['submitterName', 'contact']);
    expect(byRole('free-text')).toEqual([
      'organization', 'unit', 'title', 'details', 'drgName', 'dipName', 'cases.*.mainDiagnosis.name', 'cases.*.secondaryDiagnoses.*.name',
      'cases.*.mainProcedure.name', 'ambiguous.mainDiagnosis.name', 'ambiguous.mainProcedure.name', 'ambiguous.reason', 'ambiguous.costs',
    ]);
    expect(byRole('verbatim')).toEqual([
      'submitterType', 'category', 'objection', 'drgCode', 'dipCode', 'cases.*.mainDiagnosis.code', 'cases.*.secondaryDiagnoses.*.code',
      'cases.*.mainProcedure.code', 'ambiguous.mainDiagnosis.code', 'ambiguous.mainProcedure.code',
    ]);
  });
});

describe('submission schema: no patient identity in case examples', () => {
  const grouping = { ...valid, category: 'grouping', drgCode: 'FM19' };
  const identities = [
    ['an ID-card number', '急性心肌梗死 410102199001011234'],
    ['an old ID-card number', '410102900101123'],
    ['a record number with its label', '急性心肌梗死（住院号：2025001234）'],
    ['a 病案号', '病案号 A-00123 肺炎'],
    ['患者 and a name', '患者张三 急性心肌梗死'],
    ['患者 and a pseudonym', '患者王某某，肺炎'],
    ['患儿 and a name', '患儿李小明 支气管肺炎'],
  ] as const;

  it.each(identities)('refuses %s in each case field, at that field, keeping the rest', (_, text) => {
    const e = errorsOf({
      ...grouping,
      cases: [
        { mainDiagnosis: { name: '急性心肌梗死', code: 'I21.000' }, patients: '12' },
        { mainDiagnosis: { name: text, code: 'I21.000' }, secondaryDiagnoses: [{ name: '2型糖尿病' }, { name: text }], mainProcedure: { name: text, code: '36.0601' } },
      ],
      ambiguous: { mainDiagnosis: { name: text }, mainProcedure: { name: '气管插管' }, reason: '主要诊断与手术不匹配' },
    });
    expect(e).toEqual({
      'cases.1.mainDiagnosis.name': noPatientIdentity.cases,
      'cases.1.secondaryDiagnoses.1.name': noPatientIdentity.cases,
      'cases.1.mainProcedure.name': noPatientIdentity.cases,
      'ambiguous.mainDiagnosis.name': noPatientIdentity.ambiguous,
    });
  });

  it('says what to do instead, in Chinese', () => {
    expect(noPatientIdentity.cases).toBe('病案举例中请不要填写患者身份信息（如姓名、住院号、身份证号），请改为“患者甲”或删除');
    expect(noPatientIdentity.ambiguous).toMatch(/^歧义组信息中请不要填写患者身份信息/);
  });

  it('accepts ordinary diagnoses and procedures, and 患者甲', () => {
    const r = parseSubmission({
      ...grouping,
      cases: [{
        mainDiagnosis: { name: '急性前壁心肌梗死（患者甲）', code: 'I21.000x001' },
        secondaryDiagnoses: [{ name: '2型糖尿病伴多个并发症' }, { name: '高血压病3级（极高危）' }],
        mainProcedure: { name: '经皮冠状动脉药物洗脱支架植入术', code: '36.0601' }, patients: '12例', totalCost: '12,345.67',
      }],
      ambiguous: { mainDiagnosis: { name: '重症肺炎' }, mainProcedure: { name: '有创呼吸机治疗大于96小时' }, reason: '患者病情危重，入组后费用偏高', costs: '例均费用 3.2 万元' },
    });
    expect(r.ok).toBe(true);
  });

  it('leaves the free text of details, the reason and costs to redaction instead of refusing it', () => {
    const r = parseSubmission({
      ...grouping,
      details: '患者张某某因急性心梗入院，住院号：2025001234，建议完善入组规则。',
      ambiguous: { mainDiagnosis: { name: '肺炎' }, reason: '患者李四无法入组', costs: '患者王五 3.2 万元' },
    });
    expect(r.ok).toBe(true);
  });
});

