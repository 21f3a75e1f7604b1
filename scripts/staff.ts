/**
 * Staff commands from the command line, for the offline local tracker:
 *   npm run staff -- --issue 12 "/outcome 采纳"
 *   npm run staff -- --issue 12 "/reply 感谢您的意见……"
 * Posts the text as a comment by a write-permission local user (--as, default `staff`) and runs the command
 * handler, exactly as the commands workflow does on GitHub. On GitHub (GITHUB_TOKEN set) it only posts the
 * comment: the workflow then handles it. Flags: --dry-run, --budget N.
 */
import { createTrackerFromEnv, trackerKind } from './lib/tracker/from-env.ts';
import { depsFromEnv, formatComment, issueNumbers, main, parseFlags } from './lib/triage/cli.ts';
import { handleComment } from './lib/triage/run.ts';

await main(async () => {
  const { values, positionals } = parseFlags(process.argv.slice(2), { as: { type: 'string', default: 'staff' } });
  const [issue] = issueNumbers(values.issue);
  const text = positionals.join(' ').replace(/\\n/g, '\n').trim();
  if (!issue || !text.startsWith('/')) throw new Error('用法：npm run staff -- --issue <编号> "/指令 参数"（例如 "/outcome 采纳"）');
  const deps = depsFromEnv(values);
  const asStaff = await createTrackerFromEnv(process.env, String(values.as));
  if (deps.dryRun) {
    const port = await createTrackerFromEnv(process.env, 'feedback-bot');
    console.log(formatComment(await handleComment(port, issue, { id: 0, author: String(values.as), body: text }, deps), true));
    return;
  }
  const comment = await asStaff.createComment(issue, text);
  if (trackerKind() === 'github') {
    console.log(`#${issue}: comment ${comment.id} posted; the commands workflow will carry it out`);
    return;
  }
  const port = await createTrackerFromEnv(process.env, 'feedback-bot');
  console.log(formatComment(await handleComment(port, issue, comment, deps), false));
});
