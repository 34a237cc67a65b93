// Activates an invited account: sets the password chosen through the mailed link, uses the link
// up and logs the person in. Anyone holding a valid link may. Refuses a weak or mismatched
// password (422) and an unknown, used or expired link (404) — of two posts racing, only one wins.
import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { invitations, users } from '../../db/schema.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { parseForm, plainString } from '../../lib/forms.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { hashPassword, passwordProblem } from '../auth/passwords.js';
import { createSession, invalidateSession } from '../auth/sessions.js';
import { findUsableInvitation, hashInvitationToken, revokeOpenInvitations } from './invitation-token.js';

const setPasswordForm = z
  .object({
    password: plainString('Choose a password.').min(1, 'Choose a password.'),
    confirmPassword: plainString('Type the password again.'),
  })
  .superRefine((form, context) => {
    const problem = passwordProblem(form.password);
    if (problem) context.addIssue({ code: 'custom', path: ['password'], message: problem });
    if (form.confirmPassword !== form.password)
      context.addIssue({
        code: 'custom',
        path: ['confirmPassword'],
        message: 'The two passwords do not match.',
      });
  });

export const INVALID_LINK = 'This invitation link is not valid: it is unknown, used, replaced or expired.';

export async function acceptInvitation(
  db: Db,
  token: string,
  input: unknown,
  options: { previousSessionId: string | null; now: Date },
): Promise<ActionResult<{ token: string; displayName: string }>> {
  const { now } = options;
  if (!findUsableInvitation(db, token, now)) return refused(404, INVALID_LINK);
  const form = parseForm(setPasswordForm, input);
  if (!form.ok) return invalid(form.errors);

  // Hash before the transaction: better-sqlite3 transactions are synchronous.
  const passwordHash = await hashPassword(form.data.password);
  const nowIso = now.toISOString();
  return db.transaction((tx) => {
    // The guarded update is the check: it claims the link only if it is still unused, unexpired,
    // and its account enabled and without a password. Of two racing posts, one claims nothing.
    const claimed = tx
      .update(invitations)
      .set({ usedAt: nowIso })
      .where(
        and(
          eq(invitations.tokenHash, hashInvitationToken(token)),
          isNull(invitations.usedAt),
          gt(invitations.expiresAt, nowIso),
          inArray(
            invitations.userId,
            tx
              .select({ id: users.id })
              .from(users)
              .where(and(eq(users.disabled, false), isNull(users.passwordHash))),
          ),
        ),
      )
      .returning({ invitationId: invitations.id, userId: invitations.userId })
      .get();
    if (!claimed) return refused(404, INVALID_LINK);
    const user = tx.select().from(users).where(eq(users.id, claimed.userId)).get()!;
    tx.update(users).set({ passwordHash }).where(eq(users.id, user.id)).run();
    revokeOpenInvitations(tx, user.id, now);
    if (options.previousSessionId) invalidateSession(tx, options.previousSessionId);
    const { token: sessionToken } = createSession(tx, user.id, now.getTime());
    recordAudit(tx, {
      actor: actorOf(user),
      action: 'account.activate',
      subjectType: 'user',
      subjectId: user.id,
      details: { invitationId: claimed.invitationId },
      at: now,
    });
    return ok({ token: sessionToken, displayName: user.displayName });
  });
}
