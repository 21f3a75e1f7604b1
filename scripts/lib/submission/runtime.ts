/**
 * Composition root of the submission side: reads the environment once per process and wires the service to the
 * bureau settings, work calendar, code list, tracker (GitHub or local), outbox, keys, limits and CAPTCHA; starts
 * the background retry loop. Pages, endpoints and scripts get everything from here; nothing else reads env.
 *
 * Environment (README, 提交意见):
 *   DATA_DIR                   state folder (outbox, local tracker, dev keys); default .data
 *   GITHUB_TOKEN, GITHUB_REPOSITORY[, GITHUB_API_URL]   deliver to GitHub instead of the local tracker
 *   BUREAU_PUBLIC_KEY          PEM or path of the key contacts are sealed to (dev key generated when unset)
 *   SUBMIT_SECRET              shared secret for codes and form tokens (generated into DATA_DIR when unset)
 *   SUBMIT_RATE_LIMIT          per-IP limit of posts, `count/seconds` (default 20/60; `off` disables)
 *   TRACK_RATE_LIMIT           per-IP limit of /track look-ups (default 60/60)
 *   SUBMIT_BODY_LIMIT          bytes (default 131072)
 *   SUBMIT_MIN_FILL_SECONDS    minimum time between serving the form and posting it (default 3)
 *   SUBMIT_ALLOWED_ORIGINS     extra origins allowed to post, comma-separated (the site's own always are)
 *   TRUST_PROXY                `1` behind a reverse proxy: the client is the first X-Forwarded-For address
 *   DELIVERY_TIMEOUT_MS        wait for the tracker before answering 202 (default 10000)
 *   OUTBOX_RETRY_BASE_MS, OUTBOX_RETRY_MAX_MS   retry backoff (default 5000, 600000)
 *   OUTBOX_FSYNC               `0` to skip fsync (benchmarks of the raw path only; default on)
 *   SUBMIT_TRIAGE              `off` to skip in-process triage after local deliveries (default on)
 *   CAPTCHA_VERIFY_URL, CAPTCHA_SECRET[, CAPTCHA_SCRIPT_URL, CAPTCHA_SITE_KEY]   optional CAPTCHA (captcha.ts)
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import { loadBureau } from '../bureau.ts';
import type { CodeList } from '../code-list.ts';
import { loadCodeList } from '../code-list-fs.ts';
import { dataPaths } from '../data-dir.ts';
import { loadSealingKey } from '../sealed-fs.ts';
import { createTrackerFromEnv, trackerKind, type TrackerKind } from '../tracker/from-env.ts';
import type { TrackerIssue, TrackerPort } from '../tracker/port.ts';
import type { WorkCalendar } from '../workdays.ts';
import { loadWorkCalendar } from '../workdays-fs.ts';
import { captchaFromEnv, type CaptchaVerifier } from './captcha.ts';
import type { BackoffPolicy } from './outbox.ts';
import { createOutbox } from './outbox-fs.ts';
import { createRateLimiter, parseRateLimit, type RateLimiter } from './rate-limit.ts';
import { loadServerSecret } from './secret-fs.ts';
import { createSubmissionService, type LogLevel, type SubmissionService } from './service.ts';

export interface SubmissionConfig {
  bodyLimit: number;
  minFillMs: number;
  maxFormAgeMs: number;
  allowedOrigins: string[];
  trustProxy: boolean;
  deliveryTimeoutMs: number;
  backoff: BackoffPolicy;
  fsync: boolean;
  triage: boolean;
}

const int = (value: string | undefined, fallback: number, name: string) => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${value}：应为非负数`);
  return n;
};

export function configFromEnv(env: NodeJS.ProcessEnv, bureau: Bureau): SubmissionConfig {
  const site = new URL(bureau.siteUrl).origin;
  return {
    bodyLimit: int(env.SUBMIT_BODY_LIMIT, 128 * 1024, 'SUBMIT_BODY_LIMIT'),
    minFillMs: int(env.SUBMIT_MIN_FILL_SECONDS, 3, 'SUBMIT_MIN_FILL_SECONDS') * 1000,
    maxFormAgeMs: 7 * 24 * 3600_000,
    allowedOrigins: [site, ...(env.SUBMIT_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean)],
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    deliveryTimeoutMs: int(env.DELIVERY_TIMEOUT_MS, 10_000, 'DELIVERY_TIMEOUT_MS'),
    backoff: { baseMs: int(env.OUTBOX_RETRY_BASE_MS, 5_000, 'OUTBOX_RETRY_BASE_MS'), maxMs: int(env.OUTBOX_RETRY_MAX_MS, 600_000, 'OUTBOX_RETRY_MAX_MS') },
    fsync: env.OUTBOX_FSYNC !== '0' && env.OUTBOX_FSYNC !== 'false',
    triage: env.SUBMIT_TRIAGE !== 'off' && env.SUBMIT_TRIAGE !== '0',
  };
}

/** Loads scripts/lib/triage/run.ts when it exists (the triage side), else undefined. */
export type TriageLoader = () => Promise<unknown>;

