/**
 * The plain-text notice importer (scripts/lib/import-notice.ts): each rule on a small inline sample,
 * then every real seed document of tests/fixtures/seeds/ end to end — boilerplate gone, header fields
 * detected, numbering turned into headings and lists, attachments kept, and no word of the document lost.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  decodeText,
  deriveTags,
  detectAddressees,
  detectDocNumber,
  detectHeader,
  detectSalutation,
  formToMarkdown,
  isDateLine,
  joinBrokenLines,
  markdownTable,
  normalizeLine,
  optionsFromArgs,
  parseChineseDate,
  parseFlattenedTable,
  planImport,
  regionFromIssuer,
  renderPlan,
  splitAttachments,
  stripBoilerplate,
  toMarkdown,
  writeDecision,
} from '../../scripts/lib/import-notice.ts';
import { parseFrontmatter } from '../../scripts/lib/frontmatter.ts';
import { seedDocuments } from '../../scripts/lib/seed-documents.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const seedsDir = resolve(repoRoot, 'tests/fixtures/seeds');
const iso = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d));
const lines = (text: string) => text.split('\n').map(normalizeLine);

describe('dates', () => {
  it('reads Chinese dates in Arabic and Chinese numerals as calendar days', () => {
    expect(iso(parseChineseDate('2024年7月10日'))).toBe('2024-07-10');
    expect(iso(parseChineseDate('二〇二〇年十一月二十四日'))).toBe('2020-11-24');
    expect(iso(parseChineseDate('成文日期：2025-06-30'))).toBe('2025-06-30');
    expect(parseChineseDate('2024年2月30日')).toBeUndefined();
    expect(parseChineseDate('每年7月中旬')).toBeUndefined();
  });

  it('tells a signature date line from a sentence that starts with a date', () => {
    expect(isDateLine('2024年7月10日')).toBe(true);
    expect(isDateLine('2020年11月24日印发')).toBe(true);
    expect(isDateLine('2025年3月，省医保局等五部门召开会议。')).toBe(false);
  });
});

describe('文号, title, issuer, status, addressees', () => {
  it('finds the 文号 in its usual forms and normalises the brackets to 〔〕', () => {
    expect(detectDocNumber('泰医保函〔2024〕65号')).toBe('泰医保函〔2024〕65号');
    expect(detectDocNumber('三政办〔2020〕17号')).toBe('三政办〔2020〕17号');
    expect(detectDocNumber('吉医保发[2024]14号')).toBe('吉医保发〔2024〕14号');
    expect(detectDocNumber('豫医保办（2020）14号')).toBe('豫医保办〔2020〕14号');
    expect(detectDocNumber('没有文号的一句话。')).toBeUndefined();
  });

  it('reads a header with the issuer as a title prefix and a 文号 line', () => {
    const header = detectHeader(lines('某市医疗保障局关于建立意见反馈机制的通知\n\n某医保函〔2025〕3号\n\n各定点医疗机构：'));
    expect(header).toMatchObject({ title: '关于建立意见反馈机制的通知', issuer: '某市医疗保障局', docNumber: '某医保函〔2025〕3号', status: 'in-force' });
  });

  it('reads a draft: issuer line, title, （征求意见稿）', () => {
    const header = detectHeader(lines('某某区医疗保障局\n关于完善意见收集工作的通知\n（征求意见稿）\n根据上级要求，现通知如下：'));
    expect(header).toMatchObject({ issuer: '某某区医疗保障局', title: '关于完善意见收集工作的通知', status: 'draft', consumed: 3 });
  });

  it('joins a title the PDF wrapped over two lines and drops the 文件 of the red header', () => {
    const header = detectHeader(lines('某市人民政府办公室文件\n某政办〔2020〕1号\n某市人民政府办公室 关于印发某市按疾病诊断\n相关分组付费工作方案的通知\n各县（市、区）人民政府：'));
    expect(header.title).toBe('关于印发某市按疾病诊断相关分组付费工作方案的通知');
    expect(header.issuer).toBe('某市人民政府办公室');
  });

  it('recognises the 主送机关 line and a salutation to a person', () => {
    expect(detectAddressees('各市医疗保障局，各有关定点医疗机构：')).toBe('各市医疗保障局，各有关定点医疗机构');
    expect(detectAddressees('现将有关事项通知如下：')).toBeUndefined();
    expect(detectSalutation('张三委员：')).toEqual({ name: '张三', role: '委员' });
    expect(detectSalutation('一、总体要求')).toBeUndefined();
  });

  it('derives the region from a provincial issuer and tags from the term list', () => {
    expect(regionFromIssuer('吉林省医疗保障局')).toBe('吉林省');
    expect(regionFromIssuer('河南省三门峡市医疗保障局')).toBe('河南省三门峡市');
    expect(regionFromIssuer('泰州市医疗保障局')).toBeUndefined();
    expect(deriveTags('建立“月告知、季公布、年通报”机制，完善特例单议，歧义组问题请填报。')).toEqual(['月告知', '季公告', '年通报', '特例单议', '歧义组']);
  });
});

describe('normalising scraped text', () => {
  it('reads UTF-8 (with or without BOM) and GBK files saved on Chinese Windows', () => {
    expect(decodeText(new TextEncoder().encode('月告知'))).toBe('月告知');
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('季公告')]))).toBe('季公告');
    expect(decodeText(new Uint8Array([0xd4, 0xc2, 0xb8, 0xe6, 0xd6, 0xaa]))).toBe('月告知'); // GBK bytes
  });

  it('writes half-width punctuation next to Chinese as full-width and keeps numbers, URLs and e-mails', () => {
    expect(normalizeLine('关于完善医保DRG支付结算,促进三方共赢:')).toBe('关于完善医保DRG支付结算，促进三方共赢：');
    expect(normalizeLine('(一)月告知。')).toBe('（一）月告知。');
    expect(normalizeLine('费用合计1,000元，见 https://example.org/a?b=1')).toBe('费用合计1,000元，见 https://example.org/a?b=1');
    expect(normalizeLine('邮箱（jl_hsa@163.com）')).toBe('邮箱（jl_hsa@163.com）');
  });

  it('removes spaces a PDF left between Chinese characters and the ideographic indent', () => {
    expect(normalizeLine('　　附 件')).toBe('附件');
    expect(normalizeLine('按疾病诊断 相关分组 (DRG) 付费')).toBe('按疾病诊断相关分组（DRG）付费');
    expect(normalizeLine('对 DRG/DIP付费下编码违规')).toBe('对 DRG/DIP付费下编码违规');
  });

  it('joins a sentence broken across lines but never a heading, a title or a short line', () => {
    const joined = joinBrokenLines([
      '1. 保障基本。坚持基金收支预算管理，着力保障参保人员基本医疗需求，促进医疗资源合理利用，建',
      '立合理适度激励约束机制。',
      '（九）加强管理。以分组技术为支撑，对',
      '定点医疗机构进行评价。',
      '某市基本医疗保险按疾病诊断相关分组付费工作方案',
      '为深化改革，制定本方案。',
      '联系人：张三',
      '电话：0000-1234567',
    ]);
    expect(joined).toEqual([
      '1. 保障基本。坚持基金收支预算管理，着力保障参保人员基本医疗需求，促进医疗资源合理利用，建立合理适度激励约束机制。',
      '（九）加强管理。以分组技术为支撑，对定点医疗机构进行评价。',
      '某市基本医疗保险按疾病诊断相关分组付费工作方案',
      '为深化改革，制定本方案。',
      '联系人：张三',
      '电话：0000-1234567',
    ]);
  });
});

describe('page boilerplate', () => {
  const page = [
    '分享到: |',
    '某招标网服务号 微信公众平台',
    '某某APP 客户端下载',
    '微信扫码添加在线客服,描述您的问题。',
    '二维码 关闭',
    '某市医疗保障局关于做好意见收集工作的通知',
    '一、工作要求',
    '请扫描二维码填报意见。',
    '某市医疗保障局',
    '2024年7月10日',
    '投诉侵权',
    '上一页: 关于另一件事的通知',
    '下一页: 某局关于第三件事的通知',
  ].map(normalizeLine);

  it('drops share buttons, app banners, QR-code text and previous/next links, and says why', () => {
    const { lines: kept, removed } = stripBoilerplate(page);
    expect(kept).toEqual(['某市医疗保障局关于做好意见收集工作的通知', '一、工作要求', '请扫描二维码填报意见。', '某市医疗保障局', '2024年7月10日']);
    expect(removed.map((r) => r.rule)).toEqual(['分享按钮', '招标/聚合网站横幅', 'APP下载', '二维码', '二维码', '页面工具', '上一篇/下一篇', '上一篇/下一篇']);
  });

  it('keeps a QR-code instruction that is part of the document itself', () => {
    expect(stripBoilerplate(page).lines).toContain('请扫描二维码填报意见。');
  });
});

describe('numbered sections → Markdown', () => {
  it('maps 一、 to ##, （一） to ### (splitting a run-in heading), 1. and （1） to lists', () => {
    const md = toMarkdown([
      '一、工作目标',
      '（一）月告知。各级医保部门在每个月的月底前告知。',
      '（二）职责分工',
      '1.医保行政部门：负责收集意见建议。',
      '2.医保经办机构：负责收集定点医疗机构的意见建议。',
      '(1)基金收支余情况；',
      '(2)DRG支付方式政策执行情况；',
    ].map(normalizeLine));
    expect(md).toBe(
      [
        '## 一、工作目标',
        '### （一）月告知',
        '各级医保部门在每个月的月底前告知。',
        '### （二）职责分工',
        '1. 医保行政部门：负责收集意见建议。\n2. 医保经办机构：负责收集定点医疗机构的意见建议。',
        '1) 基金收支余情况；\n2) DRG支付方式政策执行情况；',
      ].join('\n\n') + '\n',
    );
  });

  it('makes a short numbered title over a paragraph a #### heading, and 第X章/第X条 headings and leads', () => {
    expect(toMarkdown(['1. 基本原则', '坚持以收定支。'])).toBe('#### 1. 基本原则\n\n坚持以收定支。\n');
    expect(toMarkdown(['第一章 总则', '第一条 为规范管理，制定本办法。'])).toBe('## 第一章 总则\n\n**第一条**　为规范管理，制定本办法。\n');
  });

  it('keeps an attachment list as 附件： and a list, and a sub-title as bold text', () => {
    expect(toMarkdown(['附件：1.分组方案2.0版', '2.病种目录库2.0版'])).toBe('附件：\n\n1. 分组方案2.0版\n2. 病种目录库2.0版\n');
    expect(toMarkdown(['某市按病组付费工作方案', '为深化改革，制定本方案。'])).toBe('**某市按病组付费工作方案**\n\n为深化改革，制定本方案。\n');
  });

  it('tells a numbered heading ending in 。 from a numbered sentence by what follows it', () => {
    expect(toMarkdown(['（二）新药新技术病例。', '1.使用新药耗的病例；', '2.多学科联合诊疗的病例。'])).toBe('### （二）新药新技术病例\n\n1. 使用新药耗的病例；\n2. 多学科联合诊疗的病例。\n');
    expect(toMarkdown(['一、评议由经办机构组织。', '二、结果报行政部门备案。'])).toBe('一、评议由经办机构组织。\n\n二、结果报行政部门备案。\n');
  });

  it('continues a numbered list instead of taking its next short item for a heading', () => {
    expect(toMarkdown(['附件：1.申报表', '2.评议规则', '示例市医疗保障局'])).toBe('附件：\n\n1. 申报表\n2. 评议规则\n\n示例市医疗保障局\n');
  });

  it('escapes text Markdown would read as syntax', () => {
    expect(toMarkdown(['2024.年度数据', '*注意* <script>'])).toBe('2024\\.年度数据\n\n\\*注意\\* &lt;script>\n');
  });
});

describe('attachments', () => {
  it('splits an attachment off at 附件 and gives the 版记 back to the main text', () => {
    const { main, attachments } = splitAttachments(['正文。', '某市人民政府办公室', '附件', '领导小组成员名单', '组长：某某', '主办：市医保局', '抄送：市委各部门。']);
    expect(main).toEqual(['正文。', '某市人民政府办公室', '主办：市医保局', '抄送：市委各部门。']);
    expect(attachments).toEqual([{ label: '附件', title: '领导小组成员名单', lines: ['组长：某某'] }]);
  });

  it('starts an attachment at a form title right after the contact lines', () => {
    const { attachments } = splitAttachments(['正文。', '电话：0000-1234567', '某某意见建议表', '填报人']);
    expect(attachments.map((a) => a.title)).toEqual(['某某意见建议表']);
  });

  it('rebuilds a table the scrape flattened to one cell per line, filling cells merged across rows', () => {
    const table = parseFlattenedTable(['序号', '工作机制', '具体内容', '形式', '责任处室', '1', '月告知', '上月度病组入组、结算清单上传等情况。', '线上或线下', '医保中心', '2', '接受对月告知内容的异议申诉。', '医保中心', '医药服务处']);
    expect(table).toEqual({
      columns: ['序号', '工作机制', '具体内容', '形式', '责任处室'],
      rows: [
        ['1', '月告知', '上月度病组入组、结算清单上传等情况。', '线上或线下', '医保中心'],
        ['2', '月告知', '接受对月告知内容的异议申诉。', '线上或线下', '医保中心、医药服务处'],
      ],
    });
    expect(markdownTable(['a', 'b'], [['1', 'x|y']])).toBe('| a | b |\n| --- | --- |\n| 1 | x\\|y |\n');
    expect(parseFlattenedTable(['不是表格', '1', '2'])).toBeUndefined();
  });

  it('renders a blank form as its fields and notes, with the scraped 口 tick boxes as □', () => {
    expect(formToMarkdown(['单位名称（公章）：', '填报人', '问题分类', '具体问题和建议', '（可附页）', '备注：1.问题分类包括:口政策措施类、口其他'].map(normalizeLine))).toBe(
      '- 单位名称（公章）\n- 填报人\n- 问题分类\n- 具体问题和建议（可附页）\n\n备注：\n\n1. 问题分类包括：□政策措施类、□其他\n',
    );
  });
});

describe('plans', () => {
  const notice = [
    '分享到: |',
    '某市医疗保障局关于建立意见反馈机制的通知',
    '某医保函〔2025〕3号',
    '各定点医疗机构：',
    '为做好意见收集反馈工作，现通知如下：',
    '一、工作机制',
    '（一）月告知。每月月底前告知。',
    '某市医疗保障局',
    '2025年1月6日',
  ].join('\n');

  it('plans a policy: frontmatter from the header, body from the sections, schema problems named', () => {
    const plan = planImport(notice, { id: 'mou-2025-3' });
    expect(plan.frontmatter).toMatchObject({ title: '关于建立意见反馈机制的通知', docNumber: '某医保函〔2025〕3号', issuer: '某市医疗保障局', status: 'in-force', tags: ['意见收集反馈', '月告知'] });
    expect(iso(plan.frontmatter.issued)).toBe('2025-01-06');
    expect(plan.body).toContain('## 一、工作机制\n\n### （一）月告知\n\n每月月底前告知。');
    expect(plan.body).not.toContain('分享到');
    expect(plan.problems).toEqual(['policies/mou-2025-3.md: region: Invalid input: expected string, received undefined']);
    const fixed = planImport(notice, { id: 'mou-2025-3', meta: { region: '某省某市' } });
    expect(fixed.problems).toEqual([]);
    expect(parseFrontmatter(renderPlan(fixed)).data).toMatchObject({ region: '某省某市', issued: '2025-01-06' });
  });

  it('plans a reply without the name of the person it answers', () => {
    const reply = '王五委员:\n您提出的《关于优化起付线的提案》收悉，现答复如下：\n一、关于起付线\n王五委员关心的问题已研究。\n某省医疗保障局\n2025年6月30日';
    const plan = planImport(reply, { collection: 'replies', id: 'reply-1', meta: { category: 'policy', office: 'admin', outcome: 'explained', received: '2025-06-01' } });
    expect(plan.problems).toEqual([]);
    const file = renderPlan(plan);
    expect(file).not.toContain('王五');
    expect(plan.body.startsWith('提案人：\n\n您提出的《关于优化起付线的提案》收悉')).toBe(true);
    expect(plan.frontmatter).toMatchObject({ question: '关于优化起付线的提案', signedBy: '某省医疗保障局', unitNamed: false });
    expect(iso(plan.frontmatter.replied)).toBe('2025-06-30');
    // 落款 and date are shown from signedBy/replied, not repeated at the end of the body.
    expect(plan.body.trimEnd().endsWith('王五委员关心的问题已研究。'.replace('王五委员', '提案人'))).toBe(true);
  });

  it('writes YAML comments above the fields they explain and rejects a bad id', () => {
    const plan = planImport(notice, { id: 'mou-2025-3', meta: { region: '某省某市' }, comments: { region: '文中未写明地区' } });
    expect(renderPlan(plan)).toContain('# 文中未写明地区\nregion: 某省某市\n');
    expect(planImport(notice, { id: 'Bad Id', meta: { region: '某省某市' } }).problems[0]).toMatch(/^policies\/Bad Id\.md: id: /);
  });

  it('maps command-line flags to options and only overwrites a changed file with --force', () => {
    const options = optionsFromArgs({ region: '某省某市', 'issued-precision': 'year', tags: '月告知，季公告', related: 'policies/a,policies/b', attachments: 'section', 'dry-run': true }, '某通知.txt');
    expect(options).toMatchObject({ collection: 'policies', attachmentsAs: 'section', meta: { region: '某省某市', issuedPrecision: 'year', tags: ['月告知', '季公告'], related: ['policies/a', 'policies/b'] } });
    expect(planImport(notice, options).id).toBe('notice');
    expect(writeDecision(undefined, 'a', false)).toBe('create');
    expect(writeDecision('a', 'a', false)).toBe('unchanged');
    expect(writeDecision('a', 'b', false)).toBe('refuse');
    expect(writeDecision('a', 'b', true)).toBe('overwrite');
  });
});

// ---------------------------------------------------------------------------------------------
// The real seed documents
// ---------------------------------------------------------------------------------------------

const seed = (id: string) => {
  const doc = seedDocuments.find((s) => s.options.id === id)!;
  const source = readFileSync(resolve(seedsDir, doc.file), 'utf8');
  const plan = planImport(source, { ...doc.options, sourceName: doc.file });
  return { source, plan, file: renderPlan(plan) };
};
/** Han characters only (tick boxes aside): how "no word lost" is compared across re-layout. */
const han = (s: string) => s.replace(/[^\u3400-\u9fff]/g, '').replace(/口/g, '');

