// Accepts a pending request for a nominator account: creates the account and mails an invitation
// link, as the secretariat's own invitation does. Who may: the secretariat. Refuses an unknown
// request (404), a decided one, or an e-mail that has an account by now (409).
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accountRequests } from '../../db/schema.js';
import { type ActionResult, ok, refused } from '../../lib/action-result.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { accountExists, createInvitedAccount } from './invite-nominator.js';
import { isRefusal, pendingRequest } from './pending-account-request.js';

export function acceptAccountRequest(
  db: Db,
  requestId: number,
  viewer: Viewer,
  options: { publicOrigin: string; now: Date },
): ActionResult<{ email: string; name: string }> {
  if (!permissions.manageAccounts(viewer))
    return refused(403, 'Only the secretariat decides account requests.');
  const { now } = options;
  return db.transaction((tx) => {
    const request = pendingRequest(tx, requestId);
    if (isRefusal(request)) return request;
    if (accountExists(tx, request.email)) {
      return refused(
        409,
        `Request ${requestId} cannot be accepted, because an account for ${request.email} already exists. Decline the request, or re-send that account’s invitation.`,
      );
    }
    tx.update(accountRequests)
      .set({ status: 'accepted', decidedBy: viewer.id, decidedAt: now.toISOString() })
      .where(eq(accountRequests.id, requestId))
      .run();
    const invited = createInvitedAccount(
      tx,
      {
        name: request.name,
        email: request.email,
        cityName: request.cityName,
        country: request.country,
        role: 'nominator',
      },
      viewer,
      { ...options, answersRequest: true },
    );
    recordAudit(tx, {
      actor: actorOf(viewer),
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
    return ok({ email: request.email, name: request.name });
  });
}
