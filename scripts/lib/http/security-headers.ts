/**
 * Security headers of every server response (issue 11): pages, the API, static files and errors. One policy,
 * three places that apply it:
 * - `withSecurityHeaders` wraps the Node server's request handler (scripts/serve.ts), so the built files it serves
 *   (scripts/lib/http/static-files-fs.ts) — never seen by Astro middleware — and the adapter's own error answers
 *   get them too;
 * - site/middleware.ts sets them on on-demand responses, for any adapter (and adds the CAPTCHA origin on /submit);
 * - site/layouts/Base.astro writes the CSP as a <meta> tag into prerendered pages, for hosts that serve the static
 *   files without our headers (a meta CSP cannot carry frame-ancestors; browsers ignore it there).
 *
 * What the pages need, checked against a build (`ASTRO_OUT_DIR=dist-x npm run build`, grep of dist-x/client):
 * - Scripts: no inline script anywhere — the form's script and the search script are files — so script-src is
 *   'self'. /search/ runs Pagefind, which compiles its WebAssembly search core: 'wasm-unsafe-eval' there only
 *   (it allows WebAssembly compilation, not JavaScript eval).
 * - Styles: component styles are inlined as <style> elements (build.inlineStylesheets: 'always', a measured
 *   build-size choice), and the quarterly charts (scripts/lib/publish/charts.ts, Observable Plot) carry a <style>
 *   element and style="" attributes inside their SVG. So style-src allows 'unsafe-inline'. CSS cannot run script;
 *   what an injected style could do presupposes injected markup, which Astro's escaping already prevents.
 * - Images are the site's own or data: URIs; no fonts or frames from elsewhere.
 * - The optional CAPTCHA widget (CAPTCHA_SCRIPT_URL) loads its script, frames, styles and images from its origin:
 *   that origin is added on /submit only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SecurityOptions {
  /** URL of the CAPTCHA widget script (CAPTCHA_SCRIPT_URL), when the page shows the widget. */
  captchaScriptUrl?: string;
}

const isSearch = (pathname: string) => pathname === '/search' || pathname.startsWith('/search/');

const originOf = (url: string | undefined): string | undefined => {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The Content-Security-Policy for a path. `meta: true` gives the form for a <meta http-equiv> tag: without
 * frame-ancestors, which only works as a header.
 */
export function contentSecurityPolicy(pathname: string, opts: SecurityOptions & { meta?: boolean } = {}): string {
  const captcha = originOf(opts.captchaScriptUrl);
  const extra = captcha ? ` ${captcha}` : '';
  const directives = [
    "default-src 'self'",
    `script-src 'self'${isSearch(pathname) ? " 'wasm-unsafe-eval'" : ''}${extra}`,
    `style-src 'self' 'unsafe-inline'${extra}`,
    `img-src 'self' data:${extra}`,
    ...(captcha ? [`frame-src 'self'${extra}`, `connect-src 'self'${extra}`] : []),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    ...(opts.meta ? [] : ["frame-ancestors 'none'"]),
  ];
  return directives.join('; ');
}

/**
 * All security headers for a response to `pathname`. /track carries the tracking code in its query string, so it
 * sends no Referer at all; everything else sends only its origin to other sites.
 */
export function securityHeaders(pathname: string, opts: SecurityOptions = {}): Record<string, string> {
  const track = pathname === '/track' || pathname.startsWith('/track/');
  return {
    'Content-Security-Policy': contentSecurityPolicy(pathname, opts),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': track ? 'no-referrer' : 'strict-origin-when-cross-origin',
  };
}

/** The path of a request target (`/a/b?x=1` → `/a/b`), for choosing the headers. */
export function pathOfTarget(target: string | undefined): string {
  const t = target ?? '/';
  const q = t.search(/[?#]/);
  return q < 0 ? t : t.slice(0, q);
}

/**
 * Wraps a Node request handler so every response carries the security headers. They are set before the handler
 * runs: `send` (static files) adds its own headers beside them, and a response written with writeHead (Astro's
 * on-demand pages) overrides same-named ones, so the middleware's per-page policy wins where it is set.
 */
export function withSecurityHeaders<H extends (req: IncomingMessage, res: ServerResponse, ...rest: never[]) => unknown>(handler: H): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    for (const [name, value] of Object.entries(securityHeaders(pathOfTarget(req.url)))) res.setHeader(name, value);
    (handler as (req: IncomingMessage, res: ServerResponse) => unknown)(req, res);
  };
}
