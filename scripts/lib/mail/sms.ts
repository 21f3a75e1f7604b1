/**
 * SMS for a submitter whose contact is a mobile number: a generic HTTP gateway adapter. Chinese SMS providers
 * differ in field names and most send only pre-approved templates with a registered signature, so the request
 * body is configuration: a JSON template (SMS_GATEWAY_TEMPLATE) whose string values may hold placeholders —
 * `{{to}}`, `{{text}}`, `{{kind}}`, `{{code}}`, `{{url}}`, `{{deadline}}`, `{{key}}` — and a value that is exactly
 * `"{{params}}"` becomes the parameter object. Placeholders are filled into the parsed template, never spliced
 * into JSON text, so a value cannot change the request's structure. The token goes in `Authorization: Bearer`.
 */
import { cleanContact, contactKind } from '../../../schemas/submission.ts';
import type { SmsText } from './outbound.ts';

export interface SmsMessage extends SmsText {
  /** Mobile number as the submitter gave it (folded and checked here). */
  to: string;
  /** Queue key, sent as Idempotency-Key so a retried request is not a second SMS at gateways that honour it. */
  key: string;
}

export interface SmsGateway {
  send(message: SmsMessage): Promise<{ status: number; body: string }>;
}

export class SmsGatewayError extends Error {
  override name = 'SmsGatewayError';
  /** Retry later (network, 5xx, 429) rather than give up (4xx: the request or the number is wrong). */
  readonly transient: boolean;
  readonly status?: number;
  constructor(message: string, transient: boolean, status?: number) {
    super(message);
    this.transient = transient;
    this.status = status;
  }
}

/** The gateway's default body when no template is configured. */
export const defaultSmsTemplate = '{"to":"{{to}}","text":"{{text}}","template":"{{kind}}","params":"{{params}}"}';

export interface HttpSmsGatewayOptions {
  /** SMS_GATEWAY_URL: the provider's (or the bureau's relay's) HTTPS endpoint. */
  url: string;
  /** SMS_GATEWAY_TOKEN. */
  token?: string;
  /** SMS_GATEWAY_TEMPLATE: the JSON body with placeholders (see above). */
  template?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** A mainland mobile number as gateways want it: 11 digits, no +86, no separators; null when it is none. */
export function mobileNumber(contact: string): string | null {
  if (contactKind(contact) !== 'mobile') return null;
  const digits = cleanContact(contact).replace(/\D/g, '');
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits.length === 11 ? digits : null;
}

/** Fills the placeholders of a parsed template (depth-first over objects and arrays). */
function fill(node: unknown, values: Record<string, string>, params: Record<string, string>): unknown {
  if (typeof node === 'string') {
    if (node === '{{params}}') return params;
    let out = '';
    let i = 0;
    while (i < node.length) {
      const open = node.indexOf('{{', i);
      if (open < 0) {
        out += node.slice(i);
        break;
      }
      const close = node.indexOf('}}', open + 2);
      if (close < 0) {
        out += node.slice(i);
        break;
      }
      const name = node.slice(open + 2, close).trim();
      out += node.slice(i, open) + (Object.hasOwn(values, name) ? values[name] : node.slice(open, close + 2));
      i = close + 2;
    }
    return out;
  }
  if (Array.isArray(node)) return node.map((n) => fill(n, values, params));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v, values, params)]));
  return node;
}

/** The request body for a message (exported for tests and for checking a template at start-up). */
export function smsRequestBody(template: string, message: SmsMessage, to: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(template);
  } catch (e) {
    throw new SmsGatewayError(`SMS_GATEWAY_TEMPLATE 不是有效的 JSON：${(e as Error).message}`, false);
  }
  const values: Record<string, string> = { ...message.params, to, text: message.text, kind: message.kind, key: message.key };
  return fill(parsed, values, message.params);
}

export function createHttpSmsGateway(opts: HttpSmsGatewayOptions): SmsGateway {
  const doFetch = opts.fetch ?? fetch;
  const template = opts.template ?? defaultSmsTemplate;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  // Checked once at start: a broken template is a configuration error, not something to find per message.
  JSON.parse(template);
  return {
    async send(message) {
      const to = mobileNumber(message.to);
      if (!to) throw new SmsGatewayError('联系方式不是手机号码，不能发送短信', false);
      const body = JSON.stringify(smsRequestBody(template, message, to));
      let res: Response;
      try {
        res = await doFetch(opts.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'idempotency-key': message.key,
            ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        throw new SmsGatewayError(`短信网关无法连接：${(e as Error).message}`, true);
      }
      const text = await res.text().catch(() => '');
      if (res.ok) return { status: res.status, body: text.slice(0, 2000) };
      const transient = res.status >= 500 || res.status === 429 || res.status === 408;
      throw new SmsGatewayError(`短信网关返回 ${res.status}：${text.slice(0, 200)}`, transient, res.status);
    },
  };
}
