/** Internal link checking over built pages: missing targets, missing fragments, on-demand routes. */
import { describe, expect, it } from 'vitest';
import { checkLinks, linksOf, resolveFile } from '../../scripts/lib/publish/links.ts';

const files = new Set(['index.html', 'replies/index.html', 'replies/jy-2026-aaaaaa/index.html', 'summaries/downloads/2026-q3.xlsx', 'rss.xml', 'pagefind/pagefind.js']);

describe('internal links', () => {
  it('resolves directory, file and extension-less paths', () => {
    expect(resolveFile('/replies/', files)).toBe('replies/index.html');
    expect(resolveFile('/replies', files)).toBe('replies/index.html');
    expect(resolveFile('/summaries/downloads/2026-q3.xlsx', files)).toBe('summaries/downloads/2026-q3.xlsx');
    expect(resolveFile('/nope/', files)).toBeNull();
  });

  it('reports broken links and fragments, and skips external and on-demand ones', () => {
    const pages = new Map([
      ['index.html', `<a href="/replies/">答复</a><a href="/replies/jy-2026-aaaaaa/#answer">一条</a><a href="/replies/missing/">坏</a>
        <a href="https://example.org/x">外部</a><a href="mailto:a@b.cn">信</a><a href="/submit?objection=announcements/x">异议</a>
        <a href="/api/submissions">接口</a><link rel="alternate" href="/rss.xml"><script src="/pagefind/pagefind.js"></script><a href="#main">跳</a><main id="main"></main>`],
      ['replies/index.html', `<a href="jy-2026-aaaaaa/">相对</a><a href="../summaries/downloads/2026-q3.xlsx">下载</a><a href="/#nowhere">坏锚点</a>`],
      ['replies/jy-2026-aaaaaa/index.html', `<h2 id="question">意见</h2><a href="#question">回到意见</a>`],
    ]);
    expect(checkLinks(pages, files, ['/submit', '/track', '/api'])).toEqual([
      { page: 'index.html', link: '/replies/jy-2026-aaaaaa/#answer', problem: '目标页面没有 id="answer"' },
      { page: 'index.html', link: '/replies/missing/', problem: '链接目标不存在' },
      { page: 'replies/index.html', link: '/#nowhere', problem: '目标页面没有 id="nowhere"' },
    ]);
  });

  it('decodes &amp; in attributes', () => {
    expect(linksOf('<a class="x" href="/search/?q=a&amp;b=c">s</a>')).toEqual(['/search/?q=a&b=c']);
  });
});
