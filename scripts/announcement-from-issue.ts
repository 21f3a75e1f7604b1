/**
 * `npm run announcement:from-issue -- --issue 12 [--dry-run] [--mode files|commit|pr]`: turns an issue
 * opened with the 发布公告 form into content/announcements/<id>.md (+ .csv) and, on GitHub, a pull request
 * on branch announcement/issue-12. Only issues opened by someone with write access are used; problems
 * are answered in a comment on the issue naming the form field.
 */
import { loadBureau } from './lib/bureau.ts';
import { contentDir } from './lib/content-dir.ts';
import { announcementFromIssue } from './lib/publish/announcement-issue.ts';
import { readContentFile } from './lib/publish/apply.ts';
import { parseFlags } from './lib/publish/context-fs.ts';
import { deliver, publishMode } from './lib/publish/deliver.ts';
import { createBudget, describePlan, emptyPlan, planFile } from './lib/publish/plan.ts';
import { createTrackerFromEnv } from './lib/tracker/from-env.ts';
import { canWrite } from './lib/tracker/port.ts';

const flags = parseFlags(process.argv.slice(2), { budget: 20 });
const number = flags.issues[0];
if (!number) throw new Error('请用 --issue 指定议题编号');
const port = await createTrackerFromEnv(process.env);
const budget = createBudget(flags.budget);
const issue = await port.getIssue(number);
if (!issue) throw new Error(`找不到议题 #${number}`);
if (!canWrite(await port.getPermission(issue.author))) {
  console.log(`#${number} 由没有写权限的用户 ${issue.author} 提交，不生成公告`);
  process.exit(0);
}
const result = announcementFromIssue(issue.body);
if (!result.ok) {
  const text = ['公告未能生成，请修改本议题中的以下内容（修改后会自动重新生成）：', '', ...result.errors.map((e) => `- **${e.field}**：${e.message}`)].join('\n');
  console.log(text);
  if (!flags.dryRun && budget.take()) await port.createComment(number, text);
  process.exit(1);
}
const dir = contentDir();
const plan = emptyPlan();
for (const f of result.files) planFile(plan, f.path, f.content, await readContentFile(dir, f.path), `#${number} ${issue.title}`);
for (const line of describePlan(plan)) console.log(flags.dryRun ? `[dry-run] ${line}` : line);
const mode = publishMode(loadBureau(), process.env, flags.mode);
const applied = await deliver(plan, { mode, port, contentDir: dir, env: process.env, budget, dryRun: flags.dryRun, branch: `announcement/issue-${number}`, title: `发布公告：${issue.title}` });
if (!flags.dryRun && applied.written.length && applied.ref && budget.take()) await port.createComment(number, `已生成公告文件 \`${result.id}\`，合并请求：${applied.ref}`);
console.log(`已写入 ${applied.written.length} 个文件（${mode}）${applied.ref ? `：${applied.ref}` : ''}`);
