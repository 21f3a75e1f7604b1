/**
 * A worker thread of the prepare pool (prepare-pool.ts): prepares each submission it is sent with the keys it was
 * started with and posts the result back. It holds no state and touches neither the store nor the network.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { prepareSubmission, type PrepareKeys, type PrepareRequest } from './prepare.ts';

const keys = (workerData as { keys: PrepareKeys }).keys;
parentPort!.on('message', ({ id, request }: { id: number; request: PrepareRequest }) => {
  try {
    parentPort!.postMessage({ id, prepared: prepareSubmission(keys, request) });
  } catch (e) {
    parentPort!.postMessage({ id, error: { name: (e as Error).name, message: (e as Error).message } });
  }
});
