// The members sitting on a given day, with their city and seat: the board page, the terms page
// and every diversity computation start from this one query.
import { asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { cities, seats, terms } from '../../db/schema.js';
import { regionOf } from '../../domain/countries.js';
import type { IsoDate } from '../../domain/dates.js';
import type { BoardMember } from '../../domain/diversity.js';
import type { Region } from '../../domain/reference.js';
import { termActiveOn } from '../terms/term-active-sql.js';

export function sittingMembers(db: Db | Tx, day: IsoDate) {
  return db
    .select({ term: terms, city: cities, seatNumber: seats.number })
    .from(terms)
    .innerJoin(cities, eq(cities.id, terms.cityId))
    .innerJoin(seats, eq(seats.id, terms.seatId))
    .where(termActiveOn(day))
    .orderBy(asc(seats.number))
    .all()
    .map((row) => ({ ...row, region: regionOf(row.city.country) as Region }));
}

export type SittingMember = ReturnType<typeof sittingMembers>[number];

/** The diversity module's view of a sitting member, keyed by term. */
export function asBoardMember(member: SittingMember): BoardMember {
  return {
    key: `term:${member.term.id}`,
    cityName: member.city.name,
    country: member.city.country,
    region: member.region,
    contexts: member.city.contexts,
    secondaryCity: member.city.secondaryCity,
    seatId: member.term.seatId,
  };
}
