/**
 * Issue 11, "a crash at any instant neither loses an accepted submission nor turns one into two issues": the real
 * built server is killed with SIGKILL at a random moment of a burst of JSON submissions, restarted on the same
 * DATA_DIR, and every client retries its submission with the same Idempotency-Key until it is answered. Then each
 * key must be exactly one issue, and every submission a client was told was received must be there. Several
 * rounds, each killed at another moment. (Before the store, 1 to 7 submissions in every round became two issues.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../scripts/lib/seeded-random.ts';
import { postJson, startServer, validSubmission, type RunningServer } from './support.ts';

const rounds = 3;
const burst = 400;
const env = { SUBMIT_RATE_LIMIT: 'off', SUBMIT_TRIAGE: 'off', DELIVERY_TIMEOUT_MS: '5000', OUTBOX_RETRY_BASE_MS: '50', OUTBOX_RETRY_MAX_MS: '500' };
let server: RunningServer | undefined;
afterAll(() => server?.stop());

describe('kill -9 during a burst of submissions', () => {
  it.each(Array.from({ length: rounds }, (_, r) => r))('round %i: every key is one issue, nothing acknowledged is lost', { timeout: 240_000 }, async (round) => {
    const random = seededRandom(1000 + round);
    const dataDir = mkdtempSync(join(tmpdir(), 'drg-crash-'));
    server = await startServer(env, { dataDir });
    const keys = Array.from({ length: burst }, (_, i) => `crash-${round}-${String(i).padStart(4, '0')}`);
    const acknowledged = new Map<string, string>(); // key → tracking code a client was given
    const post = async (key: string, i: number, url: string) => {
      const res = await postJson(url, validSubmission(i, { title: `崩溃测试意见 ${round}-${i}` }), { 'idempotency-key': key });
      const body = await res.json();
      if (res.status !== 201 && res.status !== 202) throw new Error(`${res.status} ${JSON.stringify(body)}`);
      const earlier = acknowledged.get(key);
      if (earlier && earlier !== body.trackingCode) throw new Error(`key ${key} got two codes: ${earlier}, ${body.trackingCode}`);
      acknowledged.set(key, body.trackingCode);
    };
    // The burst, 16 at a time; the server dies at a random moment within it.
    const killAfterMs = 150 + Math.floor(random() * 900);
    const url = server.url;
    let next = 0;
    const failed: number[] = [];
    const worker = async () => {
      for (let i = next++; i < burst; i = next++) await post(keys[i], i, url).catch(() => failed.push(i));
    };
    const killed = new Promise<void>((resolve) => setTimeout(() => void server!.kill().then(resolve), killAfterMs));
    await Promise.all([...Array.from({ length: 16 }, worker), killed]);
    expect(failed.length, `the kill at ${killAfterMs} ms interrupted some requests`).toBeGreaterThan(0);

    // Restart on the same data; clients retry what was not answered, and some retry what was (lost answers).
    server = await startServer(env, { dataDir });
    const retry = [...failed, ...Array.from({ length: 40 }, () => Math.floor(random() * burst))];
    for (let i = 0; i < retry.length; i += 16) await Promise.all(retry.slice(i, i + 16).map((k) => post(keys[k], k, server!.url)));

    // Every queued job gets delivered by the restarted server's retry loop.
    let issues = await server.localIssues();
    for (const until = Date.now() + 60_000; issues.length < burst && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 200));
      issues = await server.localIssues();
    }
    const perKey = new Map<string, number>();
    for (const issue of issues) {
      const title = /崩溃测试意见 (\d+)-(\d+)/.exec(issue.title);
      if (title) perKey.set(keys[Number(title[2])], (perKey.get(keys[Number(title[2])]) ?? 0) + 1);
    }
    expect([...perKey.values()].filter((n) => n > 1), 'keys that became two issues').toEqual([]);
    expect(issues).toHaveLength(burst);
    for (const [key, code] of acknowledged) expect(issues.some((i) => i.body.includes(code)), `${key} ${code} acknowledged but missing`).toBe(true);
    await server.stop();
    server = undefined;
  });
});
