/**
 * /api/submissions: the public API. JSON (or form-encoded / multipart) in, JSON out:
 * 201 delivered / 202 queued `{ trackingCode, deadline, office, ... }`, 400 `{ errors: [{ field, message }] }`,
 * 403 foreign origin, 409 a form token already spent on another submission, 413 too large, 415 other media types,
 * 422 an Idempotency-Key already used with other content, 429 rate-limited (Retry-After), 405 for other methods,
 * 503 when the store cannot take it. Never 500 for bad input.
 *
 * Answered by the server itself (scripts/serve.ts) in front of Astro, not as an Astro endpoint: the route renders
 * nothing, and Astro's request pipeline (a web Request from the Node one, middleware, routing, the web Response
 * written back) cost more main-thread time per submission than the store's transaction. Measured with the same
 * runtime, 20 connections, two alternating 10 s runs each: 812 and 811 accepted/s answered here against 597 and
 * 641/s as an Astro endpoint (issue 11, stop 20). The checks and the service are the same as for the form page
 * (scripts/lib/submission/http.ts); security headers are the server's (security-headers.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { categories, offices } from '../../../schemas/common.ts';
import type { PostRequest } from '../submission/body.ts';
import { handleSubmissionPost, type HandledPost } from '../submission/http.ts';
import type { ServerDeps } from './server-deps.ts';

export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const json = (status: number, data: unknown, headers: Record<string, string> = {}): ApiAnswer => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(data),
});

/** The answer to a handled post, or to one the service could not take (`null`: the store failed). */
export function submissionsApiAnswer(handled: HandledPost | null): ApiAnswer {
  if (!handled) return json(503, { errors: [{ field: 'form', message: '服务器暂时无法保存您的意见，请稍后重试。' }] }, { 'retry-after': '30' });
  const o = handled.outcome;
  switch (o.kind) {
    case 'accepted': {
      const r = o.receipt;
      const trackUrl = `/track?code=${encodeURIComponent(r.trackingCode)}`;
      return json(
        o.status,
        {
          trackingCode: r.trackingCode,
          status: r.status,
          deadline: r.deadline,
          office: r.office,
          officeName: offices[r.office].zh,
          category: r.category,
          categoryName: categories[r.category].zh,
          receivedAt: r.receivedAt,
          repeated: r.repeated,
          warnings: r.warnings,
          trackUrl,
          message: r.status === 'queued' ? '已收到，办理系统暂时繁忙，将自动登记，无需重复提交' : '已收到并登记',
        },
        { location: trackUrl },
      );
    }
    case 'invalid':
      return json(400, { errors: o.errors });
    case 'refused':
      return json(o.status, { errors: [{ field: o.field ?? 'form', message: o.message }] }, {
        ...(o.retryAfterSeconds ? { 'retry-after': String(o.retryAfterSeconds) } : {}),
        // The rest of an oversized body was left unread (scripts/lib/submission/body.ts): do not reuse the connection.
        ...(o.closeConnection ? { connection: 'close' } : {}),
      });
    case 'conflict':
      return json(o.status, { errors: [{ field: o.field, message: o.message }] });
    case 'add-case':
      return json(400, { errors: [{ field: 'action', message: 'action=add-case 只用于网页表单' }] });
  }
}

/** Whether a request target is this API (`/api/submissions`, with or without a trailing slash or a query). */
export function isSubmissionsApi(target: string | undefined): boolean {
  const path = (target ?? '').split('?')[0];
  return path === '/api/submissions' || path === '/api/submissions/';
}

/**
 * The request as handleSubmissionPost reads it, straight from Node: header values as Node joined them, the body
 * streamed from the socket. Building a web Request instead (undici's Headers and Request, and the socket adapted
 * into a web stream) was 7% of the server thread's time per API post (CPU profile, issue 11).
 */
export function postRequestOf(req: IncomingMessage, secure: boolean): PostRequest {
  const header = (name: string): string | null => {
    const v = req.headers[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  };
  return {
    url: `${secure ? 'https' : 'http'}://${req.headers.host || 'localhost'}${req.url ?? '/'}`,
    headers: { get: header, has: (name) => header(name) !== null },
    body: req,
  };
}

export function createSubmissionsApi(deps: ServerDeps, options: { secure: boolean; log?: (message: string, error: unknown) => void }) {
  const log = options.log ?? ((m, e) => console.error(m, e));
  const send = (res: ServerResponse, a: ApiAnswer): void => void res.writeHead(a.status, a.headers).end(a.body);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      req.resume();
      return send(res, json(405, { errors: [{ field: 'form', message: '请用 POST 提交意见' }] }, { allow: 'POST' }));
    }
    const request = postRequestOf(req, options.secure);
    const { runtime } = deps;
    let handled: HandledPost | null;
    try {
      handled = await handleSubmissionPost(request, {
        runtime, clientAddress: req.socket.remoteAddress, oneTimeTokens: runtime.oneTimeTokens, resolveObjection: deps.announcementTitle,
      });
    } catch (e) {
      log('[submit] 提交处理失败', e);
      handled = null;
    }
    send(res, submissionsApiAnswer(handled));
  };
}
