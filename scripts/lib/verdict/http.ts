/**
 * The verdict form on /track (`POST /track`, a plain form post that works without JavaScript): origin check (CSRF),
 * media type, capped body, the per-client limit of /track, the code, whether the opinion has been answered, the
 * schema, the store (once per code, changeable for 15 working days), then the tracker at once (bounded by the
 * delivery timeout; a failure leaves it to syncPendingVerdicts). Never throws for bad input: every refusal is an
 * outcome with a status and a Chinese message, and what was typed comes back so the page can show it again.
 */
import type { FieldError } from '../../../schemas/submission.ts';
import { parseVerdictInput, type VerdictRecord } from '../../../schemas/verdict.ts';
import { createVerdicts, changeable, type Verdicts } from '../store/verdicts.ts';
import { discardBody, drainLimit, readBodyCapped } from '../submission/body.ts';
import { clientIp, originAllowed } from '../submission/http.ts';
import { publicStatus, type Stage } from '../submission/public-status.ts';
import type { SubmissionRuntime } from '../submission/runtime.ts';
import { parseTrackingCode, trackingCodeProblem } from '../submission/tracking-code.ts';
import type { BotLogins } from '../triage/trust.ts';
import { syncVerdict, type VerdictSyncDeps } from './sync.ts';

/** What the verdict handler needs of the submission runtime. */
export type VerdictRuntime = Pick<
  SubmissionRuntime,
  'config' | 'trackLimiter' | 'service' | 'issueStatus' | 'bureau' | 'calendar' | 'tracker' | 'trackerKind' | 'issueIndex' | 'store'
>;

/** The verdict store of a runtime (cheap: statements are prepared per call). */
export function verdictsOf(runtime: Pick<SubmissionRuntime, 'store' | 'bureau' | 'calendar'>): Verdicts {
  const keep = [runtime.bureau.contact.phone, runtime.bureau.contact.email].filter((x): x is string => Boolean(x));
  return createVerdicts(runtime.store, { calendar: runtime.calendar, keep });
}

/** The sync dependencies of a runtime: the same for the form post and the background loop. */
export function verdictSyncDeps(runtime: VerdictRuntime, bots: BotLogins, verdicts: Verdicts = verdictsOf(runtime)): VerdictSyncDeps {
  return {
    verdicts,
    tracker: runtime.tracker,
    issueOf: async (code) => (await runtime.service.lookup(code)).issueNumber,
    bureau: runtime.bureau,
    calendar: runtime.calendar,
    bots,
    // The local tracker is read directly by /track; GitHub issues are known through the index.
    onApplied: runtime.trackerKind === 'local' ? undefined : (i) => runtime.issueIndex.record([{ number: i.number, state: i.state, labels: i.labels, updatedAt: i.updatedAt, closedAt: i.closedAt }]),
  };
}

/** Stages in which a verdict may be given: the opinion has been answered (or closed), or is being handled again. */
export const verdictStages: readonly Stage[] = ['replied', 'closed', 'redo'];

/** What /track shows of the verdict part of the page. */
export interface VerdictView {
  /** The form is shown (answered, and no verdict yet or still changeable). */
  form: boolean;
  record: VerdictRecord | null;
  /** The record may still be changed today. */
  canChange: boolean;
}

export function verdictView(stage: Stage, record: VerdictRecord | null, now: Date): VerdictView {
  const canChange = record ? changeable(record, now) : false;
  return { form: record ? canChange : verdictStages.includes(stage), record, canChange };
}

export type VerdictOutcome =
  | { kind: 'saved'; status: 200; record: VerdictRecord; change: 'new' | 'changed' | 'same'; synced: boolean }
  | { kind: 'invalid'; status: 400; errors: FieldError[] }
  | { kind: 'refused'; status: 400 | 403 | 404 | 409 | 413 | 415 | 429 | 503; message: string; retryAfterSeconds?: number; closeConnection?: boolean };

export interface HandledVerdict {
  outcome: VerdictOutcome;
  /** The normalised code when one was posted and well-formed (the page shows that opinion's status). */
  code: string | null;
  /** What was posted (code, verdict, reason), to show it again. */
  values: Record<string, string>;
}

export interface VerdictPostContext {
  runtime: VerdictRuntime;
  /** Socket address from the adapter (Astro's clientAddress). */
  clientAddress: string | undefined;
  bots: BotLogins;
  verdicts?: Verdicts;
  now?: () => Date;
  log?: (message: string) => void;
}

/** A verdict post is three short fields: 500 characters of reason are at most ~14 KB percent-encoded. */
const bodyLimit = 32 * 1024;

