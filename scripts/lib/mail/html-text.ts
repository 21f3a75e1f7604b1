/**
 * HTML mail → plain text, for mail that has no text part. Parsed with linkedom (a DOM without a browser: it runs
 * no script and loads nothing, so a remote `<img>` — a read receipt or tracking pixel — is never fetched), then
 * walked with an explicit stack (deeply nested HTML cannot overflow the call stack). Scripts, styles, forms,
 * embedded objects and images are dropped; links keep their text only. Block elements and table rows become
 * lines and table cells become tab-separated cells, so a 意见建议表 pasted as an HTML table reads like a text one
 * (form-reader.ts).
 */
import { parseHTML } from 'linkedom';

/** HTML longer than this is cut before parsing: an opinion is at most a few thousand characters of text. */
export const maxHtmlChars = 2_000_000;

const dropped = new Set(['script', 'style', 'noscript', 'template', 'head', 'title', 'meta', 'link', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math', 'canvas', 'audio', 'video', 'img', 'picture', 'source', 'input', 'select', 'textarea', 'button']);
const blocks = new Set(['p', 'div', 'section', 'article', 'header', 'footer', 'main', 'aside', 'nav', 'blockquote', 'pre', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'hr', 'address', 'figure', 'figcaption', 'form', 'fieldset', 'center', 'body', 'html']);

interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}

export function htmlToText(html: string): string {
  const { document } = parseHTML(`<!doctype html><html><body>${html.slice(0, maxHtmlChars)}</body></html>`);
  // Lines are collected as an array (no re-scanning of the text written so far: linear in the HTML's size).
  const lines: string[] = [];
  let line = '';
  const endLine = () => {
    lines.push(line);
    line = '';
  };
  const endBlock = () => {
    if (line.trim() !== '') endLine();
  };
  // The stack holds nodes to enter and markers for what to write when leaving an element.
  type Item = { node: DomNode } | { leave: 'block' | 'cell' | 'none' };
  const stack: Item[] = [{ node: document.body as unknown as DomNode }];
  while (stack.length) {
    const item = stack.pop()!;
    if ('leave' in item) {
      if (item.leave === 'block') endBlock();
      else if (item.leave === 'cell') line += '\t';
      continue;
    }
    const node = item.node;
    if (node.nodeType === 3) {
      line += (node.textContent ?? '').replace(/\s+/g, ' ');
      continue;
    }
    if (node.nodeType !== 1) continue;
    const name = node.nodeName.toLowerCase();
    if (dropped.has(name)) continue;
    if (name === 'br') {
      endLine();
      continue;
    }
    const isBlock = blocks.has(name);
    if (isBlock) endBlock();
    stack.push({ leave: isBlock ? 'block' : name === 'td' || name === 'th' ? 'cell' : 'none' });
    const children = node.childNodes;
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] });
  }
  endLine();
  const out: string[] = [];
  for (const l of lines) {
    const t = l.trim();
    // At most one blank line in a row.
    if (t === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(t);
  }
  return out.join('\n').trim();
}
