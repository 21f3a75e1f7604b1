/**
 * Makes submitted text inert in a GitHub issue (GFM). Without this a submitter could, through the public form,
 * notify any GitHub user (`@name`), put a cross-reference on other issues or repositories (`#12`, `GH-12`,
 * `owner/repo#12`, an issue URL), spoof the sections triage parses (`### 问题分类`), hide text from staff in an
 * HTML comment or raw HTML, or make staff browsers load a tracking image (`![](http://...)`).
 *
 * How, and why this way:
 * - `@` and a `#` before a digit become the full-width `＠` / `＃`. GitHub's mention and reference filters run on
 *   the rendered text, so backslash escapes do not stop them; full-width forms are visible, read the same to
 *   staff and are never linked. `GH-12` gets a non-breaking hyphen for the same reason.
 * - URLs (and `www.` hosts) are put in code spans: GitHub neither autolinks nor cross-references inside code, and
 *   the address stays readable and copyable.
 * - Every Markdown/HTML-significant ASCII character is backslash-escaped (CommonMark 2.4: any ASCII punctuation
 *   may be escaped), so `<`, `![`, `[x](y)`, `|`, `` ` ``, `*`, `&#64;` and line-leading `#`, `>`, `-`, `+`, `=`,
 *   `1.` render literally.
 * - Invisible characters (bidi overrides, zero-width) are removed first (schemas/submission.ts stripInvisible).
 */
import { stripInvisible } from '../../../schemas/submission.ts';

const url = /\b(?:(?:https?|ftp|file):\/\/|www\.)[^\s<>`"'，。；、）】」』]+/gi;
/** Characters that are Markdown or HTML syntax anywhere in a line. */
const inlineSyntax = /[\\`*_[\]<>|~&!{}()$^]/g;

function defuseReferences(text: string): string {
  return text
    .replace(/@/g, '＠')
    .replace(/#(?=\s*\d)/g, '＃')
    .replace(/\b(GH)-(?=\d)/gi, '$1\u2011');
}

function escapeSegment(text: string): string {
  return defuseReferences(text).replace(inlineSyntax, '\\$&');
}

/**
 * Escapes block syntax at the start of an (inline-escaped) line: headings, lists, rules and setext underlines.
 * `>` and `)` are already escaped inline.
 */
function escapeLineStart(line: string): string {
  return line.replace(/^(\s*)([#+=-])/, '$1\\$2').replace(/^(\s*\d+)\./, '$1\\.');
}

/** One line of user text → inert Markdown (URLs as code spans, everything else escaped). */
function neutraliseLine(line: string): string {
  let out = '';
  let last = 0;
  for (const m of line.matchAll(url)) {
    // Trailing ASCII punctuation is usually the sentence's, not the URL's.
    const address = m[0].replace(/[.,;:!?)\]]+$/, '');
    out += escapeSegment(line.slice(last, m.index));
    out += `\`${address}\``;
    last = m.index + address.length;
  }
  out += escapeSegment(line.slice(last));
  return escapeLineStart(out);
}

/** Multi-line user text → inert GFM, line breaks kept (GitHub shows single newlines in issues as breaks). */
export function neutraliseMarkdown(text: string): string {
  return stripInvisible(text.replace(/\r\n?/g, '\n'))
    .split('\n')
    .map((line) => neutraliseLine(line.replace(/\t/g, '    ').replace(/^ {4,}/, '   ')))
    .join('\n');
}

/** User text for a table cell or a list item: one line, pipes escaped. */
export function neutraliseInline(text: string): string {
  return neutraliseLine(stripInvisible(text).replace(/\s*\n\s*/g, ' ').trim());
}

/** An issue title: one line, no mentions or references (titles render code spans but not other Markdown). */
export function neutraliseTitle(text: string, max = 120): string {
  const one = defuseReferences(stripInvisible(text).replace(/\s+/g, ' ').trim()).replace(/`/g, 'ʼ');
  return [...one].length > max ? `${[...one].slice(0, max - 1).join('')}…` : one;
}

/** A value already validated against a code pattern, shown as code. */
export function codeSpan(code: string): string {
  return `\`${code.replace(/`/g, '')}\``;
}
