/**
 * The durable outbox under DATA_DIR/outbox: an append-only journal. Every accepted submission is one `job` line
 * (kept: it is also the idempotency record), every delivery one `done` line. Pending = jobs without a done line.
 *
 * Durability with group commit: appends are queued and written by one writer, one `write` and one `fdatasync` per
 * batch; a submission is acknowledged only after the batch holding its line is on disk. Under load, everything
 * that arrived while the previous batch was being flushed goes out in the next one, so the cost of an fsync is
 * shared instead of paid per request (measured: per-file write+fsync+rename limited the server to ~400/s on this
 * machine's disk; bench:submit). A crash can only tear the last, unacknowledged line, which is skipped on reading.
 *
 * Each process appends to its own segment file (`journal/<start>-<pid>.ndjson`, rotated by size) and reads all of
 * them, so `npm run outbox:deliver` can record deliveries beside the running server. One server process owns a
 * DATA_DIR (codes are claimed in its memory index); run more instances with their own DATA_DIR or with GitHub.
 */
import { mkdir, open, readdir, readFile, unlink, writeFile, type FileHandle } from 'node:fs/promises';
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
  /** Every job not yet delivered, oldest first (re-reads what other processes recorded). */
  pending(): Promise<OutboxJob[]>;
  /** Exclusive right to run deliveries across processes (server retry loop, `npm run outbox:deliver`). */
  tryLock(owner: string, ttlMs: number): Promise<(() => Promise<void>) | null>;
  /** Flushes and closes the journal (scripts, tests). */
  close(): Promise<void>;
}

export interface OutboxOptions {
  dir: string;
  /** fdatasync each batch before acknowledging (default true). Only benchmarks of the raw path turn it off. */
  fsync?: boolean;
  /** Start a new segment file past this size (default 64 MiB). */
  segmentBytes?: number;
}

type Line = ({ t: 'job' } & OutboxJob) | ({ t: 'done'; hash: string } & Delivery);

interface Entry {
  keyHash: string;
  trackingCode: string;
  receivedAt: string;
  /** Where the job line is, once written. */
  at?: { file: string; offset: number; length: number };
  /** Set while the claim is being written: concurrent claims of the same hash wait for it. */
  writing?: Promise<void>;
  /** The job itself until it is delivered (pending jobs are few; delivered ones are read back from disk). */
  job?: OutboxJob;
  delivery?: Delivery;
}

