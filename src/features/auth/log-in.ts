// Logs a user in: checks the throttle, the password, then starts a brand-new session (a session
// planted before login never survives). Refuses with one generic message whether or not the
// account exists, and a cool-down (429) after too many failures.
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema.js';
import { actorOf } from '../audit/actor.js';
import { recordAudit } from '../audit/audit-log.js';
import { checkLoginThrottle, forgetLoginAttempt, recordLoginAttempt } from './login-throttle.js';
import { verifyAgainstDecoy, verifyPassword } from './passwords.js';
import { createSession, deleteExpiredSessions, invalidateSession } from './sessions.js';

export type LogInResult =
  | { ok: true; token: string }
  | { ok: false; reason: 'wrong_credentials' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export async function logIn(
  db: Db,
  input: { email: string; password: string; clientAddress: string; previousSessionId: string | null },
  now: Date,
): Promise<LogInResult> {
  const email = input.email.trim().toLowerCase();
  const throttle = checkLoginThrottle(db, email, input.clientAddress, now.getTime());
  if (!throttle.allowed)
    return { ok: false, reason: 'throttled', retryAfterSeconds: throttle.retryAfterSeconds };

  const attemptId = recordLoginAttempt(db, email, input.clientAddress, now.getTime());

  const user = db.select().from(users).where(eq(users.email, email)).get();
  const passwordMatches =
    user?.passwordHash && !user.disabled
      ? await verifyPassword(user.passwordHash, input.password)
      : await verifyAgainstDecoy(input.password);
  if (!user || !passwordMatches) return { ok: false, reason: 'wrong_credentials' };

  return db.transaction((tx) => {
    forgetLoginAttempt(tx, attemptId);
    // Sessions end lazily when used; abandoned ones are swept here, at a moment that is rare.
    deleteExpiredSessions(tx, now.getTime());
    if (input.previousSessionId) invalidateSession(tx, input.previousSessionId);
    const { token } = createSession(tx, user.id, now.getTime());
    recordAudit(tx, {
      actor: actorOf(user),
      action: 'auth.login',
      subjectType: 'user',
      subjectId: user.id,
      at: now,
    });
    return { ok: true as const, token };
  });
}
