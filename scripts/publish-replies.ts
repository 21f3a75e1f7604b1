/**
 * `npm run replies [-- --dry-run] [--budget 200] [--issue 12] [--mode files|commit|pr]`: renders every
 * answered opinion (label 已答复) of the tracker into content/replies/<查询码>.md and publishes them
 * (files offline; a pull request or commit on GitHub). Unchanged replies are not rewritten.
 */
import { loadBureau } from './lib/bureau.ts';
import { loadCodeList } from './lib/code-list-fs.ts';
import { contentDir } from './lib/content-dir.ts';
import { readContentFile } from './lib/publish/apply.ts';
import { loadCodeExtractor, loadOpinionReader, loadPolicyRefs, parseFlags } from './lib/publish/context-fs.ts';
import { deliver, publishMode } from './lib/publish/deliver.ts';
import { createBudget, describePlan } from './lib/publish/plan.ts';
import { planReplies } from './lib/publish/replies.ts';
import { createTrackerFromEnv } from './lib/tracker/from-env.ts';

const flags = parseFlags(process.argv.slice(2), { budget: 500 });
const bureau = loadBureau();
const dir = contentDir();
const port = await createTrackerFromEnv(process.env);
const budget = createBudget(flags.budget);
const plan = await planReplies(port, {
  bureau, codeList: loadCodeList(), extractCodes: await loadCodeExtractor(), policies: await loadPolicyRefs(dir),
  readOpinion: await loadOpinionReader(), readExisting: (p) => readContentFile(dir, p), budget, only: flags.issues,
});
for (const line of describePlan(plan)) console.log(flags.dryRun ? `[dry-run] ${line}` : line);
const mode = publishMode(bureau, process.env, flags.mode);
const result = await deliver(plan, { mode, port, contentDir: dir, env: process.env, budget, dryRun: flags.dryRun, branch: 'publish/replies', title: '发布意见答复' });
if (!flags.dryRun) console.log(`已写入 ${result.written.length} 个文件（${mode}）${result.ref ? `：${result.ref}` : ''}`);
if (result.deferred.length) console.log(`操作预算用完，留待下次：${result.deferred.join('、')}`);
console.log(`操作 ${budget.used}/${budget.limit}`);
