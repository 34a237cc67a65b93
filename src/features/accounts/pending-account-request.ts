// The state check both decisions on an account request share: it exists (else 404) and is still
// pending (else 409, saying who decided it and when). Runs inside the deciding transaction.
import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { accountRequests, users } from '../../db/schema.js';
import { type Refused, refused } from '../../lib/action-result.js';

export type AccountRequest = typeof accountRequests.$inferSelect;

export function pendingRequest(tx: Tx, requestId: number): AccountRequest | Refused {
  const request = tx.select().from(accountRequests).where(eq(accountRequests.id, requestId)).get();
  if (!request) return refused(404, `There is no account request ${requestId}.`);
  if (request.status !== 'pending') {
    const decider = request.decidedBy
      ? tx.select({ displayName: users.displayName }).from(users).where(eq(users.id, request.decidedBy)).get()
      : undefined;
    const when = request.decidedAt ? ` on ${request.decidedAt.slice(0, 10)}` : '';
    const by = decider ? ` by ${decider.displayName}` : '';
    return refused(409, `Request ${requestId} was already ${request.status}${when}${by}.`);
  }
  return request;
}

export function isRefusal(value: AccountRequest | Refused): value is Refused {
  return 'ok' in value;
}
