/**
 * Opens the store of a DATA_DIR (`store.sqlite`), importing once what the earlier file stores left there: the
 * outbox journal (`outbox/journal/*.ndjson`) and the one-JSON-file-per-issue tracker (`tracker/issues`,
 * `labels.json`, `people.json`). The import is one transaction, so a crash during it leaves nothing half-imported;
 * afterwards the old folders are moved under `legacy-imported/` (kept, not deleted: staff may want to compare).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { dataPaths } from '../data-dir.ts';
import type { OutboxJob } from '../submission/outbox.ts';
import type { TrackerComment, TrackerIssue } from '../tracker/port.ts';
import { openStore, type Store, type StoreOptions } from './store.ts';

export function openDataStore(env: NodeJS.ProcessEnv = process.env, options: StoreOptions = {}, log: (line: string) => void = console.log): Store {
  const paths = dataPaths(env);
  const store = openStore(paths.store, options);
  const legacy = { outbox: join(paths.root, 'outbox'), tracker: join(paths.root, 'tracker') };
  if (existsSync(legacy.outbox) || existsSync(legacy.tracker)) {
    const counts = importLegacy(store.db, legacy);
    if (counts) {
      const into = join(paths.root, 'legacy-imported');
      mkdirSync(into, { recursive: true });
      for (const dir of Object.values(legacy)) if (existsSync(dir)) renameSync(dir, join(into, `${dir.split('/').pop()}-${Date.now()}`));
      log(`已把旧的数据文件导入 ${paths.store}：${counts.jobs} 条待登记记录、${counts.issues} 个议题（原文件移至 ${into}）`);
    }
  }
  return store;
}

/** An issue file of the earlier tracker: the issue as the port shows it, with its comments inside. */
type LegacyIssue = TrackerIssue & { comments: TrackerComment[] };

const readJson = <T>(file: string): T | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
};

/** Imports the file stores in one transaction; null when the store already holds an import. */
export function importLegacy(db: DatabaseSync, dirs: { outbox: string; tracker: string }): { jobs: number; issues: number } | null {
  db.exec('BEGIN IMMEDIATE');
  try {
    if (db.prepare("SELECT 1 FROM meta WHERE key = 'legacy-import'").get()) {
      db.exec('COMMIT');
      return null;
    }
    const jobs = new Map<string, OutboxJob>();
    const done = new Map<string, { issueNumber: number; url: string; deliveredAt: string }>();
    const journal = join(dirs.outbox, 'journal');
    for (const file of existsSync(journal) ? readdirSync(journal).filter((f) => f.endsWith('.ndjson')).sort() : []) {
      for (const line of readFileSync(join(journal, file), 'utf8').split('\n')) {
        let entry: ({ t: 'job' } & OutboxJob) | { t: 'done'; hash: string; issueNumber: number; url: string; deliveredAt: string };
        try {
          entry = JSON.parse(line);
        } catch {
          continue; // the torn last line of a crash was never acknowledged
        }
        if (entry.t === 'job') {
          const { t: _t, ...job } = entry;
          if (!jobs.has(job.hash)) jobs.set(job.hash, job);
        } else if (entry.t === 'done' && !done.has(entry.hash)) done.set(entry.hash, entry);
      }
    }
    const insertJob = db.prepare(
      'INSERT OR IGNORE INTO submissions (hash, tracking_code, key_hash, content_hash, received_at, job, issue_number, issue_url, delivered_at) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?)',
    );
    const markerOf = new Map<number, string>();
    for (const job of jobs.values()) {
      const d = done.get(job.hash);
      insertJob.run(job.hash, job.trackingCode, job.keyHash, job.receivedAt, JSON.stringify(job), d?.issueNumber ?? null, d?.url ?? null, d?.deliveredAt ?? null);
      if (d) markerOf.set(d.issueNumber, job.trackingCode);
    }
    const issuesDir = join(dirs.tracker, 'issues');
    let issues = 0;
    const insertIssue = db.prepare('INSERT INTO tracker_issues (number, marker, title, body, state, author, created_at, updated_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const insertLabel = db.prepare('INSERT OR IGNORE INTO tracker_issue_labels (issue, name) VALUES (?, ?)');
    const insertComment = db.prepare('INSERT INTO tracker_comments (issue, author, body, created_at) VALUES (?, ?, ?, ?)');
    for (const file of existsSync(issuesDir) ? readdirSync(issuesDir).filter((f) => /^\d{6}\.json$/.test(f)).sort() : []) {
      const issue = readJson<LegacyIssue>(join(issuesDir, file));
      if (!issue) continue;
      insertIssue.run(issue.number, markerOf.get(issue.number) ?? null, issue.title, issue.body, issue.state, issue.author, issue.createdAt, issue.updatedAt, issue.closedAt);
      for (const label of issue.labels) insertLabel.run(issue.number, label);
      for (const c of [...issue.comments].sort((a, b) => a.id - b.id)) insertComment.run(issue.number, c.author, c.body, c.createdAt);
      issues++;
    }
    for (const label of readJson<{ name: string; color: string; description: string }[]>(join(dirs.tracker, 'labels.json')) ?? []) {
      db.prepare('INSERT OR REPLACE INTO tracker_labels (name, color, description) VALUES (?, ?, ?)').run(label.name, label.color, label.description);
    }
    for (const [login, permission] of Object.entries(readJson<Record<string, string>>(join(dirs.tracker, 'people.json')) ?? {})) {
      db.prepare('INSERT OR REPLACE INTO tracker_people (login, permission) VALUES (?, ?)').run(login, permission);
    }
    db.prepare("INSERT INTO meta (key, value) VALUES ('legacy-import', ?)").run(JSON.stringify({ at: new Date().toISOString(), jobs: jobs.size, issues }));
    db.exec('COMMIT');
    return { jobs: jobs.size, issues };
  } catch (e) {
    db.exec('ROLLBACK');
    throw new Error(`导入旧数据文件失败（未改动任何数据）：${(e as Error).message}`);
  }
}
