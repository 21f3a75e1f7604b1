/**
 * Reads the GitHub Actions event that started a run (GITHUB_EVENT_NAME + the JSON at GITHUB_EVENT_PATH;
 * shapes as in @octokit/webhooks-examples): which issue to triage, or which comment may hold staff commands.
 */
export type TriageEvent =
  | { kind: 'issue'; issue: number; action: string }
  | { kind: 'comment'; issue: number; comment: { id: number; author: string; body: string; createdAt: string } }
  | { kind: 'ignore'; reason: string };

interface Payload {
  action?: string;
  issue?: { number?: number; pull_request?: unknown };
  comment?: { id?: number; body?: string | null; created_at?: string; user?: { login?: string; type?: string } | null };
}

export function parseEvent(name: string | undefined, payload: unknown): TriageEvent {
  const p = (payload ?? {}) as Payload;
  const issue = p.issue?.number;
  if (typeof issue !== 'number') return { kind: 'ignore', reason: `event ${name ?? '(none)'} has no issue` };
  if (p.issue?.pull_request) return { kind: 'ignore', reason: `#${issue} is a pull request` };
  if (name === 'issues') {
    if (['opened', 'edited', 'reopened'].includes(p.action ?? '')) return { kind: 'issue', issue, action: p.action! };
    return { kind: 'ignore', reason: `issues.${p.action} does not need triage` };
  }
  if (name === 'issue_comment') {
    if (p.action !== 'created') return { kind: 'ignore', reason: `issue_comment.${p.action} is not handled (only new comments carry commands)` };
    const c = p.comment;
    if (!c || typeof c.id !== 'number' || !c.user?.login) return { kind: 'ignore', reason: 'comment without id or author' };
    // Bots (including this workflow's own comments) never issue commands; skipping them prevents loops.
    if (c.user.type === 'Bot') return { kind: 'ignore', reason: `comment by bot ${c.user.login}` };
    return { kind: 'comment', issue, comment: { id: c.id, author: c.user.login, body: c.body ?? '', createdAt: c.created_at ?? new Date().toISOString() } };
  }
  return { kind: 'ignore', reason: `event ${name ?? '(none)'} is not handled` };
}
