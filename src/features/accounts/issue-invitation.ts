// Issues a fresh invitation link for an account that has no password yet: ends the account's
// earlier open links, stores the new link's hash, and queues the e-mail that carries the link.
// Runs inside the caller's transaction, so a refused action never leaves a link or a mail behind.
import type { Tx } from '../../db/client.js';
import { invitations } from '../../db/schema.js';
import { ROLE_LABELS, type Role } from '../../domain/reference.js';
import { queueMail } from '../mail/outbox.js';
import {
  generateInvitationToken,
  hashInvitationToken,
  INVITATION_VALID_DAYS,
  INVITATION_VALID_MS,
  revokeOpenInvitations,
} from './invitation-token.js';

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
  expiresAt: string;
}

/** '2025-03-14T09:30:00.000Z' -> '2025-03-14 09:30 UTC', as people read it in an e-mail. */
export function readableInstant(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

function invitationText(
  invitee: Invitee,
  inviter: Inviter,
  link: string,
  expiresAt: string,
  answersRequest: boolean,
): string {
  const role = ROLE_LABELS[invitee.role].toLowerCase();
  const as = invitee.representing ? `${role} for ${invitee.representing}` : role;
  const who = `${inviter.displayName} (${inviter.email})`;
  const opening = answersRequest
    ? `Thank you for asking for an account. ${who} at the council secretariat has accepted your request: you are invited to the Leadership Board application as a ${as}.`
    : `${who} at the council secretariat has invited you to the Leadership Board application as a ${as}.`;
  return [
    `Hello ${invitee.displayName},`,
    opening,
    'The Leadership Board is a board of mayors from diverse world regions and migration contexts that advises the council of cities on migration. When a seat on the board falls vacant, cities nominate their mayors; the board and its partner organisations then choose among them.',
    `To accept the invitation, choose your password on this page:\n${link}`,
    `The link is valid for ${INVITATION_VALID_DAYS} days, until ${readableInstant(expiresAt)}, and works only once. If it has expired, ask the secretariat for a new one. You will log in with this e-mail address, ${invitee.email}.`,
    'If you did not expect this invitation, you can ignore this e-mail: nothing happens until the link is used.',
    'The council secretariat',
  ].join('\n\n');
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
  const { invitee, now } = input;
  revokeOpenInvitations(tx, invitee.id, now);
  const token = generateInvitationToken();
  const expiresAt = new Date(now.getTime() + INVITATION_VALID_MS).toISOString();
  const { id } = tx
    .insert(invitations)
    .values({
      userId: invitee.id,
      tokenHash: hashInvitationToken(token),
      expiresAt,
      createdBy: input.invitedBy.id,
      createdAt: now.toISOString(),
    })
    .returning({ id: invitations.id })
    .get();
  const link = `${input.publicOrigin}/invitations/${token}`;
  queueMail(
    tx,
    {
      to: invitee.email,
      subject: 'Your invitation to the Leadership Board',
      text: invitationText(invitee, input.invitedBy, link, expiresAt, input.answersRequest ?? false),
    },
    now,
  );
  return { invitationId: id, expiresAt };
}
