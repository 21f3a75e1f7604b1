/**
 * Readiness probe for deploys and tests, and the server's start-up: scripts/serve.ts asks it once after listening,
 * so the runtime (store, retry loop, mailbox poller, mail queue) starts with the server rather than with the first
 * visitor, and a configuration error stops the server at once. Counts only, nothing personal.
 */
import type { APIRoute } from 'astro';
import { serverDeps } from '../../components/form/server.ts';

export const prerender = false;

const json = (status: number, data: unknown) => new Response(JSON.stringify(data), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });

export const GET: APIRoute = ({ locals }) => {
  try {
    const { runtime } = serverDeps(locals);
    return json(200, { ok: true, tracker: runtime.trackerKind, queuedSubmissions: runtime.service.waitingCount(), outgoing: runtime.outgoing.counts(), mailbox: runtime.pollMailbox !== null });
  } catch (e) {
    return json(503, { ok: false, error: (e as Error).message });
  }
};
