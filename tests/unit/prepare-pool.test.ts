/**
 * The prepare pool (scripts/lib/submission/prepare-pool.ts): submissions prepared on worker threads are the same as
 * prepared on the main thread, and none is lost when a worker dies, cannot start or is stopped with work in hand.
 */
import { spawnSync } from 'node:child_process';
import { createPublicKey, createSecretKey } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSubmission } from '../../schemas/submission.ts';
import { loadBureau } from '../../scripts/lib/bureau.ts';
import { generateSealingKeyPair, openSealed } from '../../scripts/lib/sealed.ts';
import { prepareKeysOf, prepareSubmission, type PrepareRequest } from '../../scripts/lib/submission/prepare.ts';
import { createPreparePool, type Preparer } from '../../scripts/lib/submission/prepare-pool.ts';

const bureau = loadBureau();
const pair = generateSealingKeyPair();
const keys = prepareKeysOf(bureau, createSecretKey(Buffer.from('0123456789abcdef0123456789abcdef')), createPublicKey(pair.publicKey));
const workerFile = resolve('scripts/lib/submission/prepare-worker.ts');
const pools: Preparer[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});
const pool = (options: { size?: number; workerFile?: string; log?: (m: string) => void } = {}) => {
  const p = createPreparePool({ keys, size: options.size ?? 1, workerFile: options.workerFile ?? workerFile, log: options.log ?? (() => {}) });
  pools.push(p);
  return p;
};

function request(n: number): PrepareRequest {
  const r = parseSubmission({
    organization: '济源市第二人民医院', submitterName: '赵六', contact: '13900139000', submitterType: 'hospital', category: 'core-elements',
    title: `建议调整核心要素的计算口径（第 ${n} 条）`, details: '赵六（电话 13900139000）反映：基准点数的测算口径与实际成本差异较大，建议公开测算方法。',
  });
  if (!r.ok) throw new Error('fixture');
  return { submission: r.value, key: `key-${n}`, receivedAt: '2026-12-02T03:00:00.000Z', deadline: '2026-12-16', office: bureau.routing['core-elements'], warnings: [], attempt: 0 };
}

/** What a preparation must come to, wherever it ran (the seal is random, so it is opened instead of compared). */
function expectSameAsHere(got: Awaited<ReturnType<Preparer['prepare']>>, n: number) {
  const here = prepareSubmission(keys, request(n));
  expect(got.keyHash).toBe(here.keyHash);
  expect(got.contentHash).toBe(here.contentHash);
  expect(got.job).toEqual(here.job);
  expect(openSealed(got.sealedPersonal, pair.privateKey)).toMatchObject({ name: '赵六', contact: '13900139000' });
}

/** A worker file that dies on its `n`th message before answering it (answering the earlier ones as the real one does). */
function dyingWorker(n: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'drg-prepare-')), 'worker.mjs');
  writeFileSync(file, `import { parentPort } from 'node:worker_threads';\nlet seen = 0;\nparentPort.on('message', () => { if (++seen === ${n}) process.exit(7); });\nawait import(${JSON.stringify(pathToFileURL(workerFile).href)});\n`);
  return file;
}

describe('prepare pool', () => {
  it('prepares on a worker exactly what the main thread would, redacted and sealed', async () => {
    const p = pool({ size: 2 });
    const got = await Promise.all(Array.from({ length: 40 }, (_, i) => p.prepare(request(i))));
    got.forEach((g, i) => expectSameAsHere(g, i));
    // The issue carries neither the name nor the number, which only the sealed record holds.
    expect(got[0].job.issue.body).not.toContain('赵六');
    expect(got[0].job.issue.body).not.toContain('13900139000');
    expect(new Set(got.map((g) => g.job.trackingCode)).size).toBe(40);
  });

  it('answers what a worker held when it died, and goes on with a new worker', async () => {
    const said: string[] = [];
    const p = pool({ workerFile: dyingWorker(5), log: (m) => said.push(m) });
    for (let i = 0; i < 4; i++) expectSameAsHere(await p.prepare(request(i)), i);
    // The fifth kills the worker with ten requests in hand: every one is still answered, and rightly.
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => p.prepare(request(10 + i))));
    burst.forEach((g, i) => expectSameAsHere(g, 10 + i));
    expect(said.join('\n')).toContain('提交预处理线程退出');
    // The next request starts another worker (it answers four before dying in turn).
    expectSameAsHere(await p.prepare(request(30)), 30);
  });

  it('prepares on the main thread when workers cannot start, and says so once', async () => {
    const said: string[] = [];
    const p = pool({ workerFile: dyingWorker(1), log: (m) => said.push(m) });
    const got = await Promise.all(Array.from({ length: 12 }, (_, i) => p.prepare(request(i))));
    got.forEach((g, i) => expectSameAsHere(g, i));
    for (let i = 0; i < 5; i++) expectSameAsHere(await p.prepare(request(20 + i)), 20 + i);
    expect(said.filter((m) => m.includes('多次启动失败'))).toHaveLength(1);
  });

  it('answers a missing worker file from the main thread', async () => {
    const said: string[] = [];
    const p = pool({ workerFile: join(tmpdir(), 'no-such-worker.mjs'), log: (m) => said.push(m) });
    for (let i = 0; i < 5; i++) expectSameAsHere(await p.prepare(request(i)), i);
    expect(said.filter((m) => m.includes('多次启动失败'))).toHaveLength(1);
  });

  it('stopped with requests in hand, answers them and later ones', async () => {
    const p = pool();
    p.warm();
    const inHand = Array.from({ length: 20 }, (_, i) => p.prepare(request(i)));
    await p.close();
    (await Promise.all(inHand)).forEach((g, i) => expectSameAsHere(g, i));
    expectSameAsHere(await p.prepare(request(50)), 50);
  });

  it('does not keep a script alive once its work is done', () => {
    const script = [
      `import { createPublicKey, createSecretKey } from 'node:crypto';`,
      `import { createPreparePool } from ${JSON.stringify(pathToFileURL(resolve('scripts/lib/submission/prepare-pool.ts')).href)};`,
      `import { prepareKeysOf } from ${JSON.stringify(pathToFileURL(resolve('scripts/lib/submission/prepare.ts')).href)};`,
      `const keys = prepareKeysOf({ contact: {}, codePrefix: 'JY' }, createSecretKey(Buffer.alloc(32, 1)), createPublicKey(${JSON.stringify(pair.publicKey)}));`,
      `const pool = createPreparePool({ keys, size: 1, workerFile: ${JSON.stringify(workerFile)} });`,
      `pool.warm();`,
      `const r = await pool.prepare(${JSON.stringify(request(1))});`,
      `console.log(r.job.trackingCode);`,
    ].join('\n');
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toMatch(/^JY-2026-[0-9A-Z]{6}$/);
  });
});
