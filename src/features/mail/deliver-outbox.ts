// Delivers the outbox: sends each due message, retries a refused one later with a growing delay,
// and gives up after MAX_ATTEMPTS (the secretariat sees it on /outbox and may retry it).
//
// A message is never sent twice by two runs, in one process or several: a run claims a row
// (pending -> sending) with a guarded update in its own transaction before the network call, and
// only the run whose update changed the row sends it. A run that crashed mid-send leaves its row
// in `sending`; once SENDING_LEASE_MS have passed the row is due again, with the Message-ID it was
// first sent with, so that the rare second copy is recognisable as one.
//
// better-sqlite3 transactions are synchronous: every await falls between transactions, never in
// one. Sending mail changes nothing on the board, so deliveries are not audited; the
// secretariat's retry is (retry-message.ts). The clock is a parameter, read once per run.
import crypto from 'node:crypto';
import { and, asc, eq, lte } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { outbox } from '../../db/schema.js';
import { escapeHtml, INVITATION_LINK_MARKER, INVITATION_VALID_UNTIL_MARKER } from './outbox.js';
import { type MailTransport, type OutgoingMail, SEND_TIMEOUT_MS } from './transport.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A message is tried this many times before it is `failed` and left to the secretariat. */
export const MAX_ATTEMPTS = 6;
/** The wait after the 1st, 2nd… failed attempt: long enough for a relay to recover, within a day. */
export const RETRY_DELAYS_MS = [1 * MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 12 * HOUR];
/** Messages a run takes; the next run takes the rest. */
export const DELIVERY_BATCH = 50;
/**
 * How long a row may stay `sending` before it counts as abandoned by a crashed run. It is longer
 * than a whole batch of sends that each time out, because a run stamps its claims with the instant
 * it started: a live run's row must never look abandoned to another run.
 */
export const SENDING_LEASE_MS = DELIVERY_BATCH * SEND_TIMEOUT_MS + 5 * MINUTE;

export type MintedInvitationLink =
  | { minted: true; link: string; validUntil: string }
  | { minted: false; reason: string };

/**
 * Mints the link of an invitation whose e-mail is being sent, inside the transaction that claims
 * the e-mail, or says why it must not go out (the invitation was replaced, used, or its account
 * changed). The accounts feature provides it; the caller composes the two.
 */
export type MintInvitationLink = (tx: Tx, invitationId: number, now: Date) => MintedInvitationLink;

export interface DeliveryOptions {
  now: Date;
  /** The From header (config.mailFrom); its domain is also the Message-ID's. */
  from: string;
  mintInvitationLink: MintInvitationLink;
  batchSize?: number;
}

export interface DeliverySummary {
  sent: number;
  /** Refused or unreachable this time; tried again later. */
  retried: number;
  /** Given up on after the last attempt; waiting for the secretariat. */
  failed: number;
  /** Not sent because the invitation it carried no longer holds. */
  cancelled: number;
}

type Outcome = keyof DeliverySummary;

export async function deliverOutbox(
  db: Db,
  transport: MailTransport,
  options: DeliveryOptions,
): Promise<DeliverySummary> {
  const { now } = options;
  const summary: DeliverySummary = { sent: 0, retried: 0, failed: 0, cancelled: 0 };
  releaseAbandonedClaims(db, now);
  const due = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now.toISOString())))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
    .limit(options.batchSize ?? DELIVERY_BATCH)
    .all();
  // One at a time: each row is claimed just before it is sent, so a crash strands one row, not a batch.
  for (const { id } of due) {
    const outcome = await deliverOne(db, transport, id, options);
    if (outcome) summary[outcome] += 1;
  }
  return summary;
}

async function deliverOne(
  db: Db,
  transport: MailTransport,
  id: number,
  options: DeliveryOptions,
): Promise<Outcome | null> {
  let claim: Claim;
  try {
    claim = claimMessage(db, id, options);
  } catch (error) {
    // The claim rolled back (minting the link failed, say): count it as an attempt, so that one
    // broken row is given up on in time instead of being first in every run for ever.
    return recordFailure(db, id, error, options.now, null);
  }
  if (claim === 'taken') return null;
  if (claim === 'cancelled') return 'cancelled';
  try {
    await transport.send(claim.message);
  } catch (error) {
    return recordFailure(db, id, error, options.now, claim.claimedAt);
  }
  db.transaction((tx) => {
    tx.update(outbox)
      .set({ status: 'sent', sentAt: options.now.toISOString(), claimedAt: null })
      .where(sentByThisRun(id, claim.claimedAt))
      .run();
  });
  return 'sent';
}

type Claim = 'taken' | 'cancelled' | { message: OutgoingMail; claimedAt: string };

