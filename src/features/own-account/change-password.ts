// Changes the logged-in user's own password. Requires the current password (its guesses count
// towards the same throttle as logins, so a stolen session cannot try passwords freely); ends
// every session of the user (a thief's included) and starts a fresh one for this browser.
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema.js';
import type { FieldErrors } from '../../lib/forms.js';
import { actorOf } from '../audit/actor.js';
import { recordAudit } from '../audit/audit-log.js';
import { checkLoginThrottle, forgetLoginAttempt, recordLoginAttempt } from '../auth/login-throttle.js';
import { hashPassword, passwordProblem, verifyPassword } from '../auth/passwords.js';
import { createSession, invalidateUserSessions, type SessionUser } from '../auth/sessions.js';

export type ChangePasswordResult =
  | { ok: true; token: string }
  | { ok: false; errors: FieldErrors }
  | { ok: false; throttled: true; retryAfterSeconds: number };

export async function changePassword(
  db: Db,
  user: SessionUser,
  input: { currentPassword: string; newPassword: string; confirmPassword: string; clientAddress: string },
  now: Date,
): Promise<ChangePasswordResult> {
  const throttle = checkLoginThrottle(db, user.email, input.clientAddress, now.getTime());
  if (!throttle.allowed) return { ok: false, throttled: true, retryAfterSeconds: throttle.retryAfterSeconds };
  const attemptId = recordLoginAttempt(db, user.email, input.clientAddress, now.getTime());
  const errors: FieldErrors = {};
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    errors.currentPassword = 'That is not your current password.';
  } else {
    forgetLoginAttempt(db, attemptId);
  }
  const problem = passwordProblem(input.newPassword);
  if (problem) errors.newPassword = problem;
  else if (input.newPassword === input.currentPassword)
    errors.newPassword = 'Choose a password different from the current one.';
  if (input.confirmPassword !== input.newPassword)
    errors.confirmPassword = 'The two new passwords do not match.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  // Hash before the transaction: better-sqlite3 transactions are synchronous.
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction((tx) => {
    tx.update(users).set({ passwordHash }).where(eq(users.id, user.id)).run();
    invalidateUserSessions(tx, user.id);
    const { token } = createSession(tx, user.id, now.getTime());
    recordAudit(tx, {
      actor: actorOf(user),
      action: 'account.password_change',
      subjectType: 'user',
      subjectId: user.id,
      at: now,
    });
    return { ok: true as const, token };
  });
}
