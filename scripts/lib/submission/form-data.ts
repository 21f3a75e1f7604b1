/**
 * Form posts → the JSON shape of the API. Input names are the dotted paths the API uses for errors
 * (`cases.0.mainDiagnosis.code`), so one name identifies a field everywhere: the input, its error, the summary
 * link. Only plain identifiers and small indexes are accepted as path segments (no `__proto__` games).
 */

/** Fields that carry the request, not the opinion. */
export const transportFields = {
  /** Idempotency key rendered into the form (and kept by the draft). */
  idempotencyKey: 'idempotencyKey',
  /** Signed time the form was served (minimum fill time). */
  formToken: 'formToken',
  /** Honeypot: hidden from people, filled in by naive bots. */
  honeypot: 'website',
  /** Token from the optional CAPTCHA widget. */
  captchaToken: 'captchaToken',
  /** Which button was pressed (`add-case` adds a case row without JavaScript). */
  action: 'action',
} as const;
const transportNames = new Set<string>(Object.values(transportFields));

const identifier = /^[a-zA-Z][a-zA-Z0-9]{0,40}$/;
const index = /^\d{1,2}$/;

/** Flat `name → value` pairs (last one wins; empty names and odd paths are ignored). */
export function flatValues(pairs: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [name, value] of pairs) {
    if (name.split('.').every((s, i) => (i === 0 ? identifier.test(s) : identifier.test(s) || index.test(s)))) out[name] = value;
  }
  return out;
}

/** Nested submission input from flat values; transport fields are left out. */
export function nestValues(flat: Record<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(flat)) {
    if (transportNames.has(name)) continue;
    const path = name.split('.');
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < path.length; i++) {
      const key = path[i];
      const last = i === path.length - 1;
      const nextIsIndex = !last && index.test(path[i + 1]);
      if (Array.isArray(node)) {
        if (!index.test(key)) break;
        const k = Number(key);
        if (last) node[k] = value;
        else node = (node[k] ??= nextIsIndex ? [] : {}) as Record<string, unknown> | unknown[];
      } else {
        if (index.test(key)) break;
        if (last) node[key] = value;
        else {
          const existing = Object.hasOwn(node, key) ? node[key] : undefined;
          if (existing !== undefined && typeof existing !== 'object') break;
          node = (node[key] = existing ?? (nextIsIndex ? [] : {})) as Record<string, unknown> | unknown[];
        }
      }
    }
  }
  // Holes left by skipped rows become empty rows, so error paths keep pointing at the row the person sees.
  for (const v of Object.values(root)) if (Array.isArray(v)) for (let i = 0; i < v.length; i++) v[i] ??= {};
  if (typeof root.publicConsent === 'string') root.publicConsent = /^(true|on|yes|1|是|同意)$/i.test(root.publicConsent.trim());
  return root;
}

/** How many case rows the form should show: the highest index posted, plus one if `add-case` was pressed. */
export function caseRowCount(flat: Record<string, string>, min = 1, max = 10): number {
  let n = 0;
  for (const name of Object.keys(flat)) {
    const m = /^cases\.(\d{1,2})\./.exec(name);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  if (flat[transportFields.action] === 'add-case') n += 1;
  return Math.min(max, Math.max(min, n));
}
