/**
 * `npm run serve` (and the second half of `npm start`): runs the built Node server, which serves the
 * static site, the search index, /submit, /track and /api/*. Defaults to http://localhost:4321.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const out = resolve(process.env.ASTRO_OUT_DIR ?? 'dist');
const entry = resolve(out, 'server/entry.mjs');
if (!existsSync(entry)) {
  console.error(`没有找到 ${entry}：请先运行 npm run build`);
  process.exit(1);
}
process.env.HOST ??= 'localhost';
process.env.PORT ??= '4321';
await import(pathToFileURL(entry).href);
console.log(`站点已启动: http://${process.env.HOST}:${process.env.PORT}/`);
