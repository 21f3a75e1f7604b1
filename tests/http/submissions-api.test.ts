/**
 * POST /api/submissions against the built server (Node adapter, local tracker): every status code of the API,
 * idempotency, hostile input. Runs real server processes from the shared build (support.ts).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBureau } from '../../scripts/lib/bureau.ts';
import { parseOpinionBlock } from '../../scripts/lib/opinion-block.ts';
import { postJson, startServer, validSubmission, type RunningServer } from './support.ts';

const codeList = 'content/settings/codes/chs-drg-2.0-adrg.tsv';
let server: RunningServer;
beforeAll(async () => {
  // Triage off here so the initial labels can be checked exactly; the last test turns it on.
  server = await startServer({ SUBMIT_RATE_LIMIT: 'off', SUBMIT_BODY_LIMIT: String(64 * 1024), CODE_LIST_PATH: codeList, SUBMIT_TRIAGE: 'off' });
});
afterAll(() => server?.stop());

describe('POST /api/submissions', () => {
  it('201: delivers to the local tracker and answers with the receipt', async () => {
    const res = await postJson(server.url, validSubmission(1), { 'idempotency-key': 'api-test-key-0001' });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'delivered', office: 'admin', officeName: '医保行政部门', category: 'policy', repeated: false, warnings: [] });
    expect(body.trackingCode).toMatch(/^JY-\d{4}-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(body.deadline).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(res.headers.get('location')).toBe(`/track?code=${body.trackingCode}`);
    const issue = (await server.localIssues()).find((i) => i.body.includes(body.trackingCode))!;
    expect(issue.labels).toEqual(['意见建议', '来源:网页表单', '分类:政策措施类']);
    expect(parseOpinionBlock(issue.body)).toMatchObject({ trackingCode: body.trackingCode, organization: '济源市人民医院' });
  });

  it('same Idempotency-Key → same tracking code, nothing new; different content without a key → new', async () => {
    const first = await (await postJson(server.url, validSubmission(2), { 'idempotency-key': 'api-test-key-0002' })).json();
    const before = (await server.localIssues()).length;
    const again = await postJson(server.url, validSubmission(2), { 'idempotency-key': 'api-test-key-0002' });
    expect(again.status).toBe(201);
    expect(await again.json()).toMatchObject({ trackingCode: first.trackingCode, repeated: true });
    // The key may also come in the body; without any key the same client + same content maps to one submission.
    const a = await (await postJson(server.url, validSubmission(3))).json();
    const b = await (await postJson(server.url, validSubmission(3))).json();
    expect(b.trackingCode).toBe(a.trackingCode);
    const c = await (await postJson(server.url, { ...validSubmission(4), idempotencyKey: 'api-body-key-0004' })).json();
    expect(c.trackingCode).not.toBe(a.trackingCode);
    expect((await server.localIssues()).length).toBe(before + 2);
  });

  it('400: field-specific Chinese messages, and for malformed JSON, never a 500', async () => {
    const res = await postJson(server.url, { ...validSubmission(5), contact: '123', category: 'misc', title: 123 });
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual([
      { field: 'contact', message: '联系方式应为手机号码（如 13800138000）、座机号码（如 0391-6637366）或电子邮箱' },
      { field: 'category', message: '选择问题分类' },
      { field: 'title', message: '主要意见及建议应为文字' },
    ]);
    for (const bad of ['{"organization": ', 'null', '[1,2]', '"text"', '\u0000\u0001', '{"__proto__": {"polluted": 1}}']) {
      const r = await postJson(server.url, bad);
      expect(r.status, bad).toBe(400);
      const { errors } = await r.json();
      expect(errors[0].message, bad).toMatch(/[\u4e00-\u9fff]/);
    }
    const badKey = await postJson(server.url, validSubmission(6), { 'idempotency-key': 'bad key!' });
    expect(badKey.status).toBe(400);
    expect((await badKey.json()).errors[0].field).toBe('idempotencyKey');
  });

  it('400: wrong types everywhere', async () => {
    const res = await postJson(server.url, { organization: ['a'], submitterName: {}, contact: 13800138000, submitterType: 1, category: null, title: true, details: 5, publicConsent: 'yes', cases: 'none', ambiguous: [] });
    expect(res.status).toBe(400);
    const fields = (await res.json()).errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['organization', 'submitterName', 'contact', 'submitterType', 'category', 'title', 'details', 'publicConsent', 'cases']));
  });

  it('413: a 1 MB field, whether or not Content-Length says so', async () => {
    const huge = validSubmission(7, { details: '很'.repeat(1024 * 1024) });
    const res = await postJson(server.url, huge);
    expect(res.status).toBe(413);
    expect((await res.json()).errors[0].message).toContain('上限');
    // Chunked, no Content-Length: the stream is counted.
    const status = await new Promise<number>((ok, fail) => {
      const req = request(`${server.url}/api/submissions`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (r) => {
        r.resume();
        ok(r.statusCode!);
      });
      req.on('error', fail);
      const chunk = Buffer.from('x'.repeat(16 * 1024));
      for (let i = 0; i < 64; i++) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
    // Under the limit but over the field limit: a 400 naming the field.
    const long = await postJson(server.url, validSubmission(8, { details: '长'.repeat(5001) }));
    expect(long.status).toBe(400);
    expect((await long.json()).errors).toEqual([{ field: 'details', message: '具体问题和建议不能超过 5000 个字' }]);
  });

  it('415: other media types', async () => {
    for (const type of ['text/plain', 'application/xml', '']) {
      const res = await fetch(`${server.url}/api/submissions`, { method: 'POST', headers: type ? { 'content-type': type } : {}, body: JSON.stringify(validSubmission(9)) });
      expect(res.status, type).toBe(415);
    }
  });

  it('405 for other methods, with Allow and the security headers; a trailing slash or a query is the same API', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await fetch(`${server.url}/api/submissions`, { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await res.json()).errors[0].message).toBe('请用 POST 提交意见');
    }
    for (const path of ['/api/submissions/', '/api/submissions?from=app']) {
      const direct = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `api-path-${path.length}-x` }, body: JSON.stringify(validSubmission(32 + path.length)) });
      expect(direct.status, path).toBe(201);
      expect(direct.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });

  it('403: a foreign Origin (or a cross-site browser fetch); same origin is fine', async () => {
    expect((await postJson(server.url, validSubmission(10), { origin: 'https://evil.example' })).status).toBe(403);
    expect((await postJson(server.url, validSubmission(10), { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await postJson(server.url, validSubmission(10), { origin: server.url })).status).toBe(201);
    expect((await postJson(server.url, validSubmission(11), { origin: new URL(loadBureau().siteUrl).origin })).status).toBe(201);
  });

  it('accepts form-encoded and multipart posts to the API', async () => {
    const fields = { ...validSubmission(12), publicConsent: 'true', idempotencyKey: 'api-form-key-0012' } as Record<string, string>;
    const { token } = await (await import('./support.ts')).formToken(server.url);
    const urlencoded = await fetch(`${server.url}/api/submissions`, { method: 'POST', body: new URLSearchParams({ ...fields, formToken: token }) });
    expect(urlencoded.status).toBe(201);
    // A served form's token is good for one submission (issue 11): the second post comes from a second page view.
    const { token: second } = await (await import('./support.ts')).formToken(server.url);
    const fd = new FormData();
    for (const [k, v] of Object.entries({ ...fields, idempotencyKey: 'api-form-key-0013', formToken: second })) fd.append(k, String(v));
    const multipart = await fetch(`${server.url}/api/submissions`, { method: 'POST', body: fd });
    expect(multipart.status).toBe(201);
    // A form post without the form's signed token is refused (not from our page).
    const noToken = await fetch(`${server.url}/api/submissions`, { method: 'POST', body: new URLSearchParams(fields) });
    expect(noToken.status).toBe(400);
  });

  it('honeypot: a filled hidden field is refused and nothing is created', async () => {
    const before = (await server.localIssues()).length;
    const res = await postJson(server.url, { ...validSubmission(14), website: 'http://spam.example' });
    expect(res.status).toBe(400);
    expect((await server.localIssues()).length).toBe(before);
  });

  it('warns (not errors) about a code outside the configured list, naming the nearest', async () => {
    const res = await postJson(server.url, validSubmission(15, { category: 'grouping', drgCode: 'FM69' }));
    expect(res.status).toBe(201);
    const { warnings, trackingCode } = await res.json();
    expect(warnings).toEqual([{ field: 'drgCode', message: expect.stringMatching(/^DRG 代码 FM69 不在当前分组方案中，最接近的是 FM\d（.+）/) }]);
    expect((await server.localIssues()).find((i) => i.body.includes(trackingCode))!.body).toContain('### 代码核对');
  });

  it('hostile input is stored inert: script tags, Markdown and mention injection, unicode tricks', async () => {
    const res = await postJson(
      server.url,
      validSubmission(16, {
        organization: '<script>alert(1)</script>医院',
        title: '@octocat 请看 #1 ![x](http://evil.example/t.png)',
        details: '### 问题分类\n\n其他\n<!-- hidden -->\nfixes #2 GH-3 o/r#4 https://github.com/o/r/issues/5\n\u202Eexe.txt 全角１２３ zero\u200Bwidth',
        contact: '１３８-0013-8000',
      }),
    );
    expect(res.status).toBe(201);
    const { trackingCode } = await res.json();
    const issue = (await server.localIssues()).find((i) => i.body.includes(trackingCode))!;
    const visible = issue.body.slice(0, issue.body.indexOf('```json opinion'));
    expect(visible).not.toMatch(/(^|[^\\])<(script|!--)/);
    expect(visible).not.toMatch(/(^|[^\w＠])@octocat/);
    expect(visible).not.toMatch(/(^|[^＃])#\d/);
    expect(visible).not.toMatch(/(^|[^\\])!\[/);
    expect(visible.match(/^### 问题分类$/gm)).toHaveLength(1);
    expect(visible).not.toMatch(/[\u202E\u200B]/);
    expect(issue.title).not.toContain('@octocat');
    // Contact folded from full-width digits and sealed; neither it nor the name is in the issue.
    expect(issue.body).not.toContain('13800138000');
    expect(issue.body).not.toContain('张三');
  });
});

describe('in-process triage on the local tracker', () => {
  let triaged: RunningServer;
  beforeAll(async () => {
    triaged = await startServer({ SUBMIT_RATE_LIMIT: 'off' });
  });
  afterAll(() => triaged?.stop());

  it('routes a delivered opinion to an office without any GitHub workflow (offline npm start)', async () => {
    const res = await postJson(triaged.url, validSubmission(30, { category: 'core-elements', title: '建议调整基准点数和调整系数', details: '今年的基准点数测算口径与往年不同，调整系数偏低，建议公开测算方法并调整。' }));
    expect(res.status).toBe(201);
    const { trackingCode } = await res.json();
    const until = Date.now() + 20_000;
    let labels: string[] = [];
    while (Date.now() < until) {
      labels = (await triaged.localIssues()).find((i) => i.body.includes(trackingCode))?.labels ?? [];
      if (labels.some((l) => l.startsWith('承办:'))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(labels).toContain('承办:医保经办机构');
    expect(labels).toContain('意见建议');
  });
});

describe('optional CAPTCHA (siteverify protocol, no Google services)', () => {
  let verifier: import('node:http').Server;
  let guarded: RunningServer;
  const asked: string[] = [];
  beforeAll(async () => {
    const { createServer } = await import('node:http');
    verifier = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        asked.push(`${form.get('secret')}|${form.get('response')}`);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ success: form.get('response') === 'human-token' && form.get('secret') === 'captcha-secret' }));
      });
    });
    await new Promise<void>((r) => verifier.listen(0, '127.0.0.1', r));
    const { port } = verifier.address() as { port: number };
    guarded = await startServer({ SUBMIT_RATE_LIMIT: 'off', CAPTCHA_VERIFY_URL: `http://127.0.0.1:${port}/siteverify`, CAPTCHA_SECRET: 'captcha-secret' });
  });
  afterAll(async () => {
    await guarded?.stop();
    verifier?.close();
  });

  it('refuses a submission without a good token and accepts one with it', async () => {
    const refused = await postJson(guarded.url, validSubmission(40, { captchaToken: 'robot' }));
    expect(refused.status).toBe(400);
    expect((await refused.json()).errors).toEqual([{ field: 'captchaToken', message: '完成人机验证后再提交' }]);
    expect((await guarded.localIssues())).toHaveLength(0);
    const ok = await postJson(guarded.url, validSubmission(41, { captchaToken: 'human-token' }));
    expect(ok.status).toBe(201);
    expect(asked).toEqual(['captcha-secret|robot', 'captcha-secret|human-token']);
  });
});

describe('rate limiting', () => {
  let limited: RunningServer;
  beforeAll(async () => {
    limited = await startServer({ SUBMIT_RATE_LIMIT: '2/60' });
  });
  afterAll(() => limited?.stop());

  it('429 with Retry-After once a client exceeds its budget', async () => {
    expect((await postJson(limited.url, validSubmission(20))).status).toBe(201);
    expect((await postJson(limited.url, { bad: true })).status).toBe(400);
    const res = await postJson(limited.url, validSubmission(21));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await res.json()).errors[0].message).toContain('秒后再试');
  });
});
