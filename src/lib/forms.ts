// One zod schema per form; this turns its verdict into per-field messages the templates show
// beside each field, with the input kept as typed.
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;
export type FormValues = Record<string, unknown>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors; values: FormValues };

/** A body that is not a form (JSON, nothing) is treated as an empty form: 422, never 500. */
export function formBody(body: unknown): FormValues {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as FormValues) : {};
}

export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const values = formBody(body);
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= issue.message;
  }
  return { ok: false, errors, values };
}

/** Repeated form fields arrive as a string or an array; this always gives an array. */
export function asList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String);
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
