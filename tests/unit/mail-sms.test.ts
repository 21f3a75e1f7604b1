import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBureau } from '../../scripts/lib/bureau.ts';
import { composeSms, type MailIdentity } from '../../scripts/lib/mail/outbound.ts';
import { createHttpSmsGateway, mobileNumber, SmsGatewayError, smsRequestBody } from '../../scripts/lib/mail/sms.ts';
import { startSmsStandIn, type SmsStandIn } from '../support/sms-standin.ts';

const bureau = loadBureau();
const id: MailIdentity = { from: { address: 'jydrgyjx@163.com' }, siteUrl: bureau.siteUrl, bureau };
const receipt = composeSms(id, 'receipt', { trackingCode: 'JY-2026-7K3M9Q', deadline: '2026-03-23' });

describe('SMS gateway adapter against a local stand-in', () => {
  let gw: SmsStandIn;
  beforeAll(async () => {
    gw = await startSmsStandIn({ token: 'sms-token' });
  });
  afterAll(() => gw.stop());

  it('POSTs the default JSON with the token, the folded number and an idempotency key', async () => {
    const sms = createHttpSmsGateway({ url: gw.url, token: 'sms-token' });
    const r = await sms.send({ ...receipt, to: '+86 138-0013-8000', key: 'sms:receipt:JY-2026-7K3M9Q' });
    expect(r.status).toBe(200);
    expect(gw.requests).toHaveLength(1);
    const req = gw.requests[0];
    expect(req.headers['idempotency-key']).toBe('sms:receipt:JY-2026-7K3M9Q');
    expect(req.body).toEqual({
      to: '13800138000',
      text: receipt.text,
      template: 'receipt',
      params: { code: 'JY-2026-7K3M9Q', url: 'https://feedback.example.org/track?code=JY-2026-7K3M9Q', deadline: '2026-03-23' },
    });
  });

  it('fills a provider-shaped template without letting values change its structure', async () => {
    const template = JSON.stringify({ PhoneNumbers: '{{to}}', SignName: '济源医保', TemplateCode: 'SMS_12345', TemplateParam: '{{params}}', OutId: '{{key}}', Note: '查询码 {{code}} {{unknown}}' });
    const sms = createHttpSmsGateway({ url: gw.url, token: 'sms-token', template });
    const hostile = { ...receipt, params: { ...receipt.params, code: '","PhoneNumbers":"10086' } };
    await sms.send({ ...hostile, to: '13900139000', key: 'k2' });
    expect(gw.requests.at(-1)!.body).toEqual({
      PhoneNumbers: '13900139000', SignName: '济源医保', TemplateCode: 'SMS_12345', TemplateParam: hostile.params, OutId: 'k2', Note: '查询码 ","PhoneNumbers":"10086 {{unknown}}',
    });
  });

  it('5xx and 429 are transient, 4xx and a wrong token are not; nothing is sent to a landline', async () => {
    const sms = createHttpSmsGateway({ url: gw.url, token: 'sms-token' });
    gw.failNext(503);
    await expect(sms.send({ ...receipt, to: '13800138000', key: 'k3' })).rejects.toMatchObject({ name: 'SmsGatewayError', transient: true, status: 503 });
    gw.failNext(429);
    await expect(sms.send({ ...receipt, to: '13800138000', key: 'k4' })).rejects.toMatchObject({ transient: true, status: 429 });
    gw.failNext(400);
    await expect(sms.send({ ...receipt, to: '13800138000', key: 'k5' })).rejects.toMatchObject({ transient: false, status: 400 });
    const wrongToken = createHttpSmsGateway({ url: gw.url, token: 'nope' });
    await expect(wrongToken.send({ ...receipt, to: '13800138000', key: 'k6' })).rejects.toMatchObject({ transient: false, status: 401 });
    const before = gw.requests.length;
    await expect(sms.send({ ...receipt, to: '0391-6637366', key: 'k7' })).rejects.toBeInstanceOf(SmsGatewayError);
    expect(gw.requests.length).toBe(before);
  });

  it('a gateway that is down is transient', async () => {
    const sms = createHttpSmsGateway({ url: 'http://127.0.0.1:1/sms/send', timeoutMs: 2000 });
    await expect(sms.send({ ...receipt, to: '13800138000', key: 'k8' })).rejects.toMatchObject({ transient: true });
  });
});

describe('pieces', () => {
  it('mobileNumber folds +86, separators and full-width digits; others are none', () => {
    expect(mobileNumber('+86-13800138000')).toBe('13800138000');
    expect(mobileNumber('１３８００１３８０００')).toBe('13800138000');
    expect(mobileNumber('0391-6637366')).toBeNull();
    expect(mobileNumber('a@b.cn')).toBeNull();
  });
  it('a broken template is refused at start, naming the setting', () => {
    expect(() => createHttpSmsGateway({ url: 'http://127.0.0.1:1', template: '{"to":' })).toThrow();
    expect(() => smsRequestBody('{"to":', { ...receipt, to: '1', key: 'k' }, '1')).toThrow('SMS_GATEWAY_TEMPLATE 不是有效的 JSON');
  });
});
