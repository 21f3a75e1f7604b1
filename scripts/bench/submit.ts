/**
 * `npm run bench:submit [-- --duration 10 --connections 20 --build]`: accepted submissions per second through the
 * real built server (scripts/serve.ts answering the API in front of Astro, local tracker, the SQLite store with
 * fsync and its checkpoints on a worker thread, sealing and rendering on the server's worker threads as configured:
 * SUBMIT_WORKERS, default one fewer than the cores), side by side with
 * a bare node:http server answering 201 and with Astro's own empty route on the same server, all driven by
 * autocannon. Every request carries a unique idempotency key, so every 2xx is a new opinion written to the store
 * and the tracker. Afterwards the store is counted: accepted answers must equal issues (no loss, no duplicates).
 * Then /track: 200 concurrent look-ups of made-up codes against a server whose tracker is the GitHub stand-in,
 * counting the requests that reach the stand-in (issue 11: none may), beside Astro's empty route and a bare node:http
 * server at the same 200 connections.
 *
 * `--rounds 3`: the empty route and the submissions are measured alternately this many times; the round with the
 * median ratio is the one reported.
 * Targets (issues 3 and 11): >= 1,000 accepted/s, p99 <= 50 ms, >= 35% of Astro's empty route in the same run;
 * /track of unknown codes: 0 tracker requests, p99 <= 50 ms.
 * Rate limiting is relaxed (SUBMIT_RATE_LIMIT=off); in-process triage is off (its cost is bench:classify's).
 * The build in dist-bench-submit is reused when present; --build forces a fresh one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// @ts-expect-error autocannon ships no type declarations
import autocannon from 'autocannon';
import { openStore } from '../lib/store/store.ts';
import { startGitHubStandIn } from '../../tests/support/github-standin.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const duration = arg('duration', 10);
const connections = arg('connections', 20);
/** Rounds of (empty route, submissions) run back to back: the ratio is taken within a round, then the median. */
const rounds = Math.max(1, arg('rounds', 3));
const outDir = 'dist-bench-submit';
const node = process.execPath;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited ${child.exitCode}`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {}
    await sleep(100);
  }
  throw new Error(`${url} did not start`);
}

if (process.argv.includes('--build') || !existsSync(join(outDir, 'server', 'entry.mjs'))) {
  console.log(`构建到 ${outDir} …`);
  const r = spawnSync(node, [resolve('node_modules/astro/bin/astro.mjs'), 'build'], { env: { ...process.env, ASTRO_OUT_DIR: outDir, ASTRO_CACHE_DIR: `node_modules/.astro-${outDir}` }, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const dataDir = mkdtempSync(join(tmpdir(), 'drg-bench-submit-'));
const sitePort = await freePort();
const barePort = await freePort();
const site = spawn(node, ['scripts/serve.ts'], {
  env: { ...process.env, ASTRO_OUT_DIR: outDir, HOST: '127.0.0.1', PORT: String(sitePort), DATA_DIR: dataDir, SUBMIT_RATE_LIMIT: 'off', SUBMIT_TRIAGE: 'off', GITHUB_TOKEN: '', GITHUB_REPOSITORY: '' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
// The floor: the least a Node HTTP server can do for a POST (read the body, answer 201 with a small JSON).
const bare = spawn(node, ['-e', `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => { s.writeHead(201, { 'content-type': 'application/json' }); s.end('{"trackingCode":"JY-2026-000000","status":"delivered"}'); }); }).listen(${barePort}, '127.0.0.1')`], { stdio: 'inherit' });

const body = (n: number) =>
  JSON.stringify({
    organization: '济源市人民医院', submitterName: '张三', contact: '13800138000', unit: '医保办', submitterType: 'hospital',
    category: n % 4 === 0 ? 'grouping' : 'policy', title: `关于完善结算清单质控规则的建议（压测 ${n}）`,
    details: '目前结算清单质控规则与病案首页填写要求存在差异，建议统一口径，并在规则变更前提前公布，给医疗机构留出调整时间。'.repeat(4),
    publicConsent: n % 2 === 0, ...(n % 4 === 0 ? { drgCode: 'FM19', cases: [{ mainDiagnosis: { name: '急性心肌梗死', code: 'I21.000' }, patients: 12 }] } : {}),
  });

async function load(url: string, label: string) {
  let n = 0;
  const run = autocannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        setupRequest: (req: Record<string, unknown>) => {
          n++;
          return { ...req, headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${process.pid}-${label}-${n}` }, body: body(n) };
        },
      },
    ],
  });
  const result = await run;
  const accepted = result['2xx'];
  return {
    label,
    accepted,
    perSecond: accepted / duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** 200 connections looking up codes nobody was given, against a server configured with the GitHub stand-in. */
async function trackBench() {
  const standIn = await startGitHubStandIn();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'drg-bench-track-'));
  const server = spawn(node, ['scripts/serve.ts'], {
    env: {
      ...process.env, ASTRO_OUT_DIR: outDir, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dir, TRACK_RATE_LIMIT: 'off', ISSUE_SYNC_SECONDS: '0',
      GITHUB_TOKEN: standIn.token, GITHUB_REPOSITORY: `${standIn.owner}/${standIn.repo}`, GITHUB_API_URL: standIn.url, TRACKER_PACING: 'off',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitFor(`http://127.0.0.1:${port}/api/health`, server);
    const before = standIn.state.requests.length;
    // Each /track run lasts half a submission round (at least 3 s).
    const seconds = Math.max(3, Math.round(duration / 2));
    let n = 0;
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    const made = () => Array.from({ length: 6 }, (_, i) => alphabet[(n * 7 + i * 13 + Math.floor(n / 32)) % 32]).join('');
    const lookups = async (c: number) => {
      const result = await autocannon({
        url: `http://127.0.0.1:${port}`,
        connections: c,
        duration: seconds,
        requests: [{ method: 'GET', setupRequest: (req: Record<string, unknown>) => ({ ...req, path: `/track?code=JY-2026-${(n++, made())}` }) }],
      });
      return { requests: result.requests.total as number, perSecond: result.requests.average as number, p50: result.latency.p50 as number, p99: result.latency.p99 as number };
    };
    // 200 connections (the issue's figure), then the submission run's concurrency: at 200 a closed loop's mean wait is
    // 200 / rate (Little's law), so the second run shows what one look-up costs when the server is not saturated.
    const crowd = await lookups(200);
    const moderate = await lookups(connections);
    const trackerRequests = standIn.state.requests.length - before;
    // The same 200 connections on Astro's empty route of the same server: what any on-demand page can do at best.
    const floor = await autocannon({ url: `http://127.0.0.1:${port}/api/health`, connections: 200, duration: seconds });
    const emptyRoute = { perSecond: floor.requests.average as number, p99: floor.latency.p99 as number };
    // And a bare node:http server doing no work at all, at the same 200 connections: the p99 no page can beat here.
    const nothing = await autocannon({ url: `http://127.0.0.1:${barePort}/`, connections: 200, duration: seconds });
    const bareServer = { perSecond: nothing.requests.average as number, p99: nothing.latency.p99 as number };
    return { ...crowd, moderate, emptyRoute, bareServer, trackerRequests };
  } finally {
    server.kill();
    await standIn.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  await Promise.all([waitFor(`http://127.0.0.1:${sitePort}/api/health`, site), waitFor(`http://127.0.0.1:${barePort}/`, bare)]);
  // Warm-up (JIT, first file-system writes), then the measured runs.
  await fetch(`http://127.0.0.1:${sitePort}/api/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(0) });
  const warm = await load(`http://127.0.0.1:${sitePort}/api/submissions`, 'warm');
  const bareRun = await load(`http://127.0.0.1:${barePort}/`, 'bare');
  // The framework's own ceiling on this machine: the same Astro server answering its trivial health route, measured
  // right before each submission run. This machine's speed drifts by a quarter within minutes (issue 11 note), so a
  // ratio of two runs minutes apart says little; each round's ratio is of neighbours, and the median is reported.
  const measured: { astroRate: number; astroP99: number; site: Awaited<ReturnType<typeof load>> }[] = [];
  for (let r = 0; r < rounds; r++) {
    const floor = await autocannon({ url: `http://127.0.0.1:${sitePort}/api/health`, connections, duration });
    measured.push({ astroRate: floor['2xx'] / duration, astroP99: floor.latency.p99, site: await load(`http://127.0.0.1:${sitePort}/api/submissions`, `site${r}`) });
  }
  const median = <T,>(xs: T[], by: (x: T) => number) => [...xs].sort((a, b) => by(a) - by(b))[Math.floor(xs.length / 2)];
  const byRatio = median(measured, (m) => m.site.perSecond / m.astroRate);
  const siteRun = byRatio.site;
  const astroRate = byRatio.astroRate;
  await sleep(1000);
  // Requests still in flight when autocannon stops are accepted but not counted by it: compare the server's own
  // records instead. Every accepted submission in the store must be exactly one issue, and be marked delivered.
  const store = openStore(join(dataDir, 'store.sqlite'));
  const count = (sql: string) => (store.db.prepare(sql).get() as { n: number }).n;
  const jobs = count('SELECT count(*) AS n FROM submissions');
  const done = count('SELECT count(*) AS n FROM submissions WHERE issue_number IS NOT NULL');
  const issues = count('SELECT count(*) AS n FROM tracker_issues');
  const perCode = count('SELECT count(*) AS n FROM (SELECT marker FROM tracker_issues GROUP BY marker HAVING count(*) > 1)');
  store.close();
  const answered = 1 + warm.accepted + measured.reduce((a, m) => a + m.site.accepted, 0);
  const consistent = issues === jobs && done === jobs && answered <= jobs && perCode === 0;
  const ratio = siteRun.perSecond / bareRun.perSecond;
  const astroRatio = siteRun.perSecond / astroRate;
  const trackRun = await trackBench();
  const fmt = (r: typeof siteRun) => `${r.perSecond.toFixed(0).padStart(7)} /s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   非2xx ${r.non2xx}   错误 ${r.errors}`;
  console.log(`\n提交接口压测（${connections} 个并发连接，每轮 ${duration} 秒，本地跟踪库，SQLite 存储 fsync 开启；Astro 空路由与提交交替 ${rounds} 轮，取比值的中位轮）`);
  for (const [i, m] of measured.entries()) console.log(`  第 ${i + 1} 轮：空路由 ${m.astroRate.toFixed(0)} /s，提交 ${m.site.perSecond.toFixed(0)} /s（p99 ${m.site.p99} ms），比值 ${((m.site.perSecond / m.astroRate) * 100).toFixed(1)}%`);
  console.log(`  裸 node:http 201   ${fmt(bareRun)}`);
  console.log(`  POST /api/submissions ${fmt(siteRun)}`);
  console.log(`  Astro 空路由 GET /api/health ${astroRate.toFixed(0).padStart(7)} /s   p99 ${byRatio.astroP99} ms（框架本身的上限）`);
  console.log(`  受理率 / 裸服务器   ${(ratio * 100).toFixed(1)}%；受理率 / Astro 空路由 ${(astroRatio * 100).toFixed(1)}%`);
  console.log(`  存储中受理 ${jobs} 条，已登记 ${done} 条，跟踪库议题 ${issues} 个（压测端收到受理应答 ${answered} 个）：${consistent ? '一致，无丢失、无重复' : '不一致！'}`);
  console.log(`\n/track 查询压测（GitHub 替身，200 个并发连接，查询不存在的查询码 ${trackRun.requests} 次）`);
  console.log(`  ${trackRun.perSecond.toFixed(0)} /s   p50 ${trackRun.p50} ms   p99 ${trackRun.p99} ms   到达跟踪系统的请求 ${trackRun.trackerRequests} 个（两轮合计）`);
  console.log(`  同一服务器的 Astro 空路由，200 个并发连接：${trackRun.emptyRoute.perSecond.toFixed(0)} /s   p99 ${trackRun.emptyRoute.p99} ms（任何按需页面在此并发下的下限）`);
  console.log(`  裸 node:http（不做任何处理），200 个并发连接：${trackRun.bareServer.perSecond.toFixed(0)} /s   p99 ${trackRun.bareServer.p99} ms（本机在此并发下的下限）`);
  console.log(`  ${connections} 个并发连接：${trackRun.moderate.perSecond.toFixed(0)} /s   p50 ${trackRun.moderate.p50} ms   p99 ${trackRun.moderate.p99} ms；200 个连接时 p99 <= 50 ms 需要每秒 ${Math.round(200 / 0.05)} 次以上（Little 定律：平均等待 = 连接数 / 速率）`);
  const lossless = consistent && measured.every((m) => m.site.errors === 0 && m.site.non2xx === 0);
  const checks = [
    [siteRun.perSecond >= 1000, `>= 1,000 受理/秒`],
    [siteRun.p99 <= 50, `p99 <= 50 ms`],
    [astroRatio >= 0.35, `>= 35% Astro 空路由速率`],
    [lossless, '无丢失、无重复、无错误'],
    [trackRun.trackerRequests === 0, '/track 查询不访问跟踪系统'],
    [trackRun.p99 <= 50, '/track p99 <= 50 ms'],
  ] as const;
  for (const [ok, what] of checks) console.log(`  ${ok ? '达标' : '未达标'}  ${what}`);
  // Speed targets are reported, never fatal (README: benchmarks never fail on speed); losing or duplicating is.
  process.exitCode = lossless ? 0 : 1;
} finally {
  site.kill();
  bare.kill();
  rmSync(dataDir, { recursive: true, force: true });
}
