/**
 * Security headers on every on-demand response (/submit, /track, /api/*), whatever the adapter
 * (scripts/lib/http/security-headers.ts has the policy and why). Prerendered pages are not touched here: their
 * headers come from the server (scripts/serve.ts) and their CSP also from a <meta> tag (site/layouts/Base.astro).
 * On /submit the policy admits the CAPTCHA widget's origin when one is configured.
 */
import { defineMiddleware } from 'astro:middleware';
import { securityHeaders } from '../scripts/lib/http/security-headers.ts';
import { serverDeps } from './components/form/server.ts';

const onSubmitPage = (pathname: string) => pathname === '/submit' || pathname === '/submit/';

export const onRequest = defineMiddleware(async (context, next) => {
  if (context.isPrerendered) return next();
  const response = await next();
  const { pathname } = context.url;
  const captchaScriptUrl = onSubmitPage(pathname) ? serverDeps(context.locals).runtime.captcha?.widget?.scriptUrl : undefined;
  const headers = securityHeaders(pathname, { captchaScriptUrl });
  try {
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  } catch {
    // Immutable headers (a Response.redirect or a fetched response): copy it with ours added.
    const copy = new Response(response.body, response);
    for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
    return copy;
  }
});
