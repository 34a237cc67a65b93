// Closing a ballot counts it (DESIGN.md, "Ballots"): the binding ballots by the method and the tie
// rule, after the quorum (binding, non-recused voters); advisory partners' ballots apart, their
// tally kept only when at least three were cast. A drawing of lots gets a fresh random seed,
// recorded with the result so that anyone can redo the draw. The secretariat may close a ballot
// early; otherwise it closes by itself at its time (the jobs, or any read of it).
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { type Db, foldWriteAheadLog, type Tx } from '../../db/client.js';
import { type BallotResult, ballots } from '../../db/schema.js';
import { type CastBallot, tallyAdvisory, tallyBallot } from '../../domain/tally.js';
import { type ActionResult, ok, refused } from '../../lib/action-result.js';
import { actorOf } from '../audit-log/actor.js';
import { type Actor, recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { candidateNames } from './ballots-file.js';
import { type BallotRecord, turnoutOf, votesOf } from './queries.js';

/** A vote as the tally reads it: a confirm ballot's choice is yes or no; an abstention has none. */
function asCast(choices: string[]): CastBallot {
  return { choices };
}

/** The count's candidate keys mapped back to nomination ids; "yes" and "no" stay as they are. */
function keyedById(result: BallotResult, idOf: Map<string, string>): BallotResult {
  const id = (key: string) => idOf.get(key) ?? key;
  const ids = (keys: string[]) => keys.map(id);
  const rounds = (list: BallotResult['rounds']) =>
    list.map((round) => ({
      tally: Object.fromEntries(Object.entries(round.tally).map(([key, n]) => [id(key), n])),
      eliminated: ids(round.eliminated),
      exhausted: round.exhausted,
    }));
  return {
    ...result,
    winner: result.winner === null ? null : id(result.winner),
    tied: ids(result.tied),
    rounds: rounds(result.rounds),
    draws: result.draws.map((draw) => ({
      ...draw,
      tied: ids(draw.tied),
      order: ids(draw.order),
      chosen: id(draw.chosen),
    })),
    advisory: result.advisory && {
      ...result.advisory,
      ...(result.advisory.rounds ? { rounds: rounds(result.advisory.rounds) } : {}),
      ...(result.advisory.winner ? { winner: id(result.advisory.winner) } : {}),
    },
  };
}

/**
 * Counts a ballot. The candidates are counted under the names ballots.json publishes them by, so
 * that a drawing of lots, which hashes the seed with each tied candidate's name, comes out the same
 * in `npm run cli -- tally`; the result is then stored by nomination id.
 */
export function countBallot(tx: Tx, ballot: BallotRecord, seed: string | null): BallotResult {
  const nameOf = candidateNames(tx, ballot.id);
  const idOf = new Map([...nameOf].map(([id, name]) => [name, id]));
  const candidates = [...nameOf.values()];
  const cast = votesOf(tx, ballot.id);
  const named = (choices: string[]) => asCast(choices.map((choice) => nameOf.get(choice) ?? choice));
  const binding = cast.filter((vote) => vote.binding).map((vote) => named(vote.choices));
  const advisory = cast.filter((vote) => !vote.binding).map((vote) => named(vote.choices));
  const turnout = turnoutOf(tx, ballot.id);
  const result = tallyBallot({
    method: ballot.method,
    candidates,
    ballots: binding,
    tieRule: ballot.tieRule,
    seed: seed ?? undefined,
    quorum: { eligible: turnout.binding, quorumPercent: ballot.quorumPercent },
  });
  const advisoryTally =
    ballot.partnerVotes === 'advisory'
      ? tallyAdvisory({ method: ballot.method, candidates, ballots: advisory })
      : null;
  return keyedById(
    {
      outcome: result.outcome,
      winner: result.winner,
      tied: result.tied,
      rounds: result.rounds,
      draws: result.draws,
      cast: result.cast,
      eligible: turnout.binding,
      quorumMet: result.outcome !== 'no_quorum',
      advisory: advisoryTally
        ? advisoryTally.disclosed
          ? {
              cast: advisoryTally.cast,
              disclosed: true,
              rounds: advisoryTally.result.rounds,
              winner: advisoryTally.result.winner,
            }
          : { cast: advisoryTally.cast, disclosed: false }
        : null,
    },
    idOf,
  );
}

/** Closes and counts an open ballot inside the caller's transaction. */
export function closeAndCount(
  tx: Tx,
  ballot: BallotRecord,
  now: Date,
  actor: Actor,
  closedBy: number | null,
) {
  const seed = ballot.tieRule === 'lot' ? crypto.randomBytes(16).toString('hex') : null;
  const result = countBallot(tx, ballot, seed);
  // Closing by itself, a ballot closed at its time, even when the job or page read that counts
  // it comes later; nothing cast after that time was accepted (cast-vote.ts checks it).
  const closedAt =
    closedBy === null && ballot.closesAt < now.toISOString() ? ballot.closesAt : now.toISOString();
  tx.update(ballots)
    .set({ status: 'closed', closedAt, closedBy, result, lotSeed: seed })
    .where(eq(ballots.id, ballot.id))
    .run();
  recordAudit(tx, {
    actor,
    action: 'ballot.close',
    subjectType: 'ballot',
    subjectId: ballot.id,
    details: {
      early: closedBy !== null,
      outcome: result.outcome,
      winner: result.winner,
      tied: result.tied,
      cast: result.cast,
      eligible: result.eligible,
      lotSeed: seed,
    },
    at: now,
  });
  return result;
}

/**
 * The secretariat closes an open ballot before its time, and it is counted at once. Refuses:
 * anyone else (403); a ballot that is not open (409).
 */
export function closeBallot(db: Db, ballotId: number, viewer: Viewer, now: Date): ActionResult<BallotResult> {
  if (!permissions.manageBallots(viewer)) return refused(403, 'Only the secretariat closes a ballot early.');
  const closed = db.transaction((tx) => {
    const ballot = tx.select().from(ballots).where(eq(ballots.id, ballotId)).get();
    if (!ballot) return refused(404, 'There is no such ballot.');
    if (ballot.status !== 'open')
      return refused(409, `Ballot ${ballotId} is not open, so it cannot be closed.`);
    return ok(closeAndCount(tx, ballot, now, actorOf(viewer), viewer.id));
  });
  // The last votes' frames leave the write-ahead log (see foldWriteAheadLog).
  if (closed.ok) foldWriteAheadLog(db);
  return closed;
}
