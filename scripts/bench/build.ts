/**
 * `npm run bench:build [-- --n 10000] [-- --scaling] [-- --repeat 3] [-- --keep]`: the build benchmark of issue 2.
 * Generates N replies and N/20 announcements (scripts/bench/lib/corpus.ts) beside a copy of
 * content/settings and content/policies in a temporary folder, runs npm run build's steps over it (content
 * check, astro build, Pagefind index; CONTENT_DIR, ASTRO_OUT_DIR in the temp folder), builds the same texts as
 * bare Markdown in a minimal Astro project (one [...slug] page, no layout: the floor), and prints
 * seconds, peak memory, output size and the ratio to the floor. Then serves the build and measures in
 * Chromium the bytes a first search result costs and the transferred size of a reply page.
 * --scaling repeats the build at N/4 and N/2 to show the cost per item stays flat (linear growth).
 * Targets (2 cores): 10,000 replies built + indexed <= 60 s, <= 1.5x the floor, first search result
 * <= 300 KB, reply page <= 30 KB gzip with 0 bytes of JavaScript.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { loadBureau } from '../lib/bureau.ts';
import { generateCorpus } from './lib/corpus.ts';

const { values } = parseArgs({ options: { n: { type: 'string', default: '5000' }, scaling: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false }, port: { type: 'string', default: '4403' }, repeat: { type: 'string', default: '1' } } });
const repeat = Math.max(1, Number(values.repeat) || 1);
const repo = resolve(import.meta.dirname, '../..');
const node = process.execPath;
const astroBin = join(repo, 'node_modules/astro/bin/astro.mjs');
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Run { seconds: number; peakMB: number | null }
/** Runs a command to completion; wall seconds and, with GNU time, the peak resident memory of the largest process. */
function timed(args: string[], cwd: string, env: NodeJS.ProcessEnv): Run {
  const started = performance.now();
  const cmd = timeBin ? [timeBin, '-f', 'PEAK_KB=%M', ...args] : args;
  const res = spawnSync(cmd[0], cmd.slice(1), { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = (performance.now() - started) / 1000;
  if (res.status !== 0) throw new Error(`${args.join(' ')} failed (${res.status}):\n${res.stdout.slice(-3000)}\n${res.stderr.slice(-3000)}`);
  const kb = /PEAK_KB=(\d+)/.exec(res.stderr)?.[1];
  return { seconds, peakMB: kb ? Number(kb) / 1024 : null };
}

function dirSize(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** The floor: a minimal Astro project rendering the same Markdown through one [...slug] page, no layout. */
function writeFloorProject(dir: string, contentDir: string) {
  mkdirSync(join(dir, 'src/pages'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  // Its own cache folder: the default (node_modules/.astro) would be the repository's, through the node_modules link.
  writeFileSync(join(dir, 'astro.config.mjs'), `export default { output: 'static', outDir: './dist', cacheDir: './.astro-cache', devToolbar: { enabled: false } };\n`);
  writeFileSync(join(dir, 'src/content.config.ts'), [
    `import { defineCollection } from 'astro:content';`,
    `import { glob } from 'astro/loaders';`,
    `export const collections = {`,
    `  replies: defineCollection({ loader: glob({ pattern: '**/*.md', base: ${JSON.stringify(join(contentDir, 'replies'))} }) }),`,
    `  announcements: defineCollection({ loader: glob({ pattern: '**/*.md', base: ${JSON.stringify(join(contentDir, 'announcements'))} }) }),`,
    `};`,
  ].join('\n'));
  writeFileSync(join(dir, 'src/pages/[...slug].astro'), [
    '---',
    `import { getCollection, render } from 'astro:content';`,
    `export async function getStaticPaths() {`,
    `  const all = [...(await getCollection('replies')), ...(await getCollection('announcements'))];`,
    `  return all.map((entry) => ({ params: { slug: entry.collection + '/' + entry.id }, props: { entry } }));`,
    `}`,
    `const { Content } = await render(Astro.props.entry);`,
    '---',
    '<Content />',
  ].join('\n'));
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
}

async function waitFor(url: string) {
  for (let i = 0; i < 150; i++) {
    try { if ((await fetch(url)).ok) return; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not answer ${url}`);
}

/** Bytes the browser receives for the first search result, and a reply page's transferred size. */
async function measureBrowser(outDir: string, port: number, query: string) {
  const server = spawn(node, [join(repo, 'scripts/serve.ts')], {
    cwd: repo, stdio: 'ignore',
    env: { ...process.env, ASTRO_OUT_DIR: outDir, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: join(outDir, '..', 'data') },
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/api/health`);
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'] });
    const page = await browser.newPage();
    const bodies: Promise<{ url: string; raw: number; gzip: number; type: string }>[] = [];
    page.on('response', (res) => {
      bodies.push(res.body().then((b) => ({ url: res.url(), raw: b.length, gzip: gzipSync(b).length, type: res.request().resourceType() })).catch(() => ({ url: res.url(), raw: 0, gzip: 0, type: 'failed' })));
    });
    await page.goto(`${base}/search/`);
    await page.fill('#q', query);
    await page.click('#search-form button[type=submit]');
    await page.locator('#search-results > li').first().waitFor();
    const search = await Promise.all(bodies);
    await browser.close();

    const replyHtml = await (await fetch(`${base}/replies/bench-000000/`)).text();
    const assets = [...replyHtml.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="stylesheet"[^>]*\bhref)="([^"]+)"/g)].map((m) => m[1]);
    let assetGzip = 0;
    for (const a of assets) assetGzip += gzipSync(Buffer.from(await (await fetch(new URL(a, base))).arrayBuffer())).length;
    const scripts = (replyHtml.match(/<script\b/g) ?? []).length;
    return {
      searchRaw: search.reduce((s, r) => s + r.raw, 0),
      searchGzip: search.reduce((s, r) => s + r.gzip, 0),
      searchRequests: search.length,
      searchByKind: Object.entries(search.reduce<Record<string, number>>((acc, r) => {
        const kind = /\.wasm/.test(r.url) ? 'wasm' : /pagefind\.js$/.test(r.url) ? 'pagefind.js' : /\.pf_index$/.test(r.url) ? 'index chunks' : /\.pf_filter$/.test(r.url) ? 'filter chunks' : /\.pf_fragment$/.test(r.url) ? 'fragments' : /\.pf_meta$/.test(r.url) ? 'meta' : r.type;
        acc[kind] = (acc[kind] ?? 0) + r.gzip;
        return acc;
      }, {})).map(([k, v]) => `${k} ${(v / 1024).toFixed(1)}`).join(', '),
      replyHtmlGzip: gzipSync(replyHtml).length,
      replyAssetsGzip: assetGzip,
      replyScripts: scripts,
    };
  } finally {
    server.kill();
  }
}

const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const mem = (r: Run) => (r.peakMB === null ? 'n/a (GNU time missing)' : `${r.peakMB.toFixed(0)} MB`);

async function bench(n: number, withBrowser: boolean) {
  const work = mkdtempSync(join(tmpdir(), `drg-bench-build-${n}-`));
  // Built chunks import packages by name; a node_modules link lets the temp output resolve them.
  symlinkSync(join(repo, 'node_modules'), join(work, 'node_modules'));
  const contentDir = join(work, 'content');
  cpSync(join(repo, 'content/settings'), join(contentDir, 'settings'), { recursive: true });
  cpSync(join(repo, 'content/policies'), join(contentDir, 'policies'), { recursive: true });
  const policyIds = readdirSync(join(contentDir, 'policies')).filter((f) => f.endsWith('.md')).map((f) => f.replace(/\.md$/, ''));
  for (const file of generateCorpus(n, loadBureau(), policyIds)) {
    mkdirSync(dirname(join(contentDir, file.path)), { recursive: true });
    writeFileSync(join(contentDir, file.path), file.text);
  }
  let outDir = '';
  try {
    // --repeat: every round is a cold build (fresh output and cache folders) of the same corpus; the figures
    // reported are each round's, and the best round's, since on a shared VM neighbours only ever slow a run down.
    const rounds: { validate: Run; build: Run; index: Run; floor: Run }[] = [];
    for (let round = 0; round < repeat; round++) {
      if (outDir) rmSync(outDir, { recursive: true, force: true });
      outDir = join(work, `site-${round}`);
      const env = { CONTENT_DIR: contentDir, ASTRO_OUT_DIR: outDir, ASTRO_CACHE_DIR: join(work, `site-cache-${round}`), ASTRO_TELEMETRY_DISABLED: '1' };
      // npm run build's three steps, each timed: content check, astro build, search index.
      const validate = timed([node, join(repo, 'scripts/validate-content.ts')], repo, env);
      const build = timed([node, astroBin, 'build'], repo, env);
      const index = timed([node, join(repo, 'scripts/index-search.ts')], repo, env);
      const floorDir = join(work, `floor-${round}`);
      writeFloorProject(floorDir, contentDir);
      const floor = timed([node, astroBin, 'build'], floorDir, { ASTRO_TELEMETRY_DISABLED: '1' });
      rmSync(floorDir, { recursive: true, force: true });
      rounds.push({ validate, build, index, floor });
      if (repeat > 1) console.log(`  round ${round + 1}/${repeat}: validate ${validate.seconds.toFixed(1)} s + build ${build.seconds.toFixed(1)} s + index ${index.seconds.toFixed(1)} s = ${(validate.seconds + build.seconds + index.seconds).toFixed(1)} s, floor ${floor.seconds.toFixed(1)} s`);
    }
    const seconds = (r: (typeof rounds)[number]) => r.validate.seconds + r.build.seconds + r.index.seconds;
    const best = rounds.reduce((a, b) => (seconds(b) < seconds(a) ? b : a));
    const { validate, build, index } = best;
    const floor = rounds.reduce((a, b) => (b.floor.seconds < a.floor.seconds ? b : a)).floor;
    const client = join(outDir, 'client');
    const pagefindBytes = dirSize(join(client, 'pagefind'));
    const clientBytes = dirSize(client);
    const pages = readdirSync(client, { recursive: true }).filter((f) => String(f).endsWith('.html')).length;
    const result = { n, announcements: Math.floor(n / 20), pages, validate, build, index, floor, clientBytes, pagefindBytes, browser: withBrowser ? await measureBrowser(outDir, Number(values.port), '特例单议') : undefined };
    return result;
  } finally {
    if (!values.keep) rmSync(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
  }
}

const n = Number(values.n);
if (!Number.isInteger(n) || n < 20) throw new Error('--n must be an integer >= 20');
const sizes = values.scaling ? [Math.round(n / 4), Math.round(n / 2), n] : [n];
if (repeat > 1) console.log(`each size is built ${repeat} times from cold; the best round is reported (and the best floor for the ratio)`);
const results = [];
for (const size of sizes) {
  console.log(`\n== N = ${size} replies, ${Math.floor(size / 20)} announcements (load average before: ${loadavg()[0].toFixed(2)}) ==`);
  const r = await bench(size, size === n);
  results.push(r);
  const total = r.validate.seconds + r.build.seconds + r.index.seconds;
  console.log(`pages built:            ${r.pages}`);
  console.log(`content check:          ${r.validate.seconds.toFixed(1)} s (npm run validate)`);
  console.log(`astro build:            ${r.build.seconds.toFixed(1)} s (peak ${mem(r.build)})`);
  console.log(`pagefind index:         ${r.index.seconds.toFixed(1)} s (peak ${mem(r.index)})`);
  console.log(`npm run build in all:   ${total.toFixed(1)} s   target <= 60 s at N = 10,000 (check + build + index)`);
  console.log(`floor (bare .md build): ${r.floor.seconds.toFixed(1)} s (peak ${mem(r.floor)})`);
  console.log(`ratio build / floor:    ${(r.build.seconds / r.floor.seconds).toFixed(2)}x   target <= 1.5x   (build + index / floor: ${(total / r.floor.seconds).toFixed(2)}x)`);
  console.log(`output size:            ${mb(r.clientBytes)} (of which Pagefind index ${mb(r.pagefindBytes)})`);
  console.log(`per reply:              build ${((r.build.seconds / size) * 1000).toFixed(2)} ms, index ${((r.index.seconds / size) * 1000).toFixed(2)} ms, floor ${((r.floor.seconds / size) * 1000).toFixed(2)} ms`);
  if (r.browser) {
    const b = r.browser;
    console.log(`first search result:    ${kb(b.searchRaw)} as served (${b.searchRequests} requests), ${kb(b.searchGzip)} gzip-compressed   target <= 300 KB`);
    console.log(`  by kind (KB gzip):    ${b.searchByKind}`);
    console.log(`reply page:             ${kb(b.replyHtmlGzip + b.replyAssetsGzip)} gzip (HTML ${kb(b.replyHtmlGzip)}, CSS/JS files ${kb(b.replyAssetsGzip)}), ${b.replyScripts} <script> tags   target <= 30 KB, 0 JS`);
  }
}
if (results.length > 1) {
  console.log('\n== scaling (cost per reply should stay flat) ==');
  console.log('N        build s  index s  floor s  build ms/item  index ms/item');
  for (const r of results) console.log(`${String(r.n).padEnd(8)} ${r.build.seconds.toFixed(1).padStart(7)}  ${r.index.seconds.toFixed(1).padStart(7)}  ${r.floor.seconds.toFixed(1).padStart(7)}  ${((r.build.seconds / r.n) * 1000).toFixed(2).padStart(13)}  ${((r.index.seconds / r.n) * 1000).toFixed(2).padStart(13)}`);
}
