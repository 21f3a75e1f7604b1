/**
 * Encryption at rest with the server's own key, for the little the server must read back itself: where to send a
 * receipt or a reply (a submitter's e-mail or mobile) and the mail waiting in the queue. The sealed personal
 * record stays sealed to the bureau's public key (only staff can open it); this key is derived (HKDF-SHA256) from
 * the server secret (SUBMIT_SECRET), so nothing in DATA_DIR holds an address in clear text (issue 12) and a copy
 * of the database without the secret reveals none. AES-256-GCM, a fresh 96-bit IV per value.
 */
import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';

const PREFIX = 'srv1.';

export interface ServerCrypt {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

export function createServerCrypt(secret: Buffer): ServerCrypt {
  const key: KeyObject = createSecretKey(Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), Buffer.from('drg-feedback server store v1'), 32)));
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${PREFIX}${iv.toString('base64url')}.${ct.toString('base64url')}`;
    },
    decrypt(sealed) {
      if (!sealed.startsWith(PREFIX)) throw new Error('不是本服务器加密的内容');
      const [iv, ct] = sealed.slice(PREFIX.length).split('.').map((p) => Buffer.from(p, 'base64url'));
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(ct.subarray(ct.length - 16));
      return Buffer.concat([decipher.update(ct.subarray(0, ct.length - 16)), decipher.final()]).toString('utf8');
    },
  };
}
