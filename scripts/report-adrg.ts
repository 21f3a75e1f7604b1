/**
 * `npm run report:adrg -- --half 2026H1 [--dry-run] [--mode files|commit|pr]`: the mid-July / mid-December
 * report of ADRG-level suggestions (泰州 notice 二(四)) from the tracker, written as
 * content/summaries/adrg-2026h1.xlsx and .csv (downloadable at /summaries/downloads/). Without --half:
 * the report due next (H1 until 15 July, then H2).
 */
import { loadBureau } from './lib/bureau.ts';
import { loadCodeList } from './lib/code-list-fs.ts';
import { contentDir } from './lib/content-dir.ts';
import { adrgReportCsv, adrgReportRows, adrgReportWindow, adrgReportWorkbook, parseHalf } from './lib/publish/adrg-report.ts';
import { readContentBytes, readContentFile } from './lib/publish/apply.ts';
import { loadCodeExtractor, loadOpinionReader, parseFlags } from './lib/publish/context-fs.ts';
import { deliver, publishMode } from './lib/publish/deliver.ts';
import { collectFacts } from './lib/publish/facts.ts';
import { createBudget, describePlan, emptyPlan, planFile } from './lib/publish/plan.ts';
import { createTrackerFromEnv } from './lib/tracker/from-env.ts';
import { loadWorkCalendar } from './lib/workdays-fs.ts';
import { chinaDate } from './lib/workdays.ts';

const flags = parseFlags(process.argv.slice(2), { budget: 5000 });
const today = flags.values['as-of'] ?? chinaDate(new Date());
const half = parseHalf(flags.values.half ?? `${today.slice(0, 4)}H${today.slice(5) <= '07-15' ? 1 : 2}`);
const window = adrgReportWindow(half);
const bureau = loadBureau();
const dir = contentDir();
const port = await createTrackerFromEnv(process.env);
const budget = createBudget(flags.budget);
const codeList = loadCodeList();
const { facts, incomplete } = await collectFacts(port, { from: window.from, to: window.to }, {
  bureau, calendar: loadWorkCalendar(), codeList, extractCodes: await loadCodeExtractor(), readOpinion: await loadOpinionReader(), budget,
});
if (incomplete) {
  console.error(`操作预算（${flags.budget}）不足以读完全部意见，未生成汇报：请用 --budget 调高后重试`);
  process.exit(1);
}
const rows = adrgReportRows(facts, (code) => codeList?.name(code));
const id = `adrg-${half.year}h${half.half}`;
const plan = emptyPlan();
const stamp = window.due < today ? window.due : today;
planFile(plan, `summaries/${id}.csv`, adrgReportCsv(rows), await readContentFile(dir, `summaries/${id}.csv`), `${half.year}H${half.half} ADRG 意见汇报`);
planFile(plan, `summaries/${id}.xlsx`, await adrgReportWorkbook(rows, half, window.due), await readContentBytes(dir, `summaries/${id}.xlsx`), `${half.year}H${half.half} ADRG 意见汇报`);
console.log(`${window.from} 至 ${window.to}：ADRG 层面意见 ${new Set(rows.map((r) => r.code)).size} 条，涉及 ${new Set(rows.map((r) => r.adrg)).size} 个 ADRG（汇报期限 ${window.due}${stamp === window.due ? '' : '，尚未到期'}）`);
for (const line of describePlan(plan)) console.log(flags.dryRun ? `[dry-run] ${line}` : line);
const mode = publishMode(bureau, process.env, flags.mode);
const applied = await deliver(plan, { mode, port, contentDir: dir, env: process.env, budget, dryRun: flags.dryRun, branch: 'publish/summaries', title: `发布${half.year}H${half.half} ADRG 意见汇报` });
if (!flags.dryRun) console.log(`已写入 ${applied.written.length} 个文件（${mode}）${applied.ref ? `：${applied.ref}` : ''}`);