export async function handleVerdictPost(request: Request, ctx: VerdictPostContext): Promise<HandledVerdict> {
  const { runtime } = ctx;
  const now = ctx.now ?? (() => new Date());
  let values: Record<string, string> = {};
  let code: string | null = null;
  const refuse = (status: Extract<VerdictOutcome, { kind: 'refused' }>['status'], message: string, extra: { retryAfterSeconds?: number; closeConnection?: boolean } = {}): HandledVerdict => ({
    outcome: { kind: 'refused', status, message, ...extra },
    code,
    values,
  });

  if (!originAllowed(request, runtime.config.allowedOrigins)) {
    const drained = await discardBody(request, drainLimit(bodyLimit));
    return refuse(403, '请求来自其他网站，已拒绝。请在本网站的“查询办理进度”页面评价。', { closeConnection: !drained });
  }
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') {
    const drained = await discardBody(request, drainLimit(bodyLimit));
    return refuse(415, '只接受网页表单提交（application/x-www-form-urlencoded 或 multipart/form-data）', { closeConnection: !drained });
  }
  const body = await readBodyCapped(request, bodyLimit);
  if (!body.ok) return refuse(413, `评价内容过长，请把评价理由精简到 500 字以内后再提交。`, { closeConnection: body.close });
  try {
    if (type === 'multipart/form-data') {
      const fd = await new Response(body.bytes as BodyInit, { headers: { 'content-type': request.headers.get('content-type')! } }).formData();
      for (const [k, v] of fd.entries()) if (typeof v === 'string' && !(k in values)) values[k] = v;
    } else {
      for (const [k, v] of new URLSearchParams(new TextDecoder().decode(body.bytes))) if (!(k in values)) values[k] = v;
    }
  } catch {
    return { outcome: { kind: 'invalid', status: 400, errors: [{ field: 'form', message: '表单内容无法读取，请重新提交' }] }, code, values: {} };
  }
  values = { code: (values.code ?? '').slice(0, 100), verdict: (values.verdict ?? '').slice(0, 20), reason: values.reason ?? '' };

  // The same budget as looking a code up: a verdict post is a look-up too, so codes cannot be tried through it.
  const rate = runtime.trackLimiter.take(clientIp(request, ctx.clientAddress, runtime.config.trustedHops));
  if (!rate.ok) return refuse(429, `评价提交过于频繁，请在 ${rate.retryAfterSeconds} 秒后返回上一页再次提交。`, { retryAfterSeconds: rate.retryAfterSeconds });

  const parsed = parseTrackingCode(values.code);
  if (!parsed) return refuse(400, '查询码缺失或格式不对，请从“查询办理进度”页面重新打开评价表。');
  const problem = trackingCodeProblem(parsed, runtime.bureau.codePrefix, now());
  if (problem) return refuse(400, problem);
  code = parsed.code;

  let found;
  try {
    const { job, issueNumber } = await runtime.service.lookup(parsed.code);
    found = job ? { job, status: publicStatus(job, issueNumber ? await runtime.issueStatus(issueNumber) : null, runtime) } : null;
  } catch {
    return refuse(503, '办理系统暂时无法访问，请稍后再评价。');
  }
  if (!found) return refuse(404, `没有找到查询码 ${parsed.code}，请核对后重试。`);

  const verdicts = ctx.verdicts ?? verdictsOf(runtime);
  const existing = verdicts.get(parsed.code);
  if (!existing && !verdictStages.includes(found.status.stage)) {
    return refuse(409, '该意见尚未答复，答复后才能评价。答复后请再打开本页面。');
  }
  const input = parseVerdictInput({ verdict: values.verdict || undefined, reason: values.reason });
  if (!input.ok) return { outcome: { kind: 'invalid', status: 400, errors: input.errors }, code, values };

  const given = await verdicts.give(parsed.code, input.value, now());
  if (!given.ok) return refuse(409, given.message);

  let synced = given.record.syncedAt !== null;
  // A repeat of what is recorded is synced only when its own sync is long over (failed): while that may still be
  // running, a second one could create the comment twice (sync.ts syncPendingVerdicts, settleMs).
  const stale = !synced && now().getTime() - Date.parse(given.record.changedAt) > 60_000;
  if (given.change !== 'same' || stale) {
    const sync = syncVerdict(given.record, verdictSyncDeps(runtime, ctx.bots, verdicts));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), runtime.config.deliveryTimeoutMs);
      timer.unref();
    });
    const outcome = await Promise.race([sync, timeout]);
    clearTimeout(timer);
    synced = outcome?.status === 'synced';
    if (outcome && outcome.status === 'failed') ctx.log?.(`${parsed.code}: 评价已保存，同步到议题失败，稍后重试：${outcome.error}`);
    if (!outcome) ctx.log?.(`${parsed.code}: 评价已保存，同步到议题超时，稍后重试`);
  }
  return { outcome: { kind: 'saved', status: 200, record: given.record, change: given.change, synced }, code, values };
}
