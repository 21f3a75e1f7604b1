/**
 * A submission as it may leave the bureau's server: every free-text field redacted (scripts/lib/redact.ts), the
 * submitter's own name and contact masked wherever they were typed, the name and contact fields themselves replaced
 * by marks. Issue 12: the tracker is GitHub, outside China, and 《个人信息保护法》第三十六条 keeps personal
 * information processed by state organs inside China; a hospital's opinion carried a patient's name, a 住院号, an
 * ID-card number and a colleague's mobile in the case examples, the ambiguous-group reason and the cost field, and
 * only the title and details were redacted.
 *
 * Driven by the schema, not by a list of fields: it walks the value alongside the schema and redacts every string
 * except those whose field carries the `verbatim` role in schemas/submission.ts (codes, enums, references). A string
 * field added later is redacted without touching this file, and one added with no role at all is redacted too.
 */
import type { z } from 'zod';
import { contactKind, fieldRoles, submissionSchema, type FieldRole, type Submission } from '../../../schemas/submission.ts';
import { redact, redactionMarks, type RedactionKind } from '../redact.ts';

export interface RedactSubmissionOptions {
  /** Published contacts of the bureau itself (phone, mailbox) that may stay in the text (bureau.json `contact`). */
  keep?: string[];
  /**
   * More of the submitter's own values to mask wherever typed, besides the submission's `personal` fields
   * (submitterName, contact), which are always masked.
   */
  ownValues?: string[];
  /** The schema the submission was parsed with (tests pass an extended one). */
  schema?: z.ZodType;
}

export interface SubmissionRedaction {
  /** The submission with personal data replaced by 【已隐去…】 marks; `personal` fields are marks only. */
  redacted: Submission;
  /**
   * Free-text fields where something was hidden, as dotted paths (`cases.0.mainDiagnosis.name`), with the kinds
   * hidden, never the values: the submitter's own values first, then what redact.ts found, each in order of
   * appearance, each kind once. Empty when nothing was. The `personal` fields are not listed: they are always
   * replaced.
   */
  found: { field: string; kinds: RedactionKind[] }[];
}

/** The mark a value of the submitter's own gets: how the public site marks a mailbox, a phone or a name. */
function ownMark(value: string): { mark: string; kind: RedactionKind } {
  const kind = contactKind(value);
  if (kind === 'email') return { mark: redactionMarks.email, kind: 'email' };
  if (kind) return { mark: redactionMarks.phone, kind: 'phone' };
  return { mark: redactionMarks.name, kind: 'name' };
}

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; out?: z.ZodType; element?: z.ZodType; shape?: Record<string, z.ZodType>; getter?: () => z.ZodType };
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Wrappers around a field's own schema: their inner schema, or undefined when `s` is no wrapper. */
function inner(s: z.ZodType): z.ZodType | undefined {
  const def = defOf(s);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return def.innerType;
    case 'pipe':
      // z.preprocess(f, schema) is pipe(transform, schema); schema.transform(f) is pipe(schema, transform).
      return defOf(def.in!).type === 'transform' ? def.out : def.in;
    case 'lazy':
      return def.getter!();
    default:
      return undefined;
  }
}

/** A field's role (the outermost one registered) and its schema with the wrappers removed. */
function unwrap(schema: z.ZodType | undefined): { role?: FieldRole; core?: z.ZodType } {
  let role: FieldRole | undefined;
  let s = schema;
  for (let depth = 0; s && depth < 20; depth++) {
    role ??= fieldRoles.get(s)?.role;
    const next = inner(s);
    if (!next) break;
    s = next;
  }
  return { role, core: s };
}

/** Every string field of a schema with its role, arrays as `*` (`cases.*.mainDiagnosis.name`). */
export function stringFields(schema: z.ZodType = submissionSchema): { field: string; role?: FieldRole }[] {
  const out: { field: string; role?: FieldRole }[] = [];
  const visit = (s: z.ZodType, path: string[], outerRole?: FieldRole) => {
    const { role, core } = unwrap(s);
    if (!core) return;
    const def = defOf(core);
    if (def.type === 'object') for (const [k, v] of Object.entries(def.shape!)) visit(v, [...path, k]);
    else if (def.type === 'array') visit(def.element!, [...path, '*'], role ?? outerRole);
    else if (def.type === 'string' || def.type === 'enum' || def.type === 'literal') out.push({ field: path.join('.'), role: role ?? outerRole });
  };
  visit(schema, []);
  return out;
}

/**
 * Redacts every free-text field of a parsed submission; see the file comment. Pure: the submission is not changed.
 */
export function redactSubmission(submission: Submission, opts: RedactSubmissionOptions = {}): SubmissionRedaction {
  const schema = opts.schema ?? submissionSchema;
  const found: SubmissionRedaction['found'] = [];

  // The submitter's own values: the `personal` fields of this submission plus any given. Longest first, so a full
  // name is masked before a part of it; one-character values would mask ordinary words.
  const personal: string[] = [];
  mapStrings(schema, submission, (role, value) => {
    if (role === 'personal') personal.push(value);
    return value;
  });
  const own = [...new Set([...personal, ...(opts.ownValues ?? [])].map((v) => v.trim()).filter((v) => v.length >= 2))]
    .sort((a, b) => b.length - a.length)
    .map((value) => ({ value, ...ownMark(value) }));

  const redactString = (text: string, field: string): string => {
    const ownFound: { at: number; kind: RedactionKind }[] = [];
    let masked = text;
    for (const o of own) {
      if (!masked.includes(o.value)) continue;
      ownFound.push({ at: text.indexOf(o.value), kind: o.kind });
      masked = masked.split(o.value).join(o.mark);
    }
    const r = redact(masked, { keep: opts.keep });
    const kinds = [...ownFound.sort((a, b) => a.at - b.at).map((o) => o.kind), ...r.removed];
    if (kinds.length) found.push({ field, kinds: [...new Set(kinds)] });
    return r.text;
  };

  const redacted = mapStrings(schema, submission, (role, value, path) => {
    if (role === 'verbatim') return value;
    if (role === 'personal') return ownMark(value).mark;
    return redactString(value, path);
  });
  return { redacted: redacted as Submission, found };
}

/**
 * A copy of `value` with every string replaced by `f(role, string, dotted path)`, walked alongside `schema`: the
 * role is the field's own or, for list items, the list's. Keys the schema does not know have no role.
 */
function mapStrings(
  schema: z.ZodType | undefined,
  value: unknown,
  f: (role: FieldRole | undefined, value: string, path: string) => string,
  path = '',
  inherited?: FieldRole,
): unknown {
  const { role: own, core } = unwrap(schema);
  const role = own ?? inherited;
  if (typeof value === 'string') return f(role, value, path);
  const def = core ? defOf(core) : undefined;
  const at = (k: string) => (path ? `${path}.${k}` : k);
  if (Array.isArray(value)) {
    return value.map((v, i) => mapStrings(def?.type === 'array' ? def.element : undefined, v, f, at(String(i)), role));
  }
  if (value && typeof value === 'object') {
    const shape = def?.type === 'object' ? def.shape! : {};
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(shape[k], v, f, at(k))]));
  }
  return value;
}
