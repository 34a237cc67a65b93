// Login throttling that cannot be turned against the real user (DESIGN.md, "Login throttling").
// A browser holding a device cookie for the account is counted on its own: 10 failures in 15
// minutes pause that browser only. Every other attempt is counted per account — 10 failures pause
// logins to the account from unknown browsers, whatever address they come from — and per client
// address, with a cap generous enough for a city hall behind one address. Successes never count.
import { and, count, eq, gt, isNull, lt, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { loginFailures } from '../../db/schema.js';

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 10;
export const MAX_FAILURES_PER_DEVICE = 10;
export const MAX_FAILURES_PER_ADDRESS = 200;

export interface LoginAttempt {
  email: string;
  clientAddress: string;
  /** The id of a genuine device cookie issued for this account, or null. */
  device: string | null;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

function counters(attempt: LoginAttempt, since: number): Array<{ where: SQL; max: number }> {
  const recent = gt(loginFailures.at, since);
  if (attempt.device) {
    return [
      {
        where: and(eq(loginFailures.email, attempt.email), eq(loginFailures.device, attempt.device), recent)!,
        max: MAX_FAILURES_PER_DEVICE,
      },
    ];
  }
  return [
    {
      where: and(eq(loginFailures.email, attempt.email), isNull(loginFailures.device), recent)!,
      max: MAX_FAILURES_PER_ACCOUNT,
    },
    {
      where: and(
        eq(loginFailures.clientAddress, attempt.clientAddress),
        isNull(loginFailures.device),
        recent,
      )!,
      max: MAX_FAILURES_PER_ADDRESS,
    },
  ];
}

export function checkLoginThrottle(db: Db | Tx, attempt: LoginAttempt, now: number): ThrottleVerdict {
  for (const counter of counters(attempt, now - THROTTLE_WINDOW_MS)) {
    const failures = db.select({ n: count() }).from(loginFailures).where(counter.where).get()?.n ?? 0;
    if (failures >= counter.max) {
      const oldest =
        db
          .select({ at: loginFailures.at })
          .from(loginFailures)
          .where(counter.where)
          .orderBy(loginFailures.at)
          .limit(1)
          .get()?.at ?? now;
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + THROTTLE_WINDOW_MS - now) / 1000)),
      };
    }
  }
  return { allowed: true };
}

/**
 * Checks the throttle and counts the attempt as failed in one transaction, before its password is
 * checked, so that attempts running in parallel (each awaiting argon2) cannot slip past the limit;
 * a success takes it back. Returns the attempt's id, or the wait when the limit is reached.
 */
export function beginLoginAttempt(
  db: Db,
  attempt: LoginAttempt,
  now: number,
): { allowed: true; attemptId: number } | { allowed: false; retryAfterSeconds: number } {
  return db.transaction((tx) => {
    tx.delete(loginFailures)
      .where(lt(loginFailures.at, now - THROTTLE_WINDOW_MS))
      .run();
    const verdict = checkLoginThrottle(tx, attempt, now);
    if (!verdict.allowed) return verdict;
    const { id } = tx
      .insert(loginFailures)
      .values({ ...attempt, at: now })
      .returning({ id: loginFailures.id })
      .get();
    return { allowed: true as const, attemptId: id };
  });
}

/** A successful login never counts towards a pause. */
export function forgetLoginAttempt(tx: Db | Tx, attemptId: number): void {
  tx.delete(loginFailures).where(eq(loginFailures.id, attemptId)).run();
}

export function throttledMessage(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Too many failed attempts. For your security, logging in is paused; try again in about ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}
