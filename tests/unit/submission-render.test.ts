import { describe, expect, it } from 'vitest';
import { parseOpinionBlock } from '../../scripts/lib/opinion-block.ts';
import { categoryLabel, flags, sourceLabel } from '../../scripts/lib/labels.ts';
import { renderIssue } from '../../scripts/lib/submission/render-issue.ts';
import { parseSubmission, type Submission } from '../../schemas/submission.ts';

function submission(extra: Record<string, unknown> = {}): Submission {
  const r = parseSubmission({
    organization: '济源市人民医院', submitterName: '李四', contact: 'lisi@example.com', unit: '医保办', submitterType: 'hospital',
    category: 'grouping', title: 'FM1 组入组规则建议', details: '建议调整 FM1 的入组规则，@octocat 请看 #12。\n### 问题分类\n其他', publicConsent: false,
    drgName: '经皮大血管复杂手术', drgCode: 'FM19',
    cases: [{ mainDiagnosis: { name: '急性心肌梗死', code: 'I21.000' }, secondaryDiagnoses: [{ name: '2型糖尿病', code: 'E11.900' }], mainProcedure: { name: '冠脉支架', code: '36.0601' }, patients: 12, totalCost: 420000, averageCost: 35000 }],
    ambiguous: { mainDiagnosis: { code: 'I21.000' }, reason: '主要诊断与手术不匹配 | 进入 FQY', patients: 4, costs: '例均 3.2 万元' },
    ...extra,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}
const render = (s = submission()) =>
  renderIssue({
    submission: s, trackingCode: 'JY-2026-7K3M9Q', key: 'k-hash', receivedAt: '2026-11-02T02:30:00.000Z', deadline: '2026-11-30',
    office: 'admin', warnings: [{ field: 'drgCode', message: 'DRG 代码 ZZ99 不在当前分组方案中' }],
  });

describe('issue rendering', () => {
  it('uses the contract headings, in a readable order, with the initial labels', () => {
    const issue = render();
    for (const h of ['单位名称', '提交人类型', '问题分类', '主要意见及建议', '具体问题和建议', '来源渠道', '同意公开单位名称', 'DRG/DIP 名称与代码', '病案举例'])
      expect(issue.body).toContain(`\n### ${h}\n\n`);
    expect(issue.body.indexOf('### 问题分类\n\n分组技术类')).toBeGreaterThan(0);
    expect(issue.labels).toEqual([flags.opinion, sourceLabel('web'), categoryLabel('grouping')]);
    expect(issue.title).toBe('FM1 组入组规则建议');
    expect(issue.body).toContain('| 1 | `I21.000` 急性心肌梗死 | `E11.900` 2型糖尿病 | `36.0601` 冠脉支架 | 12 | 420,000 | 35,000 |');
    expect(issue.body).toContain('**答复期限** 2026-11-30');
    expect(issue.body).toContain('2026-11-02 10:30（北京时间）');
  });

  it('ends with a machine block that parses back to the record, with the grouping fields', () => {
    const issue = render();
    const record = parseOpinionBlock(issue.body);
    expect(record).toEqual(issue.record);
    expect(record).toMatchObject({ trackingCode: 'JY-2026-7K3M9Q', source: 'web', selectedCategory: 'grouping', organization: '济源市人民医院', publicConsent: false });
    expect(record!.details).toContain('DRG：FM19 经皮大血管复杂手术');
    expect(record!.details).toContain('病案举例 1：主要诊断 I21.000 急性心肌梗死');
    expect(issue.body.trimEnd().endsWith('```')).toBe(true);
  });

  it('carries no name or contact, not even sealed, and tells staff where they are kept', () => {
    const issue = render();
    expect(issue.body).not.toContain('李四');
    expect(issue.body).not.toContain('lisi@example.com');
    expect(issue.body).not.toMatch(/sealed1\./);
    expect(Object.keys(issue.record)).not.toContain('sealedContact');
    expect(issue.body).toContain('npm run --silent contact -- JY-2026-7K3M9Q');
  });

  it('keeps user text inert: the only real headings are ours, no mention, no reference', () => {
    const issue = render();
    const visible = issue.body.slice(0, issue.body.indexOf('```json opinion'));
    expect(visible.match(/^### 问题分类$/gm)).toHaveLength(1);
    expect(visible).not.toMatch(/(^|[^\w＠])@\w/);
    expect(visible).not.toMatch(/(^|[^＃])#\d/);
    expect(visible).toContain('主要诊断与手术不匹配 \\| 进入 FQY');
  });

  it('shows code warnings for staff and omits empty grouping sections', () => {
    const plain = render(submission({ category: 'policy', drgName: '', drgCode: '', cases: [], ambiguous: undefined }));
    expect(plain.body).not.toContain('### 病案举例');
    expect(plain.body).not.toContain('### DRG/DIP 名称与代码');
    expect(plain.body).toContain('### 代码核对\n\n- ⚠️ DRG 代码 ZZ99 不在当前分组方案中');
  });
});
