/**
 * What the server's on-demand routes depend on, built once by the composition root (scripts/serve.ts) and handed
 * to every Astro page and endpoint as `locals.server` (the adapter's handler takes locals: @astrojs/node
 * middleware mode) and to the submissions API that serve.ts answers itself (submissions-api.ts). Nothing here is
 * a module-level singleton: two servers in one process would each have their own (issue 11, Structure).
 */
import { publishedAnnouncementTitle, type AnnouncementIndexEntry } from '../announcement-index.ts';
import { chinaToday } from '../dates.ts';
import { createSimilarCorpus, type SimilarCorpus } from '../similar/corpus.ts';
import { createSubmissionRuntime, type SubmissionRuntime } from '../submission/runtime.ts';
import { botLoginsFromEnv } from '../triage/cli.ts';
import { triageIssue } from '../triage/run.ts';

export interface ServerDeps {
  /** The one submission runtime of this process: store, tracker, service, limits, mail, keys. */
  runtime: SubmissionRuntime;
  /** The title of a published announcement (`announcements/<id>`), or undefined: for objections. */
  announcementTitle(ref: string): Promise<string | undefined>;
}

export interface ServerDepsOptions {
  env?: NodeJS.ProcessEnv;
  /** The announcements of the built site (announcement-index-fs.ts writes them beside the server build). */
  announcements: readonly AnnouncementIndexEntry[];
}

export function createServerDeps(options: ServerDepsOptions): ServerDeps {
  const env = options.env ?? process.env;
  // One corpus for the process: each triage then reads only the issues changed since the last one (issue 13).
  let similar: SimilarCorpus | undefined;
  const runtime = createSubmissionRuntime({
    env,
    triage: (port, n, ctx) =>
      triageIssue(port, n, { ...ctx, now: new Date(), dryRun: false, budget: 50, bots: botLoginsFromEnv(env), similar: (similar ??= createSimilarCorpus({ bureau: ctx.bureau })) }),
  });
  return {
    runtime,
    announcementTitle: async (ref) => publishedAnnouncementTitle(options.announcements, ref, chinaToday()),
  };
}
