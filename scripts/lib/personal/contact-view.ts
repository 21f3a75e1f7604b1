/** What `npm run contact` prints: the name and contact, then every original field that was sent. */
import { submissionLabels } from '../../../schemas/submission.ts';
import type { SealedContact } from '../sealed.ts';

const label = (key: string) => (submissionLabels as Record<string, string>)[key] ?? key;

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
