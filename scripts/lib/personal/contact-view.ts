/** What `npm run contact` prints: the name and contact, then every original field that was sent. */
import { submissionLabels } from '../../../schemas/submission.ts';
import type { SealedContact } from '../sealed.ts';

/** The form's own words for the nested fields of a case and a 歧义组 (schemas/submission.ts). */
const nested: Record<string, string> = {
  mainDiagnosis: '主要诊断', secondaryDiagnoses: '次要诊断', mainProcedure: '主要手术和操作', name: '名称', code: '编码',
  patients: '患者数量', totalCost: '总费用', averageCost: '例均费用', reason: '无法正常入组原因', costs: '费用统计情况',
};
const label = (key: string) => (submissionLabels as Record<string, string>)[key] ?? nested[key] ?? key;

function lines(value: unknown, indent: string): string[] {
  if (value === null || value === undefined || value === '') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => [`${indent}${i + 1}.`, ...lines(v, `${indent}   `)]);
  if (typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => {
    const inner = lines(v, `${indent}  `);
    if (!inner.length) return [];
    return typeof v === 'object' ? [`${indent}${label(k)}：`, ...inner] : [`${indent}${label(k)}：${inner[0].trim()}`];
  });
  return [`${indent}${String(value)}`];
}

export function renderContact(ref: string, opened: SealedContact): string {
  const out = [`${ref}`, `${label('submitterName')}：${opened.name}`, `${label('contact')}：${opened.contact}`];
  if (opened.original) out.push('', '原文（提交时的全部内容）：', ...lines(opened.original, '  '));
  return out.join('\n');
}
