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

/** A local path to return to after login; anything else (another host, //evil) becomes '/'. */
export function safeLocalPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : '/';
}
