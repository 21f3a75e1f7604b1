/**
 * The grouping code list in force (a bureau's CHS-DRG 2.0 ADRG/DRG list, TSV `code<TAB>name`).
 * Pure: parse text, look codes up, suggest the nearest known code for a mistyped one. The list is
 * configuration (bureau.json `codeListPath`), never bundled: ../shared/data/chs-drg-2.0/README.md.
 */

export interface CodeList {
  /** Number of codes. */
  size: number;
  /** The name of a known code, or undefined. A DRG (`FM19`) is known when its ADRG (`FM1`) is. */
  name(code: string): string | undefined;
  has(code: string): boolean;
  /** The closest known codes (edit distance, then shared prefix), best first. */
  nearest(code: string, limit?: number): { code: string; name: string; distance: number }[];
}

export function parseCodeList(tsv: string): CodeList {
  const names = new Map<string, string>();
  for (const line of tsv.split(/\r?\n/)) {
    const [code, name] = line.split('\t');
    if (!code || !name || code === 'code') continue;
    names.set(code.trim().toUpperCase(), name.trim());
  }
  const lookup = (code: string) => {
    const c = code.toUpperCase();
    if (names.has(c)) return names.get(c);
    // DRG = ADRG + one digit (1/3/5/9); the ADRG list names the core group.
    if (/^[A-Z]{2}\d[1-9]$/.test(c) && names.has(c.slice(0, 3))) return names.get(c.slice(0, 3));
    return undefined;
  };
  return {
    size: names.size,
    name: lookup,
    has: (code) => lookup(code) !== undefined,
    nearest(code, limit = 3) {
      const c = code.toUpperCase();
      const target = /^[A-Z]{2}\d[1-9]$/.test(c) ? c.slice(0, 3) : c;
      return [...names]
        .map(([k, name]) => ({ code: k, name, distance: editDistance(target, k) }))
        .sort((a, b) => a.distance - b.distance || sharedPrefix(b.code, target) - sharedPrefix(a.code, target) || a.code.localeCompare(b.code))
        .slice(0, limit);
    },
  };
}

function sharedPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
