// Issues an invitation for an account that has no password yet: ends the account's earlier open
// invitations and queues the e-mail for the new one. The e-mail waits with a marker where the link
// goes, because the link is minted only when the e-mail is delivered (invitation-link.ts): until
// then no token exists anywhere (DESIGN.md, "Secrets never rest in plain text"). Runs inside the
// caller's transaction, so a refused action never leaves an invitation or a mail behind.
import type { Tx } from '../../db/client.js';
import { invitations } from '../../db/schema.js';
import { ROLE_LABELS, type Role } from '../../domain/reference.js';
import { INVITATION_LINK_MARKER, INVITATION_VALID_UNTIL_MARKER, queueMail } from '../mail/outbox.js';
import { renderMail } from '../mail/templates.js';
import { INVITATION_VALID_DAYS, INVITATION_VALID_MS, revokeOpenInvitations } from './invitation-token.js';

export interface Invitee {
  id: number;
  email: string;
  displayName: string;
  role: Role;
  /** The city a nominator or board member acts for, or a partner's organisation. */
  representing: string | null;
}

export interface Inviter {
  id: number;
  displayName: string;
  email: string;
}

export interface IssuedInvitation {
  invitationId: number;
  /** For now the deadline for delivering the e-mail; delivery gives the link its 7 days from then. */
  expiresAt: string;
}

/** '2025-03-14T09:30:00.000Z' -> '2025-03-14 09:30 UTC', as people read it in an e-mail. */
export function readableInstant(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

export function issueInvitation(
  tx: Tx,
  input: {
    invitee: Invitee;
    invitedBy: Inviter;
    publicOrigin: string;
    now: Date;
    answersRequest?: boolean;
  },
): IssuedInvitation {
  const { invitee, invitedBy, now } = input;
  revokeOpenInvitations(tx, invitee.id, now);
  // Until the e-mail is delivered this is the deadline for delivering it: an invitation that could
  // not go out within a link's lifetime is not sent late. Delivery then sets the link's own expiry.
  const expiresAt = new Date(now.getTime() + INVITATION_VALID_MS).toISOString();
  const { id } = tx
    .insert(invitations)
    .values({
      userId: invitee.id,
      tokenHash: null,
      expiresAt,
      createdBy: invitedBy.id,
      createdAt: now.toISOString(),
    })
    .returning({ id: invitations.id })
    .get();
  const role = ROLE_LABELS[invitee.role].toLowerCase();
  const subject = 'Your invitation to the Leadership Board';
  const mail = renderMail('invitation', {
    subject,
    name: invitee.displayName,
    email: invitee.email,
    as: invitee.representing ? `${role} for ${invitee.representing}` : role,
    inviter: `${invitedBy.displayName} (${invitedBy.email})`,
    answersRequest: input.answersRequest ?? false,
    link: INVITATION_LINK_MARKER,
    validUntil: INVITATION_VALID_UNTIL_MARKER,
    validDays: INVITATION_VALID_DAYS,
    origin: input.publicOrigin,
  });
  queueMail(tx, { to: invitee.email, subject, kind: 'invitation', invitationId: id, ...mail }, now);
  return { invitationId: id, expiresAt };
}
