// Reads of seats and terms shared by the terms page, the vacancy pages and the actions.
import { asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { cities, seats, terms } from '../../db/schema.js';
import { regionOf } from '../../domain/countries.js';
import type { IsoDate } from '../../domain/dates.js';
import { cityKey } from '../../domain/eligibility.js';
import type { Region } from '../../domain/reference.js';
import type { TermSpan } from '../../domain/terms.js';
import { effectiveEnd, isActiveOn } from '../../domain/terms.js';

/** A person serving for a city: how term numbers and term limits recognise the same member. */
export function memberKey(country: string, cityName: string, memberName: string): string {
  return `${cityKey(country, cityName)}|${cityKey('', memberName).slice(1)}`;
}

export function termsWithCities(db: Db | Tx) {
  return db
    .select({ term: terms, city: cities, seatNumber: seats.number })
    .from(terms)
    .innerJoin(cities, eq(cities.id, terms.cityId))
    .innerJoin(seats, eq(seats.id, terms.seatId))
    .orderBy(asc(seats.number), asc(terms.startsOn))
    .all()
    .map((row) => ({ ...row, region: regionOf(row.city.country) as Region }));
}

export type TermRow = ReturnType<typeof termsWithCities>[number];

export function asTermSpan(row: TermRow): TermSpan {
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
