/**
 * The one port through which everything reaches the bureau's issue tracker. Two implementations:
 * `octokit.ts` (GitHub, through Octokit) and `local.ts` (files on disk, the offline default).
 * Scripts and the server receive a TrackerPort; they never import Octokit themselves.
 */

export interface TrackerIssue {
  number: number;
  title: string;
  body: string;
  /** Label names. */
  labels: string[];
  state: 'open' | 'closed';
  /** Login of whoever opened it (the bot for web submissions). */
  author: string;
  /** ISO 8601 instants. */
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Where staff open it: an html_url on GitHub, a path on the local tracker. */
  url: string;
}

export interface TrackerComment {
  id: number;
  author: string;
  body: string;
  createdAt: string;
}

export interface TrackerLabel {
  name: string;
  /** Six hex digits, no `#`. */
  color: string;
  description: string;
}

/** GitHub's repository permission levels, highest first. */
export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface IssueFilter {
  state?: 'open' | 'closed' | 'all';
  /** All of these labels. */
  labels?: string[];
  /** Only issues updated at or after this ISO instant. */
  since?: string;
}

export interface TrackerPort {
  /** Opens an issue. `marker` is a unique string also written into the body, for `findIssueByMarker`. */
  createIssue(input: { title: string; body: string; labels: string[]; marker: string }): Promise<TrackerIssue>;
  /** The issue whose body carries `marker`, or null: how a retried delivery finds its earlier success. */
  findIssueByMarker(marker: string): Promise<TrackerIssue | null>;
  getIssue(number: number): Promise<TrackerIssue | null>;
  listIssues(filter?: IssueFilter): Promise<TrackerIssue[]>;
  updateIssue(number: number, patch: { title?: string; body?: string; state?: 'open' | 'closed' }): Promise<TrackerIssue>;
  addLabels(number: number, labels: string[]): Promise<void>;
  removeLabel(number: number, label: string): Promise<void>;
  listComments(number: number): Promise<TrackerComment[]>;
  createComment(number: number, body: string): Promise<TrackerComment>;
  updateComment(id: number, body: string): Promise<void>;
  /** The repository permission of a user: commands are accepted only from `write` and above. */
  getPermission(login: string): Promise<Permission>;
  listLabels(): Promise<TrackerLabel[]>;
  /** Creates the label or updates its colour and description. */
  upsertLabel(label: TrackerLabel): Promise<void>;
}

/** True for permissions that may run staff commands (GitHub: write, maintain, admin). */
export function canWrite(permission: Permission): boolean {
  return permission === 'admin' || permission === 'maintain' || permission === 'write';
}
