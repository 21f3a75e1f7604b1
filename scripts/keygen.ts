/**
 * `npm run keygen -- [--out <folder>]`: makes the bureau's key pair for sealing submitters' names and contacts
 * (X25519, scripts/lib/sealed.ts). The public key goes to the web server (BUREAU_PUBLIC_KEY); the private key stays
 * with staff (BUREAU_PRIVATE_KEY for `npm run decrypt`) and must never be put on the server or in the repository.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateSealingKeyPair, keyId, toPublicKey } from './lib/sealed.ts';

const i = process.argv.indexOf('--out');
const out = resolve(i >= 0 ? process.argv[i + 1] : 'bureau-keys');
const pair = generateSealingKeyPair();
mkdirSync(out, { recursive: true, mode: 0o700 });
const pub = join(out, 'bureau-public.pem');
const priv = join(out, 'bureau-private.pem');
writeFileSync(priv, pair.privateKey, { flag: 'wx', mode: 0o600 });
writeFileSync(pub, pair.publicKey, { flag: 'wx' });
console.log(`已生成密钥对（编号 ${keyId(toPublicKey(pair.publicKey))}）：
  公钥 ${pub}
    → 配置到网站服务器：BUREAU_PUBLIC_KEY=${pub}（或把文件内容直接放进该环境变量）
  私钥 ${priv}
    → 只保存在工作人员电脑或密码管理器中，解密时：BUREAU_PRIVATE_KEY=${priv} npm run --silent decrypt -- <议题编号>
    → 切勿上传到服务器或提交到代码仓库；丢失私钥将无法解密已提交的联系方式。`);