function claimMessage(db: Db, id: number, options: DeliveryOptions): Claim {
  const nowIso = options.now.toISOString();
  return db.transaction((tx) => {
    const current = tx
      .select({ attempts: outbox.attempts, messageId: outbox.messageId })
      .from(outbox)
      .where(eq(outbox.id, id))
      .get();
    if (!current) return 'taken';
    // The guarded update is the claim: of two runs, only the one that finds the row still pending
    // and due changes it; the other sees no row and moves on.
    const row = tx
      .update(outbox)
      .set({
        status: 'sending',
        attempts: current.attempts + 1,
        claimedAt: nowIso,
        messageId: current.messageId ?? newMessageId(id, options.from),
      })
      .where(and(eq(outbox.id, id), eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, nowIso)))
      .returning()
      .get();
    if (!row) return 'taken';

    let { textBody: text, htmlBody: html } = row;
    if (row.invitationId !== null) {
      const minted = options.mintInvitationLink(tx, row.invitationId, options.now);
      if (!minted.minted) {
        tx.update(outbox)
          .set({ status: 'cancelled', attempts: current.attempts, claimedAt: null, lastError: minted.reason })
          .where(eq(outbox.id, id))
          .run();
        return 'cancelled';
      }
      // The link goes into the copy being sent only; the stored row keeps the marker.
      text = withInvitationLink(text, minted, (value) => value);
      html = withInvitationLink(html, minted, escapeHtml);
    }
    return {
      claimedAt: nowIso,
      message: {
        outboxId: id,
        from: options.from,
        to: row.recipient,
        subject: row.subject,
        text,
        html,
        messageId: row.messageId!,
        date: options.now,
      },
    };
  });
}

function withInvitationLink(
  body: string,
  minted: { link: string; validUntil: string },
  encode: (value: string) => string,
): string {
  return body
    .replaceAll(INVITATION_LINK_MARKER, encode(minted.link))
    .replaceAll(INVITATION_VALID_UNTIL_MARKER, encode(minted.validUntil));
}

/** The row as this run claimed it: if the claim was taken over meanwhile, the newer run decides. */
function sentByThisRun(id: number, claimedAt: string) {
  return and(eq(outbox.id, id), eq(outbox.status, 'sending'), eq(outbox.claimedAt, claimedAt));
}

/**
 * After a failed attempt: due again after the next delay, or `failed` after the last one. The
 * error is kept as one short line, for the secretariat's list.
 */
function recordFailure(
  db: Db,
  id: number,
  error: unknown,
  now: Date,
  claimedAt: string | null,
): Outcome | null {
  return db.transaction((tx) => {
    const row = tx.select({ attempts: outbox.attempts }).from(outbox).where(eq(outbox.id, id)).get();
    if (!row) return null;
    // A claim that rolled back never counted its attempt.
    const attempts = claimedAt === null ? row.attempts + 1 : row.attempts;
    const givenUp = attempts >= MAX_ATTEMPTS;
    const delay = RETRY_DELAYS_MS[Math.min(attempts, RETRY_DELAYS_MS.length) - 1] ?? 0;
    const changed = tx
      .update(outbox)
      .set({
        status: givenUp ? 'failed' : 'pending',
        attempts,
        claimedAt: null,
        nextAttemptAt: new Date(now.getTime() + (givenUp ? 0 : delay)).toISOString(),
        lastError: shortError(error),
      })
      .where(
        claimedAt === null
          ? and(eq(outbox.id, id), eq(outbox.status, 'pending'))
          : sentByThisRun(id, claimedAt),
      )
      .returning({ id: outbox.id })
      .get();
    if (!changed) return null;
    return givenUp ? 'failed' : 'retried';
  });
}

/** Rows a crashed run left in `sending`: due again now, or `failed` if that was their last attempt. */
function releaseAbandonedClaims(db: Db, now: Date): void {
  const abandonedBefore = new Date(now.getTime() - SENDING_LEASE_MS).toISOString();
  const abandoned = and(eq(outbox.status, 'sending'), lte(outbox.claimedAt, abandonedBefore));
  const reason =
    'The delivery run sending it stopped before it finished; it may have arrived. A new copy carries the same Message-ID.';
  db.transaction((tx) => {
    const rows = tx.select({ id: outbox.id, attempts: outbox.attempts }).from(outbox).where(abandoned).all();
    for (const row of rows) {
      tx.update(outbox)
        .set({
          status: row.attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
          claimedAt: null,
          nextAttemptAt: now.toISOString(),
          lastError: reason,
        })
        .where(and(eq(outbox.id, row.id), abandoned))
        .run();
    }
  });
}

/** `<outbox-17-3f9a0c…@board.example.org>`: the row, a random part, the sender's domain. */
function newMessageId(id: number, from: string): string {
  const domain = /@([^\s<>@]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<outbox-${id}-${crypto.randomBytes(8).toString('hex')}@${domain}>`;
}

/** One line, no longer than the list can show; relays' replies can run over several. */
function shortError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim().slice(0, 300) || 'The relay gave no reason.';
}
