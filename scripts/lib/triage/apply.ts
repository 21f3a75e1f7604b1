/**
 * Carries out a plan's writes through the TrackerPort, behind the dry-run flag and the operations budget
 * (actions/stale style). A plan is applied whole or not at all: when the budget cannot cover every write of
 * an issue's plan, none is made and the run says so; the next run recomputes the plan from the tracker and
 * finishes the job, because every plan here is derived from current state.
 */
import { createBudget, type Budget } from '../publish/plan.ts';
import type { TrackerPort } from '../tracker/port.ts';
import type { Operation } from './plan.ts';

export type { Budget } from '../publish/plan.ts';

/** A budget from a number (the submission server passes 50) or an existing budget shared by a run. */
export const toBudget = (b: number | Budget | undefined, fallback = 50): Budget => (typeof b === 'object' ? b : createBudget(b ?? fallback));

export interface ApplyResult {
  /** True when the plan's writes are in effect (also when there was nothing to write); false on dry runs. */
  applied: boolean;
  /** Writes made. */
  performed: number;
  /** The budget could not cover the plan, so nothing was written. */
  budgetExhausted: boolean;
}

export async function applyOperations(port: TrackerPort, issue: number, operations: Operation[], options: { dryRun: boolean; budget: Budget }): Promise<ApplyResult> {
  if (options.dryRun) return { applied: false, performed: 0, budgetExhausted: false };
  if (!operations.length) return { applied: true, performed: 0, budgetExhausted: false };
  if (!options.budget.take(operations.length)) return { applied: false, performed: 0, budgetExhausted: true };
  let performed = 0;
  for (const op of operations) {
    switch (op.kind) {
      case 'addLabels':
        await port.addLabels(issue, op.labels);
        break;
      case 'removeLabel':
        await port.removeLabel(issue, op.label);
        break;
      case 'createComment':
        await port.createComment(issue, op.body);
        break;
      case 'updateComment':
        await port.updateComment(op.id, op.body);
        break;
      case 'close':
        await port.updateIssue(issue, { state: 'closed' });
        break;
      case 'reopen':
        await port.updateIssue(issue, { state: 'open' });
        break;
    }
    performed++;
  }
  return { applied: true, performed, budgetExhausted: false };
}

/** One line per write, for logs and dry runs. */
export function describeOperation(op: Operation): string {
  switch (op.kind) {
    case 'addLabels':
      return `add labels ${op.labels.map((l) => `“${l}”`).join(', ')}`;
    case 'removeLabel':
      return `remove label “${op.label}”`;
    case 'createComment':
      return `create comment (${op.body.length} chars)`;
    case 'updateComment':
      return `update comment ${op.id} (${op.body.length} chars)`;
    case 'close':
      return 'close issue';
    case 'reopen':
      return 'reopen issue';
  }
}
