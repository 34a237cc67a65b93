// Declines a pending request for a nominator account and tells the requester politely. Who may:
// the secretariat. Refuses an unknown request (404) and a decided one (409).
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accountRequests } from '../../db/schema.js';
import { type ActionResult, ok, refused } from '../../lib/action-result.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { queueMail } from '../mail/outbox.js';
import { type AccountRequest, isRefusal, pendingRequest } from './pending-account-request.js';

function declineText(request: AccountRequest): string {
  return [
    `Dear ${request.name},`,
    `Thank you for your interest in the Leadership Board and for asking for a nominator account for ${request.cityName}.`,
    'The council secretariat has reviewed your request and is not able to open an account for you at this time. Nominator accounts are kept for mayors and senior officials of cities that take part in the council’s work.',
    'If you think we have misunderstood your request, or your circumstances change, you are welcome to write to the council secretariat or to send a new request.',
    'With kind regards,\nThe council secretariat',
  ].join('\n\n');
}

export function declineAccountRequest(
  db: Db,
  requestId: number,
  viewer: Viewer,
  now: Date,
): ActionResult<{ email: string; name: string }> {
  if (!permissions.manageAccounts(viewer))
    return refused(403, 'Only the secretariat decides account requests.');
  return db.transaction((tx) => {
    const request = pendingRequest(tx, requestId);
    if (isRefusal(request)) return request;
    tx.update(accountRequests)
      .set({ status: 'declined', decidedBy: viewer.id, decidedAt: now.toISOString() })
      .where(eq(accountRequests.id, requestId))
      .run();
    queueMail(
      tx,
      {
        to: request.email,
        subject: 'Your request for a Leadership Board account',
        text: declineText(request),
      },
      now,
    );
    recordAudit(tx, {
      actor: actorOf(viewer),
      action: 'account.request_decline',
      subjectType: 'account_request',
      subjectId: requestId,
      details: { email: request.email },
      at: now,
    });
    return ok({ email: request.email, name: request.name });
  });
}
