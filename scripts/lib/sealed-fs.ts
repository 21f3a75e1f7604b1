/**
 * Where the sealing keys come from. Production: BUREAU_PUBLIC_KEY on the server (PEM text or a path) and
 * BUREAU_PRIVATE_KEY only on staff machines (`npm run decrypt`). Without configuration, a development key pair
 * is generated into DATA_DIR/keys on first use (and the log says so), so `npm start` works offline; a bureau
 * must replace it with its own key before going live (README: 配置密钥).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataPaths } from './data-dir.ts';
import { generateSealingKeyPair, keyId, toPrivateKey } from './sealed.ts';

/** PEM text as given, or the contents of the file it names. */
export function readPem(value: string, variable: string): string {
  if (value.includes('-----BEGIN')) return value.replace(/\\n/g, '\n');
  try {
    return readFileSync(value, 'utf8');
  } catch (e) {
    throw new Error(`${variable}=${value}: 读取密钥文件失败（${(e as Error).message}）`);
  }
}

export const devKeyFiles = (env: NodeJS.ProcessEnv = process.env) => {
  const dir = dataPaths(env).keys;
  return { dir, privateKey: join(dir, 'bureau-private.pem'), publicKey: join(dir, 'bureau-public.pem') };
};

/** The development private key, generated once (exclusive create, so two processes agree on one key). */
function devPrivateKey(env: NodeJS.ProcessEnv, log: (line: string) => void): KeyObject {
  const files = devKeyFiles(env);
  try {
    return toPrivateKey(readFileSync(files.privateKey, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  const pair = generateSealingKeyPair();
  try {
    writeFileSync(files.privateKey, pair.privateKey, { flag: 'wx', mode: 0o600 });
    writeFileSync(files.publicKey, pair.publicKey);
    log(`未配置 BUREAU_PUBLIC_KEY：已生成开发用密钥对 ${files.dir}（仅供本机试用，正式使用前请用 npm run keygen 生成局方密钥并配置）`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return toPrivateKey(readFileSync(files.privateKey, 'utf8'));
}

/** The public key submissions are sealed to. */
export function loadSealingKey(env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = console.warn): KeyObject {
  if (env.BUREAU_PUBLIC_KEY) return createPublicKey(readPem(env.BUREAU_PUBLIC_KEY, 'BUREAU_PUBLIC_KEY'));
  return createPublicKey(devPrivateKey(env, log));
}

/** The private key staff decrypt with: BUREAU_PRIVATE_KEY, else the development key in DATA_DIR/keys. */
export function loadOpeningKey(env: NodeJS.ProcessEnv = process.env): KeyObject {
  if (env.BUREAU_PRIVATE_KEY) return toPrivateKey(readPem(env.BUREAU_PRIVATE_KEY, 'BUREAU_PRIVATE_KEY'));
  const files = devKeyFiles(env);
  try {
    return toPrivateKey(readFileSync(files.privateKey, 'utf8'));
  } catch {
    throw new Error(`没有私钥：请设置 BUREAU_PRIVATE_KEY=<私钥 PEM 文件路径>（开发环境的密钥在 ${files.privateKey}）`);
  }
}

export { keyId };
