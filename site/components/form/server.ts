/**
 * The server's dependencies for an on-demand page or endpoint: built once by the composition root
 * (scripts/serve.ts, scripts/lib/http/server-deps.ts) and passed in as `locals.server`. Server-only.
 */
import type { ServerDeps } from '../../../scripts/lib/http/server-deps.ts';

export function serverDeps(locals: App.Locals): ServerDeps {
  // Only a server that went without the composition root (an Astro that no longer passes the dev server's locals:
  // scripts/lib/http/dev-server-integration.ts) gets here.
  if (!locals.server) throw new Error('在线页面（/submit、/track、/api/*）没有得到服务器的依赖：请用 npm start 或 npm run serve 运行');
  return locals.server;
}
