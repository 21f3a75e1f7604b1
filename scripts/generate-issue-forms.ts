/**
 * `npm run issue-forms`: writes .github/ISSUE_TEMPLATE/ from schemas/submission.ts (scripts/lib/submission/
 * issue-forms.ts). `--check` only compares and exits 1 when the committed files are stale.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { renderIssueFormFiles } from './lib/submission/issue-forms-yaml.ts';

const check = process.argv.includes('--check');
let stale = 0;
mkdirSync('.github/ISSUE_TEMPLATE', { recursive: true });
for (const [path, text] of Object.entries(renderIssueFormFiles())) {
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {}
  if (current === text) continue;
  stale++;
  if (check) console.error(`${path} 与 schemas/submission.ts 不一致：请运行 npm run issue-forms`);
  else {
    writeFileSync(path, text);
    console.log(`已写入 ${path}`);
  }
}
process.exit(check && stale ? 1 : 0);
