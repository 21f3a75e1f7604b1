import { describe, expect, it } from 'vitest';
import { redact, redactText, toHalfWidth } from '../../scripts/lib/redact.ts';

const hidden = (text: string, keep?: string[]) => redactText(text, { keep });

describe('redact: phone numbers', () => {
  it.each([
    ['请致电13800138000咨询', '请致电【已隐去电话】咨询'],
    ['手机 138 0013 8000 随时联系', '手机 【已隐去电话】 随时联系'],
    ['手机138-0013-8000', '手机【已隐去电话】'],
    ['电话+86 139 1234 5678。', '电话【已隐去电话】。'],
    ['号码１３８００１３８０００（全角）', '号码【已隐去电话】（全角）'],
    ['号码１３８　００１３　８０００', '号码【已隐去电话】'],
    ['座机0391-6637366', '座机【已隐去电话】'],
    ['座机(0391)6637366转8', '座机【已隐去电话】'],
    ['座机（0391）6637366', '座机【已隐去电话】'],
    ['北京010-12345678-801', '北京【已隐去电话】'],
    ['客服400-800-1234', '客服【已隐去电话】'],
    ['电话：6637366', '电话：【已隐去电话】'],
    ['联系电话：663 7366', '联系电话：【已隐去电话】'],
  ])('%s', (input, expected) => {
    expect(hidden(input)).toBe(expected);
  });
});

describe('redact: e-mail, ID, cards, accounts', () => {
  it.each([
    ['邮箱 zhang.san@hospital.com.cn 收', '邮箱 【已隐去邮箱】 收'],
    ['全角邮箱ｚｈａｎｇ＠ｑｑ．ｃｏｍ', '全角邮箱【已隐去邮箱】'],
    ['身份证410102199001011234', '身份证【已隐去证件号】'],
    ['身份证号 41010219900101123X。', '身份证号 【已隐去证件号】。'],
    ['身份证 4101 0219 9001 0112 34', '身份证 【已隐去证件号】'],
    ['身份证４１０１０２１９９００１０１１２３ｘ', '身份证【已隐去证件号】'],
    ['旧身份证410102900101123', '旧身份证【已隐去证件号】'],
    ['银行卡 6222 0212 3456 7890 123', '银行卡 【已隐去卡号】'],
    ['社保卡号：A12345678', '社保卡号：【已隐去卡号】'],
    ['医保卡号为 H410100123456', '医保卡号为 【已隐去卡号】'],
    ['QQ：12345678', 'QQ：【已隐去账号】'],
    ['微信号 zhangsan_1990', '微信号 【已隐去账号】'],
    ['住院号 20240101123456', '住院号 【已隐去号码】'],
  ])('%s', (input, expected) => {
    expect(hidden(input)).toBe(expected);
  });
});

describe('redact: names', () => {
  it.each([
    ['联系人：张三，电话13800138000', '联系人：【已隐去姓名】，电话【已隐去电话】'],
    ['联系人张三电话0391-6637366', '联系人【已隐去姓名】电话【已隐去电话】'],
    ['填报人 王小明（医保办）', '填报人 【已隐去姓名】（医保办）'],
    ['经办人为李四。', '经办人为【已隐去姓名】。'],
    ['患者姓名：欧阳娜娜', '患者姓名：【已隐去姓名】'],
    ['填报人：阿卜杜·热合曼', '填报人：【已隐去姓名】'],
    ['我叫赵六', '我叫【已隐去姓名】'],
    ['如有疑问请联系王女士', '如有疑问请联系【已隐去姓名】女士'],
    ['感谢欧阳先生的建议', '感谢【已隐去姓名】先生的建议'],
  ])('%s', (input, expected) => {
    expect(hidden(input)).toBe(expected);
  });

  it('does not treat words after a keyword as a name', () => {
    expect(hidden('联系人信息已加密保存')).toBe('联系人信息已加密保存');
    expect(hidden('填报人应如实填写')).toBe('填报人应如实填写');
    expect(hidden('感谢各位老师')).toBe('感谢各位老师');
  });
});

describe('redact: what stays', () => {
  it('keeps figures, dates, document numbers and grouping codes', () => {
    const text =
      '根据泰医保函〔2024〕65号，2026-07-01至2026-09-30期间FM19组病例128例，次均费用12,345.67元，' +
      '主要诊断I21.000x001，手术36.0601，歧义组HQY，基准点数1.2345，总额1234567.89元。';
    expect(redact(text)).toEqual({ text, removed: [] });
  });

  it('keeps the bureau’s own published contacts when asked', () => {
    const text = '可拨打0391-6637366或发邮件至jydrgyjx@163.com咨询，勿拨13800138000。';
    expect(hidden(text, ['0391-6637366', 'jydrgyjx@163.com'])).toBe(
      '可拨打0391-6637366或发邮件至jydrgyjx@163.com咨询，勿拨【已隐去电话】。',
    );
  });

  it('reports what kinds were removed, never the values', () => {
    const r = redact('联系人：张三，13800138000，a@b.cn');
    expect(r.removed).toEqual(['name', 'phone', 'email']);
    expect(JSON.stringify(r.removed)).not.toContain('138');
  });

  it('maps full-width characters one to one so positions line up', () => {
    const full = '１２３ＡＢＣ＠　';
    expect(toHalfWidth(full)).toBe('123ABC@ ');
    expect(toHalfWidth(full)).toHaveLength(full.length);
  });

  it('leaves nothing of a realistic opinion’s personal data', () => {
    const text =
      '我院（填报人：陈晓东，手机：１５９ ８８７６ ５４３２，邮箱chenxd@jyhospital.cn）反映：患者身份证号410881198807075512的病例' +
      '因主要诊断I63.900无法入组，请联系陈先生或拨打0391-5512345。';
    const out = hidden(text);
    for (const secret of ['陈晓东', '159', '8876', '5432', 'chenxd', '410881198807075512', '5512345', '陈先生']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('I63.900');
  });
});
