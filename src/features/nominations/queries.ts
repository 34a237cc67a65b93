// Who sees which nomination (DESIGN.md): a nominator their own; the secretariat every one ever
// submitted; board members and partners the shortlist (and, after the ballot, its outcome). The
// rule is applied in the query itself, so no page can forget it.
import { and, asc, count, desc, eq, inArray, isNotNull, notInArray, or, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { nominationEvents, nominations, seats, users, vacancies } from '../../db/schema.js';
import { regionOf } from '../../domain/countries.js';
import { SHORTLIST_STATUSES } from '../../domain/nomination-rules.js';
import type { NominationStatus } from '../../domain/reference.js';
import { permissions, type Viewer } from '../auth/permissions.js';

export type NominationRecord = typeof nominations.$inferSelect;

/** The SQL twin of permissions.canSeeNomination. */
export function visibleTo(viewer: Viewer): SQL {
  const own = eq(nominations.nominatedBy, viewer.id);
  if (permissions.reviewNominations(viewer)) return or(own, isNotNull(nominations.submittedAt))!;
  if (permissions.viewShortlist(viewer))
    return or(
      own,
      and(isNotNull(nominations.submittedAt), inArray(nominations.status, [...SHORTLIST_STATUSES])),
    )!;
  return own;
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

const withRegion = <T extends { nomination: NominationRecord }>(row: T) => ({
  ...row,
  region: regionOf(row.nomination.country)!,
});

/** One page of the nominations this viewer may see, newest first. */
export function nominationPage(db: Db | Tx, viewer: Viewer, page: number) {
  const where = visibleTo(viewer);
  const total = db.select({ n: count() }).from(nominations).where(where).get()?.n ?? 0;
  const rows = listRows(db, where)
    .limit(NOMINATIONS_PER_PAGE)
    .offset((page - 1) * NOMINATIONS_PER_PAGE)
    .all()
    .map(withRegion);
  return { rows, total, page, pages: Math.max(1, Math.ceil(total / NOMINATIONS_PER_PAGE)) };
}

/** The nominations of one vacancy this viewer may see. */
export function nominationsForVacancy(db: Db | Tx, viewer: Viewer, vacancyId: number) {
  return listRows(db, and(visibleTo(viewer), eq(nominations.vacancyId, vacancyId)))
    .all()
    .map(withRegion);
}

/** The viewer's own nominations (a nominator's dashboard). */
export function ownNominations(db: Db | Tx, viewer: Viewer) {
  return listRows(db, eq(nominations.nominatedBy, viewer.id)).all().map(withRegion);
}

/** The shortlisted candidates this viewer may see (board members' and partners' dashboards). */
export function shortlistedCandidates(db: Db | Tx, viewer: Viewer) {
  return listRows(db, and(visibleTo(viewer), eq(nominations.status, 'shortlisted')))
    .all()
    .map(withRegion);
}

/** A nomination, if this viewer may see it. */
export function nominationFor(db: Db | Tx, id: number, viewer: Viewer): NominationRecord | undefined {
  return db
    .select()
    .from(nominations)
    .where(and(eq(nominations.id, id), visibleTo(viewer)))
    .get();
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
