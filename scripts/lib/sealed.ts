/**
 * Seals a submitter's name and contact to the bureau's public key, so an issue (public or not) never holds them
 * in clear text and only staff holding the private key can read them (issue 3, privacy; DEVELOPERS.md).
 *
 * Hybrid encryption with Node's crypto only: a fresh AES-256-GCM key per message, itself agreed by ephemeral
 * X25519 + HKDF-SHA256 (keys made by `npm run keygen`), or wrapped with RSA-OAEP-SHA256 when the bureau already
 * has an RSA key. The result is one ASCII string that survives Markdown, JSON and copy-paste:
 *
 *   sealed1.<alg>.<key id>.<ephemeral public key | wrapped key>.<iv>.<ciphertext+tag>   (base64url parts)
 *
 * The header (everything before the IV) is authenticated as AAD, so parts cannot be swapped between messages.
 */
import {
  createCipheriv, createDecipheriv, createSecretKey, createHash, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync,
  hkdfSync, privateDecrypt, publicEncrypt, randomBytes, constants, type KeyObject,
} from 'node:crypto';

/** What is sealed. */
export interface SealedContact {
  /** 填报人. */
  name: string;
  /** 联系方式. */
  contact: string;
  /**
   * Everything else the submitter sent, as sent (the tracker and the site only ever see it redacted): staff read
   * exactly what was written, nothing is lost. A submission's fields (schemas/submission.ts) less name and contact.
   */
  original?: Record<string, unknown>;
}

const VERSION = 'sealed1';
const INFO = Buffer.from('drg-feedback sealed contact v1');
const b64 = (b: Buffer | Uint8Array) => Buffer.from(b).toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url');

export function toPublicKey(key: KeyObject | string): KeyObject {
  if (typeof key !== 'string') return spkiCache.has(key) || key.type !== 'private' ? key : createPublicKey(key);
  return createPublicKey(key);
}
export function toPrivateKey(key: KeyObject | string): KeyObject {
  return typeof key === 'string' ? createPrivateKey(key) : key;
}

/** A public key's SPKI bytes and id, computed once per key object (sealing is on the submission hot path). */
const spkiCache = new WeakMap<KeyObject, { spki: Buffer; id: string; alg: string | undefined }>();
function spkiOf(publicKey: KeyObject): { spki: Buffer; id: string; alg: string | undefined } {
  let entry = spkiCache.get(publicKey);
  if (!entry) {
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    entry = { spki, id: createHash('sha256').update(spki).digest('base64url').slice(0, 11), alg: publicKey.asymmetricKeyType };
    spkiCache.set(publicKey, entry);
  }
  return entry;
}

/** Short id of a public key (first 8 bytes of SHA-256 of its SPKI), to tell which key sealed a message. */
export function keyId(publicKey: KeyObject): string {
  return spkiOf(publicKey).id;
}

export function generateSealingKeyPair(): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** Encrypts `data` so only the holder of the private key matching `recipient` can read it. */
export function seal(data: SealedContact, recipient: KeyObject | string): string {
  return sealJson(data, recipient);
}

