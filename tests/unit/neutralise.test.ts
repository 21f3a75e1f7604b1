import { describe, expect, it } from 'vitest';
import { neutraliseInline, neutraliseMarkdown, neutraliseTitle } from '../../scripts/lib/submission/neutralise.ts';

/** What GitHub would turn into a mention, reference, link, image or HTML if left as is. */
const mention = /(^|[^\w＠])@[A-Za-z0-9-]/;
const issueRef = /(^|[^\w＃])#\d/;

describe('neutralising submitted text for a GitHub issue', () => {
  it('cannot @mention anyone (also inside e-mail-like text and after entities)', () => {
    const out = neutraliseMarkdown('请 @octocat 和 @bureau/staff 处理，联系 a@b.com');
    expect(out).not.toMatch(mention);
    expect(out).toContain('＠octocat');
    expect(neutraliseMarkdown('&#64;octocat')).toBe('\\&＃64;octocat');
  });

  it('cannot reference or close issues, in any of GitHub’s forms', () => {
    const out = neutraliseMarkdown('fixes #1, closes GH-12, see owner/repo#3 and https://github.com/o/r/issues/4');
    expect(out).not.toMatch(issueRef);
    expect(out).not.toMatch(/GH-\d/);
    expect(out).toContain('owner/repo＃3');
    // A URL is shown as code, where GitHub neither links nor cross-references it.
    expect(out).toContain('`https://github.com/o/r/issues/4`');
  });

  it('cannot hide text in HTML comments or raw HTML', () => {
    const out = neutraliseMarkdown('可见<!-- 隐藏的指令 --><details><summary>x</summary>y</details><img src=x onerror=alert(1)>');
    expect(out).not.toMatch(/(^|[^\\])</);
    expect(out).toContain('\\<\\!-- 隐藏的指令 --\\>');
  });

  it('cannot load remote images or make links', () => {
    const out = neutraliseMarkdown('![track](http://evil.example/p.png) [点我](javascript:alert(1)) <http://x.example>');
    expect(out).toContain('\\!\\[track\\]\\(`http://evil.example/p.png`\\)');
    expect(out).toContain('\\[点我\\]\\(javascript:alert\\(1\\)\\)');
    expect(out).not.toMatch(/(^|[^\\])!\[/);
    expect(out).not.toMatch(/(^|[^\\])\]\(/);
  });

  it('cannot spoof the sections triage parses or break out of the layout', () => {
    const out = neutraliseMarkdown('### 问题分类\n\n其他\n> 引用\n- 列表\n1. 编号\n---\n```json opinion\n{}\n```\n| a | b |');
    const lines = out.split('\n');
    expect(lines[0]).toBe('\\### 问题分类');
    expect(out).not.toMatch(/^#/m);
    expect(out).not.toMatch(/^>/m);
    expect(out).not.toMatch(/^-/m);
    expect(out).not.toMatch(/^\d+\./m);
    expect(out).not.toContain('```');
    expect(out).toContain('\\| a \\| b \\|');
  });

  it('strips bidi overrides and zero-width characters, keeping line breaks', () => {
    expect(neutraliseMarkdown('a\u202Eb\u200Bc\r\nd')).toBe('abc\nd');
  });

  it('keeps table cells on one line and titles free of mentions and references', () => {
    expect(neutraliseInline('第一行\n第二行 | @x')).toBe('第一行 第二行 \\| ＠x');
    const title = neutraliseTitle('@octocat 请看 #12 和 GH-3 `code`\n第二行');
    expect(title).not.toMatch(mention);
    expect(title).not.toMatch(issueRef);
    expect(title).not.toContain('\n');
    expect(title).not.toContain('`');
    expect([...neutraliseTitle('长'.repeat(300))]).toHaveLength(120);
  });
});
