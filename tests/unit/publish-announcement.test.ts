/** The issue-form flow for announcements: form answers → a schema-valid file and a CSV beside it. */
import { describe, expect, it } from 'vitest';
import { validateContentFile } from '../../scripts/lib/content.ts';
import { parseFrontmatter } from '../../scripts/lib/frontmatter.ts';
import { announcementFromIssue } from '../../scripts/lib/publish/announcement-issue.ts';

const form = (answers: Record<string, string>) =>
  Object.entries({
    公告标题: '2026年第三季度DRG付费季公告', 公告类型: '季公告', 所属期间: '2026Q3', 发布日期: '2026-11-05', 发布单位: '_No response_',
    摘要: '公告第三季度基金使用情况。', 公告正文: '## 一、总体情况\n\n第三季度医保基金运行平稳。', 数据表标题: '各医疗机构结算情况',
    '数据表（CSV）': '```csv\n机构,结算人次,结算金额（万元）\n市人民医院,1200,3456.7\n市中医院,800,1234.5\n```', 异议申诉截止日期: '2026-11-20',
    ...answers,
  })
    .map(([k, v]) => `### ${k}\n\n${v}`)
    .join('\n\n');

describe('announcement from an issue form', () => {
  it('writes a valid announcement and its CSV table', () => {
    const result = announcementFromIssue(form({}));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.id).toBe('2026-11-05-quarterly-announcement-2026q3');
    expect(result.files.map((f) => f.path)).toEqual(['announcements/2026-11-05-quarterly-announcement-2026q3.md', 'announcements/2026-11-05-quarterly-announcement-2026q3.csv']);
    const [md, csv] = result.files;
    expect(validateContentFile('announcements', md.path, md.content)).toEqual([]);
    const { data, body } = parseFrontmatter(md.content);
    expect(data).toMatchObject({ title: '2026年第三季度DRG付费季公告', type: 'quarterly-announcement', period: '2026Q3', tables: [{ caption: '各医疗机构结算情况', csv: '2026-11-05-quarterly-announcement-2026q3.csv' }] });
    expect(data.issuer).toBeUndefined();
    expect(body.trim()).toBe('## 一、总体情况\n\n第三季度医保基金运行平稳。');
    expect(csv.content).toBe('机构,结算人次,结算金额（万元）\n市人民医院,1200,3456.7\n市中医院,800,1234.5\n');
  });

  it('names the form fields that need fixing', () => {
    const result = announcementFromIssue(form({ 公告类型: '_No response_', 所属期间: '2026-10', 发布日期: '11月5日', 数据表标题: '_No response_' }));
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: '公告类型', message: '请选择公告类型（月告知、季公告、年通报、特例单议公告、预付金公告、通知）' },
        { field: '数据表标题', message: '粘贴了数据表时，请填写数据表标题' },
        { field: '发布日期', message: '日期格式应为 YYYY-MM-DD' },
      ],
    });
    const wrongPeriod = announcementFromIssue(form({ 所属期间: '2026-10' }));
    expect(wrongPeriod).toEqual({ ok: false, errors: [{ field: '所属期间', message: '季公告的期间应为季度（2026Q3）' }] });
  });
});
