/**
 * The HTTP boundary against the built server (issue 11): security headers on every kind of response, a rate
 * limit that X-Forwarded-For spoofing cannot escape, one submission per served form, Idempotency-Key conflicts,
 * and oversized bodies answered with the Chinese 413 even to clients that write the whole body before reading.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, formToken, postForm, postJson, startServer, validSubmission, type RunningServer } from './support.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Interim responses seen first (100 Continue). */
  interim: number[];
}

function parseResponses(raw: Buffer): RawResponse {
  let rest = raw;
  const interim: number[] = [];
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) throw new Error(`incomplete response: ${rest.toString('latin1').slice(0, 200)}`);
    const [statusLine, ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(statusLine.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const i = l.indexOf(':');
      headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    rest = rest.subarray(end + 4);
    if (status >= 100 && status < 200) {
      interim.push(status);
      continue;
    }
    let body = rest;
    if (headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = [];
      let at = 0;
      for (;;) {
        const lineEnd = body.indexOf('\r\n', at);
        const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
        if (!size) break;
        parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(parts);
    } else if (headers['content-length']) {
      body = body.subarray(0, Number(headers['content-length']));
    }
    return { status, headers, body: body.toString('utf8'), interim };
  }
}

/**
 * A client that writes the whole request before it reads a byte of the answer, like Python's urllib: the socket
 * is paused until the last byte of the body has been handed to the kernel. A server that stops reading and
 * closes makes the write fail (EPIPE / ECONNRESET) and the promise reject.
 */
function writeAllThenRead(url: string, path: string, headers: Record<string, string>, body: Buffer, opts: { expectContinue?: boolean } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('error', reject);
    socket.on('data', (d) => chunks.push(d));
    socket.on('end', () => {
      try {
        resolve(parseResponses(Buffer.concat(chunks)));
      } catch (e) {
        reject(e);
      }
    });
    const head = [`POST ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, `Content-Length: ${body.byteLength}`, 'Connection: close',
      ...(opts.expectContinue ? ['Expect: 100-continue'] : []), ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
    socket.once('connect', () => {
      if (opts.expectContinue) {
        // Headers first; the body only after the server's 100 Continue, read from the socket as curl does.
        socket.write(head);
        socket.once('data', () => {
          socket.pause();
          socket.write(body, () => socket.resume());
        });
        return;
      }
      socket.pause();
      socket.write(head);
      socket.write(body, (err) => (err ? reject(err) : socket.resume()));
    });
  });
}

const buildDir = () => ensureBuilt();
const htmlFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? htmlFiles(join(dir, e.name)) : e.name.endsWith('.html') ? [join(dir, e.name)] : []));

function expectSecurityHeaders(res: Response, what: string) {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp, what).toContain("default-src 'self'");
  expect(csp, what).toMatch(/script-src 'self'( 'wasm-unsafe-eval')?;/);
  expect(csp, what).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(csp, what).toContain("object-src 'none'");
  expect(csp, what).toContain("base-uri 'self'");
  expect(csp, what).toContain("form-action 'self'");
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(res.headers.get('x-frame-options'), what).toBe('DENY');
  expect(res.headers.get('referrer-policy'), what).toBe(what.startsWith('/track') ? 'no-referrer' : 'strict-origin-when-cross-origin');
}

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ SUBMIT_RATE_LIMIT: 'off' });
});
afterAll(() => server?.stop());

describe('security headers on every response', () => {
  it('pages, the API, static files and errors', async () => {
    const home = await fetch(`${server.url}/`);
    const html = await home.text();
    const css = /<link rel="stylesheet" href="([^"]+\.css)"/.exec(html)?.[1];
    expect(css).toMatch(/^\/_astro\//);
    const responses: [string, Response][] = [
      ['/', home],
      ['/submit', await fetch(`${server.url}/submit`)],
      ['/track?code=JY-2026-7K3M9Q', await fetch(`${server.url}/track?code=JY-2026-7K3M9Q`)],
      ['/search/', await fetch(`${server.url}/search/`)],
      ['/search.js', await fetch(`${server.url}/search.js`)],
      [css!, await fetch(`${server.url}${css}`)],
      ['/no-such-page (404)', await fetch(`${server.url}/no-such-page`)],
      ['POST /api/submissions (400)', await postJson(server.url, '{')],
      ['GET /api/submissions (405)', await fetch(`${server.url}/api/submissions`)],
    ];
    const status = Object.fromEntries(responses.map(([w, r]) => [w, r.status]));
    expect(status).toMatchObject({ '/': 200, '/submit': 200, '/search/': 200, '/search.js': 200, [css!]: 200, '/no-such-page (404)': 404, 'POST /api/submissions (400)': 400, 'GET /api/submissions (405)': 405 });
    for (const [what, res] of responses) expectSecurityHeaders(res, what);
    // WebAssembly compilation (Pagefind) is allowed on the search page only.
    expect(responses.find(([w]) => w === '/search/')![1].headers.get('content-security-policy')).toContain("'wasm-unsafe-eval'");
    expect(home.headers.get('content-security-policy')).not.toContain('wasm');
  });

  it('prerendered pages carry the policy in a meta tag too (without frame-ancestors); on-demand pages do not', async () => {
    const home = await (await fetch(`${server.url}/`)).text();
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(home)?.[1];
    expect(meta).toContain("script-src 'self';");
    expect(meta).not.toContain('frame-ancestors');
    // Before any style or script it governs.
    expect(home.indexOf('http-equiv="Content-Security-Policy"')).toBeLessThan(home.indexOf('<link rel="stylesheet"'));
    expect(await (await fetch(`${server.url}/submit`)).text()).not.toContain('http-equiv="Content-Security-Policy"');
  });

  it('no built page has an inline script the policy would block', async () => {
    const client = join(await buildDir(), 'client');
    const pages = htmlFiles(client);
    expect(pages.length).toBeGreaterThan(10);
    const inline = pages.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/<script\b[^>]*>/g)].filter((m) => !/\ssrc=/.test(m[0])).map(() => f));
    expect(inline).toEqual([]);
    for (const page of ['/submit', '/track']) {
      const html = await (await fetch(`${server.url}${page}`)).text();
      expect([...html.matchAll(/<script\b[^>]*>/g)].filter((m) => !/\ssrc=/.test(m[0])), page).toEqual([]);
    }
  });

  it('admits the CAPTCHA widget’s origin on /submit only', async () => {
    const guarded = await startServer({
      CAPTCHA_VERIFY_URL: 'http://127.0.0.1:9/siteverify', CAPTCHA_SECRET: 'x', CAPTCHA_SCRIPT_URL: 'https://captcha.example.cn/v1/widget.js', CAPTCHA_SITE_KEY: 'site-key',
    });
    try {
      const submit = await fetch(`${guarded.url}/submit`);
      expect(await submit.text()).toContain('src="https://captcha.example.cn/v1/widget.js"');
      const csp = submit.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self' https://captcha.example.cn;");
      expect(csp).toContain("frame-src 'self' https://captcha.example.cn;");
      expect((await fetch(`${guarded.url}/`)).headers.get('content-security-policy')).not.toContain('captcha.example.cn');
    } finally {
      await guarded.stop();
    }
  });
});

describe('rate limit behind a proxy (TRUST_PROXY=1)', () => {
  let proxied: RunningServer;
  beforeAll(async () => {
    proxied = await startServer({ TRUST_PROXY: '1', SUBMIT_RATE_LIMIT: '20/60' });
  });
  afterAll(() => proxied?.stop());

  it('300 posts that vary the left of X-Forwarded-For meet 429 after the budget', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) {
      const res = await postJson(proxied.url, '{}', { 'x-forwarded-for': `10.${i >> 8}.${i & 255}.7, 198.51.100.7` });
      statuses.push(res.status);
      await res.body?.cancel();
    }
    expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    // Another client behind the same proxy has its own budget.
    expect((await postJson(proxied.url, '{}', { 'x-forwarded-for': '198.51.100.8' })).status).toBe(400);
  });

  it('an IPv6 client rotating through its /64 is one client', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await postJson(proxied.url, '{}', { 'x-forwarded-for': `2001:db8:7:7:${(i + 1).toString(16)}::1` })).status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(20);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
  });
});

describe('one submission per served form', () => {
  const fields = {
    organization: '济源市人民医院', submitterName: '张三', contact: '0391-6637366', submitterType: 'hospital', category: 'policy',
    title: '关于统一结算清单质控口径的建议', details: '结算清单质控规则与病案首页填写要求存在差异，建议统一口径。', publicConsent: 'false',
  };

  it('a genuine token replayed for another opinion is refused, with the form and its values back', async () => {
    const { token, key } = await formToken(server.url);
    const first = await postForm(server.url, { ...fields, formToken: token, idempotencyKey: key });
    expect(await first.text()).toContain('已收到您的意见');
    const before = (await server.localIssues()).length;
    const replay = await postForm(server.url, { ...fields, title: '用同一页面再提交的另一份意见', formToken: token, idempotencyKey: 'web-replayed-key-0001' });
    expect(replay.status).toBe(409);
    const html = await replay.text();
    expect(html).toContain('这份表单已经提交过一次意见');
    expect(html).toContain('value="用同一页面再提交的另一份意见"');
    expect((await server.localIssues()).length).toBe(before);
    // The page that refused it carries a fresh token: the person can still send it as a new opinion.
    const again = /name="formToken" value="([^"]+)"/.exec(html)![1];
    expect(again).not.toBe(token);
    const sent = await postForm(server.url, { ...fields, title: '用同一页面再提交的另一份意见', formToken: again, idempotencyKey: 'web-replayed-key-0001' });
    expect(await sent.text()).toContain('已收到您的意见');
    expect((await server.localIssues()).length).toBe(before + 1);
  });

  it('the same Idempotency-Key with other content: 422 naming the key, nothing new', async () => {
    const first = await postJson(server.url, validSubmission(70), { 'idempotency-key': 'sec-conflict-key-01' });
    expect(first.status).toBe(201);
    const before = (await server.localIssues()).length;
    const other = await postJson(server.url, validSubmission(71), { 'idempotency-key': 'sec-conflict-key-01' });
    expect(other.status).toBe(422);
    expect(await other.json()).toEqual({ errors: [{ field: 'Idempotency-Key', message: expect.stringMatching(/^该 Idempotency-Key 已用于另一份内容不同的意见/) }] });
    expect((await server.localIssues()).length).toBe(before);
  });
});

describe('oversized bodies get the Chinese 413, not a reset', () => {
  const big = Buffer.from(JSON.stringify(validSubmission(80, { details: 'x'.repeat(5 * 1000 * 1000) })));

  it('a 5 MB JSON body written in full before reading (urllib-style)', async () => {
    expect(big.byteLength).toBeGreaterThan(5_000_000);
    const res = await writeAllThenRead(server.url, '/api/submissions', { 'content-type': 'application/json' }, big);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ errors: [{ field: 'form', message: expect.stringContaining('提交内容超过 128 KB 的上限') }] });
    expectSecurityHeaders(new Response(null, { headers: res.headers }), 'raw 413');
  });

  it('with Expect: 100-continue', async () => {
    const res = await writeAllThenRead(server.url, '/api/submissions', { 'content-type': 'application/json' }, big, { expectContinue: true });
    expect(res.interim).toEqual([100]);
    expect(res.status).toBe(413);
    expect(res.body).toContain('128 KB 的上限');
  });

  it('a 5 MB form post to /submit re-renders the page with the message', async () => {
    const body = Buffer.from(new URLSearchParams({ title: 'x', details: 'y'.repeat(5_000_000) }).toString());
    const res = await writeAllThenRead(server.url, '/submit', { 'content-type': 'application/x-www-form-urlencoded' }, body);
    expect(res.status).toBe(413);
    expect(res.body).toContain('提交内容超过 128 KB 的上限');
  });

  it('beyond the 8 MiB bound: answered and closed without reading the rest', async () => {
    const { hostname, port } = new URL(server.url);
    const res = await new Promise<RawResponse>((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      const chunks: Buffer[] = [];
      socket.on('data', (d) => chunks.push(d));
      socket.on('error', reject);
      socket.on('close', () => resolve(parseResponses(Buffer.concat(chunks))));
      socket.write([`POST /api/submissions HTTP/1.1`, `Host: ${hostname}:${port}`, 'Content-Type: application/json', `Content-Length: ${50 * 1024 * 1024}`, '', '{"a":'].join('\r\n'));
    });
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(res.body).toContain('上限');
    expect((await fetch(`${server.url}/api/health`)).ok).toBe(true);
  });
});
