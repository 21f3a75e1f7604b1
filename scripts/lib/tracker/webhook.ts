/**
 * GitHub webhook deliveries for the /track index: signature check (@octokit/webhooks, HMAC-SHA256 of the raw
 * body under the webhook secret, compared in constant time) and the issue status an `issues` event carries.
 */
import { Webhooks } from '@octokit/webhooks';
import type { IssueStatus } from '../store/issue-status.ts';

const verifiers = new Map<string, Webhooks>();

export async function verifyWebhook(secret: string, body: string, signature: string | null): Promise<boolean> {
  if (!signature) return false;
  let webhooks = verifiers.get(secret);
  if (!webhooks) verifiers.set(secret, (webhooks = new Webhooks({ secret })));
  try {
    return await webhooks.verify(body, signature);
  } catch {
    return false; // a malformed signature header
  }
}

/** The status of the issue an `issues` event is about; null for other events and malformed payloads. */
export function issueStatusFromWebhook(event: string | null, body: string): ({ number: number } & IssueStatus) | null {
  if (event !== 'issues') return null;
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return null;
  }
  const issue = (payload as { issue?: { number?: unknown; state?: unknown; labels?: unknown; updated_at?: unknown; closed_at?: unknown } }).issue;
  if (!issue || typeof issue.number !== 'number' || (issue.state !== 'open' && issue.state !== 'closed') || typeof issue.updated_at !== 'string') return null;
  const labels = Array.isArray(issue.labels) ? issue.labels.map((l) => (typeof l === 'string' ? l : (l as { name?: unknown })?.name)).filter((n): n is string => typeof n === 'string') : [];
  return { number: issue.number, state: issue.state, labels, updatedAt: issue.updated_at, closedAt: typeof issue.closed_at === 'string' ? issue.closed_at : null };
}
