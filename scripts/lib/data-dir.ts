/**
 * Where the running product keeps its state: the local tracker, the submission outbox, the dev keys.
 * DATA_DIR (default `.data` in the working directory) so tests and benchmarks use throwaway folders.
 */
import { resolve, join } from 'node:path';

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.DATA_DIR ?? '.data');
}
export const dataPaths = (env: NodeJS.ProcessEnv = process.env) => {
  const root = dataDir(env);
  return {
    root,
    /** The embedded tracker (scripts/lib/tracker/local.ts). */
    tracker: join(root, 'tracker'),
    /** Submissions accepted but not yet delivered to the tracker. */
    outbox: join(root, 'outbox'),
    /** Development key pair for sealing contact details when no bureau key is configured. */
    keys: join(root, 'keys'),
  };
};
