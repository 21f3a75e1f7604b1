/**
 * The server's dependencies for an on-demand page or endpoint: built once by the composition root
 * (scripts/serve.ts, scripts/lib/http/server-deps.ts) and passed in as `locals.server`. Server-only.
 */
import type { ServerDeps } from '../../../scripts/lib/http/server-deps.ts';

export function serverDeps(locals: App.Locals): ServerDeps {
  // `astro dev` runs the pages without our server, so without its store, keys and tracker.
  if (!locals.server) throw new Error('在线页面（/submit、/track、/api/*）需要本站服务器：请用 npm start 或 npm run serve 运行，不要用 astro dev');
  return locals.server;
}