describe.each(seedDocuments.map((s) => s.options.id))('seed %s', (id) => {
  it('imports with no schema problem and loses no line of the document', () => {
    const { source, plan, file } = seed(id);
    expect(plan.problems).toEqual([]);
    const removed = new Set(plan.removed.map((r) => r.line));
    const output = han(file);
    const { title, issuer, status, issued, replied } = plan.frontmatter as Record<string, string>;
    // Header lines become frontmatter fields: 发文机关 + 标题 split, the red header's 文件, the draft mark;
    // a reply's closing date becomes `replied`.
    const inHeader = (l: string) =>
      [`${issuer}${title}`, `${issuer}文件`].map(han).includes(han(l)) ||
      (/^（征求意见稿）$/.test(l) && status === 'draft') ||
      (isDateLine(l) && [issued, replied].map(iso).includes(iso(parseChineseDate(l))));
    const lost = source
      .split('\n')
      .map(normalizeLine)
      .filter((l) => l && !removed.has(l) && !detectSalutation(l) && !inHeader(l) && !output.includes(han(l)));
    expect(lost).toEqual([]);
    expect(file).not.toMatch(/分享到|上一页|下一页|招标网|二维码|APP下载|投诉侵权/);
  });
});

describe('seed documents, field by field', () => {
  it('泰州: 文号, issuer, date, boilerplate, sections and the 任务分解表 as a table', () => {
    const { plan } = seed('taizhou-2024-65');
    expect(plan.frontmatter).toMatchObject({ title: '关于建立DRG支付方式改革沟通交流和信息反馈机制的通知', docNumber: '泰医保函〔2024〕65号', issuer: '泰州市医疗保障局', status: 'in-force' });
    expect(iso(plan.frontmatter.issued)).toBe('2024-07-10');
    expect(plan.detected.addressees).toBe('各市医疗保障局，市医疗保障局各分局，各有关定点医疗机构');
    expect(plan.removed.map((r) => r.rule)).toEqual(expect.arrayContaining(['APP下载', '二维码', '上一篇/下一篇', '页面工具']));
    expect(plan.body).toContain('## 一、工作目标');
    expect(plan.body).toContain('### （一）月告知\n\n各级医保部门在每个月的月底前');
    expect(plan.body).toContain('1) 基金收支余情况；\n2) DRG支付方式政策制定和执行情况；');
    expect(plan.body).toContain('附件：DRG支付方式改革沟通交流和信息反馈机制任务分解表');
    const [table] = plan.frontmatter.attachments as { title: string; text: string }[];
    expect(table.title).toBe('DRG支付方式改革沟通交流和信息反馈机制任务分解表');
    const rows = table.text.trim().split('\n');
    expect(rows[0]).toBe('| 序号 | 工作机制 | 具体内容 | 形式 | 时间 | 责任处室（部门） |');
    expect(rows).toHaveLength(12);
    expect(rows[3]).toBe('| 2 | 月告知 | 接受定点医疗机构对月告知内容的异议申诉和意见建议。 | 线上或线下 | 每月月底前 | 医保中心、医药服务处 |');
    expect(rows[11]).toMatch(/^\| 10 \| 年通报 \| 听取部分定点医疗机构.* \| 通报会 \| 每年DRG付费基金清算工作完成后1个月内 \| 医药服务处、基金监管处、医保中心 \|$/);
    expect(plan.frontmatter.tags).toEqual(expect.arrayContaining(['月告知', '季公告', '年通报', '意见收集反馈']));
  });

  it('济源: a draft without 文号, the opinion form kept as the final section', () => {
    const { plan } = seed('jiyuan-feedback-mechanism-draft');
    expect(plan.frontmatter).toMatchObject({ title: '关于进一步完善济源示范区按病组（DRG）付费意见收集反馈工作机制的通知', issuer: '济源产城融合示范区医疗保障局', status: 'draft', region: '河南省济源示范区', attachments: [] });
    expect(plan.frontmatter.docNumber).toBeUndefined();
    expect(plan.detected.issued).toBeUndefined();
    expect(plan.body).toContain('### （一）收集对象\n\n面向济源示范区各相关部门');
    expect(plan.body).toContain('1. 政策措施类意见包括');
    expect(plan.body).toContain('意见收集反馈专用邮箱：jydrgyjx@163.com');
    expect(plan.body).toMatch(/\n## 附件 济源示范区按病组付费意见建议表\n\n- 单位名称（公章）\n- 主要意见及建议\n/);
    expect(plan.body).toContain('1. 问题分类包括：□政策措施类、□核心要素类、□分组技术类、□其他');
    expect(plan.body).toContain('3. 歧义组问题请填报主要诊断及编码');
    expect(plan.frontmatter.tags).toEqual(expect.arrayContaining(['意见收集反馈', '歧义组', '意见留用']));
  });

  it('三门峡: red header, cover letter, wrapped lines joined, member list attachment, 版记 kept', () => {
    const { plan } = seed('sanmenxia-2020-17');
    expect(plan.frontmatter).toMatchObject({ title: '关于印发三门峡市基本医疗保险按疾病诊断相关分组（DRG）付费工作方案的通知', docNumber: '三政办〔2020〕17号', issuer: '三门峡市人民政府办公室' });
    expect(iso(plan.frontmatter.issued)).toBe('2020-11-24');
    expect(plan.body).toContain('**三门峡市基本医疗保险按疾病诊断相关分组（DRG）付费工作方案**');
    expect(plan.body).toContain('着力保障参保人员基本医疗需求，建立合理适度激励约束机制');
    expect(plan.body).toContain('### （九）加强定点医疗机构管理\n\n以DRG分组技术为支撑，对定点医疗机构医疗费用水平');
    expect(plan.body).toContain('### （二）确定DRG付费分组方案、采集历史病案数据并测算付费标准（2021年1月—2021年12月）\n\n组织DRG付费第三方');
    expect(plan.body).toContain('抄送：市委各部门');
    expect(plan.body.trimEnd().endsWith('2020年11月24日印发')).toBe(true);
    const [members] = plan.frontmatter.attachments as { title: string; text: string }[];
    expect(members.title).toBe('三门峡市DRG付费改革工作领导小组成员名单');
    expect(members.text).toContain('组长：庆志英（副市长）');
  });

  it('吉林: issuer from the signature, region from the issuer, 特例单议 and the 附件 list in the body', () => {
    const { plan } = seed('jilin-2024-14');
    expect(plan.frontmatter).toMatchObject({ title: '关于做好吉林省按病组和病种分值付费2.0版分组方案相关工作的通知', docNumber: '吉医保发〔2024〕14号', issuer: '吉林省医疗保障局', region: '吉林省', status: 'in-force' });
    expect(plan.body).toContain('### （三）完善特例单议机制');
    expect(plan.body).toContain('附件：\n\n1. 吉林省按疾病诊断相关分组（DRG）付费分组方案2.0版\n2. 吉林省按病种分值（DIP）付费病种目录库2.0版');
    expect(plan.frontmatter.tags).toEqual(expect.arrayContaining(['特例单议', '预付金']));
  });

  it('四川: a reply addressed to 提案人, answered point by point, with 起付线 in the text', () => {
    const { plan, file } = seed('sichuan-2025-drg-settlement-proposal');
    expect(plan.collection).toBe('replies');
    expect(file).not.toContain('刘建辉');
    expect(plan.body.startsWith('提案人：\n\n您提出的《关于完善医保DRG支付结算，促进“医、保、患”三方共赢的提案》收悉')).toBe(true);
    expect(plan.frontmatter).toMatchObject({ question: '关于完善医保DRG支付结算，促进“医、保、患”三方共赢的提案', category: 'policy', office: 'admin', outcome: 'explained', signedBy: '四川省医疗保障局', unitNamed: false, codes: [] });
    expect(iso(plan.frontmatter.replied)).toBe('2025-06-30');
    for (const heading of ['## 一、建立健全DRG/DIP协同沟通机制', '## 二、持续推动数据要素赋能绩效评价和基金监管', '## 三、关于建立职工和居民医保统筹调剂基金池方面', '## 四、关于对多系统疾病治疗患者减免起付线工作方面']) {
      expect(plan.body).toContain(heading);
    }
    expect(plan.body).toContain('起付线');
    expect(plan.body.trimEnd().endsWith('感谢您对我省医疗保障工作的关心和支持！')).toBe(true);
  });
});

describe('npm run import:notice (the command a bureau runs)', () => {
  const example = join(repoRoot, 'tests/fixtures/notices/example-bureau-notice.txt');
  const run = (...args: string[]) =>
    spawnSync(join(repoRoot, 'node_modules/.bin/node'), [join(repoRoot, 'scripts/import-notice.ts'), ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, INIT_CWD: repoRoot } });

  it('prints the plan and the file on --dry-run and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-notice-'));
    try {
      const result = run(example, '--region', '示例省示例市', '--id', 'example-2026-3', '--out', dir, '--dry-run');
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain('文号: 示医保发〔2026〕3号');
      expect(result.stdout).toContain('「上一篇：示例市医疗保障局关于另一件事的通知」(上一篇/下一篇)');
      expect(result.stdout).toContain('[dry-run] create');
      expect(result.stdout).toContain('issued: "2026-03-02"');
      expect(() => readFileSync(join(dir, 'example-2026-3.md'))).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes a valid file, leaves it alone when unchanged, and refuses to overwrite an edited one without --force', () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-notice-'));
    const out = join(dir, 'example-2026-3.md');
    try {
      const args = [example, '--region', '示例省示例市', '--id', 'example-2026-3', '--out', dir];
      expect(run(...args).stdout).toContain(`create: ${out}`);
      const written = parseFrontmatter(readFileSync(out, 'utf8'));
      expect(written.data).toMatchObject({ title: '关于做好2026年DRG付费特例单议工作的通知', docNumber: '示医保发〔2026〕3号', issuer: '示例市医疗保障局', region: '示例省示例市', tags: ['特例单议'] });
      expect((written.data.attachments as { title: string }[]).map((a) => a.title)).toEqual(['附件1 示例市DRG付费特例单议申报表', '附件2 特例单议评议规则']);
      expect(written.body).toContain('### （二）新药新技术病例\n\n1. 使用新药耗、新技术的病例；');
      expect(run(...args).stdout).toContain(`unchanged: ${out}`);
      writeFileSync(out, readFileSync(out, 'utf8').replace('region: 示例省示例市', 'region: 示例省'));
      const refused = run(...args);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('已存在且内容不同');
      expect(run(...args, '--force').stdout).toContain(`overwrite: ${out}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops without writing when a required field cannot be found, naming the field', () => {
    const result = run(example, '--id', 'example-2026-3', '--dry-run');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('policies/example-2026-3.md: region: ');
    expect(result.stderr).toContain('未写入');
  });
});
