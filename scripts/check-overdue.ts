/**
 * The daily overdue check: 逾期 + a reminder to the office once; 逾期督办 + a note to leadership after
 * bureau.overdueEscalationDays more working days.
 *   npm run overdue [-- --dry-run] [--budget N] [--today YYYY-MM-DD]
 */
import { createTrackerFromEnv } from './lib/tracker/from-env.ts';
import { depsFromEnv, formatOverdue, main, parseFlags } from './lib/triage/cli.ts';
import { checkOverdue } from './lib/triage/run.ts';

await main(async () => {
  const { values } = parseFlags(process.argv.slice(2), { today: { type: 'string' } });
  if (values.today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(values.today))) throw new Error(`--today 应为 YYYY-MM-DD，收到 ${values.today}`);
  const deps = depsFromEnv(values, process.env, 100);
  const port = await createTrackerFromEnv(process.env, 'feedback-bot');
  console.log(formatOverdue(await checkOverdue(port, { ...deps, today: values.today as string | undefined }), deps.dryRun ?? false));
});
