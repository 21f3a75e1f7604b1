/** The staff API over personal records: scripts/lib/personal/staff-api.ts says what it answers. */
import type { APIRoute } from 'astro';
import { serverDeps } from '../../../../components/form/server.ts';
import { handleRecordRequest } from '../../../../../scripts/lib/personal/staff-api.ts';

export const prerender = false;

export const ALL: APIRoute = async ({ request, params, locals }) => {
  const { runtime } = serverDeps(locals);
  let body: unknown;
  if (request.method === 'PUT') body = await request.json().catch(() => undefined);
  const answer = await handleRecordRequest(runtime, { method: request.method, ref: decodeURIComponent(params.ref ?? ''), authorization: request.headers.get('authorization'), body });
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });
};
