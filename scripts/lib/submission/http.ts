/**
 * HTTP handling of a submission post, shared by `POST /api/submissions` (JSON answers) and `POST /submit` (the
 * form re-rendered server-side): origin check, per-client rate limit, media type, capped body, parsing, honeypot,
 * minimum fill time, optional CAPTCHA, schema, idempotency key, then the service. Never throws for bad input:
 * every refusal is an outcome with a status and a Chinese message.
 */
import type { FieldError } from '../../../schemas/submission.ts';
import { parseSubmission } from '../../../schemas/submission.ts';
import { readBodyCapped } from './body.ts';
import { checkFormToken } from './form-token.ts';
import { flatValues, nestValues, transportFields } from './form-data.ts';
import type { Receipt } from './outbox.ts';
import type { SubmissionRuntime } from './runtime.ts';
import { derivedKey } from './service.ts';

export type SubmitOutcome =
  | { kind: 'accepted'; status: 201 | 202; receipt: Receipt }
  | { kind: 'invalid'; status: 400; errors: FieldError[] }
  | { kind: 'refused'; status: 403 | 413 | 415 | 429; message: string; retryAfterSeconds?: number }
  /** The no-JavaScript "add another case" button: re-render with one more row, nothing submitted. */
  | { kind: 'add-case'; status: 200 };

export interface HandledPost {
  outcome: SubmitOutcome;
  /** What was posted, flat by input name (form posts), to re-render every value. */
  values: Record<string, string>;
  /** True when the post carried a form token signed by this server (a person using our form). */
  genuineForm: boolean;
}

export interface PostContext {
  runtime: SubmissionRuntime;
  /** Socket address from the adapter (Astro's clientAddress). */
  clientAddress: string | undefined;
  /** Title of an announcement id (`announcements/<id>`), for objections. */
  resolveObjection?: (ref: string) => Promise<string | undefined>;
  now?: () => number;
}

const KEY = /^[A-Za-z0-9_.:-]{8,200}$/;

export function clientIp(request: Request, clientAddress: string | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    const first = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
    if (first) return first;
  }
  return clientAddress ?? 'unknown';
}

/**
 * Cross-site posts are refused (CSRF): an Origin header must name this site (compared by host, so a TLS-ending
 * proxy does not matter) or an allowed origin; without Origin, a browser's `Sec-Fetch-Site: cross-site` refuses.
 * Clients that send neither (curl, servers) are allowed: the API is public.
 */
export function originAllowed(request: Request, allowedOrigins: string[]): boolean {
  const origin = request.headers.get('origin');
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host') ?? new URL(request.url).host;
  if (origin) {
    if (allowedOrigins.includes(origin)) return true;
    try {
      return new URL(origin).host === host;
    } catch {
      return false;
    }
  }
  const site = request.headers.get('sec-fetch-site');
  return !site || site === 'same-origin' || site === 'same-site' || site === 'none';
}

async function formPairs(bytes: Uint8Array, contentType: string): Promise<[string, string][]> {
  if (contentType.toLowerCase().startsWith('multipart/form-data')) {
    const fd = await new Response(bytes as BodyInit, { headers: { 'content-type': contentType } }).formData();
    return [...fd.entries()].filter((e): e is [string, string] => typeof e[1] === 'string');
  }
  return [...new URLSearchParams(new TextDecoder().decode(bytes))];
}

