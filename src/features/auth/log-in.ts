// Logs a user in: checks the throttle, the password, then starts a brand-new session (a session
// planted before login never survives) and hands the browser a device cookie for the account.
// Anyone may try. Refuses with one generic message whether or not the account exists (401), and
// pauses after too many failures (429).
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { parseForm, plainString } from '../../lib/forms.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { issueDeviceCookie, trustedDeviceId } from './device-cookie.js';
import { beginLoginAttempt, forgetLoginAttempt, throttledMessage } from './login-throttle.js';
import { verifyAgainstDecoy, verifyPassword } from './passwords.js';
import { createSession, deleteExpiredSessions, invalidateSession } from './sessions.js';

export const loginForm = z.object({
  email: plainString('Enter your e-mail address.')
    .trim()
    .min(1, 'Enter your e-mail address.')
    .max(254, 'That e-mail address is too long.'),
  password: plainString('Enter your password.')
    .min(1, 'Enter your password.')
    .max(1024, 'That password is too long.'),
});

export const WRONG_CREDENTIALS =
  'That e-mail address and password do not match an account. Check both and try again.';

export interface LogInContext {
  clientAddress: string;
  /** The browser's device cookie, if it sent one. */
  deviceCookie: string | undefined;
  deviceKey: Buffer;
  previousSessionId: string | null;
}

export async function logIn(
  db: Db,
  input: unknown,
  context: LogInContext,
  now: Date,
): Promise<ActionResult<{ token: string; deviceCookie: string }>> {
  const form = parseForm(loginForm, input);
  if (!form.ok) return invalid(form.errors);
  const email = form.data.email.toLowerCase();
  const device = trustedDeviceId(context.deviceKey, context.deviceCookie, email);

  const attempt = beginLoginAttempt(
    db,
    { email, clientAddress: context.clientAddress, device },
    now.getTime(),
  );
  if (!attempt.allowed) {
    return refused(429, throttledMessage(attempt.retryAfterSeconds), {
      retryAfterSeconds: attempt.retryAfterSeconds,
    });
  }

  const user = db.select().from(users).where(eq(users.email, email)).get();
  const passwordMatches =
    user?.passwordHash && !user.disabled
      ? await verifyPassword(user.passwordHash, form.data.password)
      : await verifyAgainstDecoy(form.data.password);
  if (!user || !passwordMatches) return refused(401, WRONG_CREDENTIALS);

  return db.transaction((tx) => {
    // The account as it is now: disabled, or its password changed, while argon2 was running.
    const current = tx.select().from(users).where(eq(users.id, user.id)).get();
    if (!current || current.disabled || current.passwordHash !== user.passwordHash) {
      return refused(401, WRONG_CREDENTIALS);
    }
    forgetLoginAttempt(tx, attempt.attemptId);
    // Sessions end lazily when used; abandoned ones are swept here, at a moment that is rare.
    deleteExpiredSessions(tx, now.getTime());
    if (context.previousSessionId) invalidateSession(tx, context.previousSessionId);
    const { token } = createSession(tx, user.id, now.getTime());
    recordAudit(tx, {
      actor: actorOf(user),
      action: 'auth.login',
      subjectType: 'user',
      subjectId: user.id,
      at: now,
    });
    return ok({ token, deviceCookie: issueDeviceCookie(context.deviceKey, email) });
  });
}
