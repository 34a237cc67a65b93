// One zod schema per form, built from the fields below; parseForm turns its verdict into a
// message per field that the template shows beside it, with the input kept as typed.
// Every field insists on plain text: a form post can carry a file part or a repeated value where
// one line of text belongs, and that is refused beside the field (422), never read as
// '[object Object]' or as the first of several values.
import { z } from 'zod';
import { isIsoDate } from '../domain/dates.js';

export type FieldErrors = Record<string, string>;
export type FormValues = Record<string, unknown>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors; values: FormValues };

export const NOT_PLAIN_TEXT = 'Send this field once, as plain text.';

/** The body as a flat record; anything else (nothing at all, say) reads as an empty form. */
export function formBody(body: unknown): FormValues {
  return body && typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body)
    ? (body as FormValues)
    : {};
}

/**
 * The input as typed, to show the form again: text and lists of text are kept, anything else
 * (a file part where text belongs) shows as empty rather than as '[object Object]'.
 */
export function keptInput(body: unknown): FormValues {
  const kept: FormValues = {};
  for (const [name, value] of Object.entries(formBody(body))) {
    if (typeof value === 'string') kept[name] = value;
    else if (Array.isArray(value)) kept[name] = value.filter((item) => typeof item === 'string');
    else kept[name] = '';
  }
  return kept;
}

export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const values = formBody(body);
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, errors: fieldErrors(result.error), values };
}

export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= issue.message;
  }
  return errors;
}

/** A string, or the message for a value that is missing or is not one piece of plain text. */
export function plainString(missing: string) {
  return z.string({ error: (issue) => (issue.input === undefined ? missing : NOT_PLAIN_TEXT) });
}

/** Required text, trimmed. */
export function requiredText(missing: string, max: number) {
  return plainString(missing).trim().min(1, missing).max(max, `Use at most ${max} characters.`);
}

/** Optional text, trimmed; absent or blank gives ''. */
export function optionalText(max: number) {
  return z
    .string({ error: NOT_PLAIN_TEXT })
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .optional()
    .transform((value) => value ?? '');
}

/** A ticked checkbox sends 'on'; an unticked one sends nothing. */
export const checkbox = z
  .literal('on', { error: 'Tick the box, or leave it empty.' })
  .optional()
  .transform((value) => value === 'on');

/** A repeated field (checkboxes, a multiple select): one value arrives as a string, several as a list. */
export function list<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) => (value === undefined || value === '' ? [] : typeof value === 'string' ? [value] : value),
    z.array(item, { error: NOT_PLAIN_TEXT }),
  );
}

/** A calendar date typed as YYYY-MM-DD. */
export function isoDate(
  missing: string,
  malformed = 'Enter the date as YYYY-MM-DD, for example 2027-03-31.',
) {
  return plainString(missing).trim().min(1, missing).refine(isIsoDate, malformed);
}

/** A record's id in a form or a route: digits only. */
export function id(missing: string) {
  return plainString(missing)
    .trim()
    .regex(/^[1-9]\d{0,14}$/, missing)
    .transform(Number);
}

const blankAsMissing = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** A whole number in a range; a blank field is refused, never read as 0 (which would switch a rule off). */
export function wholeNumber(label: string, min: number, max: number) {
  const capital = `${label[0]!.toUpperCase()}${label.slice(1)}`;
  return z.preprocess(
    blankAsMissing,
    plainString(`Enter ${label} as a whole number.`)
      .regex(/^\s*-?\d{1,9}\s*$/, `Enter ${label} as a whole number.`)
      .transform(Number)
      .pipe(
        z
          .number()
          .min(min, `${capital} must be at least ${min}.`)
          .max(max, `${capital} must be at most ${max}.`),
      ),
  );
}

/** A record's id from the URL, or null when the URL names none. */
export function idFromPath(raw: string): number | null {
  return /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : null;
}

/** Several values where one is expected: the first one, for re-displaying a form only. */
export function firstValue(value: unknown): string {
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' ? one : '';
}

/**
 * A local path to return to after login; anything else becomes '/'. Browsers drop tabs and
 * newlines from URLs and read a backslash as a slash, so '/\t/evil.example' would leave the site:
 * the path is resolved against a dummy origin and must stay on it, with no control characters.
 */
export function safeLocalPath(value: unknown): string {
  const hasControlOrBackslash = (text: string) =>
    [...text].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f || ch === '\\');
  if (typeof value !== 'string' || !value.startsWith('/') || hasControlOrBackslash(value)) return '/';
  try {
    const base = 'http://local.invalid';
    const url = new URL(value, base);
    const path = `${url.pathname}${url.search}`;
    return url.origin === base && !path.startsWith('//') ? path : '/';
  } catch {
    return '/';
  }
}
