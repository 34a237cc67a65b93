// A voter casts their vote: one per voter, final (DESIGN.md, "Ballots"). The entitlement check
// and the insert are one transaction, and the roll's `voted` flag is claimed by a guarded update,
// so any number of simultaneous submissions — from several processes too — record exactly one.
// A secret ballot's vote carries no voter, no time, and a random receipt that orders the rows; its
// audit entry names the ballot, not the voter. Refuses: a ballot not open, or past its closing
// time (409); someone not on the roll, or recused (403); a second vote (409); a vote that does not
// fit the method (422).
import crypto from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { type Db, foldWriteAheadLog } from '../../db/client.js';
import { EMPTY_VOTE_CHOICES, voterRoll, votes } from '../../db/schema.js';
import { type ActionResult, type Done, invalid, ok, type Refused, refused } from '../../lib/action-result.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import type { Viewer } from '../auth/permissions.js';
import { type BallotRecord, ballotById, candidatesOf, type RollEntry, rollEntry } from './queries.js';
import { newReceipt } from './receipts.js';
import { readVote } from './vote-form.js';

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
  const result = db.transaction((tx) => {
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
    // A secret ballot's row keeps no voter and no time.
    const vote = ballot.secret
      ? { choices: reading.choices }
      : { choices: reading.choices, voterId: viewer.id, castAt: now.toISOString() };
    // A random empty row of the voter's weight, made when the ballot opened, is filled in place.
    const empty = tx
      .select({ receipt: votes.receipt })
      .from(votes)
      .where(
        and(
          eq(votes.ballotId, ballotId),
          eq(votes.weightClass, entry.weightClass),
          eq(votes.binding, entry.binding),
          sql`${votes.choices} = ${EMPTY_VOTE_CHOICES}`,
        ),
      )
      .all();
    let receipt: string;
    if (empty.length > 0) {
      receipt = empty[crypto.randomInt(empty.length)]!.receipt;
      tx.update(votes)
        .set(vote)
        .where(and(eq(votes.ballotId, ballotId), eq(votes.receipt, receipt)))
        .run();
    } else {
      // A ballot opened before vote rows were made at opening has none to fill.
      receipt = newReceipt();
      tx.insert(votes)
        .values({ ballotId, receipt, weightClass: entry.weightClass, binding: entry.binding, ...vote })
        .run();
    }
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
    return ok({ receipt, choices: reading.choices, secret: ballot.secret });
  });
  if (!result.ok) return result;
  if (result.value.secret) foldWriteAheadLog(db);
  return ok({ receipt: result.value.receipt, choices: result.value.choices });
}
