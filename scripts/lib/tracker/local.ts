/**
 * The embedded tracker: one JSON file per issue under a folder (default `.data/tracker`), so the whole
 * flow runs offline with `npm start`. Writes go to a temporary file and are renamed into place, so a
 * crash never leaves half an issue. Issue numbers are claimed with an exclusive create (`wx`), so two
 * processes never get the same number.
 */
import { mkdir, open, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { IssueFilter, Permission, TrackerComment, TrackerIssue, TrackerLabel, TrackerPort } from './port.ts';

interface StoredIssue extends TrackerIssue {
  comments: TrackerComment[];
}

export interface LocalTrackerOptions {
  /** Folder holding `issues/`, `markers/`, `labels.json`, `people.json`. */
  dir: string;
  /** Login recorded as the author of issues and comments this process creates. */
  actor?: string;
  /** Clock, injectable for tests. */
  now?: () => Date;
}

const pad = (n: number) => String(n).padStart(6, '0');

export function createLocalTracker(options: LocalTrackerOptions): TrackerPort & { dir: string } {
  const { dir } = options;
  const actor = options.actor ?? 'feedback-bot';
  const now = options.now ?? (() => new Date());
  const issuesDir = join(dir, 'issues');
  const markersDir = join(dir, 'markers');
  let ready: Promise<void> | undefined;
  let nextGuess = 1;

  const ensure = () =>
    (ready ??= Promise.all([mkdir(issuesDir, { recursive: true }), mkdir(markersDir, { recursive: true })]).then(async () => {
      const names = await readdir(issuesDir);
      nextGuess = names.filter((n) => n.endsWith('.json')).length + 1;
    }));

  const issuePath = (n: number) => join(issuesDir, `${pad(n)}.json`);
  const markerPath = (marker: string) => join(markersDir, `${createHash('sha256').update(marker).digest('hex').slice(0, 32)}`);

  async function atomicWrite(path: string, data: string) {
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, path);
  }

  async function read(n: number): Promise<StoredIssue | null> {
    try {
      return JSON.parse(await readFile(issuePath(n), 'utf8')) as StoredIssue;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }
  const save = (issue: StoredIssue) => atomicWrite(issuePath(issue.number), JSON.stringify(issue, null, 2));
  const publicView = ({ comments: _c, ...issue }: StoredIssue): TrackerIssue => issue;

  async function mustRead(n: number): Promise<StoredIssue> {
    const issue = await read(n);
    if (!issue) throw new Error(`local tracker: no issue #${n} in ${issuesDir}`);
    return issue;
  }

  async function all(): Promise<StoredIssue[]> {
    await ensure();
    const names = (await readdir(issuesDir)).filter((n) => /^\d{6}\.json$/.test(n)).sort();
    // Many reads in flight at once: one awaited read after another took 6.7 s for 20,000 issues (npm run
    // bench:summary), each paying a thread-pool round trip on its own.
    const found: (StoredIssue | null)[] = new Array(names.length).fill(null);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < names.length; i = next++) found[i] = await read(Number(names[i].slice(0, 6)));
    };
    await Promise.all(Array.from({ length: Math.min(64, names.length) }, worker));
    return found.filter((issue): issue is StoredIssue => issue !== null);
  }

  async function readJson<T>(file: string, fallback: T): Promise<T> {
    try {
      return JSON.parse(await readFile(join(dir, file), 'utf8')) as T;
    } catch {
      return fallback;
    }
  }

  let commentSeq = 0;
  const newCommentId = () => now().getTime() * 1000 + (commentSeq++ % 1000);

  return {
    dir,
    async createIssue({ title, body, labels, marker }) {
      await ensure();
      const existing = await this.findIssueByMarker(marker);
      if (existing) return existing;
      const stamp = now().toISOString();
      // Each concurrent create reserves its own guess synchronously; otherwise N parallel creates all race for the
      // same number and the k-th retries k times (EEXIST), which dominated the submission benchmark.
      for (let n = nextGuess++; ; n = nextGuess++) {
        let handle;
        try {
          handle = await open(issuePath(n), 'wx');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
          throw e;
        }
        nextGuess = Math.max(nextGuess, n + 1);
        const issue: StoredIssue = {
          number: n, title, body, labels: [...new Set(labels)], state: 'open', author: actor,
          createdAt: stamp, updatedAt: stamp, closedAt: null, url: `tracker://local/issues/${n}`, comments: [],
        };
        try {
          await handle.writeFile(JSON.stringify(issue, null, 2));
        } finally {
          await handle.close();
        }
        await writeFile(markerPath(marker), String(n));
        return publicView(issue);
      }
    },
    async findIssueByMarker(marker) {
      await ensure();
      try {
        const n = Number(await readFile(markerPath(marker), 'utf8'));
        const issue = await read(n);
        return issue ? publicView(issue) : null;
      } catch {
        return null;
      }
    },
    async getIssue(n) {
      await ensure();
      const issue = await read(n);
      return issue ? publicView(issue) : null;
    },
    async listIssues(filter: IssueFilter = {}) {
      const state = filter.state ?? 'open';
      return (await all())
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => !filter.labels || filter.labels.every((l) => i.labels.includes(l)))
        .filter((i) => !filter.since || i.updatedAt >= filter.since)
        .map(publicView);
    },
    async updateIssue(n, patch) {
      const issue = await mustRead(n);
      const stamp = now().toISOString();
      if (patch.title !== undefined) issue.title = patch.title;
      if (patch.body !== undefined) issue.body = patch.body;
      if (patch.state && patch.state !== issue.state) {
        issue.state = patch.state;
        issue.closedAt = patch.state === 'closed' ? stamp : null;
      }
      issue.updatedAt = stamp;
      await save(issue);
      return publicView(issue);
    },
    async addLabels(n, labels) {
      const issue = await mustRead(n);
      issue.labels = [...new Set([...issue.labels, ...labels])];
      issue.updatedAt = now().toISOString();
      await save(issue);
    },
    async removeLabel(n, label) {
      const issue = await mustRead(n);
      issue.labels = issue.labels.filter((l) => l !== label);
      issue.updatedAt = now().toISOString();
      await save(issue);
    },
    async listComments(n) {
      return (await mustRead(n)).comments;
    },
    async createComment(n, body) {
      const issue = await mustRead(n);
      const comment: TrackerComment = { id: newCommentId(), author: actor, body, createdAt: now().toISOString() };
      issue.comments.push(comment);
      issue.updatedAt = comment.createdAt;
      await save(issue);
      return comment;
    },
    async updateComment(id, body) {
      for (const issue of await all()) {
        const comment = issue.comments.find((c) => c.id === id);
        if (comment) {
          comment.body = body;
          await save(issue);
          return;
        }
      }
      throw new Error(`local tracker: no comment ${id}`);
    },
    async getPermission(login) {
      // people.json maps logins to permissions, e.g. {"staff": "write"}; the local operator is staff.
      const people = await readJson<Record<string, Permission>>('people.json', { staff: 'admin', [actor]: 'admin' });
      return people[login] ?? 'none';
    },
    async listLabels() {
      return readJson<TrackerLabel[]>('labels.json', []);
    },
    async upsertLabel(label) {
      await ensure();
      const labels = (await readJson<TrackerLabel[]>('labels.json', [])).filter((l) => l.name !== label.name);
      labels.push(label);
      await atomicWrite(join(dir, 'labels.json'), JSON.stringify(labels, null, 2));
    },
  };
}
