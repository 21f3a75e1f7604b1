/**
 * The server's one store: a SQLite database in DATA_DIR (`store.sqlite`) through Node 24's built-in node:sqlite.
 * Outbox, embedded tracker, the /track index, form-token use, sealed personal data, staff tokens and the access log,
 * the mail queue and verdicts live here (migrations.ts), so each change is one transaction and each uniqueness rule
 * a constraint.
 *
 * Durability: a committed transaction survives kill -9 and power loss. Writes go through `write()`, which runs every
 * write queued in the same turn of the event loop in one transaction (group commit); each write runs in its own
 * savepoint, so one failing write does not undo the others. A caller is answered only after the commit is on disk.
 * Several processes may share the file: SQLite's lock serialises their transactions (busy_timeout), and reads never
 * block (WAL).
 *
 * How the commit reaches the disk without stopping the server: WAL with synchronous=NORMAL, in which SQLite syncs
 * the WAL before every checkpoint and the database after it (https://www.sqlite.org/pragma.html#pragma_synchronous),
 * so the file is always consistent, but a commit itself is not synced. The store then syncs the WAL itself on
 * libuv's thread pool (fdatasync through its own descriptor: POSIX fsync applies to the file, not the descriptor)
 * and answers the batch's callers only when that is done: the promise of synchronous=FULL, whose fsync inside
 * COMMIT held the event loop for 18% of the submission benchmark's time (issue 11 profile). Commits go on while a
 * sync runs; the next sync covers them all.
 *
 * The checkpoint, which copies the WAL into the database file and syncs both, is SQLite's automatic one (inside
 * the COMMIT that crosses 1,000 pages) unless `checkpointWorker` is given: then a worker thread does it on its own
 * connection (checkpoint-worker.ts), and the server's thread only commits.
 */
