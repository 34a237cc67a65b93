// Invitation links: a token travels in the e-mail; the invitations table keeps only its SHA-256,
// stored when the e-mail is delivered (invitation-link.ts mints it then). An invitation whose
// e-mail has not gone out has no hash, and a missing hash matches no token. A link lives 7 days
// from its delivery and works once.
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { invitations, users } from '../../db/schema.js';

export const INVITATION_VALID_DAYS = 7;
export const INVITATION_VALID_MS = INVITATION_VALID_DAYS * 24 * 60 * 60 * 1000;

export function hashInvitationToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export interface UsableInvitation {
  invitationId: number;
  userId: number;
  email: string;
  displayName: string;
}

/**
 * The invitation a token opens, if it is unused, unexpired, and its account is enabled and still
 * has no password: a link must never turn into a password reset for an active account.
 */
export function findUsableInvitation(db: Db | Tx, token: string, now: Date): UsableInvitation | null {
  if (!/^[a-z2-7]{16,64}$/.test(token)) return null;
  const row = db
    .select({
      invitationId: invitations.id,
      userId: users.id,
      email: users.email,
      displayName: users.displayName,
    })
    .from(invitations)
    .innerJoin(users, eq(users.id, invitations.userId))
    .where(
      and(
        eq(invitations.tokenHash, hashInvitationToken(token)),
        isNull(invitations.usedAt),
        gt(invitations.expiresAt, now.toISOString()),
        eq(users.disabled, false),
        isNull(users.passwordHash),
      ),
    )
    .get();
  return row ?? null;
}

/** Ends every still-open link of an account, e.g. when a new one is sent or one has been used. */
export function revokeOpenInvitations(tx: Tx | Db, userId: number, now: Date): void {
  const nowIso = now.toISOString();
  tx.update(invitations)
    .set({ expiresAt: nowIso })
    .where(and(eq(invitations.userId, userId), isNull(invitations.usedAt), gt(invitations.expiresAt, nowIso)))
    .run();
}
