/**
 * A worker thread of the store (store.ts `checkpointWorker`): copies the WAL into the database file on its own
 * connection, so the server's event loop never does. SQLite's automatic checkpoint runs inside the COMMIT that
 * crosses 1,000 WAL pages, on the committing thread, and with synchronous=NORMAL it syncs the WAL and the database
 * there: measured on this 2-core machine, that made a commit cost 235 µs per submission instead of 67 µs
 * (issue 11 note, stop 20). A PASSIVE checkpoint blocks neither readers nor writers
 * (https://www.sqlite.org/c3ref/wal_checkpoint_v2.html); the main connection's next write transaction restarts
 * the WAL from its beginning once everything in it has been copied.
 *
 * While the WAL holds pages not yet copied it checkpoints again after `busyMs`; when everything is copied it looks
 * again after `idleMs`. The WAL restarts from its beginning only when a writer starts while every page is copied,
 * which a flood of back-to-back commits never allows: measured, 6,000 submissions left a 170 MB WAL. So once the
 * WAL holds `restartPages` pages, a RESTART checkpoint waits (up to `restartWaitMs`) for the running transaction,
 * copies the rest and makes the next writer start the WAL afresh. Meanwhile the server's writers find the lock
 * taken and try again from a timer (store.ts tryBegin): they wait, the event loop does not. It holds no state: a
 * checkpoint it did not finish is done by the next one, or by SQLite when the last connection closes.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointWorkerData {
  file: string;
  /** Wait before the next checkpoint when the last one left nothing behind. */
  idleMs: number;
  /** Wait before the next checkpoint when pages were left (written meanwhile, or pinned by a reader). */
  busyMs: number;
  /** WAL size in pages from which a RESTART checkpoint is done. */
  restartPages: number;
  /** How long a RESTART checkpoint waits for writers and readers to finish. */
  restartWaitMs: number;
}

const { file, idleMs, busyMs, restartPages, restartWaitMs } = workerData as CheckpointWorkerData;
// The busy handler serves only RESTART (a PASSIVE checkpoint never waits); a RESTART that times out is tried later.
const db = new DatabaseSync(file, { timeout: restartWaitMs });
// The same syncs as the automatic checkpoint it replaces: the WAL before copying, the database after
// (https://www.sqlite.org/pragma.html#pragma_synchronous). Without the second, a power cut after the WAL restarts
// could lose pages the database file had not yet received.
db.exec('PRAGMA synchronous = NORMAL');
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const restart = db.prepare('PRAGMA wal_checkpoint(RESTART)');
type Result = { busy: number; log: number; checkpointed: number };
let timer: NodeJS.Timeout | undefined;
let stopped = false;

function run() {
  let wait = idleMs;
  try {
    let { log, checkpointed } = passive.get() as Result;
    if (log >= restartPages) ({ log, checkpointed } = restart.get() as Result);
    if (log > checkpointed) wait = busyMs;
  } catch (e) {
    parentPort!.postMessage({ warning: (e as Error).message });
  }
  if (!stopped) timer = setTimeout(run, wait);
}

parentPort!.on('message', (message: 'stop') => {
  if (message !== 'stop') return;
  stopped = true;
  clearTimeout(timer);
  db.close();
  parentPort!.close();
});
parentPort!.postMessage({ ready: true });
timer = setTimeout(run, idleMs);
