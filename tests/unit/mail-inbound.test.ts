import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { loadBureau } from '../../scripts/lib/bureau.ts';
import { createClassifier } from '../../scripts/lib/classify/classifier.ts';
import { parserOptions } from '../../scripts/lib/mail/imap-fs.ts';
import { attachmentSummary, opinionFromMessage, ownText, shouldSendReceipt, trackingCodeIn, type InboundOptions, type InboundResult } from '../../scripts/lib/mail/inbound.ts';
import { categoryFromForm, docxXmlRows, readFormRows, textRows } from '../../scripts/lib/mail/form-reader.ts';
import { htmlToText } from '../../scripts/lib/mail/html-text.ts';
import { parseAuthenticationResults } from '../../scripts/lib/mail/message.ts';
import { composeReceipt } from '../../scripts/lib/mail/outbound.ts';
import { buildRawMessage } from '../../scripts/lib/mail/transport-fs.ts';
import { composeRaw, exampleForm, formDocumentXml, makeFormDocx, makeFormXlsx } from '../fixtures/mail/forms.ts';

const bureau = loadBureau();
const classifier = createClassifier({ routing: bureau.routing, codeList: null });
const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/mail', name));
const parse = (raw: Buffer | string) => simpleParser(raw, parserOptions);

function options(over: Partial<InboundOptions> = {}): InboundOptions {
  return {
    ownAddresses: ['jydrgyjx@163.com'],
    trustedAuthServIds: ['mx.163.com'],
    size: 10_000,
    maxBytes: 10 * 1024 * 1024,
    classify: (o) => classifier.classify({ ...o, selected: null }).category,
    codePrefix: bureau.codePrefix,
    ...over,
  };
}

async function read(raw: Buffer | string, over: Partial<InboundOptions> = {}): Promise<InboundResult> {
  return opinionFromMessage(await parse(raw), options({ size: Buffer.byteLength(raw), ...over }));
}

function opinion(r: InboundResult) {
  if (r.kind !== 'opinion') throw new Error(`expected an opinion, got ${r.kind}: ${JSON.stringify(r.kind === 'skip' ? r : r.errors)}`);
  return r;
}

const sender = { name: '赵六', address: 'zhaoliu@jyey.example.cn' };

describe('the 意见建议表 as an attachment', () => {
  it('reads an xlsx form field by field and keeps the file', async () => {
    const xlsx = await makeFormXlsx(exampleForm);
    const raw = await composeRaw({
      from: sender, to: 'jydrgyjx@163.com', subject: '报送意见建议表', messageId: '<xlsx-1@jyey.example.cn>',
      text: '附件是我院填写的意见建议表，请查收。',
      attachments: [{ filename: '济源示范区按病组付费意见建议表.xlsx', content: xlsx }],
    });
    const r = opinion(await read(raw));
    expect(r.form).toBe('xlsx');
    expect(r.submission).toMatchObject({
      organization: '济源市第二人民医院',
      title: '建议细化 FM19 病组的入组规则',
      submitterName: '赵六',
      contact: '13900139000',
      unit: '医保科',
      category: 'grouping',
      submitterType: 'hospital',
      publicConsent: false,
    });
    expect(r.categoryGiven).toBe(true);
    expect(r.submission.details).toContain('部分进入歧义组 FQY，建议完善入组规则。');
    expect(r.submission.details).toContain('例均费用 3.2 万元');
    // The covering letter is kept; the printed notes under the form are not an answer.
    expect(r.submission.details).toContain('来信正文：\n附件是我院填写的意见建议表');
    expect(r.submission.details).not.toContain('备注');
    expect(r.submission.details).not.toContain('可附页');
    expect(r.attachments).toHaveLength(1);
    expect(r.attachments[0]).toMatchObject({ filename: '济源示范区按病组付费意见建议表.xlsx', size: xlsx.length, inline: false });
    expect(r.attachments[0].content.equals(xlsx)).toBe(true);
    expect(r.idempotencyKey).toBe('mail:<xlsx-1@jyey.example.cn>');
  });

  it('reads a docx form (runs split mid-label, merged cells)', async () => {
    const docx = makeFormDocx({ ...exampleForm, category: '口政策措施类 √核心要素类 口分组技术类 口其他', title: '基准点数测算口径应公开' });
    const raw = await composeRaw({
      from: sender, to: 'jydrgyjx@163.com', subject: '意见建议', messageId: '<docx-1@jyey.example.cn>',
      attachments: [{ filename: '意见建议表.docx', content: docx }],
    });
    const r = opinion(await read(raw));
    expect(r.form).toBe('docx');
    expect(r.submission).toMatchObject({
      organization: '济源市第二人民医院', title: '基准点数测算口径应公开', submitterName: '赵六', contact: '13900139000', unit: '医保科', category: 'core-elements',
    });
    expect(r.submission.details.split('\n').slice(0, 3)).toEqual(exampleForm.details.split('\n'));
  });

  it('keeps reading when an attachment is not a readable form, and says so', async () => {
    // A "form" that would unpack to 31 MB: refused from the zip directory, before anything is inflated.
    const bomb = Buffer.from(zipSync({ 'xl/workbook.xml': new Uint8Array(31 * 1024 * 1024) }, { level: 1 }));
    expect(bomb.length).toBeLessThan(200_000);
    const raw = await composeRaw({
      from: sender, to: 'jydrgyjx@163.com', subject: '关于结算清单质控规则的建议', messageId: '<bomb@jyey.example.cn>',
      text: '结算清单质控规则中关于主要诊断选择的条目过严，建议按病案首页规范调整。',
      attachments: [{ filename: '意见建议表.xlsx', content: bomb }],
    });
    const r = opinion(await read(raw));
    expect(r.form).toBeNull();
    expect(r.notes.join('\n')).toContain('附件《意见建议表.xlsx》无法读取：文件解压后超过 30 MB');
    expect(r.attachments).toHaveLength(1);
  });
});

