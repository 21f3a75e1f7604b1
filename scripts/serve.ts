/**
 * `npm run serve` (and the second half of `npm start`): runs the built Node server, which serves the
 * static site, the search index, /submit, /track and /api/*. Defaults to http://localhost:4321.
 *
 * The server's composition root: it builds the dependencies once (scripts/lib/http/server-deps.ts) and passes them
 * in. Our own HTTP server answers /api/submissions itself (scripts/lib/http/submissions-api.ts), runs the adapter's
 * handler (middleware mode) with the dependencies as `locals.server` for the other on-demand routes, and serves
 * what Astro has no route for as a file of the built site (scripts/lib/http/static-files-fs.ts). Every response —
 * static files included, which Astro middleware never sees — gets the security headers
 * (scripts/lib/http/security-headers.ts). SERVER_CERT_PATH + SERVER_KEY_PATH serve HTTPS, as the adapter's own
 * server did.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readBuiltAnnouncementIndex } from './lib/announcement-index-fs.ts';
import { withSecurityHeaders } from './lib/http/security-headers.ts';
import { createServerDeps, type ServerDeps } from './lib/http/server-deps.ts';
import { createStaticFiles } from './lib/http/static-files-fs.ts';
import { createSubmissionsApi, isSubmissionsApi } from './lib/http/submissions-api.ts';
import { configuredFileProblems } from './lib/settings-files-fs.ts';

const out = resolve(process.env.ASTRO_OUT_DIR ?? 'dist');
const entry = resolve(out, 'server/entry.mjs');
const announcements = readBuiltAnnouncementIndex(out);
if (!existsSync(entry) || !announcements) {
  console.error(`没有找到 ${existsSync(entry) ? resolve(out, 'announcement-index.json') : entry}：请先运行 npm run build`);
  process.exit(1);
}
// A configured file that is missing (code list, holidays, keys) stops the server here, naming the file and the
// setting, instead of the first submission finding out (issue 10).
const problems = configuredFileProblems();
if (problems.length) {
  for (const line of problems) console.error(line);
  console.error('服务器未启动：请先修正以上配置。');
  process.exit(1);
}
process.env.HOST ??= 'localhost';
process.env.PORT ??= '4321';
type AstroHandler = (req: IncomingMessage, res: ServerResponse, next: () => void, locals: { server: ServerDeps }) => Promise<void>;
const { handler } = (await import(pathToFileURL(entry).href)) as { handler: AstroHandler };
const files = createStaticFiles(resolve(out, 'client'));
const tls = process.env.SERVER_CERT_PATH && process.env.SERVER_KEY_PATH
  ? { cert: readFileSync(process.env.SERVER_CERT_PATH), key: readFileSync(process.env.SERVER_KEY_PATH) }
  : null;
// The store, retries, mailbox and mail queue start here, with the server, not with the first visitor; a
// configuration error stops it at once.
let deps: ServerDeps;
try {
  deps = createServerDeps({ announcements });
} catch (e) {
  console.error(`服务器未启动：${(e as Error).message}`);
  process.exit(1);
}
const api = createSubmissionsApi(deps, { secure: tls !== null });
const listener = withSecurityHeaders((req, res) => {
  // A client that hung up while its request waited has no address and no one to answer (Astro's clientAddress
  // would throw and log a stack for each: seen at the end of bench:submit's 200-connection run).
  if (req.socket.remoteAddress === undefined) return void res.destroy();
  try {
    decodeURI(req.url ?? '/');
  } catch {
    return void res.writeHead(400).end('Bad request.');
  }
  if (isSubmissionsApi(req.url)) return void api(req, res);
  void handler(req, res, () => files(req, res), { server: deps });
});
const server = tls ? createHttpsServer(tls, listener) : createServer(listener);
server.on('error', (e) => {
  console.error(`服务器未启动：${e.message}`);
  process.exit(1);
});
server.listen(Number(process.env.PORT), process.env.HOST, async () => {
  // The same readiness probe deploys use: the pages and the runtime answer.
  const base = `http${tls ? 's' : ''}://${process.env.HOST}:${process.env.PORT}`;
  const ready = await fetch(`${base}/api/health`).then(async (r) => ({ ok: r.ok, body: await r.text() }), (e: Error) => ({ ok: false, body: e.message }));
  if (!ready.ok) {
    console.error(`服务器未启动：${ready.body}`);
    process.exit(1);
  }
  console.log(`站点已启动: ${base}/`);
});
