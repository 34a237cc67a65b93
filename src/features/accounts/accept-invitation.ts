// Activates an invited account: sets the password chosen through the mailed link, uses the link
// up and logs the person in. Anyone holding a valid link may. Refuses a weak or mismatched
// password (422) and an unknown, used or expired link (404) — of two posts racing, only one wins.
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { invitations, users } from '../../db/schema.js';
import { type FieldErrors, formBody } from '../../lib/forms.js';
import { actorOf } from '../audit/actor.js';
import { recordAudit } from '../audit/audit-log.js';
import { hashPassword, passwordProblem } from '../auth/passwords.js';
import { createSession, invalidateSession } from '../auth/sessions.js';
import { findUsableInvitation, revokeOpenInvitations } from './invitation-token.js';

export type AcceptInvitationResult =
  | { ok: true; token: string; displayName: string }
  | { ok: false; reason: 'invalid_link' }
  | { ok: false; reason: 'invalid_password'; errors: FieldErrors };

export function setPasswordProblems(body: unknown): FieldErrors {
  const values = formBody(body);
  const password = typeof values.password === 'string' ? values.password : '';
  const confirmPassword = typeof values.confirmPassword === 'string' ? values.confirmPassword : '';
  const errors: FieldErrors = {};
  const problem = password === '' ? 'Choose a password.' : passwordProblem(password);
  if (problem) errors.password = problem;
  if (confirmPassword !== password) errors.confirmPassword = 'The two passwords do not match.';
  return errors;
}

export async function acceptInvitation(
  db: Db,
  token: string,
  body: unknown,
  options: { previousSessionId: string | null; now: Date },
): Promise<AcceptInvitationResult> {
  const { now } = options;
  if (!findUsableInvitation(db, token, now)) return { ok: false, reason: 'invalid_link' };
  const errors = setPasswordProblems(body);
  if (Object.keys(errors).length > 0) return { ok: false, reason: 'invalid_password', errors };

  // Hash before the transaction: better-sqlite3 transactions are synchronous.
  const passwordHash = await hashPassword(formBody(body).password as string);
  const nowIso = now.toISOString();
  return db.transaction((tx) => {
    // Checked again: the link may have been used or replaced while the password was hashing.
    const invitation = findUsableInvitation(tx, token, now);
    if (!invitation) return { ok: false as const, reason: 'invalid_link' as const };
    // The guarded update is what makes the link single-use: of two racing posts, one changes no row.
    const claimed = tx
      .update(invitations)
      .set({ usedAt: nowIso })
      .where(
        and(
          eq(invitations.id, invitation.invitationId),
          isNull(invitations.usedAt),
          gt(invitations.expiresAt, nowIso),
        ),
      )
      .run();
    if (claimed.changes !== 1) return { ok: false as const, reason: 'invalid_link' as const };
    tx.update(users).set({ passwordHash }).where(eq(users.id, invitation.userId)).run();
    revokeOpenInvitations(tx, invitation.userId, now);
    if (options.previousSessionId) invalidateSession(tx, options.previousSessionId);
    const { token: sessionToken } = createSession(tx, invitation.userId, now.getTime());
    recordAudit(tx, {
      actor: actorOf({ id: invitation.userId, email: invitation.email }),
      action: 'account.activate',
      subjectType: 'user',
      subjectId: invitation.userId,
      details: { invitationId: invitation.invitationId },
      at: now,
    });
    return {
      ok: true as const,
      token: sessionToken,
      displayName: invitation.displayName,
    };
  });
}
