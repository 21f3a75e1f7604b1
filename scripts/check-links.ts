/**
 * `npm run check:links`: checks every internal link of the built site (ASTRO_OUT_DIR, default dist,
 * /client). Prints `page: link: problem` (and `::error` annotations in GitHub Actions) and exits 1 when a
 * link is broken. On-demand routes (/submit, /track, /api) are served by the Node server, not files.
 */
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkLinks } from './lib/publish/links.ts';

const root = resolve(process.env.ASTRO_OUT_DIR ?? 'dist', 'client');
const dynamic = (process.env.DYNAMIC_ROUTES ?? '/submit,/track,/api').split(',').filter(Boolean);
const files = new Set((await readdir(root, { recursive: true })).map((f) => f.split('\\').join('/')));
const pages = new Map<string, string>();
// Synchronous reads: a one-shot script, and an awaited read per page is a thread-pool round trip each (content-fs.ts).
for (const f of files) if (f.endsWith('.html')) pages.set(f, readFileSync(join(root, f), 'utf8'));
const problems = checkLinks(pages, files, dynamic);
for (const p of problems) {
  console.error(`${p.page}: ${p.link}: ${p.problem}`);
  if (process.env.GITHUB_ACTIONS) console.log(`::error title=失效链接::${p.page} 中的链接 ${p.link}：${p.problem}`);
}
console.log(`links: ${pages.size} pages checked, ${problems.length} broken`);
process.exit(problems.length ? 1 : 0);
