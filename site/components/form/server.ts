/**
 * The server's composition root: the one submission runtime of this process (created on first use, wired with
 * in-process triage for the local tracker) and announcement titles for objections, from the build-time
 * announcement index (not `astro:content`: see scripts/lib/announcement-index.ts). Server-only; every page and
 * endpoint takes its dependencies from here.
 */
import announcementIndex from 'virtual:drg/announcement-index';
import { publishedAnnouncementTitle } from '../../../scripts/lib/announcement-index.ts';
import { chinaToday } from '../../../scripts/lib/dates.ts';
import { createSubmissionRuntime, type SubmissionRuntime } from '../../../scripts/lib/submission/runtime.ts';
import { botLoginsFromEnv } from '../../../scripts/lib/triage/cli.ts';
// One corpus for the process: each triage then reads only the issues changed since the last one (issue 13).
import { createSimilarCorpus, type SimilarCorpus } from '../../../scripts/lib/similar/corpus.ts';
import { triageIssue } from '../../../scripts/lib/triage/run.ts';

let runtime: SubmissionRuntime | undefined;
let similar: SimilarCorpus | undefined;

export function submissionRuntime(): SubmissionRuntime {
  return (runtime ??= createSubmissionRuntime({
    triage: (port, n, ctx) => triageIssue(port, n, { ...ctx, now: new Date(), dryRun: false, budget: 50, bots: botLoginsFromEnv(), similar: (similar ??= createSimilarCorpus({ bureau: ctx.bureau })) }),
  }));
}

/** The title of a published announcement (`announcements/<id>`), or undefined. */
export async function announcementTitle(ref: string): Promise<string | undefined> {
  return publishedAnnouncementTitle(announcementIndex, ref, chinaToday());
}
