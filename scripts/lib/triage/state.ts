/**
 * What triage remembers about an issue, kept in its one triage comment behind a hidden marker (so edits and
 * staff commands update that comment instead of adding another, and no database is needed):
 * which labels triage itself added (the only labels it may ever take off again), what staff decided with
 * commands (which triage must not override), which command comments were handled (webhook re-deliveries do
 * nothing twice), and a short log of staff actions shown in the comment. Only the bot's own comment is read, so
 * what staff confirmed with /confirm cannot be forged by anyone else (trust.ts).
 */
import { categoryKeys, officeKeys, type CategoryKey, type OfficeKey } from '../../../schemas/common.ts';
import type { TrackerComment } from '../tracker/port.ts';

export const TRIAGE_MARKER = '<!-- drg-feedback:triage';

export interface TriageState {
  v: 1;
  /** Labels triage added and still manages. */
  added: string[];
  /**
   * Decisions staff made with commands. `confirmed`: a person with write access vouched for an opinion nobody
   * trusted wrote (/confirm), for the issue's title and body with this digest (trust.ts contentDigest); an
   * edit after that needs a new /confirm.
   */
  staff: { category?: CategoryKey; office?: OfficeKey; escalate?: boolean; confirmed?: { digest: string }; mergedInto?: number };
  /** Ids of command comments already handled. */
  handled: number[];
  /** Staff actions, oldest first: ISO instant, login, what was done. */
  log: { at: string; by: string; text: string }[];
  /**
   * The similar opinions found when the opinion was last triaged (scripts/lib/similar/, issue 13), best first, as
   * listed in the comment; kept so a staff command re-renders the same list without searching again. Absent when
   * never searched (an opinion awaiting /confirm).
   */
  similar?: SimilarEntry[];
}

/** One similar opinion: its issue number, the cosine score, and whether it had a public answer then. */
export interface SimilarEntry {
  issue: number;
  score: number;
  answered: boolean;
}

export const emptyState = (): TriageState => ({ v: 1, added: [], staff: {}, handled: [], log: [] });

/** The hidden state line that starts every triage comment. `<` and `>` are escaped so it cannot end early. */
export function renderState(state: TriageState): string {
  const json = JSON.stringify(state).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
  return `${TRIAGE_MARKER} ${json} -->`;
}

const isIssueNumber = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;
const isSimilarEntry = (e: unknown): e is SimilarEntry => {
  const x = e as SimilarEntry | null;
  return Boolean(x) && isIssueNumber(x!.issue) && typeof x!.score === 'number' && x!.score >= 0 && x!.score <= 1 && typeof x!.answered === 'boolean';
};

const isDigest = (d: unknown): d is string => typeof d === 'string' && d.length === 64 && /^[0-9a-f]+$/.test(d);

export function parseState(body: string): TriageState | null {
  const start = body.indexOf(TRIAGE_MARKER);
  if (start < 0) return null;
  const end = body.indexOf('-->', start);
  if (end < 0) return null;
  try {
    const raw = JSON.parse(body.slice(start + TRIAGE_MARKER.length, end).trim()) as Partial<TriageState>;
    const staff = raw.staff ?? {};
    const digest: unknown = staff.confirmed?.digest;
    return {
      v: 1,
      added: Array.isArray(raw.added) ? raw.added.filter((l): l is string => typeof l === 'string') : [],
      staff: {
        ...(staff.category && categoryKeys.includes(staff.category) ? { category: staff.category } : {}),
        ...(staff.office && officeKeys.includes(staff.office) ? { office: staff.office } : {}),
        ...(staff.escalate ? { escalate: true } : {}),
        ...(isDigest(digest) ? { confirmed: { digest } } : {}),
        ...(isIssueNumber(staff.mergedInto) ? { mergedInto: staff.mergedInto } : {}),
      },
      handled: Array.isArray(raw.handled) ? raw.handled.filter((n): n is number => typeof n === 'number') : [],
      log: Array.isArray(raw.log) ? raw.log.filter((e) => e && typeof e.text === 'string') : [],
      ...(Array.isArray(raw.similar) ? { similar: raw.similar.filter(isSimilarEntry).slice(0, 3) } : {}),
    };
  } catch {
    return null;
  }
}

/**
 * The triage comment: the first comment carrying the marker written by the bot. Comments by anyone else are
 * ignored even if they copy the marker, so nobody can forge triage's memory.
 */
export function findTriageComment(comments: TrackerComment[], botLogin: string): TrackerComment | undefined {
  return comments.find((c) => c.author === botLogin && c.body.includes(TRIAGE_MARKER));
}
