// Reads of vacancies with their seat and departing term, shared by the vacancy pages, the
// dashboard, the board page and the nomination forms.
import { and, asc, desc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { prepareOnce } from '../../db/per-connection.js';
import { cities, seats, terms, vacancies } from '../../db/schema.js';
import { VACANCY_STATUSES } from '../../domain/reference.js';

function vacancyRows(db: Db | Tx) {
  return db
    .select({ vacancy: vacancies, seatNumber: seats.number, term: terms, city: cities })
    .from(vacancies)
    .innerJoin(seats, eq(seats.id, vacancies.seatId))
    .leftJoin(terms, eq(terms.id, vacancies.termId))
    .leftJoin(cities, eq(cities.id, terms.cityId))
    .$dynamic();
}

type Row = ReturnType<ReturnType<typeof vacancyRows>['all']>[number];

/** The departing member's region, as their term recorded it. */
const withRegion = (row: Row) => ({ ...row, region: row.term?.region });

export type VacancyRecord = typeof vacancies.$inferSelect;

/**
 * The statuses of a vacancy still in progress, listed rather than "not filled or cancelled" so
 * that the status index finds them among the thousands a long history has filled.
 */
export const UNFINISHED_STATUSES = VACANCY_STATUSES.filter(
  (status) => status !== 'filled' && status !== 'cancelled',
);

const unfinishedRows = prepareOnce((db) =>
  vacancyRows(db)
    .where(inArray(vacancies.status, UNFINISHED_STATUSES))
    .orderBy(asc(vacancies.freeOn))
    .prepare(),
);

const openRows = prepareOnce((db) =>
  vacancyRows(db).where(eq(vacancies.status, 'open')).orderBy(asc(vacancies.nominationDeadline)).prepare(),
);

const rowById = prepareOnce((db) =>
  vacancyRows(db)
    .where(eq(vacancies.id, sql.placeholder('id')))
    .prepare(),
);

/** The secretariat's list: every vacancy not yet filled or cancelled, upcoming ones too. */
export function unfinishedVacancies(db: Db | Tx) {
  return unfinishedRows(db).all().map(withRegion);
}

/** Everyone else's list: vacancies open for nominations. */
export function openVacancies(db: Db | Tx) {
  return openRows(db).all().map(withRegion);
}

export function vacancyById(db: Db | Tx, id: number) {
  const row = rowById(db).get({ id });
  return row ? withRegion(row) : undefined;
}

export type VacancyRow = NonNullable<ReturnType<typeof vacancyById>>;

export function unfinishedVacancyOnSeat(db: Db | Tx, seatId: number) {
  return db
    .select()
    .from(vacancies)
    .where(and(eq(vacancies.seatId, seatId), notInArray(vacancies.status, ['filled', 'cancelled'])))
    .orderBy(desc(vacancies.id))
    .get();
}