describe('the form in the text, and free letters', () => {
  it('reads `单位名称：…` lines, keeps a second 联系电话 as text, and trusts only the configured server', async () => {
    const r = opinion(await read(fixture('text-form.eml')));
    expect(r.form).toBe('text');
    expect(r.submission).toMatchObject({
      organization: '济源市人民医院', title: 'FM19 病组入组规则需要细化', submitterName: '张三', contact: '0391-6621234', unit: '医保办',
      category: 'grouping', publicConsent: true, drgCode: 'FM19', drgName: '经皮冠状动脉药物洗脱支架置入术', submitterType: 'hospital',
    });
    expect(r.submission.details).toBe(
      '急性心肌梗死行 PCI 的病例（主要诊断 I21.000，主要手术 36.0601）\n大量进入歧义组 FQY，建议完善入组规则。\n联系电话：0391-6629999（科室值班）',
    );
    expect(r.sender.verification).toEqual({ verified: true, method: 'dkim', domain: 'jyrmyy.example.cn' });
    expect(r.notes[0]).toContain('已由收信服务器验证');
    // The same header from a server we were not told to trust proves nothing.
    const untrusted = opinion(await read(fixture('text-form.eml'), { trustedAuthServIds: [] }));
    expect(untrusted.sender.verification.verified).toBe(false);
    expect(untrusted.notes[0]).toContain('未经验证');
  });

  it('a free letter: subject is the title, quoted history is dropped, triage decides the category', async () => {
    const r = opinion(await read(fixture('free-letter.eml')));
    expect(r.form).toBeNull();
    expect(r.submission.title).toBe('咨询按病组付费政策');
    expect(r.submission.details).toContain('按病组付费政策是否限制住院天数');
    expect(r.submission.details).not.toContain('原始邮件');
    expect(r.submission.details).not.toContain('欢迎通过本信箱');
    expect(r.categoryGiven).toBe(false);
    expect(r.submission.category).toBe(classifier.classify({ title: r.submission.title, body: r.submission.details, selected: null }).category);
    expect(r.submission.organization).toBe('来信未注明单位');
    expect(r.submission.submitterType).toBe('insured');
    // From is the contact, not authority: the Authentication-Results header came from an untrusted host.
    expect(r.submission.contact).toBe('lisi1990@qq.example.com');
    expect(r.submission.submitterName).toBe('李四');
    expect(r.sender.verification.verified).toBe(false);
    expect(r.receiptTo).toBe('lisi1990@qq.example.com');
    // Notes go into the issue in clear: no address, no name.
    expect(r.notes.join('\n')).not.toContain('lisi1990');
    expect(r.notes.join('\n')).not.toContain('李四');
  });

  it('a GBK mail labelled gb2312 decodes to the right Chinese, including GBK-only characters', async () => {
    const raw = fixture('gbk-letter.eml');
    expect(raw.includes(Buffer.from('歧义组'))).toBe(false); // really not UTF-8
    const r = opinion(await read(raw));
    expect(r.submission.title).toBe('关于DRG歧义组入组规则的建议');
    expect(r.submission.submitterName).toBe('王喆');
    expect(r.submission.details).toContain('济源市喆康医院，心血管内科');
    expect(r.submission.details).toContain('主要诊断 I21.000，主要手术 36.0601');
    expect(r.submission.category).toBe('grouping');
  });

  it('the same bytes labelled GB18030 read the same', async () => {
    const raw = Buffer.from(fixture('gbk-letter.eml').toString('latin1').replace('charset="gb2312"', 'charset="GB18030"'), 'latin1');
    const r = opinion(await read(raw));
    expect(r.submission.details).toContain('济源市喆康医院');
  });

  it('a form whose file name is GBK-encoded (as Foxmail and Outlook in China write it) is found and named right', async () => {
    const xlsx = (await makeFormXlsx(exampleForm)).toString('base64').replace(/.{76}/g, '$&\r\n');
    // 0uK8+72o0umx7S54bHN4 is 意见建议表.xlsx in GBK.
    const raw = [
      'From: zhaoliu@jyey.example.cn', 'To: jydrgyjx@163.com', 'Subject: =?GBK?B?0uK8+72o0umx7Q==?=', 'Message-ID: <gbk-name@jyey.example.cn>', 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"', '', '--b1', 'Content-Type: application/octet-stream; name="=?GBK?B?0uK8+72o0umx7S54bHN4?="',
      'Content-Disposition: attachment; filename="=?GBK?B?0uK8+72o0umx7S54bHN4?="', 'Content-Transfer-Encoding: base64', '', xlsx, '--b1--', '',
    ].join('\r\n');
    const r = opinion(await read(raw));
    expect(r.attachments[0].filename).toBe('意见建议表.xlsx');
    expect(r.form).toBe('xlsx');
    expect(r.submission.organization).toBe('济源市第二人民医院');
  });

  it('HTML-only mail becomes text without scripts, styles or remote images', async () => {
    const r = opinion(await read(fixture('html-only.eml')));
    const d = r.submission.details;
    expect(d).toContain('我们建议核心要素中的基准点数测算口径向医疗机构公开，并说明调整系数的计算方法。');
    expect(d).toContain('谢谢！\n济源市妇幼保健院 医保科');
    for (const bad of ['fetch(', 'cookie', 'tracker.example.com', 'alert', 'color:red', '<', 'onerror']) expect(d).not.toContain(bad);
    expect(r.notes.join('\n')).toContain('只有 HTML 正文');
    expect(r.submission.category).toBe('core-elements');
  });

  it('an HTML table of the form reads like the text form', () => {
    const text = htmlToText(
      '<table><tr><td>单位名称</td><td colspan=3>济源市中医院</td></tr><tr><td>填报人</td><td>钱七</td><td>联系方式</td><td>qian7@jyzyy.example.cn</td></tr>' +
        '<tr><td>主要意见及建议</td><td>建议调整中医优势病种分值</td></tr><tr><td>具体问题和建议</td><td><p>中医优势病种的分值偏低。</p><p>建议单列。</p></td></tr></table>',
    );
    const { fields } = readFormRows(textRows(text));
    expect(fields).toEqual({
      organization: '济源市中医院', submitterName: '钱七', contact: 'qian7@jyzyy.example.cn', title: '建议调整中医优势病种分值', details: '中医优势病种的分值偏低。\n建议单列。',
    });
  });

  it('a mail with only an attachment still becomes an opinion that points to it', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% scanned letter\n');
    const raw = await composeRaw({
      from: sender, to: 'jydrgyjx@163.com', subject: '关于预付金拨付的意见', messageId: '<att-only@jyey.example.cn>',
      attachments: [{ filename: '意见.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    const r = opinion(await read(raw));
    expect(r.submission.title).toBe('关于预付金拨付的意见');
    expect(r.submission.details).toContain('（意见见附件：意见.pdf）');
    expect(r.attachments.map((a) => [a.filename, a.size, a.contentType])).toEqual([['意见.pdf', pdf.length, 'application/pdf']]);
    expect(attachmentSummary(r.attachments)).toBe('意见.pdf（1 KB）');
  });

  it('text over the details limit is cut, and the whole text is kept as an attachment', async () => {
    const long = '建议完善歧义组入组规则。'.repeat(600); // 7,200 characters
    const raw = await composeRaw({ from: sender, to: 'jydrgyjx@163.com', subject: '长篇意见', messageId: '<long@jyey.example.cn>', text: long });
    const r = opinion(await read(raw));
    expect(r.submission.details.length).toBeLessThanOrEqual(5000);
    expect(r.submission.details).toContain('超出部分见附件“来信正文.txt”');
    const kept = r.attachments.find((a) => a.filename === '来信正文.txt')!;
    expect(kept.content.toString('utf8')).toBe(long);
  });

  it('a form with the details left blank is invalid, with a field-specific Chinese error', async () => {
    const raw = await composeRaw({
      from: sender, to: 'jydrgyjx@163.com', subject: '意见', messageId: '<blank@jyey.example.cn>',
      text: '单位名称：济源市第二人民医院\n主要意见及建议：建议公开权重测算\n填报人：赵六\n具体问题和建议：\n',
    });
    const r = await read(raw);
    expect(r.kind).toBe('invalid');
    if (r.kind !== 'invalid') return;
    expect(r.errors).toEqual([{ field: 'details', message: '输入具体问题和建议' }]);
    expect(r.receiptTo).toBe(sender.address);
  });

  it('a contact the form gets wrong falls back to the sender address; a bad DRG code stays in the text', async () => {
    const raw = await composeRaw({
      from: sender, to: 'jydrgyjx@163.com', subject: '意见', messageId: '<badcode@jyey.example.cn>',
      text: '单位名称：济源市第二人民医院\n主要意见及建议：FM 组权重偏低\n联系方式：找医保科\nDRG 代码：第十九组\n具体问题和建议：FM 组的权重低于实际成本，建议重新测算。\n',
    });
    const r = opinion(await read(raw));
    expect(r.submission.contact).toBe(sender.address);
    expect(r.submission.drgCode).toBeUndefined();
    expect(r.submission.details).toContain('DRG 代码：第十九组');
    expect(r.notes.join('\n')).toContain('联系方式无法识别');
    expect(r.notes.join('\n')).not.toContain('找医保科');
  });
});

describe('mail that is not an opinion', () => {
  it.each([
    ['auto-reply.eml', 'auto-reply'],
    ['out-of-office-subject.eml', 'auto-reply'],
    ['bounce.eml', 'bounce'],
    ['list.eml', 'list'],
  ])('%s is skipped as %s, and nobody is answered', async (file, reason) => {
    const r = await read(fixture(file));
    expect(r).toMatchObject({ kind: 'skip', reason, notify: null });
  });

  it('Precedence: bulk and junk are skipped', async () => {
    for (const p of ['bulk', 'junk']) {
      const raw = await composeRaw({ from: sender, to: 'jydrgyjx@163.com', subject: '医保培训通知', text: '下周举办培训，欢迎参加。', headers: { Precedence: p } });
      expect(await read(raw)).toMatchObject({ kind: 'skip', reason: 'auto-reply' });
    }
  });

  it('system notifications from a no-reply sender are skipped', async () => {
    const raw = await composeRaw({ from: 'no-reply@platform.example.cn', to: 'jydrgyjx@163.com', subject: '您的账户登录提醒', text: '您的账户于今日在新设备登录，如非本人操作请修改密码。' });
    expect(await read(raw)).toMatchObject({ kind: 'skip', reason: 'auto-reply' });
  });

  it('our own receipt coming back, and mail from our own address, are a loop', async () => {
    const receipt = composeReceipt(
      { from: { name: bureau.shortName, address: 'jydrgyjx@163.com' }, siteUrl: bureau.siteUrl, bureau },
      { to: 'x@hospital.example.cn', trackingCode: 'JY-2026-7K3M9Q', receivedAt: '2026-03-02T01:00:00Z', deadline: '2026-03-30', office: 'admin', category: 'grouping', categoryGiven: true, title: '标题', attachments: [], status: 'delivered' },
    );
    // Forwarded back by a mail server without our From: only the marker header tells.
    const raw = (await buildRawMessage({ ...receipt, from: { address: 'relay@hospital.example.cn' }, headers: { 'X-DRG-Feedback': 'receipt' } })).toString();
    expect(await read(raw)).toMatchObject({ kind: 'skip', reason: 'loop' });
    const own = await composeRaw({ from: 'jydrgyjx@163.com', to: 'jydrgyjx@163.com', subject: '测试', text: '本局发给自己的测试邮件内容。' });
    expect(await read(own)).toMatchObject({ kind: 'skip', reason: 'loop' });
  });

  it('one Message-ID becomes one opinion', async () => {
    const raw = fixture('text-form.eml');
    const processed = new Set<string>();
    const results: InboundResult[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await read(raw, { alreadyProcessed: (id) => processed.has(id) });
      if (r.kind === 'opinion') processed.add(r.messageId);
      results.push(r);
    }
    expect(results.map((r) => r.kind)).toEqual(['opinion', 'skip']);
    expect(results[1]).toMatchObject({ reason: 'duplicate', messageId: '<form-6@jyrmyy.example.cn>' });
  });

  it('a message without Message-ID gets a stable stand-in key', async () => {
    const raw = 'From: a@hospital.example.cn\r\nTo: jydrgyjx@163.com\r\nSubject: =?UTF-8?B?5YWz5LqO5p2D6YeN55qE5bu66K6u?=\r\nDate: Mon, 02 Mar 2026 09:00:00 +0800\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n建议公开各病组权重的测算方法和数据来源。\r\n';
    const a = opinion(await read(raw));
    const b = opinion(await read(raw));
    expect(a.messageId).toMatch(/^<no-id\.[0-9a-f]{32}@drg-feedback\.invalid>$/);
    expect(b.messageId).toBe(a.messageId);
  });

  it('too large: skipped from the size alone, and the sender is to be told once', async () => {
    const headers = 'From: big@hospital.example.cn\r\nTo: jydrgyjx@163.com\r\nSubject: big\r\nMessage-ID: <big@hospital.example.cn>\r\n\r\n';
    const r = await read(headers, { size: 20 * 1024 * 1024, maxBytes: 10 * 1024 * 1024 });
    expect(r).toMatchObject({ kind: 'skip', reason: 'too-large', notify: 'big@hospital.example.cn' });
    // An auto-responder's large mail gets no note.
    const auto = await read(`Auto-Submitted: auto-generated\r\n${headers}`, { size: 20 * 1024 * 1024, maxBytes: 10 * 1024 * 1024 });
    expect(auto).toMatchObject({ kind: 'skip', reason: 'auto-reply', notify: null });
  });

  it('an empty mail is skipped', async () => {
    expect(await read('From: a@hospital.example.cn\r\nTo: jydrgyjx@163.com\r\nMessage-ID: <e@x>\r\n\r\n')).toMatchObject({ kind: 'skip', reason: 'empty' });
  });
});

describe('receipts are rate-limited per address', () => {
  const now = new Date('2026-03-02T10:00:00Z');
  const ago = (min: number) => new Date(now.getTime() - min * 60_000);
  it('three in the last hour stop the fourth; older ones count toward the day only', () => {
    expect(shouldSendReceipt([], now)).toBe(true);
    expect(shouldSendReceipt([ago(5), ago(20)], now)).toBe(true);
    expect(shouldSendReceipt([ago(5), ago(20), ago(59)], now)).toBe(false);
    expect(shouldSendReceipt([ago(61), ago(90), ago(120)], now)).toBe(true);
    expect(shouldSendReceipt(Array.from({ length: 10 }, (_, i) => ago(70 + i * 60).toISOString()), now)).toBe(false);
    expect(shouldSendReceipt(Array.from({ length: 10 }, (_, i) => ago(25 * 60 + i)), now)).toBe(true);
  });
});

describe('pieces', () => {
  it('categoryFromForm reads ticks before or after the name, and refuses ambiguity', () => {
    expect(categoryFromForm('口政策措施类、口核心要素类、☑分组技术类、口其他')).toBe('grouping');
    expect(categoryFromForm('政策措施类（√）')).toBe('policy');
    expect(categoryFromForm('[x]其他')).toBe('other');
    expect(categoryFromForm('核心要素类')).toBe('core-elements');
    expect(categoryFromForm('口政策措施类、口核心要素类、口分组技术类、口其他')).toBeNull();
    expect(categoryFromForm('√政策措施类 √核心要素类')).toBeNull();
  });

  it('the docx reader keeps Word paragraphs and table cells apart', () => {
    const rows = docxXmlRows(formDocumentXml(exampleForm));
    expect(rows[0]).toEqual(['济源示范区按病组付费意见建议表']);
    expect(rows[1]).toEqual(['单位名称（公章）：济源市第二人民医院']);
    expect(rows[3]).toEqual(['填报人', '赵六', '联系方式', '13900139000']);
    const textBox = '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:txbxContent><w:p><w:r><w:t>框内文字</w:t></w:r></w:p></w:txbxContent></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>框内文字</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>';
    expect(docxXmlRows(textBox).flat().filter((c) => c.includes('框内文字'))).toHaveLength(1);
  });

  it('Authentication-Results: comments, several results, authserv-id', () => {
    const r = parseAuthenticationResults('mx.163.com (Coremail) ; dkim=pass (2048-bit key) header.d=a.cn header.s=s1; spf=softfail smtp.mailfrom=b.cn; dmarc=none');
    expect(r.authServId).toBe('mx.163.com');
    expect(r.results.map((x) => [x.method, x.result])).toEqual([['dkim', 'pass'], ['spf', 'softfail'], ['dmarc', 'none']]);
    expect(r.results[0].props['header.d']).toBe('a.cn');
  });

  it('ownText keeps a forward whose content is below the separator', () => {
    const fwd = '-----原始邮件-----\n发件人: 某医生\n主题: 意见\n\n建议调整 FM19 的权重，实际成本偏高。';
    expect(ownText(fwd).text).toContain('建议调整 FM19 的权重');
  });

  it('a 查询码 in a reply subject marks a follow-up', () => {
    expect(trackingCodeIn('Re: 已收到您的意见建议（查询码 JY-2026-7K3M9Q）', 'JY')).toBe('JY-2026-7K3M9Q');
    expect(trackingCodeIn('JY-2026-7K3M9QX 不是', 'JY')).toBeNull();
  });

  it('htmlToText survives deep nesting and huge tables in linear time', () => {
    const deep = '<div>'.repeat(20_000) + '深层文字' + '</div>'.repeat(20_000);
    expect(htmlToText(deep)).toBe('深层文字');
    const wide = `<table><tr>${'<td></td>'.repeat(50_000)}<td>最后</td></tr></table>`;
    const started = Date.now();
    expect(htmlToText(wide)).toBe('最后');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('unreadable zip is a clear error, not a crash', async () => {
    const raw = await composeRaw({
      from: sender, to: 'jydrgyjx@163.com', subject: '关于病组权重的意见', messageId: '<notzip@x>', text: '病组权重的测算应考虑本地实际成本情况。',
      attachments: [{ filename: '意见建议表.docx', content: Buffer.from(strToU8('not a zip at all')) }],
    });
    const r = opinion(await read(raw));
    expect(r.notes.join('\n')).toContain('附件《意见建议表.docx》无法读取：文件不是有效的 Office 文档');
  });
});
