/**
 * `npm run import:seeds [-- --dry-run] [--seeds <dir>]`: imports the five seed documents (default folder: tests/fixtures/seeds/)
 * into content/ with the per-document metadata in scripts/lib/seed-documents.ts. All plans are made
 * and checked first; nothing is written if any of them has a problem. Re-running rewrites the same files.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { contentDir } from './lib/content-dir.ts';
import { decodeText, describePlan, planImport, renderPlan, writeDecision } from './lib/import-notice.ts';
import { seedDocuments, seedProvenance } from './lib/seed-documents.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false }, seeds: { type: 'string' } } });
const seedsDir = values.seeds ? resolve(process.env.INIT_CWD ?? process.cwd(), values.seeds) : resolve(repoRoot, 'tests/fixtures/seeds');

const plans = await Promise.all(
  seedDocuments.map(async (seed) => planImport(decodeText(await readFile(join(seedsDir, seed.file))), { ...seed.options, sourceName: seed.file, provenance: seedProvenance(seed) })),
);
const problems = plans.flatMap((p) => p.problems);
for (const plan of plans) console.log(describePlan(plan));
if (problems.length) {
  console.error(`\n${problems.join('\n')}\n\n未写入任何文件。`);
  process.exit(1);
}
for (const plan of plans) {
  const out = join(contentDir(), plan.path);
  const text = renderPlan(plan);
  const decision = writeDecision(await readFile(out, 'utf8').catch(() => undefined), text, true);
  if (!values['dry-run'] && decision !== 'unchanged') await mkdir(dirname(out), { recursive: true }).then(() => writeFile(out, text));
  console.log(`${values['dry-run'] ? '[dry-run] ' : ''}${decision}: ${out}`);
}
