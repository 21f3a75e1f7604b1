/**
 * The content schemas (schemas/): each accepts a realistic example and rejects a wrong field with a
 * message that names the field and says what is expected, as an author sees it from
 * `npm run validate` (`file: field: message`, scripts/lib/zod-errors.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { policySchema } from '../../schemas/policy.ts';
import { replySchema } from '../../schemas/reply.ts';
import { announcementSchema } from '../../schemas/announcement.ts';
import { summarySchema } from '../../schemas/summary.ts';
import { bureauSchema } from '../../schemas/bureau.ts';
import { attachmentSchema } from '../../schemas/common.ts';
import { formatZodError } from '../../scripts/lib/zod-errors.ts';

/** The author-facing lines for `data` in `file`, or [] when it is valid. */
function problems(schema: z.ZodType, data: unknown, file = 'content/x.md'): string[] {
  const result = schema.safeParse(data);
  return result.success ? [] : formatZodError(file, result.error).split('\n');
}

const policy = {
  title: '关于建立DRG支付方式改革沟通交流和信息反馈机制的通知',
  docNumber: '泰医保函〔2024〕65号',
  issuer: '泰州市医疗保障局',
  region: '江苏省泰州市',
  issued: '2024-07-10',
  status: 'in-force',
  tags: ['月告知', '季公告', '年通报'],
  attachments: [{ title: '附件 任务分解表', text: '| 序号 | 工作机制 |\n| --- | --- |\n| 1 | 月告知 |' }],
  related: ['policies/jiyuan-feedback-mechanism-draft', 'replies/sichuan-2025-drg-settlement-proposal'],
};

const reply = {
  title: '对《关于完善医保DRG支付结算的提案》的答复',
  question: '关于完善医保DRG支付结算，促进“医、保、患”三方共赢的提案',
  category: 'policy',
  office: 'admin',
  submitterType: 'department',
  received: '2025-06-30',
  replied: '2025-06-30',
  outcome: 'explained',
  codes: [{ code: 'FM19', kind: 'drg', name: '经皮冠状动脉支架植入' }],
  signedBy: '四川省医疗保障局',
};

const announcement = {
  title: '2026年10月DRG付费月告知',
  type: 'monthly-notice',
  period: '2026-10',
  published: '2026-10-28',
  tables: [{ caption: '病组入组情况', columns: ['医院', '入组率'], rows: [['某医院', 0.98]] }],
};

const summary = {
  title: '2026年第三季度意见收集反馈情况汇总',
  quarter: '2026Q3',
  published: '2026-10-08',
  received: 12,
  answered: 10,
  open: 2,
  byCategory: { policy: 3, grouping: 9 },
};

describe('policy schema', () => {
  it('accepts a policy with 文号, attachments and related items, and reads dates as dates', () => {
    const parsed = policySchema.parse(policy);
    expect(parsed.issued.toISOString().slice(0, 10)).toBe('2024-07-10');
    expect(parsed.attachments[0].title).toBe('附件 任务分解表');
  });

  it('rejects a related item that is not `collection/id`, saying how to write it', () => {
    expect(problems(policySchema, { ...policy, related: ['taizhou-2024-65'] }, 'content/policies/a.md')).toEqual([
      'content/policies/a.md: related.0: 关联条目应写成“集合/文件名”，例如 policies/taizhou-2024-65',
    ]);
    expect(problems(policySchema, { ...policy, related: ['opinions/x'] })[0]).toMatch(/^content\/x\.md: related\.0: 关联条目应写成/);
  });

  it('rejects a date that is not a calendar date', () => {
    expect(problems(policySchema, { ...policy, issued: '2024-13-45' })).toEqual(['content/x.md: issued: 日期格式应为 YYYY-MM-DD']);
    expect(problems(policySchema, { ...policy, issued: '七月十日' })).toEqual(['content/x.md: issued: 日期格式应为 YYYY-MM-DD']);
  });

  it('says how exact the issue date is: a day by default, or only the year when the text prints none', () => {
    expect(policySchema.parse(policy).issuedPrecision).toBe('day');
    expect(policySchema.parse({ ...policy, issued: '2024-01-01', issuedPrecision: 'year' }).issuedPrecision).toBe('year');
    expect(problems(policySchema, { ...policy, issuedPrecision: 'month' })[0]).toMatch(/^content\/x\.md: issuedPrecision: /);
  });

  it('rejects an unknown status and names the allowed ones', () => {
    const [line] = problems(policySchema, { ...policy, status: '有效' });
    expect(line).toMatch(/^content\/x\.md: status: /);
    expect(line).toContain('"in-force"');
  });

  it('rejects an attachment with neither a file nor a text', () => {
    expect(problems(policySchema, { ...policy, attachments: [{ title: '附件1' }] })).toEqual(['content/x.md: attachments.0: 附件需提供 file 或 text 之一']);
    expect(attachmentSchema.safeParse({ title: '附件1', file: '/files/a.pdf' }).success).toBe(true);
  });
});

