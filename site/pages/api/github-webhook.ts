/**
 * POST /api/github-webhook: GitHub tells the server that an issue changed, so /track answers from the store
 * without calling GitHub (issue 11). Configure the repository webhook with this URL, content type
 * application/json, the secret GITHUB_WEBHOOK_SECRET and the "Issues" event. The signature
 * (X-Hub-Signature-256) is checked with @octokit/webhooks: a missing or wrong one gets 401 and changes nothing.
 * Only the issue's number, state, labels and update time are read; the payload is data, never authority.
 */
import type { APIRoute } from 'astro';
import { serverDeps } from '../../components/form/server.ts';
import { issueStatusFromWebhook, verifyWebhook } from '../../../scripts/lib/tracker/webhook.ts';

export const prerender = false;

const json = (status: number, data: unknown) =>
  new Response(JSON.stringify(data), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });

export const POST: APIRoute = async ({ request, locals }) => {
  const { runtime } = serverDeps(locals);
  const secret = runtime.config.webhookSecret;
  if (!secret) return json(404, { error: '本服务器未配置 GITHUB_WEBHOOK_SECRET' });
  const body = await request.text();
  if (!(await verifyWebhook(secret, body, request.headers.get('x-hub-signature-256')))) return json(401, { error: '签名无效' });
  const status = issueStatusFromWebhook(request.headers.get('x-github-event'), body);
  if (status) await runtime.issueIndex.record([status]);
  return json(200, { recorded: status ? status.number : null });
};
