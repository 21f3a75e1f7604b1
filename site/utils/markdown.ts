/**
 * Renders the short Markdown texts kept in frontmatter (attachment texts) with the Markdown engine
 * Astro 7 itself uses (satteri, GFM tables), so they look exactly like page bodies.
 */
import { markdownToHtml } from 'satteri';

export function renderMarkdown(source: string): string {
  return markdownToHtml(source).html;
}
