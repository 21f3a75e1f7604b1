/**
 * HTTP handling of a submission post, shared by `POST /api/submissions` (JSON answers) and `POST /submit` (the
 * form re-rendered server-side): origin check, per-client rate limit, media type, capped body, parsing, honeypot,
 * minimum fill time, optional CAPTCHA, schema, idempotency key, one submission per served form, then the service.
 * Never throws for bad input: every refusal is an outcome with a status and a Chinese message.
 */
import type { FieldError } from '../../../schemas/submission.ts';
import { parseSubmission } from '../../../schemas/submission.ts';
import { discardBody, drainLimit, readBodyCapped, type PostRequest } from './body.ts';
import { checkFormToken, formTokenId } from './form-token.ts';
import { flatValues, nestValues, transportFields } from './form-data.ts';
import type { OneTimeTokens } from './one-time-tokens.ts';
import type { Receipt } from './outbox.ts';
import { normaliseIp, rateLimitKey } from './rate-limit.ts';
import type { SubmissionRuntime } from './runtime.ts';
import { derivedKey, keyHashOf } from './prepare.ts';

export type SubmitOutcome =
  | { kind: 'accepted'; status: 201 | 202; receipt: Receipt }
  | { kind: 'invalid'; status: 400; errors: FieldError[] }
  | {
      kind: 'refused';
      status: 403 | 409 | 413 | 415 | 429;
      message: string;
      retryAfterSeconds?: number;
      /** The input the refusal is about, when it is one (API answers name it; default `form`). */
      field?: string;
      /** The body was not read to its end: answer with `Connection: close` (body.ts). */
      closeConnection?: boolean;
    }
  /** The idempotency key was first used with other content (the service's IdempotencyConflictError). */
  | { kind: 'conflict'; status: 422; field: string; message: string }
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
  /**
   * Spent form tokens (one submission per served form). Without it a genuine token can be replayed until it
   * expires; the server passes the store's (runtime.oneTimeTokens).
   */
  oneTimeTokens?: OneTimeTokens;
  /** Title of an announcement id (`announcements/<id>`), for objections. */
  resolveObjection?: (ref: string) => Promise<string | undefined>;
  now?: () => number;
}

const KEY = /^[A-Za-z0-9_.:-]{8,200}$/;

/**
 * The client's address (normalised: IPv4-mapped IPv6 is the IPv4 address) behind `trustedHops` reverse proxies
 * (TRUST_PROXY). Each proxy appends the address it was connected from to X-Forwarded-For, so the right end of the
 * header is written by our proxies and the left end by whoever sent the request: a client can put anything there
 * (issue 11: varying the leftmost address got a fresh rate-limit bucket per post). With N trusted hops the
 * client is the address N hops from the socket: the socket is hop 0, the rightmost X-Forwarded-For entry hop 1,
 * so the client is `xff[len - N]`. When the header has fewer entries than that (the request came through fewer of
 * our proxies, e.g. an internal path that skips the outer one), every entry present was still written by one of
 * them, and the leftmost is the furthest known hop — the same rule as Express's `trust proxy` hop count
 * (proxy-addr). An entry that is not an IP address (`unknown`) cannot be limited on its own: the socket address
 * (our proxy) stands for it. With 0 hops, X-Forwarded-For is ignored.
 */
export function clientAddressOf(request: PostRequest, socketAddress: string | undefined, trustedHops: number): string {
  const socket = socketAddress ? (normaliseIp(socketAddress) ?? socketAddress) : 'unknown';
  const hops = Math.max(0, Math.floor(trustedHops));
  if (hops === 0) return socket;
  const header = request.headers.get('x-forwarded-for');
  if (!header) return socket;
  const forwarded = header.split(',').map((s) => s.trim()).filter(Boolean);
  if (forwarded.length === 0) return socket;
  const entry = forwarded[Math.max(0, forwarded.length - hops)];
  return normaliseIp(entry) ?? socket;
}

/**
 * Who a request counts against in the rate limits: the client address (clientAddressOf), by its /64 for IPv6
 * (rate-limit.ts rateLimitKey).
 */
export function clientIp(request: PostRequest, socketAddress: string | undefined, trustedHops: number): string {
  const address = clientAddressOf(request, socketAddress, trustedHops);
  return rateLimitKey(address) ?? address;
}

/**
 * Cross-site posts are refused (CSRF): an Origin header must name this site (compared by host, so a TLS-ending
 * proxy does not matter) or an allowed origin; without Origin, a browser's `Sec-Fetch-Site: cross-site` refuses.
 * Clients that send neither (curl, servers) are allowed: the API is public.
 */
