/**
 * `npm run validate`: checks every content file against schemas/. Exits 1 with one line per problem
 * (`file: field: message`); in GitHub Actions the lines are also annotations on the file.
 */
import { validateContentDir } from './lib/content-fs.ts';
import { contentDir } from './lib/content-dir.ts';
import { loadBureau } from './lib/bureau.ts';
import { configuredFileProblems } from './lib/settings-files-fs.ts';
import { loadReplyTemplates } from './lib/reply-templates-fs.ts';

loadBureau();
const content = await validateContentDir(contentDir());
// Reply templates (content/settings/reply-templates/, schemas/reply-template.ts) are content staff maintain too.
const templates = loadReplyTemplates(contentDir());
const files = content.files + templates.templates.length + new Set(templates.problems.map((p) => p.split(': ')[0])).size;
// The files the settings name (code list, holidays, keys) are part of the content a bureau maintains.
const problems = [...configuredFileProblems(), ...content.problems, ...templates.problems];
for (const line of problems) {
  console.error(line);
  if (process.env.GITHUB_ACTIONS) {
    const [file, field, ...message] = line.split(': ');
    console.log(`::error file=${file},title=${field}::${message.join(': ')}`);
  }
}
if (problems.length) {
  console.error(`\n${problems.length} problem(s) in ${files} content file(s).`);
  process.exit(1);
}
console.log(`content ok: ${files} file(s) valid`);
