// Sessions per the lucia-auth.com guide: the token is "<id>.<secret>", only SHA-256 of the secret
// is stored, and the secret is compared in constant time. Sliding idle expiry with an absolute cap.
import crypto from 'node:crypto';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { eq, lt, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { prepareOnce } from '../../db/per-connection.js';
import { sessions, users } from '../../db/schema.js';

/** A session unused this long ends. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** No session lives longer than this, however active. */
export const SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000;
/** Refresh lastVerifiedAt at most this often, to spare a write per request. */
const ACTIVITY_RESOLUTION_MS = 60 * 1000;

export type SessionUser = typeof users.$inferSelect;

export interface ValidSession {
  id: string;
  userId: number;
  createdAt: number;
  expiresAt: number;
}

/** 160 random bits, base32 (a-z, 2-7): well above the 128 bits a session secret needs. */
function randomToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

// Node's native SHA-256 (the same digest): every request with a session cookie hashes its secret.
function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret, 'utf8').digest('hex');
}

function expiresAt(createdAt: number, lastVerifiedAt: number): number {
  return Math.min(lastVerifiedAt + SESSION_IDLE_MS, createdAt + SESSION_ABSOLUTE_MS);
}

export function createSession(
  tx: Tx | Db,
  userId: number,
  now: number,
): { token: string; session: ValidSession } {
  const id = randomToken();
  const secret = randomToken();
  tx.insert(sessions)
    .values({ id, secretHash: hashSecret(secret), userId, createdAt: now, lastVerifiedAt: now })
    .run();
  return {
    token: `${id}.${secret}`,
    session: { id, userId, createdAt: now, expiresAt: expiresAt(now, now) },
  };
}

/** Where a failed write is reported; a session is still read when the disk cannot be written. */
interface WarningLog {
  warn(object: unknown, message: string): void;
}

/**
 * Writing down a session's last use (or ending an expired one) is housekeeping: when storage
 * cannot be written, pages are still read, so the board can be consulted while it is repaired.
 */
function bestEffort(write: () => void, log: WarningLog | undefined) {
  try {
    write();
  } catch (error) {
    log?.warn({ err: error }, 'session bookkeeping skipped: storage cannot be written');
  }
}

// Every request with a cookie asks this: prepared once, not built again each time.
const sessionWithUser = prepareOnce((db) =>
  db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare(),
);

export function validateSessionToken(
  db: Db,
  token: string,
  now: number,
  log?: WarningLog,
): { session: ValidSession; user: SessionUser } | null {
  const [id, secret, ...rest] = token.split('.');
  if (!id || !secret || rest.length > 0 || id.length > 64 || secret.length > 64) return null;
  const row = sessionWithUser(db).get({ id });
  if (!row) return null;
  const given = new TextEncoder().encode(hashSecret(secret));
  const stored = new TextEncoder().encode(row.session.secretHash);
  if (!constantTimeEqual(given, stored)) return null;
  if (now >= expiresAt(row.session.createdAt, row.session.lastVerifiedAt) || row.user.disabled) {
    bestEffort(() => invalidateSession(db, id), log);
    return null;
  }
  let lastVerifiedAt = row.session.lastVerifiedAt;
  if (now - lastVerifiedAt >= ACTIVITY_RESOLUTION_MS) {
    lastVerifiedAt = now;
    bestEffort(() => db.update(sessions).set({ lastVerifiedAt }).where(eq(sessions.id, id)).run(), log);
  }
  return {
    session: {
      id,
      userId: row.user.id,
      createdAt: row.session.createdAt,
      expiresAt: expiresAt(row.session.createdAt, lastVerifiedAt),
    },
    user: row.user,
  };
}

export function invalidateSession(tx: Tx | Db, sessionId: string): void {
  tx.delete(sessions).where(eq(sessions.id, sessionId)).run();
}

/** Ends every session of the user; answers how many there were. */
export function invalidateUserSessions(tx: Tx | Db, userId: number): number {
  return tx.delete(sessions).where(eq(sessions.userId, userId)).run().changes;
}

export function deleteExpiredSessions(db: Db | Tx, now: number): void {
  db.delete(sessions)
    .where(
      or(
        lt(sessions.lastVerifiedAt, now - SESSION_IDLE_MS),
        lt(sessions.createdAt, now - SESSION_ABSOLUTE_MS),
      ),
    )
    .run();
}
