// Who sees which nomination (DESIGN.md): a nominator their own; the secretariat every one ever
// submitted; board members and partners the shortlist (and, after the ballot, its outcome). The
// rule is applied in the query itself, so no page can forget it.
import { and, asc, desc, eq, inArray, isNotNull, notInArray, or, type SQL, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { connectionOf, prepareOnce } from '../../db/per-connection.js';
import { ballots, nominationEvents, nominations, seats, users, vacancies } from '../../db/schema.js';
import { regionOf } from '../../domain/countries.js';
import { SHORTLIST_STATUSES } from '../../domain/nomination-rules.js';
import type { NominationStatus } from '../../domain/reference.js';
import { permissions, type Viewer } from '../auth/permissions.js';

export type NominationRecord = typeof nominations.$inferSelect;

/** Which of the three visibility rules applies to the viewer (permissions.canSeeNomination). */
type Visibility = 'submitted' | 'shortlist' | 'own';

function visibilityOf(viewer: Viewer): Visibility {
  if (permissions.reviewNominations(viewer)) return 'submitted';
  if (permissions.viewShortlist(viewer)) return 'shortlist';
  return 'own';
}

const viewerId = sql.placeholder('viewerId');

/** The SQL twin of permissions.canSeeNomination, for each rule; the viewer is a placeholder. */
function visibleWhere(visibility: Visibility): SQL {
  const own = eq(nominations.nominatedBy, viewerId);
  if (visibility === 'submitted') return or(own, isNotNull(nominations.submittedAt))!;
  if (visibility === 'shortlist')
    return or(
      own,
      and(isNotNull(nominations.submittedAt), inArray(nominations.status, [...SHORTLIST_STATUSES])),
    )!;
  return own;
}

/** A query prepared once per connection for each visibility rule. */
function perVisibility<T>(build: (db: Db | Tx, where: SQL) => T) {
  const variants = {
    submitted: prepareOnce((db) => build(db, visibleWhere('submitted'))),
    shortlist: prepareOnce((db) => build(db, visibleWhere('shortlist'))),
    own: prepareOnce((db) => build(db, visibleWhere('own'))),
  };
  return (db: Db | Tx, viewer: Viewer) => variants[visibilityOf(viewer)](db);
}

export const NOMINATIONS_PER_PAGE = 50;

function listRows(db: Db | Tx, where: SQL | undefined) {
  return db
    .select({ nomination: nominations, seatNumber: seats.number, vacancy: vacancies })
    .from(nominations)
    .innerJoin(vacancies, eq(vacancies.id, nominations.vacancyId))
    .innerJoin(seats, eq(seats.id, vacancies.seatId))
    .where(where)
    .orderBy(desc(nominations.id));
}

const withRegion = <T extends { nomination: Pick<NominationRecord, 'country'> }>(row: T) => ({
  ...row,
  region: regionOf(row.nomination.country)!,
});

// The list shows a few columns of each nomination: reading only those keeps a page of fifty cheap
// (a statement alone may be 5,000 characters).
const pageRows = perVisibility((db, where) =>
  db
    .select({
      nomination: {
        id: nominations.id,
        nomineeName: nominations.nomineeName,
        cityName: nominations.cityName,
        country: nominations.country,
        status: nominations.status,
        submittedAt: nominations.submittedAt,
      },
      seatNumber: seats.number,
      vacancy: { id: vacancies.id },
    })
    .from(nominations)
    .innerJoin(vacancies, eq(vacancies.id, nominations.vacancyId))
    .innerJoin(seats, eq(seats.id, vacancies.seatId))
    .where(where)
    .orderBy(desc(nominations.id))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare(),
);

// How many nominations the viewer may see, counted without visiting each row: a long history
// holds a hundred thousand. The secretariat sees every nomination but the few never submitted
// (SQLite counts a whole table from its b-tree pages alone); the others see a part an index holds.
const SHORTLIST_SQL = SHORTLIST_STATUSES.map((status) => `'${status}'`).join(', ');
const visibleCounts = {
  submitted: prepareOnce((db) =>
    connectionOf(db).prepare(
      `SELECT (SELECT count(*) FROM nominations)
            - (SELECT count(*) FROM nominations WHERE submitted_at IS NULL AND nominated_by <> @viewerId) AS n`,
    ),
  ),
  shortlist: prepareOnce((db) =>
    connectionOf(db).prepare(
      `SELECT (SELECT count(*) FROM nominations WHERE status IN (${SHORTLIST_SQL}) AND submitted_at IS NOT NULL)
            + (SELECT count(*) FROM nominations WHERE nominated_by = @viewerId
                 AND NOT (status IN (${SHORTLIST_SQL}) AND submitted_at IS NOT NULL)) AS n`,
    ),
  ),
  own: prepareOnce((db) =>
    connectionOf(db).prepare('SELECT count(*) AS n FROM nominations WHERE nominated_by = @viewerId'),
  ),
};

/** One page of the nominations this viewer may see, newest first. */
export function nominationPage(db: Db | Tx, viewer: Viewer, page: number) {
  const counted = visibleCounts[visibilityOf(viewer)](db).get({ viewerId: viewer.id }) as { n: number };
  const total = counted.n;
  const rows = pageRows(db, viewer)
    .all({ viewerId: viewer.id, limit: NOMINATIONS_PER_PAGE, offset: (page - 1) * NOMINATIONS_PER_PAGE })
    .map(withRegion);
  return { rows, total, page, pages: Math.max(1, Math.ceil(total / NOMINATIONS_PER_PAGE)) };
}

const vacancyRows = perVisibility((db, where) =>
  listRows(db, and(where, eq(nominations.vacancyId, sql.placeholder('vacancyId')))).prepare(),
);

/** The nominations of one vacancy this viewer may see. */
export function nominationsForVacancy(db: Db | Tx, viewer: Viewer, vacancyId: number) {
  return vacancyRows(db, viewer).all({ viewerId: viewer.id, vacancyId }).map(withRegion);
}

const ownRows = prepareOnce((db) => listRows(db, eq(nominations.nominatedBy, viewerId)).prepare());

/** The viewer's own nominations (a nominator's dashboard). */
export function ownNominations(db: Db | Tx, viewer: Viewer) {
  return ownRows(db).all({ viewerId: viewer.id }).map(withRegion);
}

const shortlistedRows = perVisibility((db, where) =>
  listRows(db, and(where, eq(nominations.status, 'shortlisted'))).prepare(),
);

/** The shortlisted candidates this viewer may see (board members' and partners' dashboards). */
export function shortlistedCandidates(db: Db | Tx, viewer: Viewer) {
  return shortlistedRows(db, viewer).all({ viewerId: viewer.id }).map(withRegion);
}

const visibleById = perVisibility((db, where) =>
  db
    .select()
    .from(nominations)
    .where(and(eq(nominations.id, sql.placeholder('id')), where))
    .prepare(),
);

/** A nomination, if this viewer may see it. */
export function nominationFor(db: Db | Tx, id: number, viewer: Viewer): NominationRecord | undefined {
  return visibleById(db, viewer).get({ viewerId: viewer.id, id });
}

/** The city's nomination for the vacancy that counts (neither a draft nor withdrawn), if any. */
export function liveNominationOfCity(db: Db | Tx, vacancyId: number, cityKey: string) {
  return db
    .select()
    .from(nominations)
    .where(
      and(
        eq(nominations.vacancyId, vacancyId),
        eq(nominations.cityKey, cityKey),
        notInArray(nominations.status, ['draft', 'withdrawn']),
      ),
    )
    .get();
}

/** The nominator's unfinished draft for the vacancy, if any: there is at most one. */
export function draftOf(db: Db | Tx, vacancyId: number, nominatorId: number) {
  return db
    .select()
    .from(nominations)
    .where(
      and(
        eq(nominations.vacancyId, vacancyId),
        eq(nominations.nominatedBy, nominatorId),
        eq(nominations.status, 'draft'),
      ),
    )
    .get();
}

/**
 * The window of the vacancy's latest ballot (scheduled, open or closed), for "what happens next".
 * Read here rather than through the ballots feature, which builds on this one.
 */
export function ballotWindowOf(db: Db | Tx, vacancyId: number): BallotWindow | undefined {
  return db
    .select({ status: ballots.status, opensAt: ballots.opensAt, closesAt: ballots.closesAt })
    .from(ballots)
    .where(and(eq(ballots.vacancyId, vacancyId), notInArray(ballots.status, ['cancelled'])))
    .orderBy(desc(ballots.id))
    .limit(1)
    .get();
}

export interface BallotWindow {
  status: string;
  opensAt: string;
  closesAt: string;
}

export function nominatorOf(db: Db | Tx, userId: number) {
  return db.select({ displayName: users.displayName }).from(users).where(eq(users.id, userId)).get();
}

export function nominationHistory(db: Db | Tx, nominationId: number) {
  return db
    .select({ event: nominationEvents, actorName: users.displayName })
    .from(nominationEvents)
    .leftJoin(users, eq(users.id, nominationEvents.actorId))
    .where(eq(nominationEvents.nominationId, nominationId))
    .orderBy(asc(nominationEvents.id))
    .all();
}

export function recordStatusChange(
  tx: Tx,
  change: {
    nominationId: number;
    from: NominationStatus | null;
    to: NominationStatus;
    actorId: number | null;
    note?: string | null;
    at: Date;
  },
): void {
  tx.insert(nominationEvents)
    .values({
      nominationId: change.nominationId,
      fromStatus: change.from,
      toStatus: change.to,
      actorId: change.actorId,
      note: change.note ?? null,
      at: change.at.toISOString(),
    })
    .run();
}
