// The state check both decisions on an account request share: it exists (else 404) and is still
// pending (else 409, saying who decided it and when).
import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { accountRequests, users } from '../../db/schema.js';
import { conflict, notFound } from '../../plugins/errors.js';

export type AccountRequest = typeof accountRequests.$inferSelect;

export function requirePendingRequest(tx: Tx, requestId: number): AccountRequest {
  const request = tx.select().from(accountRequests).where(eq(accountRequests.id, requestId)).get();
  if (!request) throw notFound(`There is no account request ${requestId}.`);
  if (request.status !== 'pending') {
    const decider = request.decidedBy
      ? tx.select({ displayName: users.displayName }).from(users).where(eq(users.id, request.decidedBy)).get()
      : undefined;
    const when = request.decidedAt ? ` on ${request.decidedAt.slice(0, 10)}` : '';
    const by = decider ? ` by ${decider.displayName}` : '';
    throw conflict(`Request ${requestId} was already ${request.status}${when}${by}.`);
  }
  return request;
}
