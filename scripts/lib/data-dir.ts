/**
 * Where the running product keeps its state: the store (outbox, local tracker, …) and the dev keys.
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
    /** The one store: outbox, embedded tracker, /track index, form tokens (scripts/lib/store/). */
    store: join(root, 'store.sqlite'),
    /** Development key pair for sealing contact details when no bureau key is configured. */
    keys: join(root, 'keys'),
    /** Mail to submitters as .eml files when no SMTP server is configured (mail/transport-fs.ts, eml-files-fs.ts). */
    mail: join(root, 'mail'),
  };
};
