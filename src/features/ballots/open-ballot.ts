// Opening a ballot fixes its voter roll (DESIGN.md, "Ballots"): the members with an active term
// on the day it opens, and one representative per partner organisation (the organisation's
// first account). A voter whose own city is a candidate's city is recused automatically. Runs
// inside the transaction that opens the ballot (its creation, or the job when its time comes).
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { prepareOnce } from '../../db/per-connection.js';
import {
  ballots,
  cities,
  EMPTY_VOTE_CHOICES,
  nominations,
  terms,
  users,
  voterRoll,
  votes,
} from '../../db/schema.js';
import type { IsoDate } from '../../domain/dates.js';
import type { Actor } from '../audit-log/audit-log.js';
import { recordAudit, SYSTEM_ACTOR } from '../audit-log/audit-log.js';
import { termActiveOn } from '../terms/term-active.js';
import { type BallotRecord, candidatesOf } from './queries.js';
import { newReceipts } from './receipts.js';

interface Voter {
  userId: number;
  weightClass: 'board' | 'partner';
  cityKey: string | null;
}

function votersOn(tx: Tx, day: IsoDate): Voter[] {
  const members = tx
    .select({ userId: users.id, cityKey: cities.cityKey })
    .from(terms)
    .innerJoin(users, eq(users.id, terms.userId))
    .innerJoin(cities, eq(cities.id, terms.cityId))
    .where(and(termActiveOn(day), eq(users.disabled, false), eq(users.role, 'board_member')))
    .all();
  const partners = tx
    .select({ userId: users.id, organisation: users.partnerOrganisation })
    .from(users)
    .where(and(eq(users.role, 'partner'), eq(users.disabled, false)))
    .orderBy(asc(users.id))
    .all();
  const seen = new Set<string>();
  const representatives: Voter[] = [];
  for (const partner of partners) {
    const organisation = (partner.organisation ?? `account ${partner.userId}`).trim().toLowerCase();
    if (seen.has(organisation)) continue;
    seen.add(organisation);
    representatives.push({ userId: partner.userId, weightClass: 'partner', cityKey: null });
  }
  const board = [...new Map(members.map((m) => [m.userId, m])).values()].map(
    (m): Voter => ({ userId: m.userId, weightClass: 'board', cityKey: m.cityKey }),
  );
  return [...board, ...representatives];
}

export function openBallot(
  tx: Tx,
  ballot: BallotRecord,
  today: IsoDate,
  now: Date,
  actor: Actor = SYSTEM_ACTOR,
) {
  const candidateCities = new Map(
    candidatesOf(tx, ballot.id).map((nomination) => [nomination.cityKey, nomination.cityName] as const),
  );
  const roll = votersOn(tx, today);
  for (const voter of roll) {
    const ownCity = voter.cityKey ? candidateCities.get(voter.cityKey) : undefined;
    tx.insert(voterRoll)
      .values({
        ballotId: ballot.id,
        userId: voter.userId,
        weightClass: voter.weightClass,
        binding: voter.weightClass === 'board' || ballot.partnerVotes === 'binding',
        recusal: ownCity ? 'automatic' : null,
        recusalReason: ownCity ? `Your own city, ${ownCity}, is a candidate’s city.` : null,
      })
      .onConflictDoNothing()
      .run();
  }
  // One empty vote row per voter, of their weight, in receipt order (see votes.choices in schema.ts).
  const voters = tx.select().from(voterRoll).where(eq(voterRoll.ballotId, ballot.id)).all();
  const receipts = newReceipts(voters.length);
  voters.forEach((voter, index) => {
    tx.insert(votes)
      .values({
        ballotId: ballot.id,
        receipt: receipts[index]!,
        choices: sql`${EMPTY_VOTE_CHOICES}`,
        weightClass: voter.weightClass,
        binding: voter.binding,
      })
      .run();
  });
  tx.update(ballots)
    .set({ status: 'open', openedAt: now.toISOString() })
    .where(eq(ballots.id, ballot.id))
    .run();
  recordAudit(tx, {
    actor,
    action: 'ballot.open',
    subjectType: 'ballot',
    subjectId: ballot.id,
    details: {
      voters: roll.length,
      board: roll.filter((v) => v.weightClass === 'board').length,
      partners: roll.filter((v) => v.weightClass === 'partner').length,
      recusedAutomatically: roll.filter((v) => v.cityKey && candidateCities.has(v.cityKey)).length,
    },
    at: now,
  });
}

/** The vacancy's shortlisted nominations: the only ones a ballot may list. */
const shortlistRows = prepareOnce((db) =>
  db
    .select()
    .from(nominations)
    .where(
      and(
        eq(nominations.vacancyId, sql.placeholder('vacancyId')),
        inArray(nominations.status, ['shortlisted']),
      ),
    )
    .prepare(),
);

export function shortlistOfVacancy(tx: Tx | Db, vacancyId: number) {
  return shortlistRows(tx).all({ vacancyId });
}
