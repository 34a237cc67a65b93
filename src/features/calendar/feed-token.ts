// The private address of a user's calendar feed: `/calendar/<userId>-<mac>.ics`, where the mac is
// an HMAC of the user id and their calendar version under a key derived from the server's secret.
// The address is derived, never stored: neither the database nor a backup of it holds a usable
// feed URL, and bumping the version (regenerating) ends the old address at once, because its mac
// no longer matches. Calendar apps send no cookie, so this address is the only credential.
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { users } from '../../db/schema.js';
import { deriveKey, sign, signatureMatches } from '../../lib/server-secret.js';

export type FeedHolder = typeof users.$inferSelect;

// A full HMAC-SHA256 in base64url: 43 characters, 256 bits, far beyond guessing.
const FEED_TOKEN = /^([1-9]\d{0,14})-([A-Za-z0-9_-]{43})$/;
const FEED_FILE_SUFFIX = '.ics';

/** The key that signs feed addresses, and nothing else. */
export function calendarFeedKey(serverSecret: Buffer): Buffer {
  return deriveKey(serverSecret, 'calendar-feed');
}

// The version is part of what is signed, so each version of the address has its own mac.
function signedValue(userId: number, calendarVersion: number): string {
  return `calendar:${userId}:${calendarVersion}`;
}

export function feedToken(key: Buffer, user: Pick<FeedHolder, 'id' | 'calendarVersion'>): string {
  return `${user.id}-${sign(key, signedValue(user.id, user.calendarVersion))}`;
}

/** The feed's full address, as the account page shows it for a calendar app to subscribe to. */
export function feedUrl(
  origin: string,
  key: Buffer,
  user: Pick<FeedHolder, 'id' | 'calendarVersion'>,
): string {
  return `${origin}/calendar/${feedToken(key, user)}${FEED_FILE_SUFFIX}`;
}

/** The feed address of one account, read with its current calendar version; null if there is no such account. */
export function feedUrlOf(db: Db | Tx, key: Buffer, origin: string, userId: number): string | null {
  const user = db
    .select({ id: users.id, calendarVersion: users.calendarVersion })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  return user ? feedUrl(origin, key, user) : null;
}

/**
 * The account a feed file (`<token>.ics`) belongs to, or null. A malformed name, an unknown user,
 * a disabled account and an old or forged mac all give the same null, so the answer (404) tells
 * a guesser nothing about which part was wrong. The mac is compared in constant time. (User ids
 * are not secret, so an unknown id may be answered sooner than a wrong mac.)
 */
export function feedHolder(db: Db | Tx, key: Buffer, file: string): FeedHolder | null {
  if (!file.endsWith(FEED_FILE_SUFFIX)) return null;
  const match = FEED_TOKEN.exec(file.slice(0, -FEED_FILE_SUFFIX.length));
  if (!match) return null;
  const userId = Number(match[1]);
  const user = db.select().from(users).where(eq(users.id, userId)).get();
  if (!user || user.disabled) return null;
  return signatureMatches(key, signedValue(user.id, user.calendarVersion), match[2]!) ? user : null;
}
