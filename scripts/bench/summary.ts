/**
 * `npm run bench:summary [-- --n 20000 --quarter 2026Q3]`: fills a temporary local tracker with N
 * synthetic opinions over 8 quarters (2025Q1–2026Q4), then times one quarter's summary end to end:
 * reading the tracker, computing the figures and hot topics, drawing the charts (as the summary page
 * does at build time) and writing the workbook and CSV. Target: <= 10 s on this 2-core machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { categories, offices, outcomes, sources, submitterTypes } from '../../schemas/common.ts';
import { loadBureau } from '../lib/bureau.ts';
import { loadCodeList } from '../lib/code-list-fs.ts';
import { barChartSvg, comparisonChartSvg } from '../lib/publish/charts.ts';
import { formatOnlyCodes } from '../lib/publish/codes.ts';
import { parseFlags } from '../lib/publish/context-fs.ts';
import { parseQuarter } from '../lib/publish/periods.ts';
import { createBudget } from '../lib/publish/plan.ts';
import { summariseQuarter } from '../lib/publish/quarterly.ts';
import { renderSummaryFiles } from '../lib/publish/summary-doc.ts';
import { fillLocalTracker } from '../lib/publish/synthetic.ts';
import { openStore } from '../lib/store/store.ts';
import { createOpinionReader } from '../lib/triage/trust.ts';
import { createLocalTracker } from '../lib/tracker/local.ts';
import { loadWorkCalendar } from '../lib/workdays-fs.ts';

const flags = parseFlags(process.argv.slice(2), { budget: 1_000_000 });
const n = Number(flags.values.n ?? 20000);
const quarter = parseQuarter(flags.values.quarter ?? '2026Q3');
const bureau = loadBureau();
const dir = mkdtempSync(join(tmpdir(), 'bench-summary-'));
// One store, fsync off: the benchmark measures the summary, not filling the tracker.
const store = openStore(join(dir, 'store.sqlite'), { fsync: false });
try {
  let t0 = performance.now();
  await fillLocalTracker(store, { count: n, from: '2025-01-01', days: 730, bureau });
  console.log(`setup: ${n} synthetic issues over 8 quarters in ${((performance.now() - t0) / 1000).toFixed(1)} s (${dir})`);

  const port = createLocalTracker({ store });
  const rss0 = process.memoryUsage().rss;
  t0 = performance.now();
  const result = await summariseQuarter(port, quarter, '2026-10-20', {
    bureau, calendar: loadWorkCalendar(), codeList: loadCodeList(), extractCodes: formatOnlyCodes,
    // The synthetic issues are opened as the local tracker's own account, as the submission server opens them.
    readOpinion: createOpinionReader({ bureau, bots: { triage: 'feedback-bot', intake: 'feedback-bot' } }), budget: createBudget(flags.budget),
  });
  const tRead = performance.now();
  const f = result.figures;
  const charts = [
    barChartSvg('按问题分类', Object.entries(f.byCategory).map(([k, v]) => ({ label: categories[k as keyof typeof categories].zh, value: v }))),
    barChartSvg('按承办部门', Object.entries(f.byOffice).map(([k, v]) => ({ label: offices[k as keyof typeof offices].zh, value: v }))),
    barChartSvg('按提交人类型', Object.entries(f.bySubmitterType).map(([k, v]) => ({ label: submitterTypes[k as keyof typeof submitterTypes].zh, value: v }))),
    barChartSvg('按来源渠道', Object.entries(f.bySource).map(([k, v]) => ({ label: sources[k as keyof typeof sources].zh, value: v }))),
    barChartSvg('按办理结果', Object.entries(f.byOutcome).map(([k, v]) => ({ label: outcomes[k as keyof typeof outcomes].zh, value: v }))),
    comparisonChartSvg('热点问题', f.hotTopics.map((h) => ({ label: h.term, current: h.count, previous: h.previous }))),
  ];
  const tCharts = performance.now();
  const files = await renderSummaryFiles(f, result.facts, quarter, '2026-10-20', '2026-10-20');
  const tEnd = performance.now();
  const s = (a: number, b: number) => ((b - a) / 1000).toFixed(2);
  console.log(`quarter ${f.quarter}: received ${f.received}, answered ${f.answered}, open ${f.open}, overdue ${f.overdue.length}, escalated ${f.escalated.length}, reserved groups ${f.reserved.length}, hot topics ${f.hotTopics.length}`);
  console.log(`median ${f.medianDaysToReply} / p90 ${f.p90DaysToReply} working days, on-time rate ${f.onTimeRate === null ? '—' : (f.onTimeRate * 100).toFixed(1) + '%'}`);
  console.log(`read + compute: ${s(t0, tRead)} s; charts (${charts.length} SVG, ${charts.reduce((x, c) => x + c.length, 0)} bytes): ${s(tRead, tCharts)} s; markdown + workbook (${files.xlsx.length} bytes) + CSV (${files.csv.length} bytes): ${s(tCharts, tEnd)} s`);
  const total = (tEnd - t0) / 1000;
  console.log(`TOTAL one quarter's summary: ${total.toFixed(2)} s (target <= 10 s) ${total <= 10 ? 'OK' : 'OVER TARGET'}; rss +${((process.memoryUsage().rss - rss0) / 2 ** 20).toFixed(0)} MiB`);
} finally {
  store.close();
  if (!flags.values.keep) rmSync(dir, { recursive: true, force: true });
}
