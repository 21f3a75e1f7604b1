/**
 * Ids and lookups shared by the form components and the browser script: one input name (the API's dotted path)
 * → one element id, one error id, one hint id. The error summary links to `#<id>`.
 */
import type { FieldError } from '../../../schemas/submission.ts';

export const fieldId = (name: string) => `f-${name.replace(/\./g, '-')}`;
export const errorId = (name: string) => `${fieldId(name)}-error`;
export const hintId = (name: string) => `${fieldId(name)}-hint`;

/** Where the summary link for an error goes: radios link to their first option. */
export function errorTarget(field: string, firstOption: Record<string, string>): string {
  return firstOption[field] ? `${fieldId(field)}-${firstOption[field]}` : fieldId(field);
}

export interface FormState {
  /** Posted values by input name. */
  values: Record<string, string>;
  /** Errors by field path. */
  errors: Map<string, string>;
}

export function errorMap(errors: FieldError[]): Map<string, string> {
  return new Map(errors.map((e) => [e.field, e.message]));
}

/** aria-describedby for a field: its hint and/or its error. */
export function describedBy(name: string, hasHint: boolean, hasError: boolean): string | undefined {
  const ids = [hasHint && hintId(name), hasError && errorId(name)].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}
