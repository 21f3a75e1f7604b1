/**
 * Where the content collections live. CONTENT_DIR lets the build benchmark and tests point the same
 * site at a generated corpus; everything else uses ./content.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const defaultContentDir = fileURLToPath(new URL('../../content/', import.meta.url));
export function contentDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CONTENT_DIR ? resolve(env.CONTENT_DIR) : defaultContentDir;
}
