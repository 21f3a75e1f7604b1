/**
 * Optional CAPTCHA hook. The server only needs "is this token good?", so providers are one small interface and
 * the default is none. The bundled verifier speaks the common `siteverify` form protocol (POST secret, response,
 * remoteip → JSON `{ success }`), which self-hosted services and providers reachable from mainland China offer;
 * providers with another protocol (e.g. 腾讯云验证码, 极验) plug in as their own `CaptchaVerifier`. No Google services.
 *
 * Configuration: CAPTCHA_VERIFY_URL + CAPTCHA_SECRET enable it; CAPTCHA_SCRIPT_URL and CAPTCHA_SITE_KEY let the
 * form load the provider's widget, which must put its token in the `captchaToken` field.
 */

export interface CaptchaVerifier {
  /** Widget to load on the form, when the provider has one. */
  widget?: { scriptUrl: string; siteKey: string };
  verify(token: string, clientIp: string): Promise<boolean>;
}

export function createSiteverifyCaptcha(opts: {
  verifyUrl: string;
  secret: string;
  widget?: { scriptUrl: string; siteKey: string };
  fetch?: typeof fetch;
  timeoutMs?: number;
}): CaptchaVerifier {
  const doFetch = opts.fetch ?? fetch;
  return {
    widget: opts.widget,
    async verify(token, clientIp) {
      if (!token) return false;
      try {
        const res = await doFetch(opts.verifyUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ secret: opts.secret, response: token, remoteip: clientIp }),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
        });
        const data = (await res.json()) as { success?: unknown };
        return data.success === true;
      } catch {
        return false;
      }
    },
  };
}

/** The verifier configured in the environment, or null (no CAPTCHA). */
export function captchaFromEnv(env: NodeJS.ProcessEnv): CaptchaVerifier | null {
  if (!env.CAPTCHA_VERIFY_URL) return null;
  if (!env.CAPTCHA_SECRET) throw new Error('设置了 CAPTCHA_VERIFY_URL 但没有 CAPTCHA_SECRET');
  const widget = env.CAPTCHA_SCRIPT_URL && env.CAPTCHA_SITE_KEY ? { scriptUrl: env.CAPTCHA_SCRIPT_URL, siteKey: env.CAPTCHA_SITE_KEY } : undefined;
  return createSiteverifyCaptcha({ verifyUrl: env.CAPTCHA_VERIFY_URL, secret: env.CAPTCHA_SECRET, widget });
}
