/**
 * One submission per form token (issue 11): a served form's token is recorded when a submission made with it is
 * accepted, and refused after that. In the store, so a replay to another process sharing DATA_DIR is refused too.
 */
import type { OneTimeTokens } from '../submission/one-time-tokens.ts';
import type { Store } from './store.ts';

export function createUsedFormTokens(store: Store, now: () => number = Date.now): OneTimeTokens {
  let sinceSweep = 0;
  return {
    consume(id, expiresAtMs) {
      return store.write((w) => {
        // Expired tokens are refused by their signature check anyway; their rows can go.
        if (++sinceSweep >= 1000) {
          sinceSweep = 0;
          w.prepare('DELETE FROM used_form_tokens WHERE expires_at < ?').run(now());
        }
        return w.prepare('INSERT OR IGNORE INTO used_form_tokens (id, expires_at) VALUES (?, ?)').run(id, Math.floor(expiresAtMs)).changes === 1;
      });
    },
  };
}