import { close as closeFd, closeSync, fdatasync, fdatasyncSync, mkdirSync, open, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import type { CheckpointWorkerData } from './checkpoint-worker.ts';
import { migrations } from './migrations.ts';

export interface StoreOptions {
  /** Answer a write only once its commit is on disk (default true). Only benchmarks of the raw path turn it off. */
  fsync?: boolean;
  /** Apply at most this many migrations (tests of upgrades from earlier versions). */
  version?: number;
  /** How long a writer waits for another process's transaction (default 10 s). */
  busyTimeoutMs?: number;
  /**
   * Path of checkpoint-worker.ts: checkpoint on that worker thread instead of inside this connection's commits
   * (the long-running server). Without it, SQLite's automatic checkpoint (one-shot scripts, tests).
   */
  checkpointWorker?: string;
  /** Where a checkpoint worker's trouble is reported (default console.warn). */
  log?: (message: string) => void;
}

export interface Store {
  file: string;
  /** The connection, for reads (synchronous, never blocked by writers). Write only inside `write`. */
  db: DatabaseSync;
  /** Runs `fn` in the next group transaction; resolves with its result once the commit is durable. */
  write<T>(fn: (db: DatabaseSync) => T): Promise<T>;
  /** The schema version now in force. */
  version(): number;
  close(): void;
}

/** SQLITE_BUSY (and its extended codes): another connection holds the lock. */
const isBusy = (e: unknown) => ((e as { errcode?: number }).errcode ?? 0) % 256 === 5;

export class StoreClosedError extends Error {
  override name = 'StoreClosedError';
}

interface Pending {
  fn: (db: DatabaseSync) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export function openStore(file: string, options: StoreOptions = {}): Store {
  mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file, { timeout: options.busyTimeoutMs ?? 10_000 });
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  // Every write runs in a savepoint (flush below), and a savepoint keeps the pages it changes in a statement
  // journal so it can roll back alone. By default that journal is a temporary file: each insert then cost 20-35 µs
  // instead of 7-9 µs without the savepoint (measured, node 24.21, this 2-core machine). In memory it is 10-15 µs;
  // the journal lives only until the savepoint is released, so nothing durable changes.
  db.exec('PRAGMA temp_store = MEMORY');
  migrate(db, options.version ?? migrations.length);

  // Transaction statements prepared once: parsing them for every write of every batch showed in the profile.
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const savepoint = db.prepare('SAVEPOINT w');
  const release = db.prepare('RELEASE w');
  const rollbackTo = db.prepare('ROLLBACK TO w');
  const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
  // exec, not prepared statements: a prepared PRAGMA busy_timeout applied itself once only (node 24.21, measured).
  // A pair costs about 2.5 µs.
  const noWait = () => db.exec('PRAGMA busy_timeout = 0');
  const wait = () => db.exec(`PRAGMA busy_timeout = ${Math.floor(busyTimeoutMs)}`);
  let lockWaitSince: number | undefined;
  let lockRetries = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let closing = false;
  let queue: Pending[] = [];
  let scheduled = false;
  let closed = false;

  const durable = options.fsync !== false;
  const walFile = `${file}-wal`;
  /** Committed batches waiting for the next sync, as functions that answer their callers. */
  let awaitingSync: ((error: Error | null) => void)[] = [];
  let syncing = false;
  // The directory entry of the WAL file must reach the disk once too (SQLite's FULL mode syncs the directory after
  // creating a journal); later syncs only need the file.
  let directorySynced = false;

  const log = options.log ?? ((m: string) => console.warn(m));
  let checkpointer: Worker | null = null;
  if (options.checkpointWorker) {
    db.exec('PRAGMA wal_autocheckpoint = 0');
    const worker = new Worker(options.checkpointWorker, { workerData: { file, idleMs: 100, busyMs: 5, restartPages: 2000, restartWaitMs: 200 } satisfies CheckpointWorkerData });
    checkpointer = worker;
    // The worker never keeps the process alive: a checkpoint left undone is done by the next connection.
    worker.unref();
    // A worker that cannot run (or stops) hands the checkpoint back to SQLite: the WAL must not grow without end.
    const fallBack = (why: string) => {
      if (closed || checkpointer !== worker) return;
      checkpointer = null;
      db.exec('PRAGMA wal_autocheckpoint = 1000');
      log(`[store] 后台检查点线程停止（${why}），改由写入时自动检查点`);
    };
    worker.on('message', (m: { warning?: string }) => m.warning && log(`[store] 检查点未完成：${m.warning}`));
    worker.on('error', (e) => fallBack(e.message));
    worker.on('exit', (code) => fallBack(`退出码 ${code}`));
  }

  function afterSync(settle: (error: Error | null) => void) {
    if (!durable) return settle(null);
    awaitingSync.push(settle);
    if (!syncing) startSync();
  }

  function startSync() {
    const group = awaitingSync;
    awaitingSync = [];
    syncing = true;
    const done = (error: Error | null) => {
      syncing = false;
      if (closed) closeWalFd();
      for (const settle of group) settle(error);
      if (awaitingSync.length) startSync();
    };
    const syncOne = (path: string, next: (error: Error | null) => void) =>
      open(path, 'r', (e, fd) => {
        if (e) return next(e);
        fdatasync(fd, (e2) => closeFd(fd, () => next(e2)));
      });
    syncWal((e) => {
      // Closing the last connection checkpoints the WAL into the database, syncs it and deletes the WAL: done.
      if (e && (e as NodeJS.ErrnoException).code === 'ENOENT' && closed) return done(null);
      if (e || directorySynced) return done(e);
      syncOne(dirname(file), (e2) => {
        directorySynced = !e2;
        done(e2);
      });
    });
  }

  // The WAL's descriptor stays open from the first sync to close: opening and closing it around each fdatasync was
  // two more calls per sync on the server's thread (CPU profile, issue 11). While this connection is open the WAL
  // is never deleted, only restarted in place, so the descriptor always names the live file.
  let walFd: number | undefined;
  function syncWal(next: (error: Error | null) => void) {
    if (walFd !== undefined) return fdatasync(walFd, next);
    open(walFile, 'r', (e, fd) => {
      if (e) return next(e);
      walFd = fd;
      fdatasync(fd, next);
    });
  }
  function closeWalFd() {
    if (walFd === undefined) return;
    closeFd(walFd, () => {});
    walFd = undefined;
  }

  function syncNow() {
    const fd = openSync(walFile, 'r');
    try {
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Takes the write lock without blocking the event loop. With another process in a write transaction, SQLite's
   * busy handler would sleep inside BEGIN (1, 2, 5, 10… ms, up to busy_timeout) with every request of this
   * process frozen behind it; instead BEGIN is tried with no wait and, when busy, tried again from a timer, so
   * pages and look-ups go on being answered meanwhile. Returns false when the batch must wait (rescheduled here).
   */
  function tryBegin(batch: Pending[]): boolean {
    if (closing) {
      // The last batch before close: wait for the lock in SQLite's busy handler, there is no later turn.
      begin.run();
      return true;
    }
    noWait();
    try {
      begin.run();
      lockWaitSince = undefined;
      lockRetries = 0;
      return true;
    } catch (e) {
      lockWaitSince ??= Date.now();
      if (!isBusy(e) || Date.now() - lockWaitSince > busyTimeoutMs) {
        lockWaitSince = undefined;
        lockRetries = 0;
        throw e;
      }
      queue = batch.concat(queue);
      if (!scheduled) {
        scheduled = true;
        lockRetries++;
        retryTimer = setTimeout(flush, Math.min(5, lockRetries));
      }
      return false;
    } finally {
      wait();
    }
  }

  function flush() {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (!batch.length) return;
    const results: { ok: boolean; value: unknown }[] = [];
    try {
      if (!tryBegin(batch)) return;
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    for (const p of batch) {
      savepoint.run();
      try {
        results.push({ ok: true, value: p.fn(db) });
        release.run();
      } catch (e) {
        rollbackTo.run();
        release.run();
        results.push({ ok: false, value: e });
      }
    }
    try {
      commit.run();
    } catch (e) {
      try {
        db.exec('ROLLBACK');
      } catch {
        /* already rolled back */
      }
      for (const p of batch) p.reject(e);
      return;
    }
    afterSync((error) => {
      if (error) for (const p of batch) p.reject(new Error(`数据已写入但未能确认落盘：${error.message}`));
      else batch.forEach((p, i) => (results[i].ok ? p.resolve(results[i].value) : p.reject(results[i].value)));
    });
  }

  return {
    file,
    db,
    write<T>(fn: (db: DatabaseSync) => T): Promise<T> {
      if (closed) return Promise.reject(new StoreClosedError(`store ${file} is closed`));
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    version: () => (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version,
    close() {
      if (closed) return;
      clearTimeout(retryTimer);
      closing = true;
      flush();
      closed = true;
      // Answer what is still waiting for a sync before the file goes (a sync already running answers its own).
      if (awaitingSync.length) {
        const waiting = awaitingSync;
        awaitingSync = [];
        let error: Error | null = null;
        try {
          syncNow();
        } catch (e) {
          error = e as Error;
        }
        for (const settle of waiting) settle(error);
      }
      db.close();
      if (!syncing) closeWalFd();
      // After this connection: the worker's is then the last, and closing it checkpoints and removes the WAL.
      checkpointer?.postMessage('stop');
      checkpointer = null;
    },
  };
}

/** Applies the migrations after the file's version, each with its version bump in one transaction. */
function migrate(db: DatabaseSync, target: number) {
  const current = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  if (current > migrations.length) {
    throw new Error(`数据库版本 ${current} 比本程序支持的 ${migrations.length} 新：请升级程序，不要用旧版本打开新数据`);
  }
  for (let v = current; v < target; v++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      // Another process may have migrated while this one waited for the lock.
      const now = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
      if (now > v) {
        db.exec('COMMIT');
        continue;
      }
      db.exec(migrations[v]);
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw new Error(`数据库升级到第 ${v + 1} 版失败：${(e as Error).message}`);
    }
  }
}
