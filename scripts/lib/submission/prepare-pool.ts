/**
 * Runs prepareSubmission (prepare.ts) on worker threads, so that a flood of submissions uses more than the one core
 * the HTTP server and the store's writes run on (issue 11: one server process was at 102% of one core at ~620
 * submissions/s with the second core half idle, and a fifth of that CPU was this preparation).
 *
 * Nothing a submitter sent can be lost here: a worker that dies or is stopped with requests in hand has those
 * prepared on the main thread instead (nothing is stored before the answer, which depends only on the request and
 * the keys); a worker that keeps dying before it answers anything (a broken install) is given up on and the pool
 * prepares on the main thread, saying so once in the log. A worker holds the process open only while it has work.
 */
import { Worker } from 'node:worker_threads';
import { prepareSubmission, type PrepareKeys, type Prepared, type PrepareRequest } from './prepare.ts';

export interface Preparer {
  prepare(request: PrepareRequest): Promise<Prepared>;
  /** Starts the workers now instead of at the first submission (the server, at start). */
  warm(): void;
  /** Stops the workers; what they still hold is prepared here, and later requests too. */
  close(): Promise<void>;
}

/** Prepares on the calling thread (one-shot scripts, tests of the service, SUBMIT_WORKERS=0). */
export function inProcessPreparer(keys: PrepareKeys): Preparer {
  return {
    prepare: async (request) => prepareSubmission(keys, request),
    warm() {},
    close: async () => {},
  };
}

export interface PreparePoolOptions {
  keys: PrepareKeys;
  /** Worker threads (at least 1; use inProcessPreparer for none). */
  size: number;
  /** Path of prepare-worker.ts. */
  workerFile: string;
  log?: (message: string) => void;
}

interface Task {
  request: PrepareRequest;
  resolve: (p: Prepared) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker | null;
  tasks: Map<number, Task>;
  /** Whether this worker has answered anything (a worker that dies before is counted as a failed start). */
  answered: boolean;
}

/** Workers that died before their first answer, after which the pool stops starting them. */
const maxFailedStarts = 3;

export function createPreparePool(options: PreparePoolOptions): Preparer {
  const { keys, workerFile } = options;
  const log = options.log ?? ((m: string) => console.warn(m));
  const slots: Slot[] = Array.from({ length: Math.max(1, options.size) }, () => ({ worker: null, tasks: new Map(), answered: false }));
  let nextId = 0;
  let failedStarts = 0;
  let closed = false;

  const onThisThread = (request: PrepareRequest) => Promise.resolve().then(() => prepareSubmission(keys, request));
  const useWorkers = () => !closed && failedStarts < maxFailedStarts;
  const failedStart = (why: string) => {
    if (++failedStarts === maxFailedStarts) log(`提交预处理线程多次启动失败（${why}），改在主线程处理`);
  };

  function lost(slot: Slot, worker: Worker, why: string) {
    if (slot.worker !== worker) return;
    slot.worker = null;
    const tasks = [...slot.tasks.values()];
    slot.tasks.clear();
    if (!closed && !slot.answered) failedStart(why);
    else if (!closed) log(`提交预处理线程退出（${why}），下一条意见时重新启动；它手上的 ${tasks.length} 条改在主线程处理`);
    for (const t of tasks) onThisThread(t.request).then(t.resolve, t.reject);
  }

  function start(slot: Slot): Worker {
    const worker = new Worker(workerFile, { workerData: { keys } });
    slot.worker = worker;
    slot.answered = false;
    worker.unref();
    worker.on('message', (m: { id: number; prepared?: Prepared; error?: { name: string; message: string } }) => {
      slot.answered = true;
      failedStarts = 0;
      const task = slot.tasks.get(m.id);
      if (!task) return;
      slot.tasks.delete(m.id);
      if (!slot.tasks.size) worker.unref();
      if (m.prepared) task.resolve(m.prepared);
      else task.reject(Object.assign(new Error(m.error?.message), { name: m.error?.name ?? 'Error' }));
    });
    worker.on('error', (e) => lost(slot, worker, e.message));
    worker.on('exit', (code) => lost(slot, worker, `exit ${code}`));
    return worker;
  }

  return {
    prepare(request) {
      if (!useWorkers()) return onThisThread(request);
      // The least busy worker; ties go to the first, so a quiet server keeps to one.
      const slot = slots.reduce((a, b) => (b.tasks.size < a.tasks.size ? b : a));
      let worker: Worker;
      try {
        worker = slot.worker ?? start(slot);
      } catch (e) {
        failedStart((e as Error).message);
        return onThisThread(request);
      }
      const id = nextId++;
      return new Promise<Prepared>((resolve, reject) => {
        slot.tasks.set(id, { request, resolve, reject });
        worker.ref();
        worker.postMessage({ id, request });
      });
    },
    warm() {
      try {
        if (useWorkers()) for (const slot of slots) slot.worker ??= start(slot);
      } catch {
        /* the first submission tries again and falls back to this thread */
      }
    },
    async close() {
      closed = true;
      await Promise.all(
        slots.map((slot) => {
          const w = slot.worker;
          if (!w) return;
          const stopped = w.terminate();
          lost(slot, w, 'closed');
          return stopped;
        }),
      );
    },
  };
}