export function createOutbox(options: OutboxOptions): Outbox {
  const { dir } = options;
  const fsync = options.fsync ?? true;
  const segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024;
  const journalDir = join(dir, 'journal');
  const index = new Map<string, Entry>();
  /** Bytes of each segment already indexed. */
  const readUpTo = new Map<string, number>();

  // ----- reading ------------------------------------------------------------------------------------------------
  function apply(line: Line, file: string, offset: number, length: number) {
    if (line.t === 'job') {
      if (index.has(line.hash)) return;
      const { t: _t, ...job } = line;
      index.set(line.hash, { keyHash: job.keyHash, trackingCode: job.trackingCode, receivedAt: job.receivedAt, at: { file, offset, length }, job });
    } else {
      const e = index.get(line.hash);
      const delivery = { issueNumber: line.issueNumber, url: line.url, deliveredAt: line.deliveredAt };
      if (e) {
        e.delivery = delivery;
        e.job = undefined;
      } else index.set(line.hash, { keyHash: '', trackingCode: '', receivedAt: '', delivery });
    }
  }

  /** Indexes what was appended to any segment since the last look (ours is indexed as it is written). */
  async function refresh() {
    let names: string[];
    try {
      names = (await readdir(journalDir)).filter((n) => n.endsWith('.ndjson')).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const name of names) {
      if (name === writer.file) continue;
      const from = readUpTo.get(name) ?? 0;
      const fh = await open(join(journalDir, name), 'r');
      let buf: Buffer;
      try {
        const { size } = await fh.stat();
        if (size <= from) continue;
        buf = Buffer.alloc(size - from);
        await fh.read(buf, 0, buf.length, from);
      } finally {
        await fh.close();
      }
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0) break; // a torn or still-being-written last line: read it next time
        try {
          apply(JSON.parse(buf.subarray(start, nl).toString('utf8')) as Line, name, from + start, nl + 1 - start);
        } catch {
          /* a damaged line (crash mid-write): never acknowledged, skip */
        }
        start = nl + 1;
      }
      readUpTo.set(name, from + start);
    }
  }

  let loaded: Promise<void> | undefined;
  const ensure = () => (loaded ??= mkdir(journalDir, { recursive: true }).then(refresh));

  async function readJob(e: Entry): Promise<OutboxJob | null> {
    if (e.job) return e.job;
    if (!e.at) return null;
    const fh = await open(join(journalDir, e.at.file), 'r');
    try {
      const buf = Buffer.alloc(e.at.length);
      await fh.read(buf, 0, e.at.length, e.at.offset);
      const { t: _t, ...job } = JSON.parse(buf.toString('utf8')) as { t: 'job' } & OutboxJob;
      return job;
    } finally {
      await fh.close();
    }
  }

  // ----- writing: one writer, batches, one fdatasync per batch ---------------------------------------------------
  const writer = {
    file: '' as string,
    fh: null as FileHandle | null,
    size: 0,
    queue: [] as { data: Buffer; done: (at: { file: string; offset: number }) => void; fail: (e: unknown) => void }[],
    running: false,
  };

  async function openSegment() {
    if (writer.fh) await writer.fh.close();
    writer.file = `${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.ndjson`;
    writer.fh = await open(join(journalDir, writer.file), 'a', 0o600);
    writer.size = 0;
    // Make the new file's directory entry durable before anything in it is acknowledged.
    if (fsync) {
      const d = await open(journalDir, 'r');
      await d.sync().finally(() => d.close());
    }
  }

  async function drain() {
    writer.running = true;
    try {
      while (writer.queue.length) {
        const batch = writer.queue.splice(0);
        try {
          if (!writer.fh || writer.size >= segmentBytes) await openSegment();
          const data = Buffer.concat(batch.map((b) => b.data));
          const file = writer.file;
          const base = writer.size;
          let written = 0;
          while (written < data.length) written += (await writer.fh!.write(data, written, data.length - written)).bytesWritten;
          if (fsync) await writer.fh!.datasync();
          writer.size += data.length;
          let offset = base;
          for (const b of batch) {
            b.done({ file, offset });
            offset += b.data.length;
          }
        } catch (e) {
          // The segment may hold a partial batch: start a fresh one, and tell every waiter it failed.
          await writer.fh?.close().catch(() => {});
          writer.fh = null;
          for (const b of batch) b.fail(e);
        }
      }
    } finally {
      writer.running = false;
    }
  }

  function append(line: Line): Promise<{ file: string; offset: number; length: number }> {
    const data = Buffer.from(`${JSON.stringify(line)}\n`);
    return new Promise((resolve, reject) => {
      writer.queue.push({ data, done: (at) => resolve({ ...at, length: data.length }), fail: reject });
      if (!writer.running) void drain();
    });
  }

  return {
    dir,
    async claim(job) {
      await ensure();
      let existing = index.get(job.hash);
      if (existing?.writing) {
        await existing.writing;
        existing = index.get(job.hash);
      }
      if (existing?.at) {
        const stored = await readJob(existing);
        if (stored) return { created: false as const, existing: stored };
      }
      const entry: Entry = { keyHash: job.keyHash, trackingCode: job.trackingCode, receivedAt: job.receivedAt, job };
      let settle!: () => void;
      entry.writing = new Promise<void>((r) => (settle = r));
      index.set(job.hash, entry);
      try {
        entry.at = await append({ t: 'job', ...job });
        return { created: true as const };
      } catch (e) {
        index.delete(job.hash);
        throw e;
      } finally {
        entry.writing = undefined;
        settle();
      }
    },
    async get(hash) {
      await ensure();
      let e = index.get(hash);
      if (!e?.at) {
        await refresh();
        e = index.get(hash);
      }
      await e?.writing;
      return e ? readJob(e) : null;
    },
    async delivery(hash) {
      await ensure();
      return index.get(hash)?.delivery ?? null;
    },
    async markDelivered(hash, delivery) {
      await ensure();
      await append({ t: 'done', hash, ...delivery });
      const e = index.get(hash);
      if (e) {
        e.delivery = delivery;
        e.job = undefined;
      }
    },
    async pending() {
      await ensure();
      await refresh();
      const out: OutboxJob[] = [];
      for (const e of index.values()) {
        if (e.delivery || e.writing || !e.at) continue;
        const job = await readJob(e);
        if (job) out.push(job);
      }
      return out.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
    },
    async tryLock(owner, ttlMs) {
      await ensure();
      const path = join(dir, 'deliver.lock');
      const me = { owner, pid: process.pid, host: hostname(), expires: Date.now() + ttlMs };
      const held = async () => {
        try {
          return JSON.parse(await readFile(path, 'utf8')) as typeof me;
        } catch {
          return null;
        }
      };
      for (let i = 0; i < 2; i++) {
        try {
          await writeFile(path, JSON.stringify(me), { flag: 'wx' });
          return async () => {
            const h = await held();
            if (h && h.pid === me.pid && h.owner === owner) await unlink(path).catch(() => {});
          };
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
          const h = await held();
          if (h && h.expires > Date.now() && (h.host !== me.host || alive(h.pid))) return null;
          await unlink(path).catch(() => {});
        }
      }
      return null;
    },
    async close() {
      while (writer.running || writer.queue.length) await new Promise((r) => setTimeout(r, 5));
      await writer.fh?.close();
      writer.fh = null;
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
