/**
 * Syncs the tracker's labels with .github/labels.json (labels as code).
 *   npm run labels:sync [-- --dry-run] [--budget N]   create missing labels, fix colours and descriptions
 *   npm run labels:sync -- --write                     regenerate .github/labels.json from scripts/lib/labels.ts
 *   npm run labels:sync -- --check                     exit 1 when the file and scripts/lib/labels.ts differ
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { labelsAsCode } from './lib/labels.ts';
import { createTrackerFromEnv } from './lib/tracker/from-env.ts';
import { main, parseFlags } from './lib/triage/cli.ts';
import { labelsFile, parseLabelsFile, planLabelSync, renderLabelsFile } from './lib/triage/labels-sync.ts';

await main(async () => {
  const { values } = parseFlags(process.argv.slice(2), { write: { type: 'boolean', default: false }, check: { type: 'boolean', default: false } });
  const generated = renderLabelsFile(labelsAsCode());
  if (values.write) return void (writeFileSync(labelsFile, generated), console.log(`wrote ${labelsFile} (${labelsAsCode().length} labels)`));
  const text = readFileSync(labelsFile, 'utf8');
  if (values.check) {
    if (text !== generated) throw new Error(`${labelsFile} 与 scripts/lib/labels.ts 不一致：运行 npm run labels:sync -- --write 重新生成`);
    return void console.log(`${labelsFile} matches scripts/lib/labels.ts`);
  }
  const budget = values.budget === undefined ? 100 : Number(values.budget);
  const port = await createTrackerFromEnv(process.env, 'feedback-bot');
  const plan = planLabelSync(parseLabelsFile(text), await port.listLabels());
  const writes = [...plan.create.map((l) => ({ l, what: 'create' })), ...plan.update.map((u) => ({ l: u.label, what: `update (was #${u.was.color} “${u.was.description}”)` }))];
  let done = 0;
  for (const { l, what } of writes) {
    if (values['dry-run']) console.log(`would ${what} “${l.name}” #${l.color}`);
    else if (done >= budget) break;
    else {
      await port.upsertLabel(l);
      done++;
      console.log(`${what} “${l.name}” #${l.color}`);
    }
  }
  const left = values['dry-run'] ? 0 : writes.length - done;
  console.log(`labels: ${plan.create.length} to create, ${plan.update.length} to update, ${plan.unchanged} unchanged${values['dry-run'] ? ' (dry run: nothing written)' : ''}`);
  if (left) console.log(`operations budget (${budget}) exhausted: ${left} label(s) not synced; run again to finish`);
});