/** The same for any JSON value (a mail attachment: `{ filename, contentType, content: base64 }`). */
export function sealJson(data: unknown, recipient: KeyObject | string): string {
  const pub = toPublicKey(recipient);
  const { alg, id: kid } = spkiOf(pub);
  let keyPart: Buffer;
  let aesKey: Buffer | KeyObject;
  if (alg === 'x25519') {
    ({ ephPub: keyPart, aesKey } = sessionFor(pub));
  } else if (alg === 'rsa') {
    aesKey = randomBytes(32);
    keyPart = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, aesKey);
  } else {
    throw new Error(`不支持的公钥类型 ${alg}：请使用 npm run keygen 生成的 X25519 公钥或 RSA 公钥`);
  }
  const header = `${VERSION}.${alg}.${kid}.${b64(keyPart)}`;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
  cipher.setAAD(Buffer.from(header));
  const ct = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${header}.${b64(iv)}.${b64(ct)}`;
}

/**
 * The ephemeral X25519 key and the AES key agreed with it, reused for a bounded number of messages to one
 * recipient: generating a key pair and a Diffie-Hellman per message was a quarter of the submission hot path.
 * Safe because every message gets a fresh random 96-bit IV (GCM's limit is 2^32 messages per key; we rotate
 * after 10,000 or ten minutes) and the recipient key is static anyway; the sealed format is unchanged.
 */
const sessions = new WeakMap<KeyObject, { ephPub: Buffer; aesKey: KeyObject; uses: number; until: number }>();
function sessionFor(pub: KeyObject): { ephPub: Buffer; aesKey: KeyObject } {
  let s = sessions.get(pub);
  if (!s || s.uses >= 10_000 || Date.now() > s.until) {
    const eph = generateKeyPairSync('x25519');
    const ephPub = eph.publicKey.export({ type: 'spki', format: 'der' });
    // A KeyObject, not bytes: createCipheriv would otherwise re-import the key on every message.
    s = { ephPub, aesKey: createSecretKey(deriveKey(diffieHellman({ privateKey: eph.privateKey, publicKey: pub }), ephPub, pub)), uses: 0, until: Date.now() + 600_000 };
    sessions.set(pub, s);
  }
  s.uses++;
  return s;
}

function deriveKey(shared: Buffer, ephPub: Buffer, recipient: KeyObject): Buffer {
  const salt = Buffer.concat([ephPub, spkiOf(recipient).spki]);
  return Buffer.from(hkdfSync('sha256', shared, salt, INFO, 32));
}

/** True when `text` looks like a sealed string (for the decrypt command's argument). */
export function isSealed(text: string): boolean {
  return /^sealed1\.(x25519|rsa)\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+$/.test(text.trim());
}

/** The JSON text inside a sealed string (openSealed reads a contact from it; attachments are read as they are). */
export function openSealedText(sealed: string, privateKey: KeyObject | string): string {
  const parts = sealed.trim().split('.');
  if (parts.length !== 6 || parts[0] !== VERSION) throw new Error('不是有效的加密联系方式（应以 sealed1. 开头，共 6 段）');
  const [, alg, kid, keyPart, ivPart, ctPart] = parts;
  const priv = toPrivateKey(privateKey);
  const pub = createPublicKey(priv);
  if (keyId(pub) !== kid) throw new Error(`该内容是用另一把密钥（${kid}）加密的，当前私钥为 ${keyId(pub)}`);
  let aesKey: Buffer;
  if (alg === 'x25519') {
    const ephPub = unb64(keyPart);
    aesKey = deriveKey(diffieHellman({ privateKey: priv, publicKey: createPublicKey({ key: ephPub, format: 'der', type: 'spki' }) }), ephPub, pub);
  } else if (alg === 'rsa') {
    aesKey = privateDecrypt({ key: priv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, unb64(keyPart));
  } else {
    throw new Error(`不支持的加密算法 ${alg}`);
  }
  const ct = unb64(ctPart);
  if (ct.length < 17) throw new Error('加密内容不完整');
  const decipher = createDecipheriv('aes-256-gcm', aesKey, unb64(ivPart));
  decipher.setAAD(Buffer.from(`${VERSION}.${alg}.${kid}.${keyPart}`));
  decipher.setAuthTag(ct.subarray(ct.length - 16));
  let plain: string;
  try {
    plain = Buffer.concat([decipher.update(ct.subarray(0, ct.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('解密失败：内容被改动或私钥不匹配');
  }
  return plain;
}

/** Decrypts a sealed string; throws a readable error for a wrong key or a damaged string. */
export function openSealed(sealed: string, privateKey: KeyObject | string): SealedContact {
  const data = JSON.parse(openSealedText(sealed, privateKey)) as SealedContact;
  const opened: SealedContact = { name: String(data.name ?? ''), contact: String(data.contact ?? '') };
  if (data.original && typeof data.original === 'object' && !Array.isArray(data.original)) opened.original = data.original;
  return opened;
}
