/**
 * Internal link checking over a built site (dist/client): every href/src that points inside the site must
 * name a file that exists, and every #fragment an id on the target page. Pure: takes the pages' HTML and
 * the list of files; `scripts/check-links.ts` reads them from disk. On-demand routes served by the Node
 * server (/submit, /track, /api/…) are not files; they are passed as `dynamic` prefixes.
 */

export interface LinkProblem {
  /** Page the link is on, e.g. `replies/index.html`. */
  page: string;
  /** The link as written. */
  link: string;
  problem: string;
}

const attr = /<(?:a|link|img|script|source|iframe|area)\b[^>]*?\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;
const idAttr = /\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;

/** Links in an HTML page, entity `&amp;` decoded. */
export function linksOf(html: string): string[] {
  return [...html.matchAll(attr)].map((m) => (m[1] ?? m[2]).replace(/&amp;/g, '&').trim());
}

export function idsOf(html: string): Set<string> {
  return new Set([...html.matchAll(idAttr)].map((m) => m[1] ?? m[2]));
}

/** The site path (`/replies/x/`) of a page file (`replies/x/index.html`). */
export function pagePath(file: string): string {
  return `/${file.replace(/index\.html$/, '').replace(/\.html$/, '')}`;
}

/** The file a site path resolves to, or null. */
export function resolveFile(path: string, files: Set<string>): string | null {
  const p = decodeURIComponent(path).replace(/^\/+/, '');
  for (const candidate of p === '' || p.endsWith('/') ? [`${p}index.html`] : [p, `${p}.html`, `${p}/index.html`]) if (files.has(candidate)) return candidate;
  return null;
}

export function checkLinks(pages: Map<string, string>, files: Set<string>, dynamic: string[] = []): LinkProblem[] {
  const problems: LinkProblem[] = [];
  const idCache = new Map<string, Set<string>>();
  const ids = (file: string) => {
    if (!idCache.has(file)) idCache.set(file, idsOf(pages.get(file) ?? ''));
    return idCache.get(file)!;
  };
  for (const [page, html] of pages) {
    for (const link of new Set(linksOf(html))) {
      if (!link || /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(link)) continue; // external, mailto:, tel:, data:
      const base = new URL(pagePath(page), 'http://site.invalid');
      const url = new URL(link, base);
      const fragment = url.hash ? decodeURIComponent(url.hash.slice(1)) : '';
      if (dynamic.some((d) => url.pathname === d || url.pathname.startsWith(d.endsWith('/') ? d : `${d}/`))) continue;
      const target = resolveFile(url.pathname, files);
      if (!target) {
        problems.push({ page, link, problem: '链接目标不存在' });
        continue;
      }
      if (fragment && target.endsWith('.html') && !ids(target).has(fragment)) problems.push({ page, link, problem: `目标页面没有 id="${fragment}"` });
    }
  }
  return problems;
}
