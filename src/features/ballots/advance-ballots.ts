// Ballots open at their opening time and close at their closing time by themselves (DESIGN.md):
// the jobs do it on a schedule, and every page read first asks the cheap `ballotsDue` whether
// anything is due, so no page shows a ballot open after its time, or counts a vote cast after it.
import { and, eq, lte } from 'drizzle-orm';
import { type Db, foldWriteAheadLog } from '../../db/client.js';
import { ballots } from '../../db/schema.js';
import { SYSTEM_ACTOR } from '../audit-log/audit-log.js';
import { boardToday, getSettings } from '../settings/settings.js';
import { closeAndCount } from './close-ballot.js';
import { openBallot } from './open-ballot.js';

const DUE_SQL = `
  SELECT 1 FROM ballots WHERE status = 'draft' AND opens_at <= @now
  UNION ALL
  SELECT 1 FROM ballots WHERE status = 'open' AND closes_at <= @now
  LIMIT 1`;

const dueStatements = new WeakMap<object, { get(params: object): unknown }>();

export function ballotsDue(db: Db, now: Date): boolean {
  let statement = dueStatements.get(db.$client);
  if (!statement) {
    statement = db.$client.prepare(DUE_SQL);
    dueStatements.set(db.$client, statement);
  }
  return statement.get({ now: now.toISOString() }) !== undefined;
}

export interface BallotChanges {
  opened: number[];
  closed: number[];
}

export function advanceBallots(db: Db, now: Date): BallotChanges {
  return db.transaction((tx) => {
    const instant = now.toISOString();
    const settings = getSettings(tx);
    const changes: BallotChanges = { opened: [], closed: [] };
    for (const ballot of tx
      .select()
      .from(ballots)
      .where(and(eq(ballots.status, 'draft'), lte(ballots.opensAt, instant)))
      .all()) {
      // The roll is the board of the opening day, even when the opening is noticed days later.
      openBallot(tx, ballot, boardToday(settings, new Date(ballot.opensAt)), now);
      changes.opened.push(ballot.id);
    }
    // Re-read: a ballot opened a moment ago may already be past its closing time (a missed run).
    for (const ballot of tx
      .select()
      .from(ballots)
      .where(and(eq(ballots.status, 'open'), lte(ballots.closesAt, instant)))
      .all()) {
      closeAndCount(tx, ballot, now, SYSTEM_ACTOR, null);
      changes.closed.push(ballot.id);
    }
    return changes;
  });
}

export function keepBallotsCurrent(db: Db, now: Date): void {
  if (ballotsDue(db, now) && advanceBallots(db, now).closed.length > 0) foldWriteAheadLog(db);
}
