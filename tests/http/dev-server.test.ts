/**
 * `npm run dev` (astro dev) runs the on-demand pages and the API with the server's own dependencies
 * (scripts/lib/http/dev-server-integration.ts): the form renders, the API registers an opinion on the local
 * tracker, and /track finds it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, postJson, validSubmission } from './support.ts';

let child: ChildProcess;
let url = '';
let out = '';
const dataDir = mkdtempSync(join(tmpdir(), 'drg-dev-data-'));

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  // As a developer runs it: without the test runner's NODE_ENV=test and VITEST* variables, which Vite reads.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_ENV' && !k.startsWith('VITEST')));
  child = spawn(process.execPath, [resolve('node_modules/astro/bin/astro.mjs'), 'dev', '--host', '127.0.0.1', '--port', String(port)], {
    env: { ...env, DATA_DIR: dataDir, GITHUB_TOKEN: '', GITHUB_REPOSITORY: '', SUBMIT_MIN_FILL_SECONDS: '0', ASTRO_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const until = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`astro dev exited ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) })).ok) break;
    } catch {}
    if (Date.now() > until) throw new Error(`astro dev did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
});
afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill();
    await new Promise((r) => child.once('exit', r));
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('astro dev', () => {
  it('serves the form, takes an opinion through the API and finds it on /track', async () => {
    const form = await fetch(`${url}/submit`);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="organization"');
    const res = await postJson(url, validSubmission(1), { 'idempotency-key': 'dev-server-key-0001' });
    expect(res.status, out).toBe(201);
    const { trackingCode } = await res.json();
    const track = await fetch(`${url}/track?code=${trackingCode}`);
    expect(track.status).toBe(200);
    const page = await track.text();
    expect(page).toContain(`查询码 ${trackingCode}：<span id="stage">`);
    expect(page).not.toContain('没有找到查询码');
  });
});
