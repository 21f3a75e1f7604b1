/**
 * One submission per form token (issue 11): a served form's token is recorded when a submission made with it is
 * accepted, and refused for any other submission after that (one-time-tokens.ts says why the same submission may
 * come back). In the store, so a replay to another process sharing DATA_DIR is refused too; the check and the
 * insert are one transaction, so of two concurrent uses exactly one wins.
 */
import type { OneTimeTokens } from '../submission/one-time-tokens.ts';
import type { Store } from './store.ts';

export function createUsedFormTokens(store: Store, now: () => number = Date.now): OneTimeTokens {
  let sinceSweep = 0;
  return {
    consume(id, use, expiresAtMs) {
      return store.write((w) => {
        // Expired tokens are refused by their signature check anyway; their rows can go.
        if (++sinceSweep >= 1000) {
          sinceSweep = 0;
          w.prepare('DELETE FROM used_form_tokens WHERE expires_at < ?').run(now());
        }
        const spent = w.prepare('SELECT use FROM used_form_tokens WHERE id = ?').get(id) as { use: string } | undefined;
        if (spent) return spent.use === use;
        w.prepare('INSERT INTO used_form_tokens (id, use, expires_at) VALUES (?, ?, ?)').run(id, use, Math.floor(expiresAtMs));
        return true;
      });
    },
  };
}
