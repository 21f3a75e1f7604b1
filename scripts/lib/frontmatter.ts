/** Splits and joins `---` YAML frontmatter; the one place content files are parsed and written. */
import yaml from 'js-yaml';

export interface Document {
  data: Record<string, unknown>;
  body: string;
}

export function parseFrontmatter(text: string): Document {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) return { data: {}, body: text };
  const data = yaml.load(match[1]) ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new Error('frontmatter is not a YAML mapping');
  return { data: data as Record<string, unknown>, body: match[2] };
}

/**
 * Dates (Date objects) are written as YYYY-MM-DD; key order is kept as given. `lineWidth: -1` keeps
 * long lines unfolded, so multi-line texts (an attachment's Markdown table) stay literal `|` blocks.
 */
export function stringifyFrontmatter(doc: Document, options: { lineWidth?: number } = {}): string {
  const data = JSON.parse(JSON.stringify(doc.data, (_k, v) => v), (_k, v) =>
    typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/.test(v) ? v.slice(0, 10) : v,
  );
  const head = yaml.dump(data, { lineWidth: options.lineWidth ?? 120, noRefs: true, quotingType: '"' });
  return `---\n${head}---\n\n${doc.body.replace(/^\n+/, '')}`;
}
