// Accepts a pending request for a nominator account: creates the account and mails an invitation
// link, as the secretariat's own invitation does. Who may: the secretariat (the route's guard).
// Refuses an unknown request (404), a decided one, or an e-mail that has an account by now (409).
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accountRequests } from '../../db/schema.js';
import { conflict } from '../../plugins/errors.js';
import { actorOf } from '../audit/actor.js';
import { recordAudit } from '../audit/audit-log.js';
import type { SessionUser } from '../auth/sessions.js';
import { accountExists, createInvitedNominator } from './invite-nominator.js';
import { requirePendingRequest } from './pending-account-request.js';

export function acceptAccountRequest(
  db: Db,
  requestId: number,
  decidedBy: SessionUser,
  options: { publicOrigin: string; now: Date },
): { email: string; name: string } {
  const { now } = options;
  return db.transaction((tx) => {
    const request = requirePendingRequest(tx, requestId);
    if (accountExists(tx, request.email)) {
      throw conflict(
        `Request ${requestId} cannot be accepted, because an account for ${request.email} already exists. Decline the request, or re-send that account’s invitation.`,
      );
    }
    tx.update(accountRequests)
      .set({ status: 'accepted', decidedBy: decidedBy.id, decidedAt: now.toISOString() })
      .where(eq(accountRequests.id, requestId))
      .run();
    const invited = createInvitedNominator(
      tx,
      { name: request.name, email: request.email, cityName: request.cityName, country: request.country },
      decidedBy,
      { ...options, answersRequest: true },
    );
    recordAudit(tx, {
      actor: actorOf(decidedBy),
      action: 'account.request_accept',
      subjectType: 'account_request',
      subjectId: requestId,
      details: {
        email: request.email,
        userId: invited.userId,
        invitationId: invited.invitationId,
        expiresAt: invited.expiresAt,
      },
      at: now,
    });
    return { email: request.email, name: request.name };
  });
}
