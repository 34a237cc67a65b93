// Login throttling. Per account: after 10 failures within 15 minutes the account cools down,
// whatever address the attempts come from. Per client address: a generous cap, so that a city
// hall behind one address is never locked out by its colleagues. Successful logins never count.
import { and, count, eq, gt, lt } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { loginFailures } from '../../db/schema.js';

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 10;
export const MAX_FAILURES_PER_ADDRESS = 200;

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

function oldestInWindow(db: Db, where: ReturnType<typeof and>): number | null {
  const row = db
    .select({ at: loginFailures.at })
    .from(loginFailures)
    .where(where)
    .orderBy(loginFailures.at)
    .limit(1)
    .get();
  return row?.at ?? null;
}

export function checkLoginThrottle(
  db: Db,
  email: string,
  clientAddress: string,
  now: number,
): ThrottleVerdict {
  const since = now - THROTTLE_WINDOW_MS;
  const checks = [
    {
      where: and(eq(loginFailures.email, email), gt(loginFailures.at, since)),
      max: MAX_FAILURES_PER_ACCOUNT,
    },
    {
      where: and(eq(loginFailures.clientAddress, clientAddress), gt(loginFailures.at, since)),
      max: MAX_FAILURES_PER_ADDRESS,
    },
  ];
  for (const check of checks) {
    const failures = db.select({ n: count() }).from(loginFailures).where(check.where).get()?.n ?? 0;
    if (failures >= check.max) {
      const oldest = oldestInWindow(db, check.where) ?? now;
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + THROTTLE_WINDOW_MS - now) / 1000)),
      };
    }
  }
  return { allowed: true };
}

/**
 * Counts an attempt as failed before its password is checked, so that attempts running in
 * parallel (each awaiting argon2) cannot slip past the limit; a success takes it back.
 */
export function recordLoginAttempt(db: Db, email: string, clientAddress: string, now: number): number {
  return db.transaction((tx) => {
    tx.delete(loginFailures)
      .where(lt(loginFailures.at, now - THROTTLE_WINDOW_MS))
      .run();
    return tx
      .insert(loginFailures)
      .values({ email, clientAddress, at: now })
      .returning({ id: loginFailures.id })
      .get().id;
  });
}

/** A successful login never counts towards a lock-out. */
export function forgetLoginAttempt(db: Db | Tx, attemptId: number): void {
  db.delete(loginFailures).where(eq(loginFailures.id, attemptId)).run();
}
