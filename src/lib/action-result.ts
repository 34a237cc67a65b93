// What every action reports: done (with a value), invalid input (422, a message per field), or
// refused in the current state (a status and one full sentence saying why). Actions never throw
// for these and know nothing of HTTP; `answer()` in plugins/answer.ts turns a result into a reply.
import type { FieldErrors } from './forms.js';

export type RefusalStatus = 401 | 403 | 404 | 409 | 429 | 503;

export interface Done<T> {
  ok: true;
  value: T;
}

export interface Invalid {
  ok: false;
  status: 422;
  errors: FieldErrors;
}

export interface Refused {
  ok: false;
  status: RefusalStatus;
  message: string;
  /** For 429: when the action may be tried again. */
  retryAfterSeconds?: number;
  /** Where to go from here, when the user may (their own nomination that blocks a second one). */
  link?: { href: string; text: string };
}

export type ActionResult<T> = Done<T> | Invalid | Refused;

export const ok = <T>(value: T): Done<T> => ({ ok: true, value });

export const invalid = (errors: FieldErrors): Invalid => ({ ok: false, status: 422, errors });

export const refused = (
  status: RefusalStatus,
  message: string,
  extra: { retryAfterSeconds?: number; link?: { href: string; text: string } } = {},
): Refused => ({ ok: false, status, message, ...extra });

export function isRefused<T>(result: ActionResult<T>): result is Refused {
  return !result.ok && result.status !== 422;
}
