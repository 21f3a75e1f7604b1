/**
 * The Astro side's access to the submission runtime: the process-wide runtime with the triage module when it
 * exists (Vite's import.meta.glob bundles it if present and yields nothing if not), and announcement titles for
 * objections, read from the content collection at request time. Server-only.
 */
import { getCollection } from 'astro:content';
import { getSubmissionRuntime, type SubmissionRuntime } from '../../../scripts/lib/submission/runtime.ts';

const triageModules = import.meta.glob('../../../scripts/lib/triage/run.ts');

export function submissionRuntime(): SubmissionRuntime {
  return getSubmissionRuntime({ loadTriage: Object.values(triageModules)[0] });
}

/** The title of a published announcement (`announcements/<id>`), or undefined. */
export async function announcementTitle(ref: string): Promise<string | undefined> {
  const id = ref.replace(/^announcements\//, '');
  const all = await getCollection('announcements');
  const found = all.find((a) => a.id === id);
  if (!found || new Date(found.data.published).getTime() > Date.now()) return undefined;
  return found.data.title;
}
