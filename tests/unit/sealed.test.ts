import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSealingKeyPair, isSealed, openSealed, seal } from '../../scripts/lib/sealed.ts';
import { loadOpeningKey, loadSealingKey } from '../../scripts/lib/sealed-fs.ts';

const contact = { name: '王五', contact: '0391-6637366' };

describe('sealed contact details', () => {
  it('round-trips with an X25519 key and with an RSA key', () => {
    const x = generateSealingKeyPair();
    const s = seal(contact, x.publicKey);
    expect(isSealed(s)).toBe(true);
    expect(s).not.toContain('王五');
    expect(openSealed(s, x.privateKey)).toEqual(contact);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(openSealed(seal(contact, rsa.publicKey), rsa.privateKey)).toEqual(contact);
  });

  it('is different every time (fresh IV; the ephemeral key rotates)', () => {
    const x = generateSealingKeyPair();
    expect(seal(contact, x.publicKey)).not.toBe(seal(contact, x.publicKey));
  });

  it('refuses a wrong key and any tampering, with a readable message', () => {
    const a = generateSealingKeyPair();
    const b = generateSealingKeyPair();
    const s = seal(contact, a.publicKey);
    expect(() => openSealed(s, b.privateKey)).toThrow(/另一把密钥/);
    const parts = s.split('.');
    parts[5] = parts[5].slice(0, -2) + (parts[5].endsWith('AA') ? 'BB' : 'AA');
    expect(() => openSealed(parts.join('.'), a.privateKey)).toThrow('解密失败');
    expect(() => openSealed('sealed1.x25519.abc', a.privateKey)).toThrow(/不是有效/);
  });

  it('generates one development key pair into DATA_DIR/keys on first use, and says so', () => {
    const env = { DATA_DIR: mkdtempSync(join(tmpdir(), 'sealed-')) };
    const said: string[] = [];
    const pub1 = loadSealingKey(env, (m) => said.push(m));
    const pub2 = loadSealingKey(env, (m) => said.push(m));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('BUREAU_PUBLIC_KEY');
    expect(pub1.export({ type: 'spki', format: 'pem' })).toBe(pub2.export({ type: 'spki', format: 'pem' }));
    const priv = join(env.DATA_DIR, 'keys', 'bureau-private.pem');
    expect(statSync(priv).mode & 0o077).toBe(0);
    expect(openSealed(seal(contact, pub1), loadOpeningKey(env))).toEqual(contact);
    // Configured keys win, as PEM text or as a path.
    const x = generateSealingKeyPair();
    const configured = { ...env, BUREAU_PUBLIC_KEY: x.publicKey, BUREAU_PRIVATE_KEY: priv };
    expect(() => openSealed(seal(contact, loadSealingKey(configured)), loadOpeningKey(configured))).toThrow(/另一把密钥/);
    expect(readFileSync(priv, 'utf8')).toContain('PRIVATE KEY');
  });

  it('explains a missing private key', () => {
    expect(() => loadOpeningKey({ DATA_DIR: mkdtempSync(join(tmpdir(), 'sealed-')) })).toThrow(/BUREAU_PRIVATE_KEY/);
  });
});
