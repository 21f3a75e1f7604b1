/**
 * `npm run outbox:deliver`: delivers the opinions waiting in the DATA_DIR store's outbox (accepted while the tracker was down)
 * to the configured tracker, once each: every job is first looked up by its tracking code, so nothing is
 * duplicated even if an earlier attempt got through. Safe beside the running server (they share the store's lease).
 * Options: --min-age <seconds> (default 60: leave jobs the server may still be delivering), --budget <n>.
 * Exit code 0 when the outbox is empty afterwards, 75 (try again later) when some remain.
 */
import { createSubmissionRuntime } from './lib/submission/runtime.ts';
import { botLoginsFromEnv } from './lib/triage/cli.ts';
// One corpus for the process: each triage then reads only the issues changed since the last one (issue 13).
import { createSimilarCorpus, type SimilarCorpus } from './lib/similar/corpus.ts';
import { triageIssue } from './lib/triage/run.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  const n = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (Number.isNaN(n) || n < 0) throw new Error(`${name} 应为非负数`);
  return n;
};

let similar: SimilarCorpus | undefined;
const runtime = createSubmissionRuntime({
  retryLoop: false,
  triage: (port, n, ctx) => triageIssue(port, n, { ...ctx, now: new Date(), dryRun: false, budget: 50, bots: botLoginsFromEnv(), similar: (similar ??= createSimilarCorpus({ bureau: ctx.bureau })) }),
});
const result = await runtime.service.deliverPending({ minAgeMs: arg('--min-age', 60) * 1000, budget: arg('--budget', Infinity), owner: 'outbox:deliver' });
if (result.locked) {
  console.log('另一个进程正在登记待登记队列，本次跳过。');
  process.exit(75);
}
console.log(`已登记 ${result.delivered} 条；失败 ${result.failed} 条；跳过 ${result.skipped} 条；剩余 ${result.remaining} 条（${runtime.trackerKind === 'github' ? 'GitHub' : '本地跟踪库'}）`);
process.exit(result.remaining > 0 ? 75 : 0);
