/**
 * `npm run import:notice -- <file.txt> [options]`: imports one plain-text notice (or reply) into
 * content/. The core (scripts/lib/import-notice.ts) makes the plan; this shell reads, reports and
 * writes. `--dry-run` prints the file it would write; an existing, different file needs `--force`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { contentDir } from './lib/content-dir.ts';
import { decodeText, describePlan, importArgs, importUsage, optionsFromArgs, planImport, renderPlan, writeDecision } from './lib/import-notice.ts';

const { values, positionals } = parseArgs({ options: importArgs, allowPositionals: true });
if (positionals.length !== 1) {
  console.error(importUsage);
  process.exit(2);
}
// npm runs scripts from the package folder; paths the user typed are relative to where they typed them.
const here = (p: string) => resolve(process.env.INIT_CWD ?? process.cwd(), p);
const source = here(positionals[0]);
const plan = planImport(decodeText(await readFile(source)), optionsFromArgs(values, basename(source)));
console.log(describePlan(plan));
if (plan.problems.length) {
  console.error(`\n${plan.problems.join('\n')}\n\n未写入：请用上面列出的字段选项补充或更正（npm run import:notice 不带参数可查看用法）。`);
  process.exit(1);
}
const out = values.out ? (values.out.endsWith('.md') ? here(values.out) : join(here(values.out), `${plan.id}.md`)) : join(contentDir(), plan.path);
const text = renderPlan(plan);
const decision = writeDecision(await readFile(out, 'utf8').catch(() => undefined), text, values.force);
if (values['dry-run']) {
  console.log(`\n[dry-run] ${decision} ${out}（未写入）\n\n${text}`);
} else if (decision === 'refuse') {
  console.error(`\n${out} 已存在且内容不同；确认要覆盖请加 --force。`);
  process.exit(1);
} else {
  if (decision !== 'unchanged') await mkdir(dirname(out), { recursive: true }).then(() => writeFile(out, text));
  console.log(`\n${decision}: ${out}`);
}
