/**
 * Browser tests in Debian's Chromium (no browser download). The web server is the real build:
 * `npm run build` into its own folder, then the Node server, with a fresh local tracker and outbox.
 * E2E_PORT / E2E_OUT_DIR let two runs share a machine.
 */
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = Number(process.env.E2E_PORT ?? 4329);
const outDir = process.env.E2E_OUT_DIR ?? 'dist-e2e';
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'drg-e2e-'));
process.env.E2E_DATA_DIR = dataDir;

export const chromiumArgs = [
  '--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic', '--no-first-run',
];

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  },
  projects: [{ name: 'chromium' }],
  webServer: {
    command: process.env.E2E_SKIP_BUILD ? 'node scripts/serve.ts' : 'npm run build && node scripts/serve.ts',
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      ASTRO_OUT_DIR: outDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
    },
  },
});
