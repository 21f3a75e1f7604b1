/**
 * The five source documents, copied as the public documents they are into tests/fixtures/seeds/ (see its README.md) and what the importer cannot read
 * from their text: region, a summary written for people, links between them, and the reply's triage
 * fields. Everything else (title, 文号, issuer, dates, status, sections, attachments, tags) is detected
 * by scripts/lib/import-notice.ts. Used by `npm run import:seeds` and by the content tests, which
 * check that the committed content/ is exactly what this produces.
 */
import type { ImportOptions } from './import-notice.ts';

export interface SeedDocument {
  /** File name in tests/fixtures/seeds/ (copies of the public notices). */
  file: string;
  options: ImportOptions & { id: string };
}

const unknownIssueDate =
  '原文未印成文日期，网上也未找到可核实的发布页面。按文中能确定的最早界限（本文或所引文件文号的年份）取该年1月1日作保守值，\n并以 issuedPrecision: year 标明只精确到年；核实真实日期后在 scripts/lib/seed-documents.ts 改正\n并删去 issuedPrecision，再运行 npm run import:seeds。';

export const seedDocuments: SeedDocument[] = [
  {
    file: 'taizhou-drg-communication-feedback-2024.txt',
    options: {
      collection: 'policies',
      id: 'taizhou-2024-65',
      meta: {
        region: '江苏省泰州市',
        summary:
          '泰州市医保局建立DRG支付方式改革“月告知、季公告、年通报”沟通交流机制：每月月底前告知、每季度第二个月上旬公告、年度清算后1个月内通报，接受定点医疗机构的异议申诉和意见建议，ADRG等技术规范建议每年7月中旬和12月中旬上报。',
        related: ['policies/jiyuan-feedback-mechanism-draft', 'policies/jilin-2024-14'],
      },
    },
  },
  {
    file: 'jiyuan-drg-feedback-mechanism-draft.txt',
    options: {
      collection: 'policies',
      id: 'jiyuan-feedback-mechanism-draft',
      // The 意见建议表 is the notice's operative form (the four categories, the 歧义组 fields): it stays
      // in the body so search finds it (issue 2: `歧义组` finds the Jiyuan notice).
      attachmentsAs: 'section',
      meta: {
        region: '河南省济源示范区',
        issued: '2024-01-01',
        issuedPrecision: 'year',
        summary:
          '济源示范区医保局就按病组（DRG）付费意见收集反馈工作机制征求意见：意见分为政策措施类、核心要素类、分组技术类、其他四类，分别由医保行政部门和经办机构处置，超出权限的报送省医保局，暂不采纳的做好意见留用记录，按季度汇总；附《济源示范区按病组付费意见建议表》。',
        related: ['policies/taizhou-2024-65', 'policies/jilin-2024-14', 'policies/sanmenxia-2020-17'],
      },
      comments: {
        issued: `${unknownIssueDate}\n所引《关于印发按病组和病种分值付费2.0版分组方案并深入推进相关工作的通知》为医保发〔2024〕9号（见吉林通知）。`,
      },
    },
  },
  {
    file: 'sanmenxia-drg-payment-work-plan-2020.txt',
    options: {
      collection: 'policies',
      id: 'sanmenxia-2020-17',
      meta: {
        region: '河南省三门峡市',
        summary:
          '三门峡市人民政府办公室印发DRG付费工作方案：明确总体要求和十项工作任务，2022年1月起模拟运行，2023年1月起二级以上定点医疗机构DRG实际付费，成立领导小组和专家组。',
        related: ['policies/jiyuan-feedback-mechanism-draft'],
      },
    },
  },
  {
    file: 'jilin-drg-dip-2.0-grouping-2024.txt',
    options: {
      collection: 'policies',
      id: 'jilin-2024-14',
      meta: {
        issued: '2024-01-01',
        issuedPrecision: 'year',
        summary:
          '吉林省医保局部署按病组（DRG）和病种分值（DIP）付费2.0版分组方案落地：最晚2025年1月1日起全省统一分组版本，完善特例单议机制（按季度评议、每半年公告），每年年底公布预付金拨付情况，建立专家组、数据工作组和意见收集专用邮箱。',
        related: ['policies/jiyuan-feedback-mechanism-draft', 'policies/taizhou-2024-65', 'replies/sichuan-2025-drg-settlement-proposal'],
      },
      comments: { issued: `${unknownIssueDate}\n文号为吉医保发〔2024〕14号；文中最早的期限为当年“9月30日前”，故成文日期在2024年1月1日至9月30日之间。` },
    },
  },
  {
    file: 'sichuan-reply-to-proposal-2025.txt',
    options: {
      collection: 'replies',
      id: 'sichuan-2025-drg-settlement-proposal',
      // Privacy rule (DEVELOPERS.md): no submitter's name on the site, even a public CPPCC member's.
      addressee: '提案人',
      meta: {
        question: '关于完善医保DRG支付结算，促进“医、保、患”三方共赢的提案',
        category: 'policy',
        office: 'admin',
        submitterType: 'department',
        received: '2025-06-30',
        outcome: 'explained',
        unitNamed: false,
        codes: [],
        signedBy: '四川省医疗保障局',
      },
      comments: {
        category: '提案涉及支付政策、协同机制和配套措施（济源通知二(一)1 政策措施类），由行政部门答复。',
        submitterType:
          '政协委员的提案经政协提案委员会交办，是机构渠道而非个人来信；济源通知一(一)的七类提交人中“相关部门”最接近\n（不是医疗机构、药店、学会、专家、医护人员或参保群众个人）。',
        received: '答复未写明收到（交办）日期。取答复日期作保守值：不虚构更早的日期；办理时长因此按0天计，不会被误算为超期。',
        outcome:
          '一、二、四部分说明已开展的工作和现行政策；三（职工和居民医保统筹调剂基金池）因《社会保险基金财务制度》第六条暂不能采纳，\n需研究论证。整体为解释说明。',
      },
    },
  },
];

/** The comment at the top of each generated file: edit the metadata here, not the file. */
export function seedProvenance(seed: SeedDocument): string {
  return `由 npm run import:seeds 从 tests/fixtures/seeds/${seed.file} 生成。\n要改元数据请改 scripts/lib/seed-documents.ts 后重新生成（测试会核对两者一致）。`;
}
