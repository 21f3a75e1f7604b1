/**
 * `npm run summary -- --quarter 2026Q3 [--dry-run] [--budget N] [--mode files|commit|pr] [--as-of 2026-10-08]`:
 * reads every opinion of the quarter from the tracker and writes content/summaries/2026-q3.md with the
 * figures, plus 2026-q3.xlsx and 2026-q3.csv for the upward report. Without --quarter: the quarter
 * before today's (the scheduled run at each quarter's start). Same figures → no file changes.
 */
import { loadBureau } from './lib/bureau.ts';
import { loadCodeList } from './lib/code-list-fs.ts';
import { contentDir } from './lib/content-dir.ts';
import { readContentBytes, readContentFile } from './lib/publish/apply.ts';
import { loadCodeExtractor, loadOpinionReader, parseFlags } from './lib/publish/context-fs.ts';
import { deliver, publishMode } from './lib/publish/deliver.ts';
import { parseQuarter, previousQuarter, quarterKey, quarterOfDay } from './lib/publish/periods.ts';
import { createBudget, describePlan } from './lib/publish/plan.ts';
import { summariseQuarter } from './lib/publish/quarterly.ts';
import { planSummary } from './lib/publish/summary-doc.ts';
import { createTrackerFromEnv } from './lib/tracker/from-env.ts';
import { loadWorkCalendar } from './lib/workdays-fs.ts';
import { chinaDate } from './lib/workdays.ts';

const flags = parseFlags(process.argv.slice(2), { budget: 5000 });
const today = flags.values['as-of'] ?? chinaDate(new Date());
const quarter = flags.values.quarter ? parseQuarter(flags.values.quarter) : previousQuarter(quarterOfDay(today));
const bureau = loadBureau();
const dir = contentDir();
const port = await createTrackerFromEnv(process.env);
const budget = createBudget(flags.budget);
const codeList = loadCodeList();
const result = await summariseQuarter(port, quarter, today, {
  bureau, calendar: loadWorkCalendar(), codeList, extractCodes: await loadCodeExtractor(), readOpinion: await loadOpinionReader(), budget,
});
if (result.incomplete) {
  console.error(`操作预算（${flags.budget}）不足以读完 ${quarterKey(quarter)} 的全部意见，未生成汇总：请用 --budget 调高后重试`);
  process.exit(1);
}
const { plan } = await planSummary(result.figures, result.facts, quarter, today, (p) => readContentFile(dir, p), (p) => readContentBytes(dir, p));
const f = result.figures;
console.log(`${quarterKey(quarter)}：收到 ${f.received}，已答复 ${f.answered}，办理中 ${f.open}，逾期 ${f.overdue.length}，报送上级 ${f.escalated.length}，按期办结率 ${f.onTimeRate === null ? '—' : `${(f.onTimeRate * 100).toFixed(1)}%`}`);
for (const line of describePlan(plan)) console.log(flags.dryRun ? `[dry-run] ${line}` : line);
const mode = publishMode(bureau, process.env, flags.mode);
const applied = await deliver(plan, { mode, port, contentDir: dir, env: process.env, budget, dryRun: flags.dryRun, branch: 'publish/summaries', title: `发布${quarterKey(quarter)}季度汇总` });
if (!flags.dryRun) console.log(`已写入 ${applied.written.length} 个文件（${mode}）${applied.ref ? `：${applied.ref}` : ''}`);
console.log(`操作 ${budget.used}/${budget.limit}`);
