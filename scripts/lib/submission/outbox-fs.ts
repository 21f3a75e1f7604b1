/**
 * The durable outbox under DATA_DIR/outbox: `jobs/<hash>.json` for every accepted submission (kept, it is also
 * the idempotency record) and `delivered/<hash>.json` once the tracker has the issue. Pending = jobs without a
 * delivery. A job is written to a temporary file, flushed to disk (fdatasync), then hard-linked into place:
 * link() is atomic and fails if the name exists, so a job is never half-written and a code is never claimed
 * twice. The directory entry is flushed too, with concurrent submissions sharing one directory fsync (group
 * commit), before the submitter is answered. Delivery records are not flushed: losing one in a crash only
 * causes a redelivery, which findIssueByMarker turns into a no-op.
 */
import { link, mkdir, open, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Delivery, OutboxJob } from './outbox.ts';

export interface Outbox {
  dir: string;
  /** Stores a new job, exclusively by hash; when the hash is taken, returns the job that holds it. */
  claim(job: OutboxJob): Promise<{ created: true } | { created: false; existing: OutboxJob }>;
  get(hash: string): Promise<OutboxJob | null>;
  delivery(hash: string): Promise<Delivery | null>;
  markDelivered(hash: string, delivery: Delivery): Promise<void>;
  /** Every job not yet delivered, oldest first. */
  pending(): Promise<OutboxJob[]>;
  /** Exclusive right to run deliveries across processes (server retry loop, `npm run outbox:deliver`). */
  tryLock(owner: string, ttlMs: number): Promise<(() => Promise<void>) | null>;
}

export interface OutboxOptions {
  dir: string;
  /** Flush jobs to disk before answering (default true). Only benchmarks of the raw path turn it off. */
  fsync?: boolean;
}

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (e) {
    if (isMissing(e)) return null;
    if (e instanceof SyntaxError) throw new Error(`${path}: 文件内容不是有效的 JSON（${e.message}）`);
    throw e;
  }
}

export function createOutbox(options: OutboxOptions): Outbox {
  const { dir } = options;
  const fsync = options.fsync ?? true;
  const jobsDir = join(dir, 'jobs');
  const deliveredDir = join(dir, 'delivered');
  const tmpDir = join(dir, 'tmp');
  let ready: Promise<unknown> | undefined;
  const ensure = () => (ready ??= Promise.all([jobsDir, deliveredDir, tmpDir].map((d) => mkdir(d, { recursive: true }))));
  const jobPath = (hash: string) => join(jobsDir, `${hash}.json`);
  const deliveredPath = (hash: string) => join(deliveredDir, `${hash}.json`);

  // Group commit of the jobs directory: callers wait for a directory fsync that started after their link().
  let syncing: Promise<void> | null = null;
  let again: Promise<void> | null = null;
  const syncOnce = async () => {
    const fh = await open(jobsDir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  };
  function syncJobsDir(): Promise<void> {
    if (!syncing) {
      syncing = syncOnce().finally(() => {
        syncing = null;
      });
      return syncing;
    }
    // A sync is running but may have started before our link: queue exactly one more for everyone waiting.
    again ??= syncing.then(() => {
      again = null;
      return syncJobsDir();
    });
    return again;
  }

  return {
    dir,
    async claim(job) {
      await ensure();
      const tmp = join(tmpDir, `${job.hash}.${process.pid}.${randomBytes(6).toString('hex')}`);
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(JSON.stringify(job));
        if (fsync) await fh.datasync();
      } finally {
        await fh.close();
      }
      try {
        await link(tmp, jobPath(job.hash));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const existing = await readJson<OutboxJob>(jobPath(job.hash));
        if (!existing) throw new Error(`outbox: ${job.hash} exists but cannot be read`, { cause: e });
        return { created: false as const, existing };
      } finally {
        await unlink(tmp).catch(() => {});
      }
      if (fsync) await syncJobsDir();
      return { created: true as const };
    },
    async get(hash) {
      if (!/^[0-9A-Z]{6}$/.test(hash)) return null;
      return readJson<OutboxJob>(jobPath(hash));
    },
    async delivery(hash) {
      if (!/^[0-9A-Z]{6}$/.test(hash)) return null;
      return readJson<Delivery>(deliveredPath(hash));
    },
    async markDelivered(hash, delivery) {
      await ensure();
      const tmp = join(tmpDir, `${hash}.d.${process.pid}.${randomBytes(6).toString('hex')}`);
      await writeFile(tmp, JSON.stringify(delivery));
      await rename(tmp, deliveredPath(hash));
    },
    async pending() {
      await ensure();
      const delivered = new Set(await readdir(deliveredDir));
      const out: OutboxJob[] = [];
      for (const name of await readdir(jobsDir)) {
        if (!name.endsWith('.json') || delivered.has(name)) continue;
        const job = await readJson<OutboxJob>(join(jobsDir, name));
        if (job) out.push(job);
      }
      return out.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
    },
    async tryLock(owner, ttlMs) {
      await ensure();
      const path = join(dir, 'deliver.lock');
      const me = { owner, pid: process.pid, host: hostname(), expires: Date.now() + ttlMs };
      for (let i = 0; i < 2; i++) {
        try {
          await writeFile(path, JSON.stringify(me), { flag: 'wx' });
          return async () => {
            const held = await readJson<typeof me>(path).catch(() => null);
            if (held && held.pid === me.pid && held.owner === owner) await unlink(path).catch(() => {});
          };
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
          const held = await readJson<typeof me>(path).catch(() => null);
          if (held && held.expires > Date.now() && (held.host !== me.host || alive(held.pid))) return null;
          await unlink(path).catch(() => {});
        }
      }
      return null;
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
