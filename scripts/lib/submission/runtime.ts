/**
 * Composition root of the submission side: reads the environment once per process and wires the service to the
 * bureau settings, work calendar, code list, the store (outbox, local tracker, /track index, form tokens), the
 * tracker (GitHub or local), keys, limits and CAPTCHA; starts the background retry and sync loops. The server
 * creates one at start (scripts/serve.ts through scripts/lib/http/server-deps.ts) and hands it to its pages and
 * endpoints; scripts create their own. Nothing else reads env.
 *
 * Environment (README, 提交意见):
 *   DATA_DIR                   state folder (store.sqlite, dev keys); default .data
 *   GITHUB_TOKEN, GITHUB_REPOSITORY[, GITHUB_API_URL]   deliver to GitHub instead of the local tracker
 *   SUBMISSION_BOT_LOGIN       the login GITHUB_TOKEN belongs to: triage believes only its issues (set it in Actions too)
 *   GITHUB_WEBHOOK_SECRET      secret of the repository webhook that keeps the /track index current
 *   ISSUE_SYNC_SECONDS         how often the /track index asks GitHub for updated issues (default 60; 0 = never)
 *   BUREAU_PUBLIC_KEY          PEM or path of the key contacts are sealed to (dev key generated when unset)
 *   SUBMIT_SECRET              shared secret for codes and form tokens (generated into DATA_DIR when unset)
 *   SUBMIT_RATE_LIMIT          per-client limit of posts, `count/seconds` (default 20/60; `off` disables)
 *   TRACK_RATE_LIMIT           per-client limit of /track look-ups (default 60/60)
 *   SUBMIT_BODY_LIMIT          bytes (default 131072)
 *   SUBMIT_MIN_FILL_SECONDS    minimum time between serving the form and posting it (default 3)
 *   SUBMIT_ALLOWED_ORIGINS     extra origins allowed to post, comma-separated (the site's own always are)
 *   TRUST_PROXY                number of reverse proxies in front (`1`/`true` = one): the client is the address that
 *                              many hops from the right of X-Forwarded-For
 *   DELIVERY_TIMEOUT_MS        wait for the tracker before answering 202 (default 10000)
 *   OUTBOX_RETRY_BASE_MS, OUTBOX_RETRY_MAX_MS   retry backoff (default 5000, 600000)
 *   OUTBOX_FSYNC               `0` to skip fsync (benchmarks of the raw path only; default on)
 *   SUBMIT_TRIAGE              `off` to skip in-process triage after local deliveries (default on)
 *   SUBMIT_WORKERS             worker threads that prepare submissions (prepare-pool.ts; default one fewer than the
 *                              cores, 1 to 4; 0 = on the main thread)
 *   MAIL_IMAP_URL, MAIL_SMTP_URL, MAIL_FROM, MAIL_POLL_SECONDS, MAIL_MAX_BYTES, MAIL_AUTHSERV_IDS, MAIL_RETRY_BASE_MS,
 *   SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN, SMS_GATEWAY_TEMPLATE   the dedicated mailbox and writing back (mail/config.ts)
 *   CAPTCHA_VERIFY_URL, CAPTCHA_SECRET[, CAPTCHA_SCRIPT_URL, CAPTCHA_SITE_KEY]   optional CAPTCHA (captcha.ts)
 */
