// Changes the logged-in user's own password. Requires the current password (its guesses count
// towards the same throttle as logins, so a stolen session cannot try passwords freely); ends
// every session of the user (a thief's included) and starts a fresh one for this browser.
// Refuses a wrong current password or a weak new one (422), too many guesses (429), and a
// password changed elsewhere while this one was being checked (409).
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { type FieldErrors, parseForm, plainString } from '../../lib/forms.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { trustedDeviceId } from '../auth/device-cookie.js';
import { beginLoginAttempt, forgetLoginAttempt, throttledMessage } from '../auth/login-throttle.js';
import { hashPassword, passwordProblem, verifyPassword } from '../auth/passwords.js';
import type { Viewer } from '../auth/permissions.js';
import { createSession, invalidateUserSessions } from '../auth/sessions.js';

const changePasswordForm = z.object({
  currentPassword: plainString('Enter your current password.').min(1, 'Enter your current password.'),
  newPassword: plainString('Choose a new password.').min(1, 'Choose a new password.'),
  confirmPassword: plainString('Type the new password again.'),
});

export interface ChangePasswordContext {
  clientAddress: string;
  deviceCookie: string | undefined;
  deviceKey: Buffer;
}

export async function changePassword(
  db: Db,
  input: unknown,
  viewer: Viewer,
  context: ChangePasswordContext,
  now: Date,
): Promise<ActionResult<{ token: string }>> {
  const form = parseForm(changePasswordForm, input);
  if (!form.ok) return invalid(form.errors);
  const { currentPassword, newPassword, confirmPassword } = form.data;

  const device = trustedDeviceId(context.deviceKey, context.deviceCookie, viewer.email);
  const attempt = beginLoginAttempt(
    db,
    { email: viewer.email, clientAddress: context.clientAddress, device },
    now.getTime(),
  );
  if (!attempt.allowed) {
    return refused(429, throttledMessage(attempt.retryAfterSeconds), {
      retryAfterSeconds: attempt.retryAfterSeconds,
    });
  }
  const verifiedHash = db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, viewer.id))
    .get()?.passwordHash;
  const errors: FieldErrors = {};
  if (!verifiedHash || !(await verifyPassword(verifiedHash, currentPassword))) {
    errors.currentPassword = 'That is not your current password.';
  } else {
    forgetLoginAttempt(db, attempt.attemptId);
  }
  const problem = passwordProblem(newPassword);
  if (problem) errors.newPassword = problem;
  else if (newPassword === currentPassword)
    errors.newPassword = 'Choose a password different from the current one.';
  if (confirmPassword !== newPassword) errors.confirmPassword = 'The two new passwords do not match.';
  if (Object.keys(errors).length > 0) return invalid(errors);

  // Hash before the transaction: better-sqlite3 transactions are synchronous.
  const passwordHash = await hashPassword(newPassword);
  return db.transaction((tx) => {
    const current = tx.select().from(users).where(eq(users.id, viewer.id)).get();
    // The password verified above must still be the one in force: another session may have
    // changed it while argon2 was running, and that change must not be silently overwritten.
    if (!current || current.disabled || current.passwordHash !== verifiedHash) {
      return refused(
        409,
        'Your password was changed a moment ago in another session, so this change was not made. Log in again with the new password.',
      );
    }
    tx.update(users).set({ passwordHash }).where(eq(users.id, viewer.id)).run();
    invalidateUserSessions(tx, viewer.id);
    const { token } = createSession(tx, viewer.id, now.getTime());
    recordAudit(tx, {
      actor: actorOf(viewer),
      action: 'account.password_change',
      subjectType: 'user',
      subjectId: viewer.id,
      at: now,
    });
    return ok({ token });
  });
}
