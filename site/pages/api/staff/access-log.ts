/** GET /api/staff/access-log?limit=N: who read which personal record when (lead tokens only; staff-api.ts). */
import type { APIRoute } from 'astro';
import { serverDeps } from '../../../components/form/server.ts';
import { handleAccessLogRequest } from '../../../../scripts/lib/personal/staff-api.ts';

export const prerender = false;

export const GET: APIRoute = async ({ request, url, locals }) => {
  const answer = await handleAccessLogRequest(serverDeps(locals).runtime, { authorization: request.headers.get('authorization'), limit: Number(url.searchParams.get('limit') ?? 100) });
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });
};
