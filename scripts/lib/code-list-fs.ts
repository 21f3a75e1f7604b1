/**
 * Loads the configured code list: CODE_LIST_PATH, else bureau.json `codeListPath` (relative to the
 * working directory). None configured or the file missing → null: codes are then checked for format only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadBureau } from './bureau.ts';
import { parseCodeList, type CodeList } from './code-list.ts';

let cached: CodeList | null | undefined;
export function loadCodeList(env: NodeJS.ProcessEnv = process.env): CodeList | null {
  if (cached !== undefined) return cached;
  const configured = env.CODE_LIST_PATH ?? loadBureau().codeListPath;
  const path = configured ? resolve(configured) : undefined;
  cached = path && existsSync(path) ? parseCodeList(readFileSync(path, 'utf8')) : null;
  return cached;
}
