// What an action reports: done, invalid input (422, a message per field), or refused in its
// current state (404/409, one full sentence). The route only decides how to answer.
import type { FieldErrors } from './forms.js';

export type ActionResult<T> =
  | { ok: true; value: T }
  | { ok: false; status: 422; errors: FieldErrors }
  | { ok: false; status: 404 | 409; message: string };

export const done = <T>(value: T): ActionResult<T> => ({ ok: true, value });
export const invalid = (errors: FieldErrors): { ok: false; status: 422; errors: FieldErrors } => ({
  ok: false,
  status: 422,
  errors,
});
export const refused = (
  status: 404 | 409,
  message: string,
): { ok: false; status: 404 | 409; message: string } => ({ ok: false, status, message });
