/**
 * Where the content collections live: CONTENT_DIR, else ./content in the working directory (scripts,
 * the build and the server all run from the repository root). Resolved from the working directory, not
 * import.meta.url, because bundled into the build's chunks import.meta.url no longer points into the
 * repository. CONTENT_DIR lets the build benchmark and tests point the same site at a generated corpus.
 */
import { resolve } from 'node:path';

export function contentDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.CONTENT_DIR ?? 'content');
}
