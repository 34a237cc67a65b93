// Who sees which nomination (DESIGN.md): a nominator their own; the secretariat all; board
// members and partners the shortlisted ones (and, after the ballot, its candidates' outcomes).
import { and, asc, desc, eq, inArray, isNotNull, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import {
  type NominationStatus,
  nominationEvents,
  nominations,
  seats,
  users,
  vacancies,
} from '../../db/schema.js';
import { regionOf } from '../../domain/countries.js';
import { permissions, type Viewer } from '../auth/permissions.js';

/** Statuses board members and partners may see: shortlisted, and what became of a shortlist. */
export const SHORTLIST_STATUSES: NominationStatus[] = ['shortlisted', 'elected', 'not_elected'];

export type NominationRecord = typeof nominations.$inferSelect;

export function canSeeNomination(viewer: Viewer, nomination: NominationRecord): boolean {
  if (nomination.nominatedBy === viewer.id) return true;
  // A nomination never submitted (a draft, or a draft withdrawn) stays its nominator's own.
  if (nomination.submittedAt === null) return false;
  if (permissions.screenNominations(viewer)) return true;
  return permissions.reviewShortlist(viewer) && SHORTLIST_STATUSES.includes(nomination.status);
}

function visibleTo(viewer: Viewer): SQL | undefined {
  if (permissions.screenNominations(viewer)) return isNotNull(nominations.submittedAt);
  if (permissions.submitNominations(viewer)) return eq(nominations.nominatedBy, viewer.id);
  if (permissions.reviewShortlist(viewer)) return inArray(nominations.status, SHORTLIST_STATUSES);
  return eq(nominations.id, -1);
}

export function nominationList(db: Db | Tx, viewer: Viewer, vacancyId?: number) {
  return db
    .select({ nomination: nominations, seatNumber: seats.number, vacancy: vacancies })
    .from(nominations)
    .innerJoin(vacancies, eq(vacancies.id, nominations.vacancyId))
    .innerJoin(seats, eq(seats.id, vacancies.seatId))
    .where(and(visibleTo(viewer), vacancyId === undefined ? undefined : eq(nominations.vacancyId, vacancyId)))
    .orderBy(desc(nominations.id))
    .all()
    .map((row) => ({ ...row, region: regionOf(row.nomination.country)! }));
}

export function nominationById(db: Db | Tx, id: number) {
  return db.select().from(nominations).where(eq(nominations.id, id)).get();
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
