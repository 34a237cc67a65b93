// Invites a nominator: creates the account without a password, for its city, and e-mails a
// single-use link to set one. Who may: the secretariat. Refuses invalid input
// and an e-mail address that already has an account (422, beside the field); stores nothing then.
import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { accountRequests, users } from '../../db/schema.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { parseForm } from '../../lib/forms.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { findOrCreateCity } from '../cities/find-or-create-city.js';
import { type InviteNominatorInput, inviteNominatorForm } from './account-forms.js';
import { type IssuedInvitation, issueInvitation } from './issue-invitation.js';

export function emailTakenMessage(email: string): string {
  return `An account for ${email} already exists.`;
}

export function accountExists(tx: Tx | Db, email: string): boolean {
  return Boolean(tx.select({ id: users.id }).from(users).where(eq(users.email, email)).get());
}

/**
 * The shared step of an invitation, an accepted request and a certified winner: the account (a
 * nominator's, or a board member's for a mayor just elected), its city, its link.
 */
export function createInvitedAccount(
  tx: Tx,
  person: InviteNominatorInput & { role: 'nominator' | 'board_member' },
  invitedBy: Viewer,
  options: { publicOrigin: string; now: Date; answersRequest?: boolean },
): IssuedInvitation & { userId: number } {
  const cityId = findOrCreateCity(tx, person.country, person.cityName);
  const { id } = tx
    .insert(users)
    .values({
      email: person.email,
      displayName: person.name,
      role: person.role,
      cityId,
      passwordHash: null,
      createdAt: options.now.toISOString(),
    })
    .returning({ id: users.id })
    .get();
  const issued = issueInvitation(tx, {
    invitee: {
      id,
      email: person.email,
      displayName: person.name,
      role: person.role,
      representing: person.cityName,
    },
    invitedBy,
    publicOrigin: options.publicOrigin,
    now: options.now,
    answersRequest: options.answersRequest,
  });
  return { ...issued, userId: id };
}

export function inviteNominator(
  db: Db,
  input: unknown,
  invitedBy: Viewer,
  options: { publicOrigin: string; now: Date },
): ActionResult<{ userId: number; email: string; expiresAt: string }> {
  if (!permissions.manageAccounts(invitedBy)) return refused(403, 'Only the secretariat sends invitations.');
  const form = parseForm(inviteNominatorForm, input);
  if (!form.ok) return invalid(form.errors);
  const person = form.data;
  const { now } = options;

  return db.transaction((tx) => {
    if (accountExists(tx, person.email)) return invalid({ email: emailTakenMessage(person.email) });
    const invited = createInvitedAccount(tx, { ...person, role: 'nominator' }, invitedBy, options);
    // The same person may also have asked through the public form: that request is answered now,
    // rather than left in the queue to be accepted or declined a second time.
    const answeredRequests = tx
      .update(accountRequests)
      .set({ status: 'accepted', decidedBy: invitedBy.id, decidedAt: now.toISOString() })
      .where(and(eq(accountRequests.email, person.email), eq(accountRequests.status, 'pending')))
      .returning({ id: accountRequests.id })
      .all()
      .map((row) => row.id);
    recordAudit(tx, {
      actor: actorOf(invitedBy),
      action: 'account.invite',
      subjectType: 'user',
      subjectId: invited.userId,
      details: {
        email: person.email,
        role: 'nominator',
        cityName: person.cityName,
        country: person.country,
        invitationId: invited.invitationId,
        expiresAt: invited.expiresAt,
        ...(answeredRequests.length > 0 ? { answeredRequests } : {}),
      },
      at: now,
    });
    return ok({ userId: invited.userId, email: person.email, expiresAt: invited.expiresAt });
  });
}
