/**
 * One submission per served form (issue 11): the signed form token (form-token.ts) proves a person loaded our form
 * and waited the minimum fill time, but on its own it can be replayed: a script loads /submit once and posts the
 * token with a thousand different opinions. So the token is spent when a submission made with it is accepted.
 *
 * "Spent" is bound to what it was spent on (`use`: the hash of the submission's idempotency key): the same form
 * posted twice — a double click, a browser that re-posts the receipt page on reload, a retry after a timeout —
 * carries the same key, and must get the same receipt again (the service answers a repeated key with the first
 * receipt, README "同一 Idempotency-Key 重复提交返回同一查询码"), not a refusal that hides the tracking code. Any
 * other use of a spent token is refused.
 *
 * The server's implementation lives in the store (scripts/lib/store/used-form-tokens.ts), so every process sharing
 * DATA_DIR sees a token spent by another; the in-memory one here serves tests and single-process tools.
 */

export interface OneTimeTokens {
  /**
   * Spends token `id` on `use`. Resolves true the first time, and again whenever the same `use` comes back; false
   * when the token was already spent on another use. `expiresAtMs` is when the token stops being accepted anyway
   * (its signed issue time plus the form's maximum age): the record may be forgotten after that.
   *
   * Must be atomic: of two concurrent calls with one id and different uses, exactly one resolves true.
   */
  consume(id: string, use: string, expiresAtMs: number): Promise<boolean>;
}

/**
 * In-memory spent-token set, bounded: expired records are dropped first, and when `maxEntries` live records are
 * reached the oldest is forgotten (that token could then be replayed once more: the bound keeps memory flat under
 * a flood, which matters more for a test double or a single-process tool than a perfect memory).
 */
export function createMemoryOneTimeTokens(opts: { maxEntries?: number; now?: () => number } = {}): OneTimeTokens & { size(): number } {
  const max = opts.maxEntries ?? 100_000;
  const now = opts.now ?? Date.now;
  // Insertion order = spending order, so the first entries are the oldest.
  const spent = new Map<string, { use: string; expiresAtMs: number }>();
  // A full sweep is O(n): at most once a minute, so a flood of live tokens costs O(1) per call, not O(n).
  let sweptAt = -Infinity;
  const sweep = (t: number) => {
    if (t - sweptAt < 60_000) return;
    sweptAt = t;
    for (const [id, r] of spent) if (r.expiresAtMs <= t) spent.delete(id);
  };
  return {
    async consume(id, use, expiresAtMs) {
      const t = now();
      const seen = spent.get(id);
      if (seen && seen.expiresAtMs > t) return seen.use === use;
      spent.delete(id);
      if (spent.size >= max) {
        sweep(t);
        while (spent.size >= max) spent.delete(spent.keys().next().value!);
      }
      spent.set(id, { use, expiresAtMs });
      return true;
    },
    size: () => spent.size,
  };
}
