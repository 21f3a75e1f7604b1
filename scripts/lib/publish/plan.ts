/**
 * A publishing plan: the content files a run would write, decided before anything is written
 * (DEVELOPERS.md: pure decisions, every write behind a dry-run flag and an operations budget).
 * Paths are relative to the content folder (`replies/jy-2026-7k3m9q.md`); a file whose bytes would not
 * change is not in the plan at all, so an unchanged tracker produces no commit and no pull request.
 */

export interface FileChange {
  /** Path inside the content folder, e.g. `replies/jy-2026-7k3m9q.md`, `summaries/2026-q3.md`. */
  path: string;
  /** New bytes (UTF-8 text or binary, e.g. an .xlsx). */
  content: string | Uint8Array;
  /** `create` when the file does not exist yet, `update` when it does and differs. */
  action: 'create' | 'update';
  /** Why, for the log and the pull request body (e.g. `#12 JY-2026-7K3M9Q 答复`). */
  reason: string;
}

export interface PublishPlan {
  changes: FileChange[];
  /** Items that could not be published yet, with the reason (shown, never silently dropped). */
  skipped: { ref: string; reason: string }[];
  /** Items looked at whose files are already up to date. */
  unchanged: number;
}

/** Counts operations (tracker reads, file writes, API calls) and refuses past the limit. */
export interface Budget {
  readonly limit: number;
  readonly used: number;
  /** Takes `n` operations; false (and nothing taken) when that would pass the limit. */
  take(n?: number): boolean;
}

export function createBudget(limit: number): Budget {
  let used = 0;
  return {
    limit,
    get used() {
      return used;
    },
    take(n = 1) {
      if (used + n > limit) return false;
      used += n;
      return true;
    },
  };
}

/** Compares bytes; text is compared as UTF-8. */
export function sameBytes(a: string | Uint8Array, b: string | Uint8Array | null): boolean {
  if (b === null) return false;
  const x = typeof a === 'string' ? Buffer.from(a) : Buffer.from(a);
  const y = typeof b === 'string' ? Buffer.from(b) : Buffer.from(b);
  return x.equals(y);
}

/** Adds a file to the plan only when its bytes differ from what is there (`existing`, null = absent). */
export function planFile(plan: PublishPlan, path: string, content: string | Uint8Array, existing: string | Uint8Array | null, reason: string): void {
  if (sameBytes(content, existing)) {
    plan.unchanged++;
    return;
  }
  plan.changes.push({ path, content, action: existing === null ? 'create' : 'update', reason });
}

export const emptyPlan = (): PublishPlan => ({ changes: [], skipped: [], unchanged: 0 });

/** One line per change and skip, for logs and dry runs. */
export function describePlan(plan: PublishPlan): string[] {
  return [
    ...plan.changes.map((c) => `${c.action === 'create' ? '新建' : '更新'} ${c.path}（${c.reason}）`),
    ...plan.skipped.map((s) => `跳过 ${s.ref}：${s.reason}`),
    `${plan.changes.length} 个文件需写入，${plan.unchanged} 个已是最新，${plan.skipped.length} 项跳过`,
  ];
}
