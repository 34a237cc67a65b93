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
import { renderMail } from '../mail/templates.js';
import { isRefusal, pendingRequest } from './pending-account-request.js';

export function declineAccountRequest(
  db: Db,
  requestId: number,
  viewer: Viewer,
  now: Date,
  origin: string,
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
    const subject = 'Your request for a Leadership Board account';
    const mail = renderMail('account-request-declined', {
      subject,
      name: request.name,
      cityName: request.cityName,
      origin,
    });
    queueMail(tx, { to: request.email, subject, kind: 'account-request:declined', ...mail }, now);
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
