/**
 * Reads the reply templates (reply-templates.ts) from the content folder: for `/reply-template` (triage/cli.ts, so
 * the commands workflow reads the checked-out repository's content/) and for `npm run validate`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseReplyTemplate, replyTemplatesDir, type ReplyTemplate } from './reply-templates.ts';

export interface LoadedTemplates {
  templates: ReplyTemplate[];
  /** `file: field: message` for each file that is not a valid template (left out of `templates`). */
  problems: string[];
}

/** Every `*.md` in `<contentDir>/settings/reply-templates/`, sorted by name; a missing folder is no templates. */
export function loadReplyTemplates(contentDir: string, cwd = process.cwd()): LoadedTemplates {
  const dir = join(contentDir, replyTemplatesDir);
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.md')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { templates: [], problems: [] };
    throw e;
  }
  const out: LoadedTemplates = { templates: [], problems: [] };
  for (const name of names) {
    const file = join(dir, name);
    const parsed = parseReplyTemplate(relative(cwd, file), readFileSync(file, 'utf8'));
    if (parsed.ok) out.templates.push(parsed.template);
    else out.problems.push(...parsed.problems);
  }
  return out;
}
