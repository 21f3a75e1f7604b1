/**
 * Triage opinions: classify, label, route, time, one triage comment; and staff commands in comments.
 *   In GitHub Actions: reads GITHUB_EVENT_NAME / GITHUB_EVENT_PATH (issues opened/edited/reopened, issue_comment created).
 *   Locally:  npm run triage -- --issue 12 [--issue 13]   |   npm run triage -- --all [--force]
 * Flags: --dry-run (write nothing), --budget N (max writes, default 50). Tracker from the environment
 * (GITHUB_TOKEN + GITHUB_REPOSITORY → GitHub, else the local tracker under DATA_DIR).
 */
import { readFileSync } from 'node:fs';
import { createTrackerFromEnv } from './lib/tracker/from-env.ts';
import { depsFromEnv, formatComment, formatTriage, issueNumbers, main, parseFlags } from './lib/triage/cli.ts';
import { parseEvent } from './lib/triage/event.ts';
import { handleComment, triageIssue, triageUntriaged } from './lib/triage/run.ts';

await main(async () => {
  const { values } = parseFlags(process.argv.slice(2), { all: { type: 'boolean', default: false }, force: { type: 'boolean', default: false } });
  const deps = depsFromEnv(values);
  const dry = deps.dryRun ?? false;
  const port = await createTrackerFromEnv(process.env, 'feedback-bot');
  const numbers = issueNumbers(values.issue);
  if (numbers.length || values.all) {
    const results = values.all ? await triageUntriaged(port, { ...deps, force: values.force }) : [];
    for (const n of numbers) results.push(await triageIssue(port, n, deps));
    for (const r of results) console.log(formatTriage(r, dry));
    if (!results.length) console.log('nothing to triage: every open issue has been triaged (use --force to redo)');
    return;
  }
  if (!process.env.GITHUB_EVENT_PATH) throw new Error('用法：npm run triage -- --issue <编号> | --all [--force] [--dry-run] [--budget N]（或在 GitHub Actions 中由事件触发）');
  const event = parseEvent(process.env.GITHUB_EVENT_NAME, JSON.parse(readFileSync(process.env.GITHUB_EVENT_PATH, 'utf8')));
  if (event.kind === 'ignore') console.log(`nothing to do: ${event.reason}`);
  else if (event.kind === 'issue') console.log(formatTriage(await triageIssue(port, event.issue, deps), dry));
  else console.log(formatComment(await handleComment(port, event.issue, event.comment, deps), dry));
});
