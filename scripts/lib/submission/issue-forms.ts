/**
 * The GitHub issue forms staff use for opinions received by mail, phone, meetings or letters, generated from
 * schemas/submission.ts so the form and the web submission never drift (`npm run issue-forms` writes them; a unit
 * test fails when the committed files differ). Labels are the headings triage reads (contracts.md): GitHub renders
 * each answer as `### <label>` followed by the value, `_No response_` when empty.
 *
 * Name and contact are personal data and the tracker is outside China (issue 12): the form asks for neither, not even
 * sealed; staff store them on the bureau's server with `npm run --silent contact -- --add '#<议题编号>' …`.
 */
import { categories, categoryKeys, sourceKeys, sources, submitterTypeKeys, submitterTypes } from '../../../schemas/common.ts';
import { submissionLabels as L, submissionLimits, type SubmissionField } from '../../../schemas/submission.ts';
import { flags } from '../labels.ts';
import { issueHeadings } from './render-issue.ts';

type FormElement =
  | { type: 'markdown'; attributes: { value: string } }
  | {
      type: 'input' | 'textarea' | 'dropdown';
      id: string;
      attributes: { label: string; description?: string; placeholder?: string; options?: string[]; render?: string };
      validations?: { required: boolean };
    };

export interface IssueForm {
  name: string;
  description: string;
  title: string;
  labels: string[];
  body: FormElement[];
}

/**
 * Which issue-form field carries each schema field (tests check every schema field is covered); null for the
 * personal fields, which never go into the tracker (stored with `npm run contact -- --add`).
 */
export const issueFormFieldOf: Record<SubmissionField, string | null> = {
  organization: 'organization',
  submitterName: null,
  contact: null,
  unit: 'unit',
  submitterType: 'submitterType',
  category: 'category',
  title: 'title',
  details: 'details',
  publicConsent: 'publicConsent',
  objection: 'objection',
  drgName: 'drgDip',
  drgCode: 'drgDip',
  dipName: 'drgDip',
  dipCode: 'drgDip',
  cases: 'cases',
  ambiguous: 'ambiguous',
};

const offline = sourceKeys.filter((k) => k !== 'web');

export function opinionIssueForm(): IssueForm {
  return {
    name: '线下收到的意见建议',
    // Only a writer's form is believed (scripts/lib/triage/trust.ts, issue 11); the form says so before anyone fills it.
    description: '工作人员登记通过专用邮箱、电话、座谈调研、书面征集或公开接待日收到的意见建议（仅有写权限的人员登记有效，其他人填写的将标为待核实；网页表单提交的会自动登记）',
    title: '[线下意见] ',
    labels: [flags.opinion],
    body: [
      {
        type: 'markdown',
        attributes: {
          value: [
            '按《意见建议表》登记一条线下收到的意见。**本系统在境外，不得保存个人信息**：不要在任何栏目填写填报人姓名、电话、邮箱或患者信息，',
            '也不要粘贴加密串。登记后在工作电脑上运行 `npm run --silent contact -- --add \'#<议题编号>\' "<填报人>" "<联系方式>"`，联系方式只保存在局方服务器。',
          ].join(''),
        },
      },
      { type: 'dropdown', id: 'source', attributes: { label: issueHeadings.source, description: '意见是通过哪个渠道收到的', options: offline.map((k) => sources[k].zh) }, validations: { required: true } },
      { type: 'input', id: 'organization', attributes: { label: L.organization, description: '意见建议表上的单位名称（公章）' }, validations: { required: true } },
      { type: 'input', id: 'unit', attributes: { label: L.unit, description: '例如 医保办、心内科' }, validations: { required: false } },
      { type: 'dropdown', id: 'submitterType', attributes: { label: L.submitterType, options: submitterTypeKeys.map((k) => submitterTypes[k].zh) }, validations: { required: true } },
      {
        type: 'dropdown',
        id: 'category',
        attributes: {
          label: L.category,
          description: `意见建议表上勾选的分类；没有勾选就留空，自动分拣会判断。${categoryKeys.map((k) => `${categories[k].zh}：${categories[k].hint}`).join('；')}`,
          options: categoryKeys.map((k) => categories[k].zh),
        },
        validations: { required: false },
      },
      { type: 'input', id: 'title', attributes: { label: L.title, description: `一句话概括，不超过 ${submissionLimits.title} 字` }, validations: { required: true } },
      { type: 'textarea', id: 'details', attributes: { label: L.details, description: '照录意见建议表的内容' }, validations: { required: true } },
      {
        type: 'textarea',
        id: 'drgDip',
        attributes: { label: issueHeadings.drgDip, description: `分组技术类问题填写：${L.drgName}、${L.drgCode}、${L.dipName}、${L.dipCode}，例如 “DRG：FM19 经皮冠状动脉支架植入”`, placeholder: 'DRG：FM19 …\nDIP：I21.0:36.06 …' },
        validations: { required: false },
      },
      {
        type: 'textarea',
        id: 'cases',
        attributes: { label: L.cases, description: '每例一行：主要诊断、次要诊断、主要手术和操作的名称及编码，患者数量，总费用和例均费用（元）', placeholder: 'I21.000 急性心肌梗死；次要诊断 E11.900 2型糖尿病；36.0601 …；患者 12 例；总费用 420000 元；例均 35000 元' },
        validations: { required: false },
      },
      {
        type: 'textarea',
        id: 'ambiguous',
        attributes: { label: L.ambiguous, description: '歧义组问题填写：主要诊断及编码、主要手术和操作名称及编码、无法正常入组原因、患者数量及费用统计情况' },
        validations: { required: false },
      },
      { type: 'input', id: 'objection', attributes: { label: L.objection, description: '对公告提出的异议申诉：填写公告编号，例如 announcements/2026-10-monthly-notice' }, validations: { required: false } },
      { type: 'dropdown', id: 'publicConsent', attributes: { label: L.publicConsent, description: '同意时，公开答复中列出单位名称（任何情况下都不公开填报人和联系方式）', options: ['否', '是'] }, validations: { required: true } },
    ],
  };
}

export function issueFormsConfig() {
  return {
    blank_issues_enabled: false,
    contact_links: [{ name: '网页提交意见建议', url: '/submit', about: '医疗机构和公众请通过网站的意见建议表提交，提交后可获得查询码' }],
  };
}
