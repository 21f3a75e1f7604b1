/**
 * Reads a request body with a hard cap. Content-Length is checked first, but not trusted: the stream is counted as
 * it arrives, so a chunked or lying client still stops at the cap.
 *
 * A body over the cap is not simply dropped. Many clients (Python's urllib, most HTTP libraries, curl without
 * `Expect: 100-continue`) write the whole body before they read the response; if the server stops reading and
 * closes, such a client gets a broken pipe or a connection reset instead of the 413 that says what to shorten
 * (issue 11). So an oversized body is read and discarded up to `drainLimit(limit)` — then the 413 is answered on
 * a connection the client can still read. Beyond that bound the server stops reading and asks for the connection
 * to be closed (`close: true`): a client sending more than that is not a person with a long opinion, and reading
 * it all would let anyone make the server download without limit.
 */

/**
 * What the body readers and the post handlers read of a request. A web Request is one (the Astro pages); so is the
 * server's own view of a Node request (scripts/lib/http/submissions-api.ts), which skips building a web Request
 * and adapting the socket into a web stream for every API post.
 */
export interface PostRequest {
  url: string;
  headers: { get(name: string): string | null; has(name: string): boolean };
  /** The body as it arrives, chunk by chunk (a web ReadableStream or a Node stream). */
  body: AsyncIterable<Uint8Array> | null;
}

export type BodyRead =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: 'too-large' | 'aborted'; /** The rest of the body was not read: answer with `Connection: close`. */ close: boolean };

/**
 * How much of an oversized body is read (and thrown away) so the client gets the answer: 64 times the limit,
 * at most 8 MiB. With the default 128 KiB limit that is 8 MiB: a 5 MB paste, the mistake people make, still gets
 * the Chinese message; on a 2-core server discarding 8 MiB costs a few milliseconds.
 */
export function drainLimit(limit: number): number {
  return Math.min(8 * 1024 * 1024, 64 * limit);
}

/**
 * Reads and discards what is left of a body, at most `bound` bytes in all (counting `already`). True when the body
 * ended within the bound; false when it went on (the caller answers with `Connection: close`) or broke off. What
 * is left beyond the bound is not read, and the stream is not cancelled: the answer goes out first, then the
 * connection closes.
 */
export async function discardBody(request: PostRequest, bound: number, already = 0, chunks?: AsyncIterator<Uint8Array>): Promise<boolean> {
  if (!request.body && !chunks) return true;
  const it = chunks ?? request.body![Symbol.asyncIterator]();
  let seen = already;
  try {
    for (;;) {
      if (seen > bound) return false;
      const { done, value } = await it.next();
      if (done) return true;
      seen += value.byteLength;
    }
  } catch {
    return false;
  }
}

export async function readBodyCapped(request: PostRequest, limit: number): Promise<BodyRead> {
  const bound = drainLimit(limit);
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    // Declared too large: nothing worth keeping, but read it (up to the bound) so the client hears the answer.
    const drained = declared <= bound && (await discardBody(request, bound));
    return { ok: false, reason: 'too-large', close: !drained };
  }
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) };
  const it = request.body[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await it.next();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        const drained = await discardBody(request, bound, size, it);
        return { ok: false, reason: 'too-large', close: !drained };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, reason: 'aborted', close: true };
  }
  if (chunks.length === 1) return { ok: true, bytes: chunks[0] };
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return { ok: true, bytes: out };
}
