import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { categories, categoryKeys, submitterTypeKeys, submitterTypes } from '../../schemas/common.ts';
import { submissionLabels, submissionSchema } from '../../schemas/submission.ts';
import { issueFormFieldOf, opinionIssueForm } from '../../scripts/lib/submission/issue-forms.ts';
import { renderIssueFormFiles } from '../../scripts/lib/submission/issue-forms-yaml.ts';

type Element = { type: string; id?: string; attributes: { label?: string; description?: string; placeholder?: string; options?: string[] } };
const committed = yaml.load(readFileSync('.github/ISSUE_TEMPLATE/opinion.yml', 'utf8')) as { body: Element[]; labels: string[] };
const byId = new Map(committed.body.filter((e) => e.id).map((e) => [e.id!, e]));

describe('issue forms for opinions received offline', () => {
  it('are the files generated from the schema (run `npm run issue-forms` after changing it)', () => {
    for (const [path, text] of Object.entries(renderIssueFormFiles())) expect(readFileSync(path, 'utf8'), path).toBe(text);
  });

  it('cover every field of the submission schema, under its label', () => {
    expect(Object.keys(issueFormFieldOf).sort()).toEqual(Object.keys(submissionSchema.shape).sort());
    for (const [field, id] of Object.entries(issueFormFieldOf) as [keyof typeof submissionLabels, string | null][]) {
      if (id === null) continue; // personal data: never in the tracker (next test)
      const element = byId.get(id);
      expect(element, `${field} → ${id}`).toBeDefined();
      const text = `${element!.attributes.label} ${element!.attributes.description ?? ''}`;
      expect(text, field).toContain(submissionLabels[field]);
    }
  });

  it('use the headings triage parses (contracts.md)', () => {
    const labels = committed.body.map((e) => e.attributes.label).filter(Boolean);
    for (const h of ['单位名称', '提交人类型', '问题分类', '主要意见及建议', '具体问题和建议', '来源渠道', '同意公开单位名称', 'DRG/DIP 名称与代码', '病案举例'])
      expect(labels).toContain(h);
  });

  it('offer the schema’s categories and submitter types in Chinese, and only offline sources', () => {
    expect(byId.get('category')!.attributes.options).toEqual(categoryKeys.map((k) => categories[k].zh));
    expect(byId.get('submitterType')!.attributes.options).toEqual(submitterTypeKeys.map((k) => submitterTypes[k].zh));
    expect(byId.get('source')!.attributes.options).not.toContain('网页表单');
    expect(committed.labels).toEqual(opinionIssueForm().labels);
  });

  it('never ask for name or contact, not even sealed, and say where they go instead', () => {
    expect([issueFormFieldOf.submitterName, issueFormFieldOf.contact]).toEqual([null, null]);
    expect(committed.body.some((e) => /填报人|联系方式|sealed1/.test(`${e.attributes.label ?? ''} ${e.attributes.placeholder ?? ''}`))).toBe(false);
    expect(JSON.stringify(committed.body[0])).toContain('npm run --silent contact -- --add');
  });
});
