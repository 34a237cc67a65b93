// An invitation's link is minted when its e-mail is delivered, not when the invitation is made
// (DESIGN.md, "Secrets never rest in plain text"). Until then the invitation has no token hash, so
// nothing in the outbox, the database or a backup opens the account. The token is derived from
// the server's secret (a file beside the database, never in it or its backups) and the
// invitation, so a retried delivery sends the same link again without the token being stored.
import crypto from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { eq } from 'drizzle-orm';
import { invitations, users } from '../../db/schema.js';
import { deriveKey } from '../../lib/server-secret.js';
import type { MintedInvitationLink, MintInvitationLink } from '../mail/deliver-outbox.js';
import { hashInvitationToken, INVITATION_VALID_MS } from './invitation-token.js';
import { readableInstant } from './issue-invitation.js';

export interface InvitationIdentity {
  id: number;
  userId: number;
  createdAt: string;
}

export function invitationLinkKey(serverSecret: Buffer): Buffer {
  return deriveKey(serverSecret, 'invitation-link');
}

/**
 * 160 bits of HMAC-SHA256, base32 (a-z, 2-7), as findUsableInvitation expects. The account and
 * the creation instant go in besides the id: a database restored from a backup hands the same ids
 * out again, and a link mailed before the restore must not open the new invitation with that id.
 */
export function invitationToken(key: Buffer, invitation: InvitationIdentity): string {
  const mac = crypto
    .createHmac('sha256', key)
    .update(`invitation:${invitation.id}:${invitation.userId}:${invitation.createdAt}`)
    .digest();
  return encodeBase32LowerCaseNoPadding(mac.subarray(0, 20));
}

const notSent = (reason: string): MintedInvitationLink => ({ minted: false, reason: `Not sent: ${reason}` });

/**
 * What the delivery job calls for an invitation's e-mail, in the transaction that claims it: the
 * first delivery stores the token's hash and starts the link's 7 days; a retry sends the same link
 * with the same expiry. An invitation that no longer holds is not sent at all: replaced by a newer
 * one, used, past its delivery deadline, or its account disabled or already active.
 */
export function invitationLinkMinter(serverSecret: Buffer, publicOrigin: string): MintInvitationLink {
  const key = invitationLinkKey(serverSecret);
  return (tx, invitationId, now) => {
    const invitation = tx
      .select({
        id: invitations.id,
        userId: invitations.userId,
        createdAt: invitations.createdAt,
        tokenHash: invitations.tokenHash,
        expiresAt: invitations.expiresAt,
        usedAt: invitations.usedAt,
        disabled: users.disabled,
        passwordHash: users.passwordHash,
      })
      .from(invitations)
      .innerJoin(users, eq(users.id, invitations.userId))
      .where(eq(invitations.id, invitationId))
      .get();
    if (!invitation) return notSent('the invitation no longer exists.');
    if (invitation.usedAt !== null) return notSent('the invitation has been used already.');
    if (invitation.disabled) return notSent('the account has been disabled.');
    if (invitation.passwordHash !== null) return notSent('the account has set its password meanwhile.');
    const nowIso = now.toISOString();
    if (invitation.expiresAt <= nowIso) {
      return notSent(
        'a newer invitation replaced this one, or it could not be delivered before it expired. Re-send the invitation if it is still wanted.',
      );
    }

    const token = invitationToken(key, invitation);
    const tokenHash = hashInvitationToken(token);
    let expiresAt = invitation.expiresAt;
    if (invitation.tokenHash === null) {
      expiresAt = new Date(now.getTime() + INVITATION_VALID_MS).toISOString();
      tx.update(invitations)
        .set({ tokenHash, mintedAt: nowIso, expiresAt })
        .where(eq(invitations.id, invitationId))
        .run();
    } else if (invitation.tokenHash !== tokenHash) {
      // Only a new server secret derives another token: the link already minted cannot be sent again.
      return notSent(
        'the server secret has changed since its link was made, so the same link cannot be sent again. Re-send the invitation.',
      );
    }
    return {
      minted: true,
      link: `${publicOrigin}/invitations/${token}`,
      validUntil: readableInstant(expiresAt),
    };
  };
}
