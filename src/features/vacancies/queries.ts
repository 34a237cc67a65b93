// Reads of vacancies with their seat and departing term, shared by the vacancy pages, the
// dashboard, the board page and the nomination forms.
import { and, asc, desc, eq, notInArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { cities, seats, terms, vacancies } from '../../db/schema.js';

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

/** The secretariat's list: every vacancy not yet filled or cancelled, upcoming ones too. */
export function unfinishedVacancies(db: Db | Tx) {
  return vacancyRows(db)
    .where(notInArray(vacancies.status, ['filled', 'cancelled']))
    .orderBy(asc(vacancies.freeOn))
    .all()
    .map(withRegion);
}

/** Everyone else's list: vacancies open for nominations. */
export function openVacancies(db: Db | Tx) {
  return vacancyRows(db)
    .where(eq(vacancies.status, 'open'))
    .orderBy(asc(vacancies.nominationDeadline))
    .all()
    .map(withRegion);
}

export function vacancyById(db: Db | Tx, id: number) {
  const row = vacancyRows(db).where(eq(vacancies.id, id)).get();
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
