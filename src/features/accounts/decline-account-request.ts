// Declines a pending request for a nominator account and tells the requester politely. Who may:
// the secretariat (the route's guard). Refuses an unknown request (404) and a decided one (409).
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accountRequests } from '../../db/schema.js';
import { actorOf } from '../audit/actor.js';
import { recordAudit } from '../audit/audit-log.js';
import type { SessionUser } from '../auth/sessions.js';
import { queueMail } from '../mail/outbox.js';
import { type AccountRequest, requirePendingRequest } from './pending-account-request.js';

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
  decidedBy: SessionUser,
  now: Date,
): { email: string; name: string } {
  return db.transaction((tx) => {
    const request = requirePendingRequest(tx, requestId);
    tx.update(accountRequests)
      .set({ status: 'declined', decidedBy: decidedBy.id, decidedAt: now.toISOString() })
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
      actor: actorOf(decidedBy),
      action: 'account.request_decline',
      subjectType: 'account_request',
      subjectId: requestId,
      details: { email: request.email },
      at: now,
    });
    return { email: request.email, name: request.name };
  });
}
