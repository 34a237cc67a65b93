// Records a public request for a nominator account and mails the secretariat. Anyone may ask, 5
// times an hour per address (then 429). An e-mail with an account or a pending request gets the
// same answer and no second request for the secretariat, only a `duplicate` row that counts
// towards the limit like any attempt: neither the answer nor the limit reveals which addresses
// have accounts.
import { and, asc, count, eq, gt } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { accountRequests, users } from '../../db/schema.js';
import { countryByCode } from '../../domain/countries.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { parseForm } from '../../lib/forms.js';
import type { Actor } from '../audit-log/audit-log.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { queueMail } from '../mail/outbox.js';
import { renderMail } from '../mail/templates.js';
import { type AccountRequestInput, accountRequestForm } from './account-forms.js';
import { accountExists } from './invite-nominator.js';

export const MAX_REQUESTS_PER_ADDRESS = 5;
export const REQUEST_WINDOW_MS = 60 * 60 * 1000;

const PUBLIC_ACTOR: Actor = { id: null, label: 'public' };

/** Seconds until this address may ask again, or 0 when it may ask now. */
function throttleWait(db: Db | Tx, clientAddress: string, now: Date): number {
  const where = and(
    eq(accountRequests.clientAddress, clientAddress),
    gt(accountRequests.createdAt, new Date(now.getTime() - REQUEST_WINDOW_MS).toISOString()),
  );
  const recent = db.select({ n: count() }).from(accountRequests).where(where).get()?.n ?? 0;
  if (recent < MAX_REQUESTS_PER_ADDRESS) return 0;
  const oldest = db
    .select({ createdAt: accountRequests.createdAt })
    .from(accountRequests)
    .where(where)
    .orderBy(asc(accountRequests.createdAt))
    .limit(1)
    .get();
  const freesAt = new Date(oldest?.createdAt ?? now.toISOString()).getTime() + REQUEST_WINDOW_MS;
  return Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000));
}

function throttledRefusal(retryAfterSeconds: number) {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return refused(
    429,
    `We have received ${MAX_REQUESTS_PER_ADDRESS} account requests from your network in the past hour, which is as many as we accept. Please try again in about ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    { retryAfterSeconds },
  );
}

export function requestAccount(
  db: Db,
  input: unknown,
  options: { clientAddress: string; publicOrigin: string; now: Date },
): ActionResult<AccountRequestInput> {
  const { now, clientAddress } = options;
  const form = parseForm(accountRequestForm, input);
  if (!form.ok) {
    // A throttled address learns that first, rather than fixing a form it cannot send.
    const wait = throttleWait(db, clientAddress, now);
    return wait > 0 ? throttledRefusal(wait) : invalid(form.errors);
  }
  const request = form.data;

  return db.transaction((tx) => {
    const wait = throttleWait(tx, clientAddress, now);
    if (wait > 0) return throttledRefusal(wait);
    const alreadyPending = tx
      .select({ id: accountRequests.id })
      .from(accountRequests)
      .where(and(eq(accountRequests.email, request.email), eq(accountRequests.status, 'pending')))
      .get();
    if (alreadyPending || accountExists(tx, request.email)) {
      tx.insert(accountRequests)
        .values({ ...request, status: 'duplicate', clientAddress, createdAt: now.toISOString() })
        .run();
      return ok(request);
    }
    const { id } = tx
      .insert(accountRequests)
      .values({
        name: request.name,
        email: request.email,
        cityName: request.cityName,
        country: request.country,
        roleAtCity: request.roleAtCity,
        status: 'pending',
        clientAddress,
        createdAt: now.toISOString(),
      })
      .returning({ id: accountRequests.id })
      .get();
    recordAudit(tx, {
      actor: PUBLIC_ACTOR,
      action: 'account.request',
      subjectType: 'account_request',
      subjectId: id,
      details: { email: request.email, cityName: request.cityName, country: request.country },
      at: now,
    });
    const secretariat = tx
      .select({ email: users.email })
      .from(users)
      .where(and(eq(users.role, 'secretariat'), eq(users.disabled, false)))
      .all();
    const subject = `Account request from ${request.name} (${request.cityName})`;
    const notice = renderMail('account-request-received', {
      subject,
      name: request.name,
      email: request.email,
      cityName: request.cityName,
      country: countryByCode(request.country)?.name ?? request.country,
      roleAtCity: request.roleAtCity,
      origin: options.publicOrigin,
    });
    for (const recipient of secretariat) {
      queueMail(tx, { to: recipient.email, subject, kind: 'account-request:received', ...notice }, now);
    }
    return ok(request);
  });
}
