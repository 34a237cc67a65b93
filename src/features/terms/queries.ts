// Reads of seats and terms shared by the terms page, the vacancy pages and the actions.
import { and, asc, eq, notInArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { cities, seats, terms, vacancies } from '../../db/schema.js';
import type { IsoDate } from '../../domain/dates.js';
import type { Region } from '../../domain/reference.js';
import type { TermSpan } from '../../domain/terms.js';
import { effectiveEnd, isActiveOn } from '../../domain/terms.js';
import { memberKey } from '../cities/city-identity.js';

function termRows(db: Db | Tx) {
  return db
    .select({ term: terms, city: cities, seatNumber: seats.number })
    .from(terms)
    .innerJoin(cities, eq(cities.id, terms.cityId))
    .innerJoin(seats, eq(seats.id, terms.seatId))
    .$dynamic();
}

export interface TermRow {
  term: typeof terms.$inferSelect;
  city: typeof cities.$inferSelect;
  seatNumber: number;
  /** The region the term recorded when it started. */
  region: Region;
}

const withRegion = (row: Omit<TermRow, 'region'>): TermRow => ({ ...row, region: row.term.region });

export function termsWithCities(db: Db | Tx): TermRow[] {
  return termRows(db).orderBy(asc(seats.number), asc(terms.startsOn)).all().map(withRegion);
}

export function termById(db: Db | Tx, id: number): TermRow | undefined {
  const row = termRows(db).where(eq(terms.id, id)).get();
  return row ? withRegion(row) : undefined;
}

/** Every term on one seat, oldest first. */
export function termsOnSeat(db: Db | Tx, seatId: number): TermRow[] {
  return termRows(db).where(eq(terms.seatId, seatId)).orderBy(asc(terms.startsOn)).all().map(withRegion);
}

/** Every term a city has held, on any seat. */
export function termsOfCity(db: Db | Tx, cityKeyValue: string): TermRow[] {
  return termRows(db)
    .where(eq(cities.cityKey, cityKeyValue))
    .orderBy(asc(terms.startsOn))
    .all()
    .map(withRegion);
}

/** The terms of one person serving for one city: what term numbers and the term limit count. */
export function termsOfMember(db: Db | Tx, cityKeyValue: string, key: string): TermSpan[] {
  return termsOfCity(db, cityKeyValue)
    .map(asTermSpan)
    .filter((span) => span.memberKey === key);
}

export function asTermSpan(row: Pick<TermRow, 'term' | 'city'>): TermSpan {
  return {
    id: row.term.id,
    seatId: row.term.seatId,
    memberKey: memberKey(row.city.country, row.city.name, row.term.memberName),
    startsOn: row.term.startsOn,
    endsOn: row.term.endsOn,
    endedOn: row.term.endedOn,
    mandateEndsOn: row.term.mandateEndsOn,
  };
}

export function allSeats(db: Db | Tx) {
  return db.select().from(seats).orderBy(asc(seats.number)).all();
}

export function seatById(db: Db | Tx, id: number) {
  return db.select().from(seats).where(eq(seats.id, id)).get();
}

/** A term that starts on the seat on this day (a successor recorded ahead). */
export function termStartingOn(db: Db | Tx, seatId: number, day: IsoDate) {
  return db
    .select({ id: terms.id })
    .from(terms)
    .where(and(eq(terms.seatId, seatId), eq(terms.startsOn, day)))
    .get();
}

export interface SeatOverview {
  seat: typeof seats.$inferSelect;
  current: TermRow | null;
  /** Terms that have ended, newest first. */
  past: TermRow[];
  /** Terms that start after today (a renewal recorded ahead). */
  future: TermRow[];
}

export function seatOverview(
  db: Db | Tx,
  today: IsoDate,
  rows: TermRow[] = termsWithCities(db),
): SeatOverview[] {
  return allSeats(db).map((seat) => {
    const onSeat = rows.filter((row) => row.term.seatId === seat.id);
    return {
      seat,
      current: onSeat.find((row) => isActiveOn(row.term, today)) ?? null,
      past: onSeat.filter((row) => effectiveEnd(row.term) <= today).reverse(),
      future: onSeat.filter((row) => row.term.startsOn > today),
    };
  });
}

/**
 * The seats' unfinished vacancies, as the terms page marks them. Read here from the table, not
 * through the vacancies feature, which builds on this one.
 */
export function seatVacancies(db: Db | Tx) {
  return db
    .select({
      id: vacancies.id,
      seatId: vacancies.seatId,
      freeOn: vacancies.freeOn,
      status: vacancies.status,
    })
    .from(vacancies)
    .where(notInArray(vacancies.status, ['filled', 'cancelled']))
    .all()
    .map((vacancy) => ({ vacancy }));
}
