// Sends a new invitation link to an account that has not set its password yet (say, because the
// first link expired); every earlier unused link of the account stops working. Who may: the
// secretariat. Refuses an unknown account (404), and an active or disabled one (409).
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { cities, users } from '../../db/schema.js';
import { type ActionResult, ok, refused } from '../../lib/action-result.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { issueInvitation } from './issue-invitation.js';

export function resendInvitation(
  db: Db,
  userId: number,
  invitedBy: Viewer,
  options: { publicOrigin: string; now: Date },
): ActionResult<{ email: string; expiresAt: string }> {
  if (!permissions.manageAccounts(invitedBy)) return refused(403, 'Only the secretariat sends invitations.');
  return db.transaction((tx) => {
    const invitee = tx
      .select({
        id: users.id,
        email: users.email,
        displayName: users.displayName,
        role: users.role,
        disabled: users.disabled,
        passwordHash: users.passwordHash,
        cityName: cities.name,
        partnerOrganisation: users.partnerOrganisation,
      })
      .from(users)
      .leftJoin(cities, eq(cities.id, users.cityId))
      .where(eq(users.id, userId))
      .get();
    if (!invitee) return refused(404, `There is no account ${userId}.`);
    if (invitee.disabled) {
      return refused(
        409,
        `Cannot re-send an invitation to ${invitee.email}, because the account is disabled.`,
      );
    }
    if (invitee.passwordHash !== null) {
      return refused(
        409,
        `Cannot re-send an invitation to ${invitee.email}, because the account has already set its password.`,
      );
    }
    const issued = issueInvitation(tx, {
      invitee: {
        id: invitee.id,
        email: invitee.email,
        displayName: invitee.displayName,
        role: invitee.role,
        representing: invitee.cityName ?? invitee.partnerOrganisation,
      },
      invitedBy,
      publicOrigin: options.publicOrigin,
      now: options.now,
    });
    recordAudit(tx, {
      actor: actorOf(invitedBy),
      action: 'account.reinvite',
      subjectType: 'user',
      subjectId: invitee.id,
      details: { email: invitee.email, invitationId: issued.invitationId, expiresAt: issued.expiresAt },
      at: options.now,
    });
    return ok({ email: invitee.email, expiresAt: issued.expiresAt });
  });
}