export interface SubmissionRuntime {
  config: SubmissionConfig;
  bureau: Bureau;
  calendar: WorkCalendar;
  codeList: CodeList | null;
  secret: Buffer;
  service: SubmissionService;
  captcha: CaptchaVerifier | null;
  submitLimiter: RateLimiter;
  trackLimiter: RateLimiter;
  trackerKind: TrackerKind;
  tracker: () => Promise<TrackerPort>;
  /** Stops the retry loop (tests, scripts). */
  stop(): void;
}

export interface RuntimeOptions {
  env?: NodeJS.ProcessEnv;
  /** Triage module loader; the Astro side passes `import.meta.glob`'s, scripts a dynamic import. */
  loadTriage?: TriageLoader;
  /** Run the retry loop (the server does; one-shot scripts do not). */
  retryLoop?: boolean;
  log?: (level: LogLevel, message: string) => void;
}

export function createSubmissionRuntime(options: RuntimeOptions = {}): SubmissionRuntime {
  const env = options.env ?? process.env;
  const log = options.log ?? ((level: LogLevel, m: string) => console[level === 'info' ? 'log' : level](`[submit] ${m}`));
  const bureau = loadBureau();
  const calendar = loadWorkCalendar();
  const codeList = loadCodeList(env);
  const config = configFromEnv(env, bureau);
  const secret = loadServerSecret(env);
  const sealingKey = loadSealingKey(env, (m) => log('warn', m));
  const kind = trackerKind(env);
  let trackerPromise: Promise<TrackerPort> | undefined;
  const tracker = () => (trackerPromise ??= createTrackerFromEnv(env, 'feedback-bot'));
  const outbox = createOutbox({ dir: dataPaths(env).outbox, fsync: config.fsync });

  // In-process triage after local deliveries, so the offline `npm start` flow is triaged too (contracts.md);
  // on GitHub the workflow does it. Bounded so a burst of submissions cannot queue unbounded work.
  let afterDeliver: ((n: number, issue: TrackerIssue) => Promise<unknown>) | undefined;
  if (kind === 'local' && config.triage && options.loadTriage) {
    let chain: Promise<unknown> = Promise.resolve();
    let queued = 0;
    let triage: ((port: TrackerPort, n: number, deps: Record<string, unknown>) => Promise<unknown>) | null | undefined;
    afterDeliver = async (n) => {
      if (queued >= 200) return log('warn', `#${n}: 自动分拣队列已满，稍后可运行 npm run triage 补做`);
      queued++;
      chain = chain
        .then(async () => {
          if (triage === undefined) {
            const mod = (await options.loadTriage!().catch(() => null)) as { triageIssue?: typeof triage } | null;
            triage = typeof mod?.triageIssue === 'function' ? mod.triageIssue : null;
            if (!triage) log('info', '未找到自动分拣模块（scripts/lib/triage/run.ts），跳过本地分拣');
          }
          if (triage) await triage(await tracker(), n, { bureau, calendar, codeList, now: new Date(), dryRun: false, budget: 50 });
        })
        .catch((e) => log('warn', `#${n}: 自动分拣失败：${(e as Error).message}`))
        .finally(() => queued--);
      return chain;
    };
  }

  const service = createSubmissionService({
    bureau, calendar, codeList, outbox, tracker, sealingKey, secret, log,
    deliveryTimeoutMs: config.deliveryTimeoutMs,
    backoff: config.backoff,
    afterDeliver,
  });

  let timer: NodeJS.Timeout | undefined;
  if (options.retryLoop ?? true) {
    let busy = false;
    let ticks = 0;
    const tick = async () => {
      if (busy) return;
      busy = true;
      try {
        // Re-read the outbox now and then: jobs left by a crash or another process get picked up.
        if (ticks++ % 60 === 0) {
          const n = await service.recover();
          if (n) log('info', `待登记队列中有 ${n} 条意见，正在重新登记`);
        }
        await service.retryDue();
      } catch (e) {
        log('error', `重试登记出错：${(e as Error).message}`);
      } finally {
        busy = false;
      }
    };
    timer = setInterval(tick, 1000);
    timer.unref();
    void tick();
  }

  return {
    config, bureau, calendar, codeList, secret, service,
    captcha: captchaFromEnv(env),
    submitLimiter: createRateLimiter(parseRateLimit(env.SUBMIT_RATE_LIMIT, { capacity: 20, perSeconds: 60 })),
    trackLimiter: createRateLimiter(parseRateLimit(env.TRACK_RATE_LIMIT, { capacity: 60, perSeconds: 60 })),
    trackerKind: kind,
    tracker,
    stop: () => clearInterval(timer),
  };
}

const slot = Symbol.for('drg-feedback.submission-runtime');
/** The process-wide runtime (created on first use). */
export function getSubmissionRuntime(options: RuntimeOptions = {}): SubmissionRuntime {
  const g = globalThis as unknown as Record<symbol, SubmissionRuntime | undefined>;
  return (g[slot] ??= createSubmissionRuntime(options));
}
