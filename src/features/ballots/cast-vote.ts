// A voter casts their vote: one per voter, final (DESIGN.md, "Ballots"). The entitlement check
// and the insert are one transaction, and the roll's `voted` flag is claimed by a guarded update,
// so any number of simultaneous submissions — from several processes too — record exactly one.
// A secret ballot's vote carries no voter, no time, and a random receipt that orders the rows; its
// audit entry names the ballot, not the voter. Refuses: a ballot not open, or past its closing
// time (409); someone not on the roll, or recused (403); a second vote (409); a vote that does not
// fit the method (422).
import crypto from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { ballots, voterRoll, votes } from '../../db/schema.js';
import { type ActionResult, type Done, invalid, ok, type Refused, refused } from '../../lib/action-result.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import type { Viewer } from '../auth/permissions.js';
import { type BallotRecord, ballotById, candidatesOf, type RollEntry, rollEntry } from './queries.js';
import { readVote } from './vote-form.js';

// Letters and digits that cannot be misread for one another (no 0/O, 1/I/L, 5/S, 8/B).
const RECEIPT_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY234679';

/** 12 characters from 26 (about 56 bits), grouped for reading aloud: XXXX-XXXX-XXXX. */
export function newReceipt(): string {
  const bytes = crypto.randomBytes(12);
  const chars = [...bytes].map((byte) => RECEIPT_ALPHABET[byte % RECEIPT_ALPHABET.length]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}

/**
 * Whether this person may vote in this ballot now, and if not why: no such ballot (404); not open
 * yet or closed (409); not on the roll or recused (403); already voted (409). The confirmation step
 * asks it too, so that no one is shown a vote they could not cast.
 */
export function voterMayVote(
  ballot: BallotRecord | undefined,
  entry: RollEntry | undefined,
  now: Date,
): Done<{ ballot: BallotRecord; entry: RollEntry }> | Refused {
  if (!ballot || ballot.status === 'cancelled') return refused(404, 'There is no such ballot.');
  if (ballot.status === 'draft')
    return refused(409, 'This ballot is not open yet; you can vote once it opens.');
  if (ballot.status !== 'open' || ballot.closesAt <= now.toISOString())
    return refused(409, 'This ballot has closed: no more votes are counted.');
  if (!entry) return refused(403, 'You are not on this ballot’s voter roll, so you cannot vote in it.');
  if (entry.recusal)
    return refused(403, `You are recused from this ballot: ${entry.recusalReason ?? 'as you declared'}`);
  if (entry.voted) return refused(409, 'You have already voted in this ballot; a vote is final.');
  return ok({ ballot, entry });
}

export function castVote(
  db: Db,
  ballotId: number,
  input: unknown,
  viewer: Viewer,
  now: Date,
): ActionResult<{ receipt: string; choices: string[] }> {
  return db.transaction((tx) => {
    const allowed = voterMayVote(ballotById(tx, ballotId), rollEntry(tx, ballotId, viewer.id), now);
    if (!allowed.ok) return allowed;
    const { ballot, entry } = allowed.value;
    const reading = readVote(
      ballot.method,
      candidatesOf(tx, ballotId).map((n) => n.id),
      input,
    );
    if (!reading.ok) return invalid(reading.errors);
    // The claim of the roll's flag is the one-vote rule: of any number of submissions, one changes it.
    const claimed = tx
      .update(voterRoll)
      .set({ voted: true })
      .where(
        and(
          eq(voterRoll.ballotId, ballotId),
          eq(voterRoll.userId, viewer.id),
          eq(voterRoll.voted, false),
          isNull(voterRoll.recusal),
        ),
      )
      .run();
    if (claimed.changes !== 1) return refused(409, 'You have already voted in this ballot; a vote is final.');
    const receipt = newReceipt();
    tx.insert(votes)
      .values({
        ballotId,
        receipt,
        choices: reading.choices,
        weightClass: entry.weightClass,
        binding: entry.binding,
        voterId: ballot.secret ? null : viewer.id,
        castAt: ballot.secret ? null : now.toISOString(),
      })
      .run();
    recordAudit(tx, {
      // A secret ballot's audit entry says that a vote was cast, never by whom.
      actor: ballot.secret ? { id: null, label: 'a voter' } : actorOf(viewer),
      action: 'ballot.vote',
      subjectType: 'ballot',
      subjectId: ballotId,
      // Neither the receipt nor the choices: nothing here leads from the entry to the vote row.
      details: ballot.secret ? {} : { choices: reading.choices },
      at: now,
    });
    return ok({ receipt, choices: reading.choices });
  });
}
