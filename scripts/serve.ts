/**
 * `npm run serve` (and the second half of `npm start`): runs the built Node server, which serves the
 * static site, the search index, /submit, /track and /api/*. Defaults to http://localhost:4321.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { configuredFileProblems } from './lib/settings-files-fs.ts';

const out = resolve(process.env.ASTRO_OUT_DIR ?? 'dist');
const entry = resolve(out, 'server/entry.mjs');
if (!existsSync(entry)) {
  console.error(`没有找到 ${entry}：请先运行 npm run build`);
  process.exit(1);
}
// A configured file that is missing (code list, holidays, keys) stops the server here, naming the file and the
// setting, instead of the first submission finding out (issue 10).
const problems = configuredFileProblems();
if (problems.length) {
  for (const line of problems) console.error(line);
  console.error('服务器未启动：请先修正以上配置。');
  process.exit(1);
}
process.env.HOST ??= 'localhost';
process.env.PORT ??= '4321';
await import(pathToFileURL(entry).href);
console.log(`站点已启动: http://${process.env.HOST}:${process.env.PORT}/`);
