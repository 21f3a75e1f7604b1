/**
 * Synthetic content for `npm run bench:build`: N schema-valid replies and N/20 announcements with
 * realistic 1-3 KB Chinese bodies (DRG/DIP vocabulary, numbered points), deterministic for a seed so
 * runs compare. Pure: returns files as { path, text }; the bench writes them.
 */
import { announcementTypes, type AnnouncementType } from '../../../schemas/announcement.ts';
import { categoryKeys, outcomeKeys, type CategoryKey } from '../../../schemas/common.ts';
import type { Bureau } from '../../../schemas/bureau.ts';
import { seededRandom } from '../../lib/seeded-random.ts';

export interface CorpusFile { path: string; text: string }


const topics: Record<CategoryKey, string[]> = {
  policy: ['DRG付费政策衔接', '特例单议申报范围', '新药耗新技术除外支付', '医保基金预付', '日间手术支付政策', '中医优势病种付费'],
  'core-elements': ['基准点数测算', '调整系数设定', '病组支付标准', '年度总额预算', '结算清算方案', '病组权重调整'],
  grouping: ['歧义组入组规则', 'ADRG细分组方案', '主要诊断选择与入组', '多手术操作病例分组', '低倍率病例判定', '高倍率病例判定'],
  other: ['结算清单质控规则', '医保编码贯标', '信息系统接口', '数据指标口径', '病案首页上传时限', '结算清单填报规范'],
};
const adrg = [['FM1', '经皮冠状动脉支架植入'], ['GB2', '小肠、大肠（含直肠）的大手术'], ['IC2', '髋、肩、膝、肘和踝关节置换术'], ['ES2', '呼吸系统感染/炎症'], ['BR2', '脑缺血性疾患'], ['HQY', undefined]] as const;
const sentences = [
  '我院在按病组付费实际运行中发现，部分病例的资源消耗与所入病组的支付标准差距较大，医疗机构承担了较大的费用风险。',
  '建议医保部门结合近三年的历史数据，对相关病组的权重和费率进行动态测算，并在测算完成后向定点医疗机构公开测算口径。',
  '对于住院时间长、医疗费用高、使用新药耗新技术的复杂危重病例，建议完善特例单议机制，简化申报流程，缩短审核评议周期。',
  '结算清单质控规则中部分校验项目与病案首页填报要求不一致，导致清单上传后被退回，影响了按时结算。',
  '建议在月告知中增加病组入组率、低倍率和高倍率病例占比等指标，便于医疗机构及时发现问题并改进管理。',
  '部分病例因主要诊断与主要手术操作不匹配而进入歧义组，建议明确入组规则，并对典型病例给出编码指导意见。',
  '经研究，医保部门已将该意见纳入下一版分组方案调整的参考依据，并将在季度数据通报会上向各医疗机构反馈。',
  '根据国家医疗保障局按病组和病种分值付费2.0版分组方案的要求，核心分组由国家统一制定，地方可在此基础上开展细分组调整。',
  '对于暂不具备采纳条件的意见，我们已做好意见留用记录，待积累足够病例数据后再行论证。',
  '下一步，我们将会同卫生健康部门加强病案编码培训，提升结算清单填报质量，减少因编码错误导致的分组偏差。',
  '医保经办机构将在每季度第二个月上旬发布季公告，公开统筹区医保基金运行情况和支付方式改革进展。',
  '对于起付线、报销比例等待遇政策问题，按照省级统一政策执行，本级无权调整，已按程序报送上级医保部门研究。',
  '建议对基层医疗机构和专科医院分别设置调整系数，体现不同级别、不同类型医疗机构的功能定位和成本差异。',
  '医疗机构对月告知内容有异议的，可在收到告知后五个工作日内提出异议申诉，经办机构将组织核查并及时答复。',
];
const numerals = ['一', '二', '三', '四', '五'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}
function paragraph(r: () => number, count: number): string {
  return Array.from({ length: count }, () => pick(r, sentences)).join('');
}
/** A body of about `bytes` UTF-8 bytes in numbered sections (Chinese characters are 3 bytes). */
function body(r: () => number, bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const text = `## ${numerals[i % numerals.length]}、${pick(r, Object.values(topics).flat())}\n\n${paragraph(r, 2 + Math.floor(r() * 3))}\n`;
    parts.push(text);
    size += Buffer.byteLength(text);
  }
  return parts.join('\n');
}
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Replies and announcements for a corpus of `n` replies; policy ids for citations come from the real content. */
export function generateCorpus(n: number, bureau: Bureau, policyIds: string[], seed = 20260101): CorpusFile[] {
  const r = seededRandom(seed);
  const files: CorpusFile[] = [];
  const start = Date.UTC(2023, 0, 1);
  const span = Date.UTC(2026, 9, 1) - start;
  for (let i = 0; i < n; i++) {
    const category = pick(r, categoryKeys);
    const topic = pick(r, topics[category]);
    const received = start + Math.floor(r() * span);
    const replied = received + (3 + Math.floor(r() * 25)) * 86_400_000;
    const code = category === 'grouping' && r() < 0.7 ? pick(r, adrg) : undefined;
    const named = r() < 0.3;
    const front = [
      '---',
      `title: 关于${topic}的意见建议（第${i + 1}号）`,
      `question: ${paragraph(r, 2)}`,
      `category: ${category}`,
      `office: ${bureau.routing[category]}`,
      `submitterType: ${pick(r, ['hospital', 'hospital', 'clinician', 'pharmacy', 'expert'])}`,
      ...(named ? [`unit: 第${1 + (i % 40)}人民医院`, 'unitNamed: true'] : ['unitNamed: false']),
      `received: ${day(received)}`,
      `replied: ${day(replied)}`,
      `outcome: ${pick(r, outcomeKeys)}`,
      ...(code ? ['codes:', `  - code: ${code[0]}`, `    kind: ${code[0].endsWith('QY') ? 'ambiguous' : 'adrg'}`, ...(code[1] ? [`    name: ${code[1]}`] : [])] : []),
      `tracker: { code: ${bureau.codePrefix}-${String(i).padStart(6, '0')} }`,
      ...(policyIds.length && r() < 0.4 ? [`cites: [policies/${pick(r, policyIds)}]`] : []),
      `signedBy: ${bureau.shortName}`,
      '---',
      '',
    ].join('\n');
    files.push({ path: `replies/bench-${String(i).padStart(6, '0')}.md`, text: front + body(r, 1000 + Math.floor(r() * 2000)) });
  }
  const types = Object.keys(announcementTypes) as AnnouncementType[];
  for (let i = 0; i < Math.floor(n / 20); i++) {
    const type = types[i % types.length];
    const year = 2023 + (i % 3);
    const month = 1 + (i % 12);
    const period = { month: `${year}-${String(month).padStart(2, '0')}`, quarter: `${year}Q${1 + (i % 4)}`, half: `${year}H${1 + (i % 2)}`, year: `${year}`, any: `${year}` }[announcementTypes[type].period];
    const rows = Array.from({ length: 5 }, (_, k) => `[第${k + 1}人民医院, ${(90 + r() * 10).toFixed(1)}%, ${Math.floor(r() * 500)}]`);
    const front = [
      '---',
      `title: ${period}${announcementTypes[type].zh}（第${i + 1}期）`,
      `type: ${type}`,
      `period: "${period}"`,
      `published: ${year}-${String(month).padStart(2, '0')}-${String(1 + (i % 27)).padStart(2, '0')}`,
      `issuer: ${bureau.name}`,
      'tables:',
      '  - caption: 定点医疗机构入组情况',
      '    columns: [医疗机构, 入组率, 病例数]',
      `    rows: [${rows.join(', ')}]`,
      '---',
      '',
    ].join('\n');
    files.push({ path: `announcements/bench-${String(i).padStart(5, '0')}.md`, text: front + body(r, 1000 + Math.floor(r() * 2000)) });
  }
  return files;
}
