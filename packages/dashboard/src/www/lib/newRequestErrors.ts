import type { FieldError } from '@mixpanel-gdpr/service-client';
import { fieldOf } from './fieldOf.js';

export const FORM_FIELDS = [
  'ticket',
  'kind',
  'regulation',
  'disclosureType',
  'receivedAt',
  'projects',
  'distinctIds',
] as const;
export type FormField = (typeof FORM_FIELDS)[number];
export type FormErrors = Partial<Record<FormField, string[]>>;

/** What the spec's patterns mean, said plainly (a schema's "must match pattern …" helps nobody at a form). */
const PATTERN_MEANING: Partial<Record<FormField, string>> = {
  ticket: 'must be printable text without spaces at either end',
  distinctIds: 'must be at most 255 characters, not only spaces, with no control characters',
  projects: 'must be a configured project name',
};

/**
 * The service's field errors placed at the form's fields. An id is named by
 * its line in the text box (`lines[i]` is the line of the i-th id sent);
 * errors about no field of the form go to `other`, for the summary.
 */
export function newRequestErrors(
  errors: readonly FieldError[],
  lines: readonly number[],
): { byField: FormErrors; other: string[] } {
  const byField: FormErrors = {};
  const other: string[] = [];
  for (const error of errors) {
    const { name, index } = fieldOf(error.field);
    const field = FORM_FIELDS.find((f) => f === name);
    if (!field) {
      other.push(error.message);
      continue;
    }
    const where = index === undefined ? '' : field === 'distinctIds' ? `Line ${lines[index] ?? index + 1}: ` : '';
    const message = where + plain(field, error.message);
    // An empty ticket also breaks its pattern: one message says it.
    if (!byField[field]?.includes(message)) (byField[field] ??= []).push(message);
  }
  for (const field of FORM_FIELDS) {
    const messages = byField[field];
    if (messages?.includes('Is required')) byField[field] = ['Is required'];
  }
  return { byField, other };
}

/** What an empty field is told (the schema says `must NOT have fewer than 1 …`). */
const EMPTY_MEANING: Partial<Record<FormField, string>> = {
  ticket: 'is required',
  projects: 'choose at least one project',
  distinctIds: 'enter at least one distinct id',
};

/** The message without the field's own name in front (it sits next to the field) and with the schema's words explained. */
function plain(field: FormField, message: string): string {
  const text = message.replace(/^\/?[\w$]+(?:\[\d+\]|\/\d+)?\s+/, '');
  const said =
    /^must match pattern/.test(text) && PATTERN_MEANING[field]
      ? PATTERN_MEANING[field]
      : /^must NOT have fewer than 1 (characters|items)/.test(text) && EMPTY_MEANING[field]
        ? EMPTY_MEANING[field]
        : text;
  return said.charAt(0).toUpperCase() + said.slice(1);
}
