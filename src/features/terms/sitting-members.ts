// The members sitting on a given day, with their city and seat: the board page, the terms page
// and every diversity computation start from this one query. A member's region and contexts are
// the ones their term recorded when it started (DESIGN.md, "History is kept").
import { asc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { prepareOnce } from '../../db/per-connection.js';
import { cities, seats, terms } from '../../db/schema.js';
import type { IsoDate } from '../../domain/dates.js';
import type { BoardMember } from '../../domain/diversity.js';
import { termActiveOn } from './term-active.js';

const sittingOn = prepareOnce((db) =>
  db
    .select({ term: terms, city: cities, seatNumber: seats.number })
    .from(terms)
    .innerJoin(cities, eq(cities.id, terms.cityId))
    .innerJoin(seats, eq(seats.id, terms.seatId))
    .where(termActiveOn(sql.placeholder('day')))
    .orderBy(asc(seats.number))
    .prepare(),
);

export function sittingMembers(db: Db | Tx, day: IsoDate) {
  return sittingOn(db)
    .all({ day })
    .map((row) => ({ ...row, region: row.term.region }));
}

export type SittingMember = ReturnType<typeof sittingMembers>[number];

/** The diversity module's view of a member, keyed by term, as the term recorded the city. */
export function asBoardMember(member: Pick<SittingMember, 'term' | 'city'>): BoardMember {
  return {
    key: `term:${member.term.id}`,
    cityName: member.city.name,
    country: member.city.country,
    region: member.term.region,
    contexts: member.term.contexts,
    secondaryCity: member.term.secondaryCity,
    seatId: member.term.seatId,
  };
}
