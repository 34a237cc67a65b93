// Reads of seats and terms shared by the terms page, the vacancy pages and the actions.
import { and, asc, desc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { cacheUntilWrite, prepareOnce } from '../../db/per-connection.js';
import { cities, seats, terms, vacancies } from '../../db/schema.js';
import type { IsoDate } from '../../domain/dates.js';
import { type Region, VACANCY_STATUSES } from '../../domain/reference.js';
import type { TermSpan } from '../../domain/terms.js';
import { effectiveEnd, isActiveOn } from '../../domain/terms.js';
import { memberKey } from '../cities/city-identity.js';
import { termEffectiveEnd } from './term-active.js';

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

/** The seats in order: reference data, kept in memory until the database is written to. */
export const allSeats = cacheUntilWrite((db) => db.select().from(seats).orderBy(asc(seats.number)).all());

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
  /**
   * Terms that have ended, newest first: the latest few (PAST_TERMS_SHOWN), and any that ended
   * after `since` (the timeline draws them), not the seat's whole history.
   */
  past: EndedTerm[];
  /** Whether the seat has earlier terms than those in `past`: its history page lists them all. */
  morePast: boolean;
  /** Terms that start after today (a renewal recorded ahead). */
  future: TermRow[];
}

/** What the history list and the timeline show of an ended term. */
export interface EndedTerm {
  term: Pick<
    TermRow['term'],
    'id' | 'seatId' | 'memberName' | 'termNumber' | 'startsOn' | 'endsOn' | 'endedOn' | 'endReason'
  >;
  city: Pick<TermRow['city'], 'name'>;
}

const endedTermColumns = {
  term: {
    id: terms.id,
    seatId: terms.seatId,
    memberName: terms.memberName,
    termNumber: terms.termNumber,
    startsOn: terms.startsOn,
    endsOn: terms.endsOn,
    endedOn: terms.endedOn,
    endReason: terms.endReason,
  },
  city: { name: cities.name },
};

/** How many of a seat's ended terms the terms page lists; the rest are a page of their own. */
export const PAST_TERMS_SHOWN = 5;

// Sitting, coming and recently ended terms: few, found through the effective-end index.
const termsEndingAfter = prepareOnce((db) =>
  termRows(db)
    .where(gt(termEffectiveEnd, sql.placeholder('since')))
    .orderBy(asc(seats.number), asc(terms.startsOn))
    .prepare(),
);

// Each seat's latest ended terms, one more than shown (to know whether there are others): a
// short walk of the (seat, start) index per seat, however long the history.
const latestEndedPerSeat = prepareOnce((db) =>
  db
    .select(endedTermColumns)
    .from(seats)
    .innerJoin(
      terms,
      sql`${terms.id} IN (SELECT ended.id FROM ${terms} ended
            WHERE ended.seat_id = ${seats.id}
              AND coalesce(ended.ended_on, ended.ends_on) <= ${sql.placeholder('today')}
            ORDER BY ended.starts_on DESC LIMIT ${PAST_TERMS_SHOWN + 1})`,
    )
    .innerJoin(cities, eq(cities.id, terms.cityId))
    .orderBy(asc(terms.seatId), desc(terms.startsOn))
    .prepare(),
);

// ISO dates sort as text; newest first.
const newestFirst = (a: EndedTerm, b: EndedTerm) =>
  a.term.startsOn < b.term.startsOn ? 1 : a.term.startsOn > b.term.startsOn ? -1 : 0;

/** Every seat with its sitting term, its coming ones, and its recent history. */
export function seatOverview(db: Db | Tx, today: IsoDate, since: IsoDate): SeatOverview[] {
  const recent = termsEndingAfter(db).all({ since }).map(withRegion);
  const latestEnded: EndedTerm[] = latestEndedPerSeat(db).all({ today });
  return allSeats(db).map((seat) => {
    const onSeat = recent.filter((row) => row.term.seatId === seat.id);
    const ended = latestEnded.filter((row) => row.term.seatId === seat.id);
    const shown = new Map<number, EndedTerm>(
      [...ended.slice(0, PAST_TERMS_SHOWN), ...onSeat.filter((row) => effectiveEnd(row.term) <= today)].map(
        (row) => [row.term.id, row],
      ),
    );
    return {
      seat,
      current: onSeat.find((row) => isActiveOn(row.term, today)) ?? null,
      past: [...shown.values()].sort(newestFirst),
      morePast: ended.length > PAST_TERMS_SHOWN,
      future: onSeat.filter((row) => row.term.startsOn > today),
    };
  });
}

export const HISTORY_PAGE_SIZE = 50;

const endedOnSeat = prepareOnce((db) =>
  db
    .select(endedTermColumns)
    .from(terms)
    .innerJoin(cities, eq(cities.id, terms.cityId))
    .where(and(eq(terms.seatId, sql.placeholder('seatId')), lte(termEffectiveEnd, sql.placeholder('today'))))
    .orderBy(desc(terms.startsOn))
    .limit(HISTORY_PAGE_SIZE + 1)
    .offset(sql.placeholder('offset'))
    .prepare(),
);

/** One page of a seat's ended terms, newest first, and whether older ones follow. */
export function seatHistoryPage(db: Db | Tx, seatId: number, today: IsoDate, page: number) {
  const rows: EndedTerm[] = endedOnSeat(db).all({ seatId, today, offset: (page - 1) * HISTORY_PAGE_SIZE });
  return { rows: rows.slice(0, HISTORY_PAGE_SIZE), page, hasMore: rows.length > HISTORY_PAGE_SIZE };
}

// A vacancy still in progress; the statuses are listed so that the status index finds them.
const UNFINISHED = VACANCY_STATUSES.filter((status) => status !== 'filled' && status !== 'cancelled');

const unfinishedVacancies = prepareOnce((db) =>
  db
    .select({
      id: vacancies.id,
      seatId: vacancies.seatId,
      freeOn: vacancies.freeOn,
      status: vacancies.status,
    })
    .from(vacancies)
    .where(inArray(vacancies.status, UNFINISHED))
    .prepare(),
);

/**
 * The seats' unfinished vacancies, as the terms page marks them. Read here from the table, not
 * through the vacancies feature, which builds on this one.
 */
export function seatVacancies(db: Db | Tx) {
  return unfinishedVacancies(db)
    .all()
    .map((vacancy) => ({ vacancy }));
}
