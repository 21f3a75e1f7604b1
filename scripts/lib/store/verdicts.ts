/**
 * The submitters' verdicts on replies (好差评, schemas/verdict.ts), in the store's `verdicts` table (migration 3):
 * one row per 查询码. The first verdict fixes the window in which it may be changed — `changeableWorkdays` (15)
 * Chinese working days after the China day it was given, the way 政务服务“好差评” lets a rating be revised for a
 * while and then stands. A change after that is refused, with the day it closed.
 *
 * The reason is text from outside: it is redacted (scripts/lib/redact.ts) before it is stored, because it goes on
 * to the issue tracker (GitHub, abroad) and nothing personal may leave the bureau's server (issue 12). `synced_at`
 * is cleared by every change and set once the issue carries the verdict in force (scripts/lib/verdict/sync.ts),
 * only if no newer change came in meanwhile, so a change made while a sync is running is synced again.
 */
import { changeableWorkdays, type VerdictInput, type VerdictKey, type VerdictRecord } from '../../../schemas/verdict.ts';
import { redactText } from '../redact.ts';
import { addWorkdays, chinaDate, type WorkCalendar } from '../workdays.ts';
import type { Store } from './store.ts';

export type GiveResult =
  | {
      ok: true;
      record: VerdictRecord;
      /** `new` first verdict, `changed` a different verdict or reason, `same` exactly what was already recorded. */
      change: 'new' | 'changed' | 'same';
    }
  | { ok: false; reason: 'closed'; record: VerdictRecord; message: string };

export interface Verdicts {
  get(trackingCode: string): VerdictRecord | null;
  /** Records a first verdict or changes the one in force (within its window). */
  give(trackingCode: string, input: VerdictInput, now: Date): Promise<GiveResult>;
  /**
   * Verdicts whose latest change has not reached the issue yet, oldest change first; with `changedBefore` (ISO) only
   * those changed before it, so the retry loop leaves alone a verdict the request that stored it is still syncing.
   */
  pending(limit: number, changedBefore?: string): VerdictRecord[];
  /** The issue carries the verdict changed at `changedAt`: marks it synced unless it changed again since. */
  markSynced(trackingCode: string, changedAt: string, at: Date): Promise<boolean>;
}

export interface VerdictsOptions {
  calendar: WorkCalendar;
  /** The bureau's own published phone and mailbox, which may stay in a reason (redact.ts `keep`). */
  keep?: string[];
}

interface Row {
  tracking_code: string;
  verdict: VerdictKey;
  reason: string | null;
  given_at: string;
  changed_at: string;
  changeable_until: string;
  synced_at: string | null;
}

const toRecord = (r: Row): VerdictRecord => ({
  trackingCode: r.tracking_code,
  verdict: r.verdict,
  reason: r.reason,
  givenAt: r.given_at,
  changedAt: r.changed_at,
  changeableUntil: r.changeable_until,
  syncedAt: r.synced_at,
});

/** `2026年11月9日` for a YYYY-MM-DD day. */
const zhDay = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
};

/** The last day a verdict first given at `givenAt` may be changed. */
export function changeableUntil(calendar: WorkCalendar, givenAt: Date): string {
  return addWorkdays(calendar, chinaDate(givenAt), changeableWorkdays);
}

/** Whether a verdict may still be changed on the China day of `now`. */
export const changeable = (record: Pick<VerdictRecord, 'changeableUntil'>, now: Date) => chinaDate(now) <= record.changeableUntil;

export function createVerdicts(store: Store, options: VerdictsOptions): Verdicts {
  const select = 'SELECT tracking_code, verdict, reason, given_at, changed_at, changeable_until, synced_at FROM verdicts';
  const read = (code: string) => {
    const row = store.db.prepare(`${select} WHERE tracking_code = ?`).get(code) as Row | undefined;
    return row ? toRecord(row) : null;
  };
  return {
    get: read,
    async give(trackingCode, input, now) {
      const reason = input.reason === null ? null : redactText(input.reason, { keep: options.keep });
      const stamp = now.toISOString();
      // Decided inside the write, so two posts racing for the same code cannot both be "first".
      return store.write((w): GiveResult => {
        const row = w.prepare(`${select} WHERE tracking_code = ?`).get(trackingCode) as Row | undefined;
        if (!row) {
          const until = changeableUntil(options.calendar, now);
          w.prepare('INSERT INTO verdicts (tracking_code, verdict, reason, given_at, changed_at, changeable_until, synced_at) VALUES (?, ?, ?, ?, ?, ?, NULL)').run(
            trackingCode, input.verdict, reason, stamp, stamp, until,
          );
          return { ok: true, change: 'new', record: { trackingCode, verdict: input.verdict, reason, givenAt: stamp, changedAt: stamp, changeableUntil: until, syncedAt: null } };
        }
        const record = toRecord(row);
        if (record.verdict === input.verdict && record.reason === reason) return { ok: true, change: 'same', record };
        if (!changeable(record, now)) {
          return {
            ok: false,
            reason: 'closed',
            record,
            message: `评价只能在首次评价后 ${changeableWorkdays} 个工作日内修改（截至${zhDay(record.changeableUntil)}），现已不能修改。如对办理仍有意见，请通过页面底部的电话或邮箱联系我们。`,
          };
        }
        w.prepare('UPDATE verdicts SET verdict = ?, reason = ?, changed_at = ?, synced_at = NULL WHERE tracking_code = ?').run(input.verdict, reason, stamp, trackingCode);
        return { ok: true, change: 'changed', record: { ...record, verdict: input.verdict, reason, changedAt: stamp, syncedAt: null } };
      });
    },
    pending(limit, changedBefore = '9999') {
      const rows = store.db.prepare(`${select} WHERE synced_at IS NULL AND changed_at < ? ORDER BY changed_at LIMIT ?`).all(changedBefore, limit) as unknown as Row[];
      return rows.map(toRecord);
    },
    async markSynced(trackingCode, changedAt, at) {
      return store.write((w) => {
        const { changes } = w.prepare('UPDATE verdicts SET synced_at = ? WHERE tracking_code = ? AND changed_at = ?').run(at.toISOString(), trackingCode, changedAt);
        return Number(changes) > 0;
      });
    },
  };
}
