// Reads of ballots: the ballot with its vacancy and candidates, the viewer's line on the roll,
// the turnout, and the votes as counted.
import { and, asc, count, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { prepareOnce } from '../../db/per-connection.js';
import {
  ballotCandidates,
  ballots,
  nominations,
  seats,
  users,
  vacancies,
  voterRoll,
  votes,
} from '../../db/schema.js';
import { permissions, type Viewer } from '../auth/permissions.js';

export type BallotRecord = typeof ballots.$inferSelect;
export type RollEntry = typeof voterRoll.$inferSelect;

// The ballot pages' reads, prepared once per connection: building them costs more than running them.
const byId = prepareOnce((db) =>
  db
    .select()
    .from(ballots)
    .where(eq(ballots.id, sql.placeholder('id')))
    .prepare(),
);

export function ballotById(db: Db | Tx, id: number): BallotRecord | undefined {
  return byId(db).get({ id });
}

/** The ballot's candidates (their nominations), in the order they were listed. */
const candidateRows = prepareOnce((db) =>
  db
    .select({ nomination: nominations })
    .from(ballotCandidates)
    .innerJoin(nominations, eq(nominations.id, ballotCandidates.nominationId))
    .where(eq(ballotCandidates.ballotId, sql.placeholder('ballotId')))
    .orderBy(asc(ballotCandidates.position))
    .prepare(),
);

export function candidatesOf(db: Db | Tx, ballotId: number) {
  return candidateRows(db)
    .all({ ballotId })
    .map((row) => row.nomination);
}

const vacancyWithSeat = prepareOnce((db) =>
  db
    .select({ vacancy: vacancies, seatNumber: seats.number })
    .from(vacancies)
    .innerJoin(seats, eq(seats.id, vacancies.seatId))
    .where(eq(vacancies.id, sql.placeholder('vacancyId')))
    .prepare(),
);

export function vacancyOfBallot(db: Db | Tx, ballot: BallotRecord) {
  return vacancyWithSeat(db).get({ vacancyId: ballot.vacancyId })!;
}

const rollRow = prepareOnce((db) =>
  db
    .select()
    .from(voterRoll)
    .where(
      and(
        eq(voterRoll.ballotId, sql.placeholder('ballotId')),
        eq(voterRoll.userId, sql.placeholder('userId')),
      ),
    )
    .prepare(),
);

export function rollEntry(db: Db | Tx, ballotId: number, userId: number): RollEntry | undefined {
  return rollRow(db).get({ ballotId, userId });
}

export interface Turnout {
  /** Everyone on the roll who has not recused themselves. */
  entitled: number;
  voted: number;
  /** Binding, non-recused voters: the quorum's denominator. */
  binding: number;
  bindingVoted: number;
  recused: number;
}

const turnoutRows = prepareOnce((db) =>
  db
    .select({
      binding: voterRoll.binding,
      voted: voterRoll.voted,
      recused: voterRoll.recusal,
      n: count(),
    })
    .from(voterRoll)
    .where(eq(voterRoll.ballotId, sql.placeholder('ballotId')))
    .groupBy(voterRoll.binding, voterRoll.voted, voterRoll.recusal)
    .prepare(),
);

export function turnoutOf(db: Db | Tx, ballotId: number): Turnout {
  const rows = turnoutRows(db).all({ ballotId });
  const turnout: Turnout = { entitled: 0, voted: 0, binding: 0, bindingVoted: 0, recused: 0 };
  for (const row of rows) {
    if (row.recused) {
      turnout.recused += row.n;
      continue;
    }
    turnout.entitled += row.n;
    if (row.voted) turnout.voted += row.n;
    if (row.binding) {
      turnout.binding += row.n;
      if (row.voted) turnout.bindingVoted += row.n;
    }
  }
  return turnout;
}

/** The votes of a closed ballot, in receipt order (which says nothing about when they were cast). */
const voteRows = prepareOnce((db) =>
  db
    .select()
    .from(votes)
    .where(eq(votes.ballotId, sql.placeholder('ballotId')))
    .orderBy(asc(votes.receipt))
    .prepare(),
);

/** The votes cast: the rows voters filled, not the empty ones made when the ballot opened. */
export function votesOf(db: Db | Tx, ballotId: number) {
  return voteRows(db)
    .all({ ballotId })
    .flatMap((vote) => (vote.choices === null ? [] : [{ ...vote, choices: vote.choices }]));
}

/** A vacancy's ballots, newest first. */
const ballotsOfVacancy = prepareOnce((db) =>
  db
    .select()
    .from(ballots)
    .where(eq(ballots.vacancyId, sql.placeholder('vacancyId')))
    .orderBy(desc(ballots.id))
    .prepare(),
);

export function ballotsForVacancy(db: Db | Tx, vacancyId: number) {
  return ballotsOfVacancy(db).all({ vacancyId });
}

/**
 * The vacancy's ballot still to be settled, if any: one in draft or open, one with a winner
 * awaiting certification, or a tie no runoff has yet been called for. Another ballot may follow
 * only ballots that decided nothing (no quorum, rejected, or a tie whose runoff is the one to look at).
 */
export function ballotToSettle(list: readonly BallotRecord[]): BallotRecord | undefined {
  const runoffCalled = new Set(list.map((ballot) => ballot.runoffOf));
  return list.find(
    (ballot) =>
      ballot.status === 'draft' ||
      ballot.status === 'open' ||
      (ballot.status === 'closed' &&
        (ballot.result?.outcome === 'winner' ||
          (ballot.result?.outcome === 'tie' && !runoffCalled.has(ballot.id)))),
  );
}

/**
 * The ballots a person may vote in, for their calendar: those whose roll holds them, and those
 * not yet open when they would be on it; the secretariat's, every ballot. Cancelled ones never.
 */
export function ballotsOpenTo(db: Db | Tx, viewer: Viewer) {
  const rows = db
    .select({ ballot: ballots, seatNumber: seats.number, onRoll: voterRoll.userId })
    .from(ballots)
    .innerJoin(vacancies, eq(vacancies.id, ballots.vacancyId))
    .innerJoin(seats, eq(seats.id, vacancies.seatId))
    .leftJoin(voterRoll, and(eq(voterRoll.ballotId, ballots.id), eq(voterRoll.userId, viewer.id)))
    .where(ne(ballots.status, 'cancelled'))
    .orderBy(asc(ballots.opensAt))
    .all();
  return rows.filter(
    (row) =>
      permissions.manageBallots(viewer) ||
      row.onRoll !== null ||
      (row.ballot.status === 'draft' && permissions.takePartInBallots(viewer)),
  );
}

/** The open ballots this voter is on the roll of and has not voted in (nor recused from). */
export function ballotsAwaitingVote(db: Db | Tx, userId: number) {
  return db
    .select({ id: ballots.id, closesAt: ballots.closesAt, seatNumber: seats.number })
    .from(voterRoll)
    .innerJoin(ballots, eq(ballots.id, voterRoll.ballotId))
    .innerJoin(vacancies, eq(vacancies.id, ballots.vacancyId))
    .innerJoin(seats, eq(seats.id, vacancies.seatId))
    .where(
      and(
        eq(voterRoll.userId, userId),
        eq(voterRoll.voted, false),
        isNull(voterRoll.recusal),
        eq(ballots.status, 'open'),
      ),
    )
    .orderBy(asc(ballots.closesAt))
    .all();
}

/** The display names of a named ballot's voters, by user id; empty for a secret ballot. */
export function voterNames(db: Db | Tx, ballot: BallotRecord): Record<number, string> {
  if (ballot.secret) return {};
  return Object.fromEntries(
    db
      .select({ id: users.id, displayName: users.displayName })
      .from(votes)
      .innerJoin(users, eq(users.id, votes.voterId))
      .where(eq(votes.ballotId, ballot.id))
      .all()
      .map((row) => [row.id, row.displayName]),
  );
}
