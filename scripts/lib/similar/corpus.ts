/**
 * Which opinions a new one is compared with, read from the tracker (issue 13): the bureau's open opinions and those
 * answered (已答复) and closed in the last RECENT_DAYS days, that trust.ts believes (an opinion awaiting /confirm is
 * no evidence of anything), not merged into another (a merged one is its target's question already). Each is
 * indexed by its redacted title and details (index.ts), never by anything personal.
 *
 * One corpus may serve many triage runs (the submission server, `npm run triage -- --all`): the first refresh reads
 * the open and recently answered opinions, each later one only the issues updated since the previous refresh
 * (TrackerPort.listIssues `since`), and answered ones age out as the window moves. What a query returns depends only
 * on the opinions in the corpus at that moment (index.ts), so a long-lived corpus and a fresh one agree.
 */
import type { Bureau } from '../../../schemas/bureau.ts';
import type { OpinionRecord } from '../../../schemas/opinion.ts';
import { flags, mergeTarget } from '../labels.ts';
import { redactText } from '../redact.ts';
import type { TrackerIssue, TrackerPort } from '../tracker/port.ts';
import type { Verifier } from '../triage/trust.ts';
import { createSimilarIndex, SIMILAR_THRESHOLD, type SimilarIndex } from './index.ts';

/** How long an answered, closed opinion stays comparable: two quarters, the span the quarterly summary compares. */
export const RECENT_DAYS = 180;

/** At most this many similar opinions are listed (issue 13: "up to three"). */
export const SIMILAR_LIMIT = 3;

export interface SimilarOpinion {
  issue: number;
  score: number;
  /** Whether it had a public answer (已答复) when found. */
  answered: boolean;
}

/** The text an opinion is compared by: its title and details, redacted (the bureau's own contacts may stay). */
export function similarText(opinion: Pick<OpinionRecord, 'title' | 'details'>, bureau: Bureau): string {
  const keep = [bureau.contact.phone, bureau.contact.email].filter((x): x is string => Boolean(x));
  return redactText(`${opinion.title}\n${opinion.details}`, { keep });
}

/**
 * Whether an issue, by its labels and state alone, is one new opinions are compared with at `now`: an opinion, not
 * awaiting /confirm, not merged, and open, or answered and closed within RECENT_DAYS.
 */
export function comparable(issue: TrackerIssue, now: Date): boolean {
  const l = issue.labels;
  if (!l.includes(flags.opinion) || l.includes(flags.unverified) || l.includes(flags.merged) || mergeTarget(l)) return false;
  if (issue.state === 'open') return true;
  if (!l.includes(flags.replied)) return false;
  const closed = Date.parse(issue.closedAt ?? issue.updatedAt);
  return now.getTime() - closed <= RECENT_DAYS * 86400_000;
}

export interface SimilarCorpus {
  /** Brings the corpus up to date with the tracker (first call: a full read; later: what changed since). */
  refresh(port: TrackerPort, verify: Verifier, now: Date): Promise<void>;
  /** Up to SIMILAR_LIMIT opinions similar to `text`, best first, never `self`. Call refresh first. */
  find(text: string, self: number | null): SimilarOpinion[];
  readonly size: number;
}

interface Entry {
  updatedAt: string;
  answered: boolean;
  /** Instant it stops being comparable (answered and closed + RECENT_DAYS), null while open. */
  until: number | null;
}

export function createSimilarCorpus(options: { bureau: Bureau; threshold?: number }): SimilarCorpus {
  let index: SimilarIndex = createSimilarIndex();
  const entries = new Map<number, Entry>();
  let since: string | null = null;
  let boundPort: TrackerPort | null = null;

  const drop = (n: number) => {
    entries.delete(n);
    index.remove(n);
  };
  const consider = async (issue: TrackerIssue, verify: Verifier, now: Date) => {
    const known = entries.get(issue.number);
    if (!comparable(issue, now)) return drop(issue.number);
    if (known && known.updatedAt === issue.updatedAt) return;
    const v = await verify(issue);
    if (v.status !== 'trusted') return drop(issue.number);
    index.add(issue.number, similarText(v.opinion, options.bureau));
    const answered = issue.labels.includes(flags.replied);
    const until = issue.state === 'closed' ? Date.parse(issue.closedAt ?? issue.updatedAt) + RECENT_DAYS * 86400_000 : null;
    entries.set(issue.number, { updatedAt: issue.updatedAt, answered, until });
  };

  return {
    async refresh(port, verify, now) {
      // A corpus belongs to one tracker; asked about another, it starts over.
      if (boundPort !== port) {
        boundPort = port;
        index = createSimilarIndex();
        entries.clear();
        since = null;
      }
      const started = now.toISOString();
      let issues: TrackerIssue[];
      if (since === null) {
        const cutoff = new Date(now.getTime() - RECENT_DAYS * 86400_000).toISOString();
        const open = await port.listIssues({ state: 'open', labels: [flags.opinion] });
        const answered = await port.listIssues({ state: 'closed', labels: [flags.opinion, flags.replied], since: cutoff });
        issues = [...open, ...answered];
      } else {
        issues = await port.listIssues({ state: 'all', labels: [flags.opinion], since });
      }
      for (const issue of issues.sort((a, b) => a.number - b.number)) await consider(issue, verify, now);
      for (const [n, e] of [...entries]) if (e.until !== null && e.until < now.getTime()) drop(n);
      // Next time, what changed since this read: from the latest update seen, or from `now` if that is earlier (a
      // clock behind the tracker's must not skip an update, one ahead of it only reads a few issues twice).
      const latest = issues.reduce((m, i) => (i.updatedAt > m ? i.updatedAt : m), '');
      since = latest && latest < started ? latest : started;
    },
    find(text, self) {
      return index
        .query(text, { limit: SIMILAR_LIMIT, threshold: options.threshold ?? SIMILAR_THRESHOLD, exclude: (id) => id === self })
        .map((m) => ({ issue: m.id, score: m.score, answered: entries.get(m.id)?.answered ?? false }));
    },
    get size() {
      return index.size;
    },
  };
}
