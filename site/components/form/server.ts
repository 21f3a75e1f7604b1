/**
 * The Astro side's access to the submission runtime: the process-wide runtime with the triage module when it
 * exists (Vite's import.meta.glob bundles it if present and yields nothing if not), and announcement titles for
 * objections, from the build-time announcement index (not `astro:content`: see scripts/lib/announcement-index.ts).
 * Server-only.
 */
import announcementIndex from 'virtual:drg/announcement-index';
import { publishedAnnouncementTitle } from '../../../scripts/lib/announcement-index.ts';
import { chinaToday } from '../../utils/view.ts';
import { getSubmissionRuntime, type SubmissionRuntime } from '../../../scripts/lib/submission/runtime.ts';

const triageModules = import.meta.glob('../../../scripts/lib/triage/run.ts');

export function submissionRuntime(): SubmissionRuntime {
  return getSubmissionRuntime({ loadTriage: Object.values(triageModules)[0] });
}

/** The title of a published announcement (`announcements/<id>`), or undefined. */
export async function announcementTitle(ref: string): Promise<string | undefined> {
  return publishedAnnouncementTitle(announcementIndex, ref, chinaToday());
}
