/**
 * POST /api/submissions: the public API. JSON (or form-encoded / multipart) in, JSON out:
 * 201 delivered / 202 queued `{ trackingCode, deadline, office, ... }`, 400 `{ errors: [{ field, message }] }`,
 * 403 foreign origin, 409 a form token already spent on another submission, 413 too large, 415 other media types,
 * 422 an Idempotency-Key already used with other content, 429 rate-limited (Retry-After). Never 500 for bad input.
 */
import type { APIRoute } from 'astro';
import { offices, categories } from '../../../schemas/common.ts';
import { announcementTitle, submissionRuntime } from '../../components/form/server.ts';
import { handleSubmissionPost } from '../../../scripts/lib/submission/http.ts';

export const prerender = false;

const json = (status: number, data: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(data), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers } });

export const POST: APIRoute = async ({ request, clientAddress }) => {
  const runtime = submissionRuntime();
  let handled;
  try {
    handled = await handleSubmissionPost(request, { runtime, clientAddress, oneTimeTokens: runtime.oneTimeTokens, resolveObjection: announcementTitle });
  } catch (e) {
    console.error('[submit] 提交处理失败', e);
    return json(503, { errors: [{ field: 'form', message: '服务器暂时无法保存您的意见，请稍后重试。' }] }, { 'retry-after': '30' });
  }
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
};

export const ALL: APIRoute = () => json(405, { errors: [{ field: 'form', message: '请用 POST 提交意见' }] }, { allow: 'POST' });