import { createSecretKey } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Bureau } from '../../../schemas/bureau.ts';
import { loadBureau } from '../bureau.ts';
import type { CodeList } from '../code-list.ts';
import { loadCodeList } from '../code-list-fs.ts';
import { loadSealingKey } from '../sealed-fs.ts';
import { openDataStore } from '../store/data-store-fs.ts';
import { createServerLog } from './server-log.ts';
import { createIssueStatusIndex, syncIssueStatus, type IssueStatus, type IssueStatusIndex } from '../store/issue-status.ts';
import type { Store } from '../store/store.ts';
import { createPersonalRecords, type PersonalRecords } from '../store/personal-records.ts';
import { createStaffTokens, type StaffTokens } from '../store/staff-tokens.ts';
import { createUsedFormTokens } from '../store/used-form-tokens.ts';
import { purgePersonalData } from '../personal/retention.ts';
import { createClassifier } from '../classify/classifier.ts';
import { dataPaths } from '../data-dir.ts';
import { mailConfigFromEnv } from '../mail/config.ts';
import { acceptedWrites, createCourier, defaultMailRetryPolicy, type Courier, type CourierDeps, type MailOrigin } from '../mail/courier.ts';
import { erasingMailFiles, sweepMailFiles } from '../mail/eml-files-fs.ts';
import { createMailboxReader } from '../mail/imap-fs.ts';
import type { MailIdentity } from '../mail/outbound.ts';
import { pollMailbox as pollMailboxOnce } from '../mail/poller.ts';
import { queueReplyMessages } from '../mail/replies-out.ts';
import { queueReminders } from '../mail/reminders.ts';
import { createHttpSmsGateway } from '../mail/sms.ts';
import { createMailTransport } from '../mail/transport-fs.ts';
import { createOutgoing, type Outgoing } from '../store/outgoing.ts';
import { createServerCrypt } from '../store/server-crypt.ts';
import { createVerdicts } from '../store/verdicts.ts';
import { syncPendingVerdicts } from '../verdict/sync.ts';
import { botLoginsFromEnv } from '../triage/cli.ts';
import { createTrackerFromEnv, trackerKind, type TrackerKind } from '../tracker/from-env.ts';
import { createLocalTracker } from '../tracker/local.ts';
import type { TrackerIssue, TrackerPort } from '../tracker/port.ts';
import type { WorkCalendar } from '../workdays.ts';
import { loadWorkCalendar } from '../workdays-fs.ts';
import { captchaFromEnv, type CaptchaVerifier } from './captcha.ts';
import type { BackoffPolicy } from './outbox.ts';
import type { OneTimeTokens } from './one-time-tokens.ts';
import { createOutbox } from './outbox-store.ts';
import { prepareKeysOf } from './prepare.ts';
import { createPreparePool, inProcessPreparer } from './prepare-pool.ts';
import { createRateLimiter, parseRateLimit, type RateLimiter } from './rate-limit.ts';
import { loadServerSecret } from './secret-fs.ts';
import { createSubmissionService, type LogLevel, type SubmissionService } from './service.ts';

export interface SubmissionConfig {
  bodyLimit: number;
  minFillMs: number;
  maxFormAgeMs: number;
  allowedOrigins: string[];
  /** Reverse proxies in front of the server (TRUST_PROXY); 0 = the socket address is the client. */
  trustedHops: number;
  deliveryTimeoutMs: number;
  backoff: BackoffPolicy;
  fsync: boolean;
  triage: boolean;
  /** Worker threads preparing submissions (0 = the main thread does it). */
  prepareWorkers: number;
  /** Seconds between syncs of the /track index with GitHub (0 = only the webhook). */
  issueSyncSeconds: number;
  webhookSecret: string | null;
}