describe('reply schema', () => {
  it('accepts a reply and defaults what is not given (unit not named, no tracker, no citations)', () => {
    const parsed = replySchema.parse(reply);
    expect(parsed).toMatchObject({ unitNamed: false, tracker: {}, cites: [] });
  });

  it('rejects a reply without a category, naming the four categories', () => {
    const { category: _omitted, ...withoutCategory } = reply;
    expect(problems(replySchema, withoutCategory, 'content/replies/r.md')).toEqual([
      'content/replies/r.md: category: 问题分类必须是 policy / core-elements / grouping / other 之一',
    ]);
  });

  it('rejects a bad replied date, an unknown outcome and a citation of something that is not a policy', () => {
    const lines = problems(replySchema, { ...reply, replied: '2025/06/31x', outcome: '已答复', cites: ['replies/other'] });
    expect(lines.map((l) => l.split(': ')[1])).toEqual(['replied', 'outcome', 'cites.0']);
    expect(lines[0]).toBe('content/x.md: replied: 日期格式应为 YYYY-MM-DD');
  });

  it('rejects a code of an unknown kind', () => {
    expect(problems(replySchema, { ...reply, codes: [{ code: 'FM19', kind: 'drg2' }] })[0]).toMatch(/^content\/x\.md: codes\.0\.kind: /);
  });
});

describe('announcement schema', () => {
  it('accepts a 月告知 for a month and a 特例单议公告 for a half-year', () => {
    expect(problems(announcementSchema, announcement)).toEqual([]);
    expect(problems(announcementSchema, { ...announcement, type: 'special-case-review', period: '2024H2' })).toEqual([]);
  });

  it('rejects a period that does not match the type, saying which period the type needs', () => {
    expect(problems(announcementSchema, { ...announcement, period: '2026Q3' }, 'content/announcements/a.md')).toEqual([
      'content/announcements/a.md: period: 月告知的期间应为月份（2026-10）',
    ]);
    expect(problems(announcementSchema, { ...announcement, type: 'quarterly-announcement' })).toEqual(['content/x.md: period: 季公告的期间应为季度（2026Q3）']);
  });

  it('reads an unquoted YAML year (a number) as the year period', () => {
    const annual = { ...announcement, type: 'annual-report', period: 2025 };
    expect(problems(announcementSchema, annual)).toEqual([]);
    expect(announcementSchema.parse(annual).period).toBe('2025');
  });

  it('rejects a malformed period and a table with neither CSV nor rows', () => {
    expect(problems(announcementSchema, { ...announcement, period: '2026-13' })).toEqual(['content/x.md: period: 期间格式应为 2026、2026H1、2026Q3 或 2026-10']);
    expect(problems(announcementSchema, { ...announcement, tables: [{ caption: '表1' }] })).toEqual(['content/x.md: tables.0: 数据表需提供 csv 或 columns + rows']);
  });
});

describe('summary schema', () => {
  it('accepts a quarter summary and defaults the figures that are not known yet', () => {
    const parsed = summarySchema.parse(summary);
    expect(parsed).toMatchObject({ medianDaysToReply: null, onTimeRate: null, overdue: [] });
  });

  it('rejects a quarter written another way and a negative count', () => {
    expect(problems(summarySchema, { ...summary, quarter: '2026-Q3' })).toEqual(['content/x.md: quarter: 季度格式应为 2026Q3']);
    expect(problems(summarySchema, { ...summary, open: -1 })[0]).toMatch(/^content\/x\.md: open: /);
  });
});

describe('bureau settings', () => {
  it('the demo bureau (济源) settings file is valid', () => {
    const bureau = JSON.parse(readFileSync(new URL('../../content/settings/bureau.json', import.meta.url), 'utf8'));
    expect(problems(bureauSchema, bureau, 'content/settings/bureau.json')).toEqual([]);
  });

  it('rejects a routing to an office that does not exist', () => {
    const bureau = JSON.parse(readFileSync(new URL('../../content/settings/bureau.json', import.meta.url), 'utf8'));
    expect(problems(bureauSchema, { ...bureau, routing: { ...bureau.routing, grouping: 'province' } })[0]).toMatch(/^content\/x\.md: routing\.grouping: /);
  });
});
