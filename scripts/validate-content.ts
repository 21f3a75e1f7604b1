/**
 * `npm run validate`: checks every content file against schemas/. Exits 1 with one line per problem
 * (`file: field: message`); in GitHub Actions the lines are also annotations on the file.
 */
import { validateContentDir } from './lib/content-fs.ts';
import { contentDir } from './lib/content-dir.ts';
import { loadBureau } from './lib/bureau.ts';
import { configuredFileProblems } from './lib/settings-files-fs.ts';

loadBureau();
const content = await validateContentDir(contentDir());
const files = content.files;
// The files the settings name (code list, holidays, keys) are part of the content a bureau maintains.
const problems = [...configuredFileProblems(), ...content.problems];
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