const mediaType = (request: Request) => (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();

export async function handleSubmissionPost(request: Request, ctx: PostContext): Promise<HandledPost> {
  const { runtime } = ctx;
  const { config } = runtime;
  const now = ctx.now ?? Date.now;
  const refuse = (status: 403 | 413 | 415 | 429, message: string, retryAfterSeconds?: number, values: Record<string, string> = {}): HandledPost => ({
    outcome: { kind: 'refused', status, message, retryAfterSeconds },
    values,
    genuineForm: false,
  });

  if (!originAllowed(request, config.allowedOrigins)) return refuse(403, '请求来自其他网站，已拒绝。请在本网站的提交页面填写意见。');
  const ip = clientIp(request, ctx.clientAddress, config.trustProxy);
  const type = mediaType(request);
  const isJson = type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
  const isForm = type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
  if (!isJson && !isForm) {
    await request.body?.cancel().catch(() => {});
    return refuse(415, '只接受 application/json、application/x-www-form-urlencoded 或 multipart/form-data 格式的提交');
  }
  const body = await readBodyCapped(request, config.bodyLimit);
  if (!body.ok) {
    return body.reason === 'too-large'
      ? refuse(413, `提交内容超过 ${Math.round(config.bodyLimit / 1024)} KB 的上限。请精简“具体问题和建议”（不超过 5000 字），附件请通过专用邮箱发送。`)
      : refuse(413, '提交内容没有完整收到，请重新提交。');
  }

  // Form values are read before the rate limit, so a refused person still gets the form back with what they typed.
  let formValues: Record<string, string> | undefined;
  if (isForm) {
    try {
      formValues = flatValues(await formPairs(body.bytes, request.headers.get('content-type')!));
    } catch {
      return { outcome: { kind: 'invalid', status: 400, errors: [{ field: 'form', message: '表单内容无法读取，请重新提交' }] }, values: {}, genuineForm: false };
    }
  }
  const rate = runtime.submitLimiter.take(ip);
  if (!rate.ok) return refuse(429, `提交过于频繁，请在 ${rate.retryAfterSeconds} 秒后再试。您填写的内容没有丢失。`, rate.retryAfterSeconds, formValues);

  // Parse into the API's JSON shape plus the transport fields.
  let input: Record<string, unknown>;
  let values: Record<string, string> = {};
  let transport: Record<string, string | undefined>;
  if (isJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: false }).decode(body.bytes));
    } catch (e) {
      return { outcome: { kind: 'invalid', status: 400, errors: [{ field: 'form', message: `提交的内容不是有效的 JSON：${(e as Error).message}` }] }, values, genuineForm: false };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { outcome: { kind: 'invalid', status: 400, errors: [{ field: 'form', message: '提交的内容应为一个包含各栏目的 JSON 对象，例如 {"organization": "…"}' }] }, values, genuineForm: false };
    }
    input = parsed as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    transport = {
      idempotencyKey: request.headers.get('idempotency-key') ?? str(input.idempotencyKey),
      formToken: str(input.formToken),
      honeypot: str(input.website),
      captchaToken: str(input.captchaToken),
    };
  } else {
    values = formValues!;
    input = nestValues(values);
    transport = {
      idempotencyKey: values[transportFields.idempotencyKey],
      formToken: values[transportFields.formToken],
      honeypot: values[transportFields.honeypot],
      captchaToken: values[transportFields.captchaToken],
    };
    if (values[transportFields.action] === 'add-case') {
      const check = checkFormToken(transport.formToken, runtime.secret, { now: now(), minFillMs: 0, maxAgeMs: Infinity });
      return { outcome: { kind: 'add-case', status: 200 }, values, genuineForm: check === 'ok' };
    }
  }
  const invalid = (errors: FieldError[], genuineForm: boolean): HandledPost => ({ outcome: { kind: 'invalid', status: 400, errors }, values, genuineForm });

  // Bots: the honeypot, then the signed form time (required for form posts, checked for JSON when present).
  const token = checkFormToken(transport.formToken, runtime.secret, { now: now(), minFillMs: config.minFillMs, maxAgeMs: config.maxFormAgeMs });
  const genuineForm = token === 'ok' || token === 'too-fast' || token === 'expired';
  if (transport.honeypot && transport.honeypot.trim() !== '') {
    return invalid([{ field: 'form', message: '提交未被接受：隐藏的“网址”栏被填写了（通常是浏览器自动填写）。请直接再次提交。' }], genuineForm);
  }
  const checkToken = isForm || transport.formToken !== undefined;
  if (checkToken && (token === 'missing' || token === 'invalid')) {
    return invalid([{ field: 'form', message: '请在本网站的提交页面填写表单后提交（页面校验信息缺失或无效）。' }], false);
  }
  // Field errors first: a person who is told what to fix is not also told they were too fast.
  const parsed = parseSubmission(input);
  if (!parsed.ok) return invalid(parsed.errors, genuineForm);
  if (checkToken && token === 'too-fast') return invalid([{ field: 'form', message: '提交得太快了。请检查填写的内容，然后再次提交。' }], true);
  if (checkToken && token === 'expired') return invalid([{ field: 'form', message: '页面打开的时间太长了。请检查填写的内容，然后再次提交。' }], true);
  if (runtime.captcha && !(await runtime.captcha.verify(transport.captchaToken ?? '', ip))) {
    return invalid([{ field: 'captchaToken', message: '完成人机验证后再提交' }], genuineForm);
  }

  let key = transport.idempotencyKey?.trim();
  if (key && !KEY.test(key)) {
    if (isJson) return invalid([{ field: 'idempotencyKey', message: 'Idempotency-Key 应为 8 到 200 个字母、数字或 - _ . : 字符' }], genuineForm);
    key = undefined;
  }
  key ??= derivedKey(runtime.secret, ip, JSON.stringify(parsed.value));

  const objectionTitle = parsed.value.objection && ctx.resolveObjection ? await ctx.resolveObjection(parsed.value.objection) : undefined;
  const receipt = await runtime.service.submit({ submission: parsed.value, key, objectionTitle });
  return { outcome: { kind: 'accepted', status: receipt.status === 'delivered' ? 201 : 202, receipt }, values, genuineForm };
}
