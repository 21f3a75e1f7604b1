/**
 * Labels as code: .github/labels.json lists every label the tracker uses (generated from labelsAsCode() in
 * scripts/lib/labels.ts, the one vocabulary), and a sync creates missing labels and fixes colours and
 * descriptions. It never deletes a label: people may keep labels of their own.
 */
import type { TrackerLabel } from '../tracker/port.ts';

export const labelsFile = '.github/labels.json';

export interface LabelSyncPlan {
  create: TrackerLabel[];
  update: { label: TrackerLabel; was: TrackerLabel }[];
  unchanged: number;
}

export function planLabelSync(wanted: TrackerLabel[], existing: TrackerLabel[]): LabelSyncPlan {
  const byName = new Map(existing.map((l) => [l.name, l]));
  const plan: LabelSyncPlan = { create: [], update: [], unchanged: 0 };
  for (const label of wanted) {
    const was = byName.get(label.name);
    if (!was) plan.create.push(label);
    else if (was.color.toLowerCase() !== label.color.toLowerCase() || (was.description ?? '') !== label.description) plan.update.push({ label, was });
    else plan.unchanged++;
  }
  return plan;
}

/** The file's text for a label list: stable order and formatting, so a check can compare bytes. */
export const renderLabelsFile = (labels: TrackerLabel[]) => `${JSON.stringify(labels, null, 2)}\n`;

/** Validates the file's content; errors name the entry and field. */
export function parseLabelsFile(text: string, file = labelsFile): TrackerLabel[] {
  const data = JSON.parse(text) as unknown;
  if (!Array.isArray(data)) throw new Error(`${file}: 应为标签数组`);
  return data.map((l, i) => {
    const where = `${file}[${i}]`;
    if (!l || typeof l.name !== 'string' || !l.name) throw new Error(`${where}.name: 缺少标签名称`);
    if (typeof l.color !== 'string' || !/^[0-9a-fA-F]{6}$/.test(l.color)) throw new Error(`${where}.color: 应为 6 位十六进制颜色（不带 #）`);
    if (typeof l.description !== 'string' || l.description.length > 100) throw new Error(`${where}.description: 应为不超过 100 字的说明`);
    return { name: l.name, color: l.color, description: l.description };
  });
}
