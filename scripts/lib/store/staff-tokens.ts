/**
 * Staff tokens for the staff API (GET/PUT/DELETE /api/staff/records/…): one per person, shown once when made and
 * kept only as its SHA-256, revocable. `lead` tokens (the person in charge of personal data) may also read the
 * access log. Made and revoked on the server with `npm run staff-token`.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Store } from './store.ts';

export type StaffRole = 'staff' | 'lead';

export interface StaffToken {
  id: number;
  person: string;
  role: StaffRole;
  createdAt: string;
  revokedAt: string | null;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
/** Tokens start with `drgs_` so a leaked one is recognisable (secret scanners, logs). */
const TOKEN = /^drgs_[A-Za-z0-9_-]{43}$/;

export function createStaffTokens(store: Store, now: () => Date = () => new Date()) {
  const { db } = store;
  return {
    /** Makes a token; the clear token is returned once and never stored. */
    async issue(person: string, role: StaffRole): Promise<{ token: string; id: number }> {
      if (!person.trim()) throw new Error('请写明持有人的姓名');
      const token = `drgs_${randomBytes(32).toString('base64url')}`;
      const id = await store.write((w) =>
        Number(w.prepare('INSERT INTO staff_tokens (person, role, token_hash, created_at) VALUES (?, ?, ?, ?)').run(person.trim(), role, hashOf(token), now().toISOString()).lastInsertRowid),
      );
      return { token, id };
    },
    async revoke(id: number): Promise<boolean> {
      return store.write((w) => w.prepare('UPDATE staff_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now().toISOString(), id).changes === 1);
    },
    list(): StaffToken[] {
      return db.prepare('SELECT id, person, role, created_at AS createdAt, revoked_at AS revokedAt FROM staff_tokens ORDER BY id').all().map((r) => ({ ...r }) as unknown as StaffToken);
    },
    /** The holder of a live token; null for a missing, malformed, unknown or revoked one. */
    authenticate(token: string | null | undefined): (StaffToken & { revokedAt: null }) | null {
      if (!token || !TOKEN.test(token)) return null;
      const row = db.prepare('SELECT id, person, role, created_at AS createdAt, revoked_at AS revokedAt FROM staff_tokens WHERE token_hash = ?').get(hashOf(token)) as
        | StaffToken
        | undefined;
      return row && row.revokedAt === null ? ({ ...row } as StaffToken & { revokedAt: null }) : null;
    },
  };
}
export type StaffTokens = ReturnType<typeof createStaffTokens>;
