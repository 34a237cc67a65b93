// Changes the logged-in user's own password. Requires the current password; ends every session
// of the user (a thief's included) and starts a fresh one for this browser.
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema.js';
import type { FieldErrors } from '../../lib/forms.js';
import { actorOf } from '../audit/actor.js';
import { recordAudit } from '../audit/audit-log.js';
import { hashPassword, passwordProblem, verifyPassword } from '../auth/passwords.js';
import { createSession, invalidateUserSessions, type SessionUser } from '../auth/sessions.js';

export type ChangePasswordResult =
  | { ok: true; token: string; expiresAt: number }
  | { ok: false; errors: FieldErrors };

export async function changePassword(
  db: Db,
  user: SessionUser,
  input: { currentPassword: string; newPassword: string; confirmPassword: string },
  now: Date,
): Promise<ChangePasswordResult> {
  const errors: FieldErrors = {};
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    errors.currentPassword = 'That is not your current password.';
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
    const { token, session } = createSession(tx, user.id, now.getTime());
    recordAudit(tx, {
      actor: actorOf(user),
      action: 'account.password_change',
      subjectType: 'user',
      subjectId: user.id,
      at: now,
    });
    return { ok: true as const, token, expiresAt: session.expiresAt };
  });
}
