/**
 * The built site's files as the server serves them (scripts/lib/http/static-files-fs.ts): the behaviour the
 * adapter's standalone server had, now that Astro answers first and only unmatched paths reach the files.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticFiles } from '../../scripts/lib/http/static-files-fs.ts';

let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drg-static-'));
  mkdirSync(join(dir, 'about'));
  mkdirSync(join(dir, '_astro'));
  mkdirSync(join(dir, '.well-known'));
  writeFileSync(join(dir, 'index.html'), '<h1>首页</h1>');
  writeFileSync(join(dir, 'about', 'index.html'), '<h1>关于</h1>');
  writeFileSync(join(dir, '404.html'), '<h1>没有找到该页面</h1>');
  writeFileSync(join(dir, '_astro', 'site.abc123.css'), 'body{}');
  writeFileSync(join(dir, '.env'), 'SECRET=1');
  writeFileSync(join(dir, '.well-known', 'security.txt'), 'Contact: mailto:ybj@example.cn');
  writeFileSync(join(dir, '..', `${dir.split('/').pop()}-outside.txt`), 'outside');
  server = createServer(createStaticFiles(dir));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(dir, '..', `${dir.split('/').pop()}-outside.txt`), { force: true });
});

const get = async (path: string, init?: RequestInit) => {
  const r = await fetch(`${base}${path}`, { redirect: 'manual', ...init });
  return { status: r.status, type: r.headers.get('content-type'), cache: r.headers.get('cache-control'), body: await r.text() };
};

describe('static files', () => {
  it('serves a folder page with and without the trailing slash, without a redirect', async () => {
    expect(await get('/about/')).toMatchObject({ status: 200, body: '<h1>关于</h1>' });
    expect(await get('/about')).toMatchObject({ status: 200, body: '<h1>关于</h1>' });
    expect(await get('/')).toMatchObject({ status: 200, body: '<h1>首页</h1>' });
    expect((await get('/about')).type).toMatch(/^text\/html/);
  });

  it('answers a missing page, a dotfile and a path out of the folder with the 404 page', async () => {
    for (const path of ['/no-such-page', '/no-such-page/', '/.env', `/../${dir.split('/').pop()}-outside.txt`, '/%2e%2e/etc/passwd']) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(r.body, path).toBe('<h1>没有找到该页面</h1>');
    }
  });

  it('serves /.well-known/ and caches hashed assets for a year', async () => {
    expect(await get('/.well-known/security.txt')).toMatchObject({ status: 200, body: 'Contact: mailto:ybj@example.cn' });
    expect(await get('/_astro/site.abc123.css')).toMatchObject({ status: 200, cache: 'public, max-age=31536000, immutable' });
    expect((await get('/about/')).cache).not.toMatch(/immutable/);
  });

  it('answers HEAD without a body and a malformed path with 400', async () => {
    expect(await get('/about/', { method: 'HEAD' })).toMatchObject({ status: 200, body: '' });
    expect((await get('/%E0%A4%A')).status).toBe(400);
  });
});
