/**
 * The files the bureau's configuration names, checked before anything runs on them: the grouping code list
 * (CODE_LIST_PATH / bureau.json codeListPath), the holiday overrides (content/settings/holidays.json) and the
 * sealing keys (BUREAU_PUBLIC_KEY, BUREAU_PRIVATE_KEY). Issue 10: a missing or unreadable configured file is an
 * error naming the file and the setting, at server start (scripts/serve.ts) and in `npm run validate`, never a
 * silent fall-back.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadCodeList } from './code-list-fs.ts';
import { readPem } from './sealed-fs.ts';

export const holidaysFile = 'content/settings/holidays.json';

/** One line per problem, `setting: what is wrong`; empty when every configured file is there and readable. */
export function configuredFileProblems(env: NodeJS.ProcessEnv = process.env): string[] {
  const problems: string[] = [];
  const attempt = (f: () => void) => {
    try {
      f();
    } catch (e) {
      problems.push((e as Error).message);
    }
  };
  attempt(() => loadCodeList(env));
  attempt(() => {
    let text: string;
    try {
      text = readFileSync(resolve(holidaysFile), 'utf8');
    } catch (e) {
      throw new Error(`${holidaysFile}: 节假日调整文件无法读取（${(e as NodeJS.ErrnoException).code ?? (e as Error).message}）`);
    }
    try {
      JSON.parse(text);
    } catch (e) {
      throw new Error(`${holidaysFile}: 不是有效的 JSON（${(e as Error).message}）`);
    }
  });
  for (const [variable, make] of [
    ['BUREAU_PUBLIC_KEY', createPublicKey],
    ['BUREAU_PRIVATE_KEY', createPrivateKey],
  ] as const) {
    const value = env[variable];
    if (!value) continue;
    attempt(() => {
      const pem = readPem(value, variable);
      try {
        make(pem);
      } catch (e) {
        throw new Error(`${variable}=${value.includes('-----BEGIN') ? '(PEM)' : value}: 不是有效的密钥（${(e as Error).message}）`);
      }
    });
  }
  return problems;
}
