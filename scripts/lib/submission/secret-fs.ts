/**
 * The server secret behind tracking codes, key hashes and form tokens: SUBMIT_SECRET (≥ 32 characters), else
 * 32 random bytes generated once into DATA_DIR/keys/server-secret (mode 600). Every server instance of one
 * deployment must share it (set SUBMIT_SECRET on serverless hosts), or their codes would differ.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataPaths } from '../data-dir.ts';

export function loadServerSecret(env: NodeJS.ProcessEnv = process.env): Buffer {
  if (env.SUBMIT_SECRET) {
    if (env.SUBMIT_SECRET.length < 32) throw new Error('SUBMIT_SECRET 至少需要 32 个字符');
    return Buffer.from(env.SUBMIT_SECRET);
  }
  const dir = dataPaths(env).keys;
  const file = join(dir, 'server-secret');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return Buffer.from(readFileSync(file, 'utf8').trim());
}
