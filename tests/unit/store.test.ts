/**
 * The one store (scripts/lib/store/): schema upgrades from every earlier version, group commit that keeps each
 * write's failure to itself, no lost updates between writers, several processes on one file, and the one-time
 * import of the file stores an existing DATA_DIR holds.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { openDataStore } from '../../scripts/lib/store/data-store-fs.ts';
import { migrations } from '../../scripts/lib/store/migrations.ts';
import { openStore, type Store } from '../../scripts/lib/store/store.ts';
import { createOutbox } from '../../scripts/lib/submission/outbox-store.ts';
import { createUsedFormTokens } from '../../scripts/lib/store/used-form-tokens.ts';
import { createLocalTracker } from '../../scripts/lib/tracker/local.ts';

const opened: Store[] = [];
const open = (file: string, options: Parameters<typeof openStore>[1] = {}) => {
  const s = openStore(file, options);
  opened.push(s);
  return s;
};
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});
const tmp = () => mkdtempSync(join(tmpdir(), 'store-'));

describe('schema versions', () => {
  it.each(Array.from({ length: migrations.length }, (_, v) => v))('upgrades a store left at version %i and keeps its data', async (v) => {
    const file = join(tmp(), 'store.sqlite');
    const old = openStore(file, { version: v });
    expect(old.version()).toBe(v);
    // Data the old version can hold: the meta table exists from version 1 on.
    if (v >= 1) await old.write((db) => db.prepare("INSERT INTO meta (key, value) VALUES ('kept', 'yes')").run());
    old.close();
    const now = open(file);
    expect(now.version()).toBe(migrations.length);
    if (v >= 1) expect(now.db.prepare("SELECT value FROM meta WHERE key = 'kept'").get()).toEqual({ value: 'yes' });
    // Every table of the current schema is usable after the upgrade.
    const tracker = createLocalTracker({ store: now });
    const issue = await tracker.createIssue({ title: 't', body: 'b', labels: ['x'], marker: 'm-1' });
    expect((await tracker.getIssue(issue.number))?.labels).toEqual(['x']);
  });

  it('moves the submissions of a version 3 store into the rowid table with every row, order and constraint', async () => {
    const file = join(tmp(), 'store.sqlite');
    const old = openStore(file, { version: 3 });
    const insert = old.db.prepare('INSERT INTO submissions (hash, tracking_code, key_hash, content_hash, received_at, job, issue_number, issue_url, delivered_at, attempts, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const rows = [
      ['ZZZZZ1', 'JY-2026-ZZZZZ1', 'k1', 'c1', '2026-11-02T01:00:00Z', '{"n":1}', 7, 'local://7', '2026-11-02T01:00:01Z', 0, null],
      ['AAAAA2', 'JY-2026-AAAAA2', 'k2', 'c2', '2026-11-02T02:00:00Z', '{"n":2}', null, null, null, 3, 'GitHub 502'],
      ['MMMMM3', 'JY-2026-MMMMM3', 'k3', null, '2026-11-01T09:00:00Z', '{"n":3}', null, null, null, 0, null],
    ] as const;
    for (const r of rows) insert.run(...r);
    old.close();
    const now = open(file);
    expect(now.version()).toBe(migrations.length);
    const after = now.db.prepare('SELECT rowid AS id, hash, tracking_code, key_hash, content_hash, received_at, job, issue_number, issue_url, delivered_at, attempts, last_error FROM submissions ORDER BY rowid').all();
    // Arrival order, each column as it was.
    expect(after.map((r) => r.hash)).toEqual(['MMMMM3', 'ZZZZZ1', 'AAAAA2']);
    expect(after.map(({ id: _id, ...r }) => Object.values(r))).toEqual([rows[2], rows[0], rows[1]].map((r) => [...r]));
    // The pending index still finds the undelivered ones, and one key, one code, one hash stay unique.
    expect(now.db.prepare('SELECT hash FROM submissions WHERE issue_number IS NULL ORDER BY received_at').all().map((r) => r.hash)).toEqual(['MMMMM3', 'AAAAA2']);
    const again = now.db.prepare("INSERT INTO submissions (hash, tracking_code, key_hash, received_at, job) VALUES (?, ?, ?, '2026-11-03', '{}')");
    expect(() => again.run('NEWNE1', 'JY-2026-NEWNE1', 'k1')).toThrow(/UNIQUE constraint failed: submissions.key_hash/);
    expect(() => again.run('ZZZZZ1', 'JY-2026-NEWNE2', 'k9')).toThrow(/UNIQUE constraint failed: submissions.hash/);
    expect(() => again.run('NEWNE3', 'JY-2026-AAAAA2', 'k8')).toThrow(/UNIQUE constraint failed: submissions.tracking_code/);
  });

  it('refuses a store written by a newer version of the program', () => {
    const file = join(tmp(), 'store.sqlite');
    const s = openStore(file);
    s.db.exec(`PRAGMA user_version = ${migrations.length + 1}`);
    s.close();
    expect(() => openStore(file)).toThrow(/比本程序支持的/);
  });
});

describe('writes', () => {
  it('commits a batch together, but a failing write undoes only itself', async () => {
    const store = open(join(tmp(), 'store.sqlite'));
    const put = (k: string) => store.write((db) => db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(k, 'v'));
    const results = await Promise.allSettled([put('a'), put('a'), put('b')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(store.db.prepare('SELECT key FROM meta ORDER BY key').all().map((r) => r.key)).toEqual(['a', 'b']);
  });

  it('answers writes only once the WAL is synced, also for writes queued just before the store closes', async () => {
    const file = join(tmp(), 'store.sqlite');
    const store = openStore(file);
    const put = (k: string) => store.write((w) => w.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(k, 'v'));
    await put('first');
    // Three writes in one batch and one more while that batch's sync runs: all answered, none lost.
    const batch = [put('a'), put('b'), put('c')];
    await new Promise((r) => setImmediate(r));
    const late = put('d');
    store.close();
    await expect(Promise.all([...batch, late])).resolves.toHaveLength(4);
    const reopened = open(file);
    expect((reopened.db.prepare("SELECT key FROM meta WHERE value = 'v' ORDER BY key").all() as { key: string }[]).map((r) => r.key)).toEqual(['a', 'b', 'c', 'd', 'first']);
  });

  it('with a checkpoint worker, commits reach the database file and the WAL starts over instead of growing', async () => {
    const dir = tmp();
    const file = join(dir, 'store.sqlite');
    const store = open(file, { checkpointWorker: resolve('scripts/lib/store/checkpoint-worker.ts') });
    // This connection no longer checkpoints inside its commits.
    expect(store.db.prepare('PRAGMA wal_autocheckpoint').get()).toEqual({ wal_autocheckpoint: 0 });
    // 24 MB in 6,000 writes of 4 KB, a batch per turn with short pauses, as a server under a flood sees them.
    const blob = 'x'.repeat(4096);
    for (let b = 0; b < 300; b++) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.write((w) => w.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(`k${b}-${i}`, blob))));
      await new Promise((r) => setTimeout(r, 1));
    }
    // The WAL restarted along the way: it never held all 24 MB (SQLite alone keeps it near 4 MB).
    expect(statSync(`${file}-wal`).size).toBeLessThan(16 * 1024 * 1024);
    // Within a few idle checkpoints every page is in the database file itself: a copy of that file alone, without
    // the WAL, has every row.
    const copy = join(dir, 'copy.sqlite');
    const rowsInCopy = () => {
      copyFileSync(file, copy);
      const db = new DatabaseSync(copy, { readOnly: true });
      try {
        return (db.prepare("SELECT count(*) AS n FROM meta WHERE key LIKE 'k%'").get() as { n: number }).n;
      } catch {
        return -1; // copied in the middle of a checkpoint: look again
      } finally {
        db.close();
      }
    };
    const until = Date.now() + 10_000;
    while (rowsInCopy() < 6000 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(rowsInCopy()).toBe(6000);
  });

  it('hands the checkpoint back to SQLite when the checkpoint worker cannot run', async () => {
    const logged: string[] = [];
    const store = open(join(tmp(), 'store.sqlite'), { checkpointWorker: join(tmp(), 'missing-worker.ts'), log: (m) => logged.push(m) });
    const until = Date.now() + 10_000;
    while (!logged.length && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(logged[0]).toContain('后台检查点线程停止');
    expect(store.db.prepare('PRAGMA wal_autocheckpoint').get()).toEqual({ wal_autocheckpoint: 1000 });
    await store.write((w) => w.prepare("INSERT INTO meta (key, value) VALUES ('after', 'yes')").run());
    expect(store.db.prepare("SELECT value FROM meta WHERE key = 'after'").get()).toEqual({ value: 'yes' });
  });

  it('loses no update when a staff command and triage write the same issue at once', async () => {
    const file = join(tmp(), 'store.sqlite');
    // Two connections stand for the staff CLI and the server's in-process triage.
    const staff = createLocalTracker({ store: open(file), actor: 'staff' });
    const bot = createLocalTracker({ store: open(file), actor: 'feedback-bot' });
    const { number } = await bot.createIssue({ title: 't', body: 'b', labels: [], marker: 'm' });
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => staff.addLabels(number, [`staff-${i}`])),
      ...Array.from({ length: 20 }, (_, i) => bot.addLabels(number, [`bot-${i}`])),
      staff.createComment(number, '/outcome 采纳'),
      bot.createComment(number, '自动分拣结果'),
      bot.updateIssue(number, { title: 'new title' }),
    ]);
    const issue = (await staff.getIssue(number))!;
    expect(issue.labels).toHaveLength(40);
    expect(issue.title).toBe('new title');
    expect((await bot.listComments(number)).map((c) => c.author).sort()).toEqual(['feedback-bot', 'staff']);
  });

  it("waits for another connection's write transaction without freezing the event loop", async () => {
    const file = join(tmp(), 'store.sqlite');
    const store = open(file);
    // Another process (a staff command, a second server) holds the write lock for 150 ms.
    const other = new DatabaseSync(file, { timeout: 0 });
    other.exec('BEGIN IMMEDIATE');
    other.prepare("INSERT INTO meta (key, value) VALUES ('other', 'v')").run();
    const write = store.write((w) => w.prepare("INSERT INTO meta (key, value) VALUES ('mine', 'v')").run());
    // Timers of this process keep firing every few ms while the write waits (SQLite's busy handler would sleep
    // inside BEGIN and hold them all back until the lock was free).
    const ticks: number[] = [];
    const started = Date.now();
    const ticker = setInterval(() => ticks.push(Date.now() - started), 5);
    await new Promise((r) => setTimeout(r, 150));
    expect(ticks.length).toBeGreaterThanOrEqual(10);
    let settled = false;
    void write.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    other.exec('COMMIT');
    other.close();
    await write;
    clearInterval(ticker);
    expect(store.db.prepare('SELECT key FROM meta WHERE value = ? ORDER BY key').all('v').map((r) => r.key)).toEqual(['mine', 'other']);
  });

  it('gives up on a lock held longer than busyTimeoutMs with the error, and writes again afterwards', async () => {
    const file = join(tmp(), 'store.sqlite');
    const store = open(file, { busyTimeoutMs: 100 });
    const other = new DatabaseSync(file, { timeout: 0 });
    other.exec('BEGIN IMMEDIATE');
    await expect(store.write((w) => w.prepare("INSERT INTO meta (key, value) VALUES ('late', 'v')").run())).rejects.toThrow(/locked/);
    other.exec('ROLLBACK');
    other.close();
    await store.write((w) => w.prepare("INSERT INTO meta (key, value) VALUES ('later', 'v')").run());
    expect(store.db.prepare("SELECT key FROM meta WHERE value = 'v'").all().map((r) => r.key)).toEqual(['later']);
  });

  it('gives separate processes distinct issue numbers and one issue per marker', async () => {
    const dir = tmp();
    const file = join(dir, 'store.sqlite');
    open(file); // created and migrated before the children start
    const child = (id: number) =>
      new Promise<void>((resolve, reject) => {
        const code = `
          const { openStore } = await import(${JSON.stringify(new URL('../../scripts/lib/store/store.ts', import.meta.url).href)});
          const { createLocalTracker } = await import(${JSON.stringify(new URL('../../scripts/lib/tracker/local.ts', import.meta.url).href)});
          const store = openStore(${JSON.stringify(file)});
          const t = createLocalTracker({ store, actor: 'p${id}' });
          await Promise.all(Array.from({ length: 50 }, (_, i) => t.createIssue({ title: 'x', body: 'b', labels: [], marker: 'shared-' + (i % 25) })));
          await Promise.all(Array.from({ length: 25 }, (_, i) => t.createIssue({ title: 'own', body: 'b', labels: [], marker: 'p${id}-' + i })));
          store.close();`;
        const p = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr.on('data', (d) => (err += d));
        p.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(err))));
      });
    await Promise.all([child(1), child(2), child(3)]);
    const tracker = createLocalTracker({ store: open(file) });
    const all = await tracker.listIssues({ state: 'all' });
    // 25 shared markers once each, plus 25 own per process.
    expect(all).toHaveLength(25 + 3 * 25);
    expect(new Set(all.map((i) => i.number)).size).toBe(all.length);
  });
});

describe('existing DATA_DIR of the file stores', () => {
  it('imports the outbox journal and the issue files once, and moves them aside', async () => {
    const dataDir = tmp();
    const job = (hash: string, key: string) => ({
      v: 1, hash, trackingCode: `JY-2026-${hash}`, keyHash: key, receivedAt: '2026-11-02T01:00:00.000Z', category: 'policy', office: 'admin',
      deadline: '2026-11-20', warnings: [], issue: { title: `t-${hash}`, body: `查询码 JY-2026-${hash}`, labels: ['意见建议'] },
    });
    mkdirSync(join(dataDir, 'outbox/journal'), { recursive: true });
    writeFileSync(
      join(dataDir, 'outbox/journal/0001-1.ndjson'),
      [
        JSON.stringify({ t: 'job', ...job('AAAAAA', 'k1') }),
        JSON.stringify({ t: 'job', ...job('BBBBBB', 'k2') }),
        JSON.stringify({ t: 'done', hash: 'AAAAAA', issueNumber: 1, url: 'tracker://local/issues/1', deliveredAt: '2026-11-02T01:00:01.000Z' }),
        '{"t":"job","hash":"TORN', // a crash tore the last, unacknowledged line
      ].join('\n'),
    );
    mkdirSync(join(dataDir, 'tracker/issues'), { recursive: true });
    writeFileSync(
      join(dataDir, 'tracker/issues/000001.json'),
      JSON.stringify({
        number: 1, title: 't-AAAAAA', body: '查询码 JY-2026-AAAAAA', labels: ['意见建议', '承办:医保行政部门'], state: 'open', author: 'feedback-bot',
        createdAt: '2026-11-02T01:00:01.000Z', updatedAt: '2026-11-02T01:00:02.000Z', closedAt: null,
        comments: [{ id: 5, author: 'feedback-bot', body: '自动分拣结果', createdAt: '2026-11-02T01:00:02.000Z' }],
      }),
    );
    writeFileSync(join(dataDir, 'tracker/people.json'), JSON.stringify({ zhang: 'write' }));
    const logs: string[] = [];
    const store = openDataStore({ DATA_DIR: dataDir }, {}, (l) => logs.push(l));
    opened.push(store);
    const outbox = createOutbox(store);
    const tracker = createLocalTracker({ store });
    expect(outbox.pending().map((j) => j.hash)).toEqual(['BBBBBB']);
    expect(outbox.delivery('AAAAAA')).toMatchObject({ issueNumber: 1 });
    expect((await tracker.findIssueByMarker('JY-2026-AAAAAA'))?.labels).toEqual(['意见建议', '承办:医保行政部门']);
    expect(await tracker.listComments(1)).toHaveLength(1);
    expect(await tracker.getPermission('zhang')).toBe('write');
    // The next number follows the imported ones.
    expect((await tracker.createIssue({ title: 'n', body: 'b', labels: [], marker: 'new' })).number).toBe(2);
    expect(logs.join('\n')).toMatch(/2 条待登记记录、1 个议题/);
    expect(existsSync(join(dataDir, 'outbox'))).toBe(false);
    expect(readdirSync(join(dataDir, 'legacy-imported'))).toHaveLength(2);
    store.close();
    // Opening again imports nothing twice.
    mkdirSync(join(dataDir, 'outbox/journal'), { recursive: true });
    writeFileSync(join(dataDir, 'outbox/journal/0002-1.ndjson'), JSON.stringify({ t: 'job', ...job('CCCCCC', 'k3') }));
    const again = openDataStore({ DATA_DIR: dataDir }, {}, () => {});
    opened.push(again);
    expect(createOutbox(again).pending().map((j) => j.hash)).toEqual(['BBBBBB']);
  });
});

describe('form tokens', () => {
  it('spends a token on one submission: the same submission may come back, another may not, in any process', async () => {
    const file = join(tmp(), 'store.sqlite');
    const [a, b] = [createUsedFormTokens(open(file)), createUsedFormTokens(open(file))];
    const racing = await Promise.all([a.consume('tok-1', 'key-A', Date.now() + 60_000), b.consume('tok-1', 'key-B', Date.now() + 60_000)]);
    expect(racing.filter(Boolean)).toHaveLength(1);
    const winner = racing[0] ? 'key-A' : 'key-B';
    expect(await b.consume('tok-1', winner, Date.now() + 60_000)).toBe(true);
    expect(await a.consume('tok-1', 'key-C', Date.now() + 60_000)).toBe(false);
    expect(await a.consume('tok-2', 'key-C', Date.now() + 60_000)).toBe(true);
  });
});