const int = (value: string | undefined, fallback: number, name: string) => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${value}：应为非负数`);
  return n;
};

/** TRUST_PROXY: how many reverse proxies stand in front (`true` = one, `false`/unset = none). */
function proxyHops(value: string | undefined): number {
  if (value === undefined || value === '' || value === 'false') return 0;
  if (value === 'true') return 1;
  if (!/^\d{1,2}$/.test(value)) throw new Error(`TRUST_PROXY=${value}：应为反向代理的层数（0、1、2……），或 true/false`);
  return Number(value);
}

export function configFromEnv(env: NodeJS.ProcessEnv, bureau: Bureau): SubmissionConfig {
  const site = new URL(bureau.siteUrl).origin;
  return {
    bodyLimit: int(env.SUBMIT_BODY_LIMIT, 128 * 1024, 'SUBMIT_BODY_LIMIT'),
    minFillMs: int(env.SUBMIT_MIN_FILL_SECONDS, 3, 'SUBMIT_MIN_FILL_SECONDS') * 1000,
    maxFormAgeMs: 7 * 24 * 3600_000,
    allowedOrigins: [site, ...(env.SUBMIT_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean)],
    trustedHops: proxyHops(env.TRUST_PROXY),
    deliveryTimeoutMs: int(env.DELIVERY_TIMEOUT_MS, 10_000, 'DELIVERY_TIMEOUT_MS'),
    backoff: { baseMs: int(env.OUTBOX_RETRY_BASE_MS, 5_000, 'OUTBOX_RETRY_BASE_MS'), maxMs: int(env.OUTBOX_RETRY_MAX_MS, 600_000, 'OUTBOX_RETRY_MAX_MS') },
    fsync: env.OUTBOX_FSYNC !== '0' && env.OUTBOX_FSYNC !== 'false',
    triage: env.SUBMIT_TRIAGE !== 'off' && env.SUBMIT_TRIAGE !== '0',
    prepareWorkers: int(env.SUBMIT_WORKERS, Math.min(4, Math.max(1, availableParallelism() - 1)), 'SUBMIT_WORKERS'),
    issueSyncSeconds: int(env.ISSUE_SYNC_SECONDS, 60, 'ISSUE_SYNC_SECONDS'),
    webhookSecret: env.GITHUB_WEBHOOK_SECRET || null,
  };
}

/** Triage of one newly delivered issue (scripts/lib/triage/run.ts triageIssue, bound by the composition root). */
export type TriageOne = (port: TrackerPort, issueNumber: number, ctx: { bureau: Bureau; calendar: WorkCalendar; codeList: CodeList | null }) => Promise<unknown>;

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
  store: Store;
  /** Mail and SMS to submitters waiting or sent (the courier sends them). */
  outgoing: Outgoing;
  /** Sends what the outgoing queue holds (the loop below does it every few seconds). */
  courier: Courier;
  /** Reads the dedicated mailbox once (null when MAIL_IMAP_URL is not set); the loop below polls it. */
  pollMailbox: (() => Promise<unknown>) | null;
  /** Queues the answer mails/SMS of newly answered opinions (the loop does it twice a minute). */
  queueReplies: () => Promise<number>;
  /** Form tokens already used (one submission per token). */
  oneTimeTokens: OneTimeTokens;
  /** The /track index of GitHub issues (the local tracker is read directly). */
  issueIndex: IssueStatusIndex;
  /** What /track shows of an issue: from the store only, never from GitHub. */
  issueStatus(number: number): Promise<IssueStatus | null>;
  /** Sealed personal data of each opinion, and its access log (the staff API). */
  records: PersonalRecords;
  /** Tokens of the staff who may fetch sealed records. */
  tokens: StaffTokens;
  /** Stops the loops and closes the store (tests, scripts). */
  stop(): void;
}

export interface RuntimeOptions {
  env?: NodeJS.ProcessEnv;
  /** In-process triage after deliveries to the local tracker (the GitHub workflow triages GitHub issues). */
  triage?: TriageOne;
  /** Run the retry loop (the server does; one-shot scripts do not). */
  retryLoop?: boolean;
  /**
   * Checkpoint the store on a worker thread instead of inside commits (store.ts): for the long-running server.
   * Default: as retryLoop.
   */
  checkpointWorker?: boolean;
  log?: (level: LogLevel, message: string) => void;
}

export function createSubmissionRuntime(options: RuntimeOptions = {}): SubmissionRuntime {
  const env = options.env ?? process.env;
  const log = options.log ?? createServerLog();
  const bureau = loadBureau();
  const calendar = loadWorkCalendar();
  const codeList = loadCodeList(env);
  const config = configFromEnv(env, bureau);
  const secret = loadServerSecret(env);
  const sealingKey = loadSealingKey(env, (m) => log('warn', m));
  const kind = trackerKind(env);
  // The worker file, like prepare-worker.ts below, is found from the working directory.
  const checkpointWorker = (options.checkpointWorker ?? options.retryLoop ?? true) ? resolve('scripts/lib/store/checkpoint-worker.ts') : undefined;
  const store = openDataStore(env, { fsync: config.fsync, checkpointWorker, log: (m) => log('warn', m) }, (m) => log('info', m));
  const local = kind === 'local' ? createLocalTracker({ store, actor: 'feedback-bot' }) : null;
  let trackerPromise: Promise<TrackerPort> | undefined;
  const tracker = () => (trackerPromise ??= local ? Promise.resolve(local) : createTrackerFromEnv(env, 'feedback-bot'));
  const outbox = createOutbox(store);
  if (!local && !env.SUBMISSION_BOT_LOGIN) log('warn', '未设置 SUBMISSION_BOT_LOGIN（本服务器 GITHUB_TOKEN 所属账号）：分拣工作流会把网页提交的意见都标为“待核实”');
  const issueIndex = createIssueStatusIndex(store);
  const paths = dataPaths(env);
  // Erasing a record also deletes its .eml files (no SMTP configured): they hold the address in clear text.
  const records = erasingMailFiles(createPersonalRecords(store), paths.mail);
  const issueStatus = async (number: number): Promise<IssueStatus | null> => {
    if (local) {
      const issue = await local.getIssue(number);
      return issue && { state: issue.state, labels: issue.labels, updatedAt: issue.updatedAt, closedAt: issue.closedAt };
    }
    return issueIndex.get(number);
  };

  // Writing back to submitters (issue 14): receipts and answers by mail (SMTP, or .eml files under DATA_DIR/mail
  // when no SMTP is configured) or SMS, through the store's outgoing queue; the dedicated mailbox read over IMAP.
  const mail = mailConfigFromEnv(env, { mailDir: paths.mail, bureauEmail: bureau.contact.email, bureauName: bureau.name });
  const crypt = createServerCrypt(secret);
  const identity: MailIdentity | null = mail.from ? { from: mail.from, siteUrl: bureau.siteUrl, bureau: { name: bureau.name, shortName: bureau.shortName, contact: bureau.contact } } : null;
  const courierDeps: CourierDeps = { crypt, secret, identity, sealingKey, channels: { mail: identity !== null, sms: mail.sms !== null } };
  const mailOrigins = new Map<string, MailOrigin>();
  const outgoing = createOutgoing(store);
  const transport = createMailTransport({ smtpUrl: mail.smtpUrl ?? undefined, mailDir: mail.mailDir });
  if (transport.kind === 'eml') log('info', `未配置 MAIL_SMTP_URL：发给提交人的邮件写入 ${mail.mailDir}（.eml 文件）`);
  const courier = createCourier({
    outgoing, crypt, transport, sms: mail.sms ? createHttpSmsGateway(mail.sms) : null, log,
    retry: { ...defaultMailRetryPolicy, baseMs: int(env.MAIL_RETRY_BASE_MS, defaultMailRetryPolicy.baseMs, 'MAIL_RETRY_BASE_MS') },
  });

  // In-process triage after local deliveries, so the offline `npm start` flow is triaged too (contracts.md);
  // on GitHub the workflow does it. Bounded so a burst of submissions cannot queue unbounded work.
  let afterDeliver: ((n: number, issue: TrackerIssue) => Promise<unknown>) | undefined;
  if (local && config.triage && options.triage) {
    const triage = options.triage;
    let chain: Promise<unknown> = Promise.resolve();
    let queued = 0;
    afterDeliver = async (n) => {
      if (queued >= 200) return log('warn', `#${n}: 自动分拣队列已满，稍后可运行 npm run triage 补做`);
      queued++;
      chain = chain
        .then(() => triage(local, n, { bureau, calendar, codeList }))
        .catch((e) => log('warn', `#${n}: 自动分拣失败：${(e as Error).message}`))
        .finally(() => queued--);
      return chain;
    };
  }

  // Hashing, redaction, sealing and rendering of each submission run on worker threads (prepare-pool.ts). The worker
  // is the source file, found from the working directory like the content (content-dir.ts): in the build's chunks
  // import.meta.url no longer points into the repository.
  // HMAC keys prepared once: re-deriving a key object from bytes on every call is measurable at load.
  const prepareKeys = prepareKeysOf(bureau, createSecretKey(secret), sealingKey);
  const preparer = config.prepareWorkers > 0
    ? createPreparePool({ keys: prepareKeys, size: config.prepareWorkers, workerFile: resolve('scripts/lib/submission/prepare-worker.ts'), log: (m) => log('warn', m) })
    : inProcessPreparer(prepareKeys);
  if (options.retryLoop ?? true) preparer.warm();

  const service = createSubmissionService({
    bureau, calendar, codeList, outbox, tracker, log, preparer,
    trackerInStore: local ?? undefined,
    deliveryTimeoutMs: config.deliveryTimeoutMs,
    backoff: config.backoff,
    afterDeliver,
    onAccepted: acceptedWrites(courierDeps, mailOrigins),
    // On GitHub only when configured: guessing wrong would turn a lost answer into a second issue.
    intakeLogin: local ? 'feedback-bot' : env.SUBMISSION_BOT_LOGIN || undefined,
    onDelivered: local ? undefined : (issue) => issueIndex.record([{ number: issue.number, state: issue.state, labels: issue.labels, updatedAt: issue.updatedAt, closedAt: issue.closedAt }]),
  });

  const queueReplies = () =>
    identity ? queueReplyMessages({ store, crypt, courier: courierDeps, identity, tracker, issueStatus, budget: 20 }) : Promise.resolve(0);
  const reader = mail.imap ? createMailboxReader(mail.imap) : null;
  const classifier = reader ? createClassifier({ routing: bureau.routing, codeList }) : null;
  const pollMailbox = reader
    ? () =>
        pollMailboxOnce({
          reader, store, service, outgoing, courier: courierDeps, identity, origins: mailOrigins, log,
          inbound: { ownAddresses: mail.ownAddresses, trustedAuthServIds: mail.trustedAuthServIds, maxBytes: mail.imap!.maxBytes, codePrefix: bureau.codePrefix, classify: (o) => classifier!.classify({ ...o, selected: null }).category },
        })
    : null;

  const timers: NodeJS.Timeout[] = [];
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
    timers.push(setInterval(tick, 1000));
    void tick();
    // The /track index learns GitHub's changes here as well as from the webhook, which may be missing or lose
    // deliveries. Bounded per round (an operations budget), so a backlog costs a few rounds, not the bot's quota.
    if (!local && config.issueSyncSeconds > 0) {
      let syncing = false;
      const sync = async () => {
        if (syncing) return;
        syncing = true;
        try {
          await syncIssueStatus(await tracker(), issueIndex, { now: new Date(), budget: 300 });
        } catch (e) {
          log('warn', `同步议题状态失败：${(e as Error).message}`);
        } finally {
          syncing = false;
        }
      };
      timers.push(setInterval(sync, config.issueSyncSeconds * 1000));
      void sync();
    }
    // Personal data past its retention period is erased a few times a day (also `npm run purge`).
    const purge = async () => {
      try {
        const now = new Date();
        const r = await purgePersonalData(records, { now, months: bureau.personalDataRetentionMonths, dryRun: false, budget: 1000 });
        if (r.erased) log('info', `已删除 ${r.erased} 条超过保存期限（办结后 ${bureau.personalDataRetentionMonths} 个月）的个人信息`);
        const swept = await sweepMailFiles(paths.mail, records, { now, months: bureau.personalDataRetentionMonths });
        if (swept) log('info', `已删除 ${swept} 个已删除个人信息的意见或超过保存期限的邮件文件（${paths.mail}）`);
      } catch (e) {
        log('warn', `删除到期个人信息失败：${(e as Error).message}`);
      }
    };
    timers.push(setInterval(purge, 6 * 3600_000));
    void purge();
    // The outgoing queue every few seconds; answered opinions twice a minute; the mailbox as configured.
    const every = (ms: number, what: string, f: () => Promise<unknown>) => {
      let running = false;
      const run = async () => {
        if (running) return;
        running = true;
        try {
          await f();
        } catch (e) {
          log('warn', `${what}失败：${(e as Error).message}`);
        } finally {
          running = false;
        }
      };
      timers.push(setInterval(run, ms));
      void run();
    };
    every(2000, '发送邮件和短信', () => courier.deliverDue());
    every(30_000, '准备答复通知', queueReplies);
    // The daily reminder mail to offices with overdue opinions (checked hourly; one mail per office and day).
    if (identity && bureau.reminderEmails) every(3600_000, '准备逾期提醒邮件', () => queueReminders({ store, bureau, calendar, courier: courierDeps, identity, issueStatus, now: new Date() }));
    if (pollMailbox) every(mail.pollSeconds * 1000, '读取专用电子信箱', pollMailbox);
    // Verdicts the tracker could not take when they were given (scripts/lib/verdict/sync.ts).
    const verdictSync = {
      verdicts: createVerdicts(store, { calendar, keep: [bureau.contact.phone, bureau.contact.email].filter((x): x is string => Boolean(x)) }),
      tracker, issueOf: async (code: string) => (await service.lookup(code)).issueNumber, bureau, calendar, bots: botLoginsFromEnv(env),
      onApplied: local ? undefined : (i: TrackerIssue) => issueIndex.record([{ number: i.number, state: i.state, labels: i.labels, updatedAt: i.updatedAt, closedAt: i.closedAt }]),
    };
    every(30_000, '同步评价', async () => {
      const r = await syncPendingVerdicts(verdictSync);
      if (r.synced) log('info', `已把 ${r.synced} 条评价同步到议题`);
      if (r.error) log('warn', `同步评价失败，稍后重试：${r.error}`);
    });
    for (const t of timers) t.unref();
  }

  return {
    config, bureau, calendar, codeList, secret, service,
    captcha: captchaFromEnv(env),
    submitLimiter: createRateLimiter(parseRateLimit(env.SUBMIT_RATE_LIMIT, { capacity: 20, perSeconds: 60 })),
    trackLimiter: createRateLimiter(parseRateLimit(env.TRACK_RATE_LIMIT, { capacity: 60, perSeconds: 60 })),
    trackerKind: kind,
    tracker,
    store,
    oneTimeTokens: createUsedFormTokens(store),
    records,
    tokens: createStaffTokens(store),
    outgoing,
    courier,
    pollMailbox,
    queueReplies,
    issueIndex,
    issueStatus,
    stop() {
      for (const t of timers) clearInterval(t);
      void preparer.close();
      void transport.close();
      void reader?.close();
      store.close();
    },
  };
}
