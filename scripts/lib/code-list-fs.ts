/**
 * Loads the grouping code list in force: CODE_LIST_PATH, else bureau.json `codeListPath`, both relative to the
 * working directory (the repository root, where npm scripts and the server run). The project ships the national
 * CHS-DRG 2.0 ADRG list (content/settings/codes/). A configured file that is missing or unreadable is an error
 * naming the file and the setting, never a silent fall-back to format-only checks (issue 10: a clone without the
 * file gave `FM99` no warning at all). Only a bureau that configures no list at all gets format-only checks.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bureauFile, loadBureau } from './bureau.ts';
import { parseCodeList, type CodeList } from './code-list.ts';

/** Which setting names the list, and the file it names; null when none is configured. */
export function configuredCodeList(env: NodeJS.ProcessEnv = process.env): { setting: string; path: string } | null {
  if (env.CODE_LIST_PATH) return { setting: 'CODE_LIST_PATH', path: resolve(env.CODE_LIST_PATH) };
  const configured = loadBureau().codeListPath;
  return configured ? { setting: `${bureauFile}: codeListPath`, path: resolve(configured) } : null;
}

const cache = new Map<string, CodeList>();
export function loadCodeList(env: NodeJS.ProcessEnv = process.env): CodeList | null {
  const configured = configuredCodeList(env);
  if (!configured) return null;
  const hit = cache.get(configured.path);
  if (hit) return hit;
  let text: string;
  try {
    text = readFileSync(configured.path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${configured.setting}: 分组代码表 ${configured.path} ${code === 'ENOENT' ? '不存在' : `无法读取（${code ?? (e as Error).message}）`}`);
  }
  const list = parseCodeList(text);
  if (list.size === 0) throw new Error(`${configured.setting}: 分组代码表 ${configured.path} 中没有代码（每行应为 代码<TAB>名称）`);
  cache.set(configured.path, list);
  return list;
}
