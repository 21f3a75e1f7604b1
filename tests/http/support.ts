/**
 * HTTP test support: one real `astro build` per test run (shared by every tests/http file through a lock), and
 * real server processes started from it on free ports, each with its own temporary DATA_DIR and environment.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inject } from 'vitest';
import { openStore } from '../../scripts/lib/store/store.ts';
import { createLocalTracker } from '../../scripts/lib/tracker/local.ts';
import type { TrackerIssue } from '../../scripts/lib/tracker/port.ts';

const node = process.execPath;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Builds the site once for this run (the first caller builds, the others wait). Returns the build folder. */
export async function ensureBuilt(): Promise<string> {
  const dir = inject('httpBuildDir');
  const done = join(dir, '.build-ok');
  const lock = `${dir}.lock`;
  for (;;) {
    if (existsSync(done)) return dir;
    try {
      mkdirSync(lock);
    } catch {
      await sleep(250);
      continue;
    }
    try {
      if (existsSync(done)) return dir;
      const astro = resolve('node_modules/astro/bin/astro.mjs');
      const r = spawnSync(node, [astro, 'build'], {
        // The fixture content has announcements (objection links), including one dated in the future.
        env: { ...process.env, ASTRO_OUT_DIR: dir, ASTRO_CACHE_DIR: `node_modules/.astro-${dir}`, ASTRO_TELEMETRY_DISABLED: '1', CONTENT_DIR: 'tests/fixtures/site-content' },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      if (r.status !== 0) throw new Error(`astro build failed:\n${r.stdout}\n${r.stderr}`);
      writeFileSync(done, new Date().toISOString());
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

export interface RunningServer {
  url: string;
  dataDir: string;
  /** Everything the server printed. */
  output(): string;
  /** Issues in the server's local tracker (its DATA_DIR store). */
  localIssues(): Promise<TrackerIssue[]>;
  tracker(actor?: string): ReturnType<typeof createLocalTracker>;
  /** kill -9: the process dies at once, whatever it was doing; DATA_DIR is kept for the next start. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the built server with a fresh DATA_DIR (or `options.dataDir`, kept as it is) and the given environment. */
export async function startServer(env: Record<string, string> = {}, options: { dataDir?: string } = {}): Promise<RunningServer> {
  const dir = await ensureBuilt();
  const port = await freePort();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'drg-http-data-'));
  let out = '';
  const child: ChildProcess = spawn(node, ['scripts/serve.ts'], {
    env: {
      ...process.env, ASTRO_OUT_DIR: dir, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir,
      GITHUB_TOKEN: '', GITHUB_REPOSITORY: '', SUBMIT_MIN_FILL_SECONDS: '0', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {}
    if (Date.now() > until) throw new Error(`server did not start:\n${out}`);
    await sleep(100);
  }
  return {
    url,
    dataDir,
    output: () => out,
    /** The issues in the server's local tracker, read from its store as another process would. */
    async localIssues(): Promise<TrackerIssue[]> {
      const store = openStore(join(dataDir, 'store.sqlite'));
      try {
        return await createLocalTracker({ store }).listIssues({ state: 'all' });
      } finally {
        store.close();
      }
    },
    /** The server's local tracker, acting as `actor` (staff by default), through its store. */
    tracker(actor = 'staff') {
      return createLocalTracker({ store: openStore(join(dataDir, 'store.sqlite')), actor });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A valid JSON submission; `n` varies the content. */
export function validSubmission(n = 1, extra: Record<string, unknown> = {}) {
  return {
    organization: '济源市人民医院',
    submitterName: '张三',
    contact: '13800138000',
    unit: '医保办',
    submitterType: 'hospital',
    category: 'policy',
    title: `关于完善结算清单质控规则的建议 ${n}`,
    details: '目前结算清单质控规则与病案首页填写要求存在差异，建议统一口径，并提前公布规则变更。',
    publicConsent: false,
    ...extra,
  };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${url}/api/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The form token from a freshly served /submit page. */
export async function formToken(url: string): Promise<{ token: string; key: string; html: string }> {
  const html = await (await fetch(`${url}/submit`)).text();
  const token = /name="formToken" value="([^"]+)"/.exec(html)?.[1];
  const key = /name="idempotencyKey" value="([^"]+)"/.exec(html)?.[1];
  if (!token || !key) throw new Error('no form token on /submit');
  return { token, key, html };
}

export function postForm(url: string, fields: Record<string, string>, path = '/submit', headers: Record<string, string> = {}) {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });
}