export function originAllowed(request: PostRequest, allowedOrigins: string[]): boolean {
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

const mediaType = (request: PostRequest) => (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();

export async function handleSubmissionPost(request: PostRequest, ctx: PostContext): Promise<HandledPost> {
  const { runtime } = ctx;
  const { config } = runtime;
  const now = ctx.now ?? Date.now;
  const refuse = (status: 403 | 409 | 413 | 415 | 429, message: string, extra: { retryAfterSeconds?: number; field?: string; closeConnection?: boolean; values?: Record<string, string>; genuineForm?: boolean } = {}): HandledPost => ({
    outcome: { kind: 'refused', status, message, retryAfterSeconds: extra.retryAfterSeconds, field: extra.field, closeConnection: extra.closeConnection || undefined },
    values: extra.values ?? {},
    genuineForm: extra.genuineForm ?? false,
  });
  // A refusal before the body is read still reads it (bounded), so a client that writes its whole body before
  // reading gets the answer instead of a reset (body.ts).
  const refuseUnread = async (status: 403 | 415, message: string) =>
    refuse(status, message, { closeConnection: !(await discardBody(request, drainLimit(config.bodyLimit))) });

  if (!originAllowed(request, config.allowedOrigins)) return refuseUnread(403, '请求来自其他网站，已拒绝。请在本网站的提交页面填写意见。');
  const address = clientAddressOf(request, ctx.clientAddress, config.trustedHops);
  const ip = rateLimitKey(address) ?? address;
  const type = mediaType(request);
  const isJson = type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
  const isForm = type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
  if (!isJson && !isForm) return refuseUnread(415, '只接受 application/json、application/x-www-form-urlencoded 或 multipart/form-data 格式的提交');
  const body = await readBodyCapped(request, config.bodyLimit);
  if (!body.ok) {
    return body.reason === 'too-large'
      ? refuse(413, `提交内容超过 ${Math.round(config.bodyLimit / 1024)} KB 的上限。请精简“具体问题和建议”（不超过 5000 字），附件请通过专用邮箱发送。`, { closeConnection: body.close })
      : refuse(413, '提交内容没有完整收到，请重新提交。', { closeConnection: body.close });
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
  if (!rate.ok) return refuse(429, `提交过于频繁，请在 ${rate.retryAfterSeconds} 秒后再试。您填写的内容没有丢失。`, { retryAfterSeconds: rate.retryAfterSeconds, values: formValues });

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
  if (runtime.captcha && !(await runtime.captcha.verify(transport.captchaToken ?? '', address))) {
    return invalid([{ field: 'captchaToken', message: '完成人机验证后再提交' }], genuineForm);
  }

  let key = transport.idempotencyKey?.trim();
  if (key && !KEY.test(key)) {
    if (isJson) return invalid([{ field: 'idempotencyKey', message: 'Idempotency-Key 应为 8 到 200 个字母、数字或 - _ . : 字符' }], genuineForm);
    key = undefined;
  }
  const keyFromHeader = isJson && request.headers.has('idempotency-key');
  key ??= derivedKey(runtime.secret, ip, JSON.stringify(parsed.value));

  // Accepted: now the served form is spent, on this key (one-time-tokens.ts). Not earlier, so a post with errors
  // leaves the token good for the corrected one; and a repeat of the same post (same key) passes, to be answered
  // with its first receipt by the service.
  if (checkToken && ctx.oneTimeTokens) {
    const spend = formTokenId(transport.formToken!, config.maxFormAgeMs)!;
    if (!(await ctx.oneTimeTokens.consume(spend.id, keyHashOf(runtime.secret, key), spend.expiresAtMs))) {
      return refuse(
        409,
        isForm
          ? '这份表单已经提交过一次意见，不能再用来提交另一份。您填写的内容仍在下面；如要作为新的意见提交，请检查后再次点击“提交”。'
          : '这个 formToken 已经用于另一份意见：每次打开提交页面得到的校验信息只能提交一份意见。请重新打开提交页面。',
        { values, genuineForm: true, field: isForm ? 'form' : 'formToken' },
      );
    }
  }

  const objectionTitle = parsed.value.objection && ctx.resolveObjection ? await ctx.resolveObjection(parsed.value.objection) : undefined;
  let receipt: Receipt;
  try {
    receipt = await runtime.service.submit({ submission: parsed.value, key, objectionTitle });
  } catch (e) {
    if ((e as Error | undefined)?.name !== 'IdempotencyConflictError') throw e;
    const conflict = (field: string, message: string): HandledPost => ({ outcome: { kind: 'conflict', status: 422, field, message }, values, genuineForm });
    if (isForm) {
      // The form's hidden key came back with other content: the page was submitted, then changed (the browser's
      // Back button keeps the old page). The re-rendered form gets a new key, so submitting again is a new opinion.
      return conflict('form', '这份表单此前已经提交过，修改后的内容没有登记（原来的意见不受影响）。如要把修改后的内容作为一份新的意见提交，请检查后再次点击“提交”。');
    }
    const name = keyFromHeader ? 'Idempotency-Key' : 'idempotencyKey';
    return conflict(
      name,
      `该 ${name} 已用于另一份内容不同的意见，本次提交没有登记。同一个键只能对应同一份内容：重试原来的提交请发送完全相同的内容；提交新的意见请使用新的键。`,
    );
  }
  return { outcome: { kind: 'accepted', status: receipt.status === 'delivered' ? 201 : 202, receipt }, values, genuineForm };
}
