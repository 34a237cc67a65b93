// Closing a ballot counts it (DESIGN.md, "Ballots"): the binding ballots by the method and the tie
// rule, after the quorum (binding, non-recused voters); advisory partners' ballots apart, their
// tally kept only when at least three were cast. A drawing of lots gets a fresh random seed,
// recorded with the result so that anyone can redo the draw. The secretariat may close a ballot
// early; otherwise it closes by itself at its time (the jobs, or any read of it).
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { type BallotResult, ballots } from '../../db/schema.js';
import { type CastBallot, tallyAdvisory, tallyBallot } from '../../domain/tally.js';
import { type ActionResult, ok, refused } from '../../lib/action-result.js';
import { actorOf } from '../audit-log/actor.js';
import { type Actor, recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { type BallotRecord, candidatesOf, turnoutOf, votesOf } from './queries.js';

/** A vote as the tally reads it: a confirm ballot's choice is yes or no; an abstention has none. */
function asCast(choices: string[]): CastBallot {
  return { choices };
}

export function countBallot(tx: Tx, ballot: BallotRecord, seed: string | null): BallotResult {
  const candidates = candidatesOf(tx, ballot.id).map((nomination) => String(nomination.id));
  const cast = votesOf(tx, ballot.id);
  const binding = cast.filter((vote) => vote.binding).map((vote) => asCast(vote.choices));
  const advisory = cast.filter((vote) => !vote.binding).map((vote) => asCast(vote.choices));
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
  return {
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
  };
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
  tx.update(ballots)
    .set({ status: 'closed', closedAt: now.toISOString(), closedBy, result, lotSeed: seed })
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
  return db.transaction((tx) => {
    const ballot = tx.select().from(ballots).where(eq(ballots.id, ballotId)).get();
    if (!ballot) return refused(404, 'There is no such ballot.');
    if (ballot.status !== 'open')
      return refused(409, `Ballot ${ballotId} is not open, so it cannot be closed.`);
    return ok(closeAndCount(tx, ballot, now, actorOf(viewer), viewer.id));
  });
}
