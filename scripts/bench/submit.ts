/**
 * `npm run bench:submit [-- --duration 10 --connections 20 --build]`: accepted submissions per second through the
 * real built server (Node adapter, local tracker, outbox with fsync, sealing, rendering), side by side with a bare
 * node:http server answering 201 on the same machine, both driven by autocannon. Every request carries a unique
 * idempotency key, so every 2xx is a new opinion written to the outbox and the tracker. Afterwards the tracker is
 * counted: accepted answers must equal issues (no loss, no duplicates).
 *
 * Targets (issue 3): >= 1,000 accepted/s, p99 <= 50 ms, >= 30% of the bare server's rate.
 * Rate limiting is relaxed (SUBMIT_RATE_LIMIT=off); in-process triage is off (its cost is bench:classify's).
 * The build in dist-bench-submit is reused when present; --build forces a fresh one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// @ts-expect-error autocannon ships no type declarations
import autocannon from 'autocannon';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const duration = arg('duration', 10);
const connections = arg('connections', 20);
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

try {
  await Promise.all([waitFor(`http://127.0.0.1:${sitePort}/api/health`, site), waitFor(`http://127.0.0.1:${barePort}/`, bare)]);
  // Warm-up (JIT, first file-system writes), then the measured runs.
  await fetch(`http://127.0.0.1:${sitePort}/api/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(0) });
  const warm = await load(`http://127.0.0.1:${sitePort}/api/submissions`, 'warm');
  const bareRun = await load(`http://127.0.0.1:${barePort}/`, 'bare');
  // The framework's own ceiling on this machine: the same Astro server answering its trivial health route.
  const floor = await autocannon({ url: `http://127.0.0.1:${sitePort}/api/health`, connections, duration });
  const astroRate = floor['2xx'] / duration;
  const siteRun = await load(`http://127.0.0.1:${sitePort}/api/submissions`, 'site');
  await sleep(1000);
  // Requests still in flight when autocannon stops are accepted but not counted by it: compare the server's own
  // records instead. Every job in the outbox journal must be exactly one issue, and be marked delivered.
  const issues = readdirSync(join(dataDir, 'tracker', 'issues')).filter((f) => f.endsWith('.json')).length;
  const journal = join(dataDir, 'outbox', 'journal');
  const lines = readdirSync(journal).flatMap((f) => readFileSync(join(journal, f), 'utf8').split('\n').filter(Boolean)).map((l) => JSON.parse(l) as { t: string });
  const jobs = lines.filter((l) => l.t === 'job').length;
  const done = lines.filter((l) => l.t === 'done').length;
  const answered = 1 + warm.accepted + siteRun.accepted;
  const consistent = issues === jobs && done === jobs && answered <= jobs;
  const ratio = siteRun.perSecond / bareRun.perSecond;
  const fmt = (r: typeof siteRun) => `${r.perSecond.toFixed(0).padStart(7)} /s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   非2xx ${r.non2xx}   错误 ${r.errors}`;
  console.log(`\n提交接口压测（${connections} 个并发连接，每轮 ${duration} 秒，本地跟踪库，outbox fsync 开启）`);
  console.log(`  裸 node:http 201   ${fmt(bareRun)}`);
  console.log(`  POST /api/submissions ${fmt(siteRun)}`);
  console.log(`  Astro 空路由 GET /api/health ${astroRate.toFixed(0).padStart(7)} /s   p99 ${floor.latency.p99} ms（框架本身的上限）`);
  console.log(`  受理率 / 裸服务器   ${(ratio * 100).toFixed(1)}%；受理率 / Astro 空路由 ${((siteRun.perSecond / astroRate) * 100).toFixed(1)}%`);
  console.log(`  outbox 受理 ${jobs} 条，已登记 ${done} 条，跟踪库议题 ${issues} 个（压测端收到受理应答 ${answered} 个）：${consistent ? '一致，无丢失、无重复' : '不一致！'}`);
  const lossless = consistent && siteRun.errors === 0 && siteRun.non2xx === 0;
  const checks = [
    [siteRun.perSecond >= 1000, `>= 1,000 受理/秒`],
    [siteRun.p99 <= 50, `p99 <= 50 ms`],
    [ratio >= 0.3, `>= 30% 裸服务器速率`],
    [lossless, '无丢失、无重复、无错误'],
  ] as const;
  for (const [ok, what] of checks) console.log(`  ${ok ? '达标' : '未达标'}  ${what}`);
  // Speed targets are reported, never fatal (README: benchmarks never fail on speed); losing or duplicating is.
  process.exitCode = lossless ? 0 : 1;
} finally {
  site.kill();
  bare.kill();
  rmSync(dataDir, { recursive: true, force: true });
}
