/**
 * `npm run bench:similar [-- --n 20000 --queries 300 --tracker]`: the similar-opinion search of triage (issue 13)
 * over N stored opinions. Builds the index from N synthetic opinions (scripts/lib/publish/synthetic.ts, the
 * generator of the summary benchmark), then times the search for new opinions one by one, each added after it is
 * searched, as triage does: ms per new opinion (target <= 50 ms at 20,000). `--tracker` also fills a local tracker
 * with the N opinions and times the corpus's first read of it (listIssues, trust, redaction, indexing) and an
 * incremental refresh. Prints figures; never fails on speed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBureau } from '../lib/bureau.ts';
import { parseArgs } from 'node:util';
import { fillLocalTracker, syntheticOpinion } from '../lib/publish/synthetic.ts';
import { seededRandom } from '../lib/seeded-random.ts';
import { createSimilarCorpus, similarText } from '../lib/similar/corpus.ts';
import { createSimilarIndex } from '../lib/similar/index.ts';
import { openStore } from '../lib/store/store.ts';
import { createLocalTracker } from '../lib/tracker/local.ts';
import { createVerifier } from '../lib/triage/trust.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { n: { type: 'string', default: '20000' }, queries: { type: 'string', default: '300' }, tracker: { type: 'boolean', default: false } },
});
const n = Number(values.n);
const queries = Number(values.queries);
const withTracker = values.tracker;
if (!Number.isInteger(n) || n < 1 || !Number.isInteger(queries) || queries < 1) throw new Error('--n 与 --queries 应为正整数');
const bureau = loadBureau();
const options = { count: n + queries, from: '2025-01-01', days: 730, bureau };

const rnd = seededRandom(7);
const texts: string[] = [];
for (let i = 1; i <= n + queries; i++) texts.push(similarText(syntheticOpinion(i, rnd, options), bureau));

// Heap figures need a collection first (npm run bench:similar passes --expose-gc); without it they are not printed.
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const used = () => process.memoryUsage().heapUsed + process.memoryUsage().external;
const heap0 = used();
let t0 = performance.now();
const index = createSimilarIndex();
for (let i = 0; i < n; i++) index.add(i + 1, texts[i]);
const build = performance.now() - t0;
gc?.();
const heap = gc ? `, ${((used() - heap0) / 1048576).toFixed(0)} MB of memory (heap and typed arrays)` : '';
console.log(`index: ${n} opinions in ${(build / 1000).toFixed(2)} s (${((build * 1000) / n).toFixed(0)} µs each)${heap}`);

const times: number[] = [];
let listed = 0;
for (let q = 0; q < queries; q++) {
  const id = n + q + 1;
  t0 = performance.now();
  const found = index.query(texts[id - 1], { exclude: (x) => x === id });
  times.push(performance.now() - t0);
  listed += found.length;
  // Triage adds the new opinion to the corpus: the next search recomputes norms, as it would in the server.
  index.add(id, texts[id - 1]);
}
times.sort((a, b) => a - b);
const pick = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
const mean = times.reduce((a, b) => a + b, 0) / times.length;
console.log(
  `search: ${queries} new opinions against ${n}–${n + queries - 1}: mean ${mean.toFixed(1)} ms, median ${pick(0.5).toFixed(1)} ms, ` +
    `p95 ${pick(0.95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms per new opinion (target <= 50 ms); ${(listed / queries).toFixed(2)} listed on average`,
);

if (withTracker) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-similar-'));
  const store = openStore(join(dir, 'store.sqlite'), { fsync: false });
  try {
    t0 = performance.now();
    await fillLocalTracker(store, { ...options, count: n });
    console.log(`tracker: ${n} synthetic issues in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const port = createLocalTracker({ store });
    const verify = createVerifier(port, { bureau, bots: { triage: 'feedback-bot', intake: 'feedback-bot' } });
    const corpus = createSimilarCorpus({ bureau });
    const now = new Date('2026-12-31T00:00:00Z');
    t0 = performance.now();
    await corpus.refresh(port, verify, now);
    console.log(`corpus: first read of the tracker in ${((performance.now() - t0) / 1000).toFixed(2)} s, ${corpus.size} comparable opinions (open, or answered in the last 180 days)`);
    t0 = performance.now();
    await corpus.refresh(port, verify, now);
    const again = performance.now() - t0;
    t0 = performance.now();
    corpus.find(texts[n], null);
    console.log(`corpus: refresh with nothing changed ${again.toFixed(0)} ms; one search ${(performance.now() - t0).toFixed(1)} ms`);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
