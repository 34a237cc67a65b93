// Records a new term on a seat by hand (secretariat), for records and renewals; ballots start
// terms too. Refuses overlapping terms (one active term per seat), a member at the term limit,
// a city already holding another seat at the time, and bad dates (422, beside the field); and a
// seat whose vacancy has nominations in progress or a ballot: the ballot chooses its successor.
import { and, count, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import { cities, nominations, terms, users, vacancies } from '../../db/schema.js';
import { regionOf } from '../../domain/countries.js';
import { compareIsoDates, type IsoDate, isIsoDate } from '../../domain/dates.js';
import type { MigrationContext, Region } from '../../domain/reference.js';
import {
  effectiveEnd,
  findOverlap,
  nextTermNumber,
  reachesTermLimit,
  termEndsOn,
} from '../../domain/terms.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { checkbox, parseForm, plainString, requiredText } from '../../lib/forms.js';
import { actorOf } from '../audit-log/actor.js';
import type { Actor } from '../audit-log/audit-log.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { cityNameField, countryField, migrationContextsField } from '../cities/city-fields.js';
import { cityKey, memberKey } from '../cities/city-identity.js';
import { findOrCreateCity } from '../cities/find-or-create-city.js';
import { getSettings } from '../settings/settings.js';
import { asTermSpan, seatById, termsOfCity, termsOfMember, termsOnSeat } from './queries.js';

// A board's records span decades, not millennia: a year far off is a typing mistake.
const recordDate = (message: string) =>
  plainString(message)
    .trim()
    .refine(isIsoDate, message)
    .refine(
      (date) => !isIsoDate(date) || (date >= '1950-01-01' && date <= '2200-12-31'),
      'Enter a date between 1950 and 2200.',
    );

const blankAsAbsent = (value: unknown) => (value === '' ? undefined : value);

export const startTermForm = z
  .object({
    seatId: plainString('Choose a seat.')
      .regex(/^[1-9]\d{0,9}$/, 'Choose a seat.')
      .transform(Number),
    memberName: requiredText('Enter the member’s name.', 200),
    cityName: cityNameField,
    country: countryField,
    migrationContexts: migrationContextsField,
    secondaryCity: checkbox,
    userId: z.preprocess(
      blankAsAbsent,
      plainString('Choose a board member’s account, or none.')
        .regex(/^[1-9]\d{0,9}$/, 'Choose a board member’s account, or none.')
        .transform(Number)
        .optional(),
    ),
    startsOn: recordDate('Enter the start date as YYYY-MM-DD.'),
    mandateEndsOn: z.preprocess(blankAsAbsent, recordDate('Enter the mandate end as YYYY-MM-DD.').optional()),
  })
  // Zod runs this even when a date above failed its own check, so compare real dates only.
  .refine(
    (form) =>
      !form.mandateEndsOn ||
      !isIsoDate(form.mandateEndsOn) ||
      !isIsoDate(form.startsOn) ||
      compareIsoDates(form.mandateEndsOn, form.startsOn) > 0,
    { path: ['mandateEndsOn'], message: 'The mayoral mandate must end after the term starts.' },
  );

export type StartTermInput = z.infer<typeof startTermForm>;

/** What a new term records about its member's city: as it is on the day the term is entered. */
export interface TermCity {
  cityName: string;
  country: string;
  contexts: MigrationContext[];
  secondaryCity: boolean;
}

/**
 * The rules every new term obeys, by hand or from a ballot: the seat is free for the whole term,
 * the city holds no other seat meanwhile, and the member is within the term limit. Returns the
 * problem beside the field it concerns, or the new term's end and number.
 */
export function checkNewTerm(
  tx: Tx,
  placement: {
    seatId: number;
    startsOn: IsoDate;
    memberName: string;
    city: TermCity;
    termLengthMonths: number;
    termLimit: number | null;
  },
): { ok: true; endsOn: IsoDate; termNumber: number } | { ok: false; field: string; message: string } {
  const seat = seatById(tx, placement.seatId);
  if (!seat) return { ok: false, field: 'seatId', message: 'There is no such seat.' };
  const endsOn = termEndsOn(placement.startsOn, placement.termLengthMonths);
  const onSeat = termsOnSeat(tx, placement.seatId);
  const overlap = findOverlap(onSeat.map(asTermSpan), {
    seatId: placement.seatId,
    startsOn: placement.startsOn,
    endsOn,
  });
  if (overlap) {
    const holder = onSeat.find((row) => row.term.id === overlap.id)!;
    return {
      ok: false,
      field: 'startsOn',
      message: `Seat ${seat.number} is held by ${holder.term.memberName} (${holder.city.name}) from ${overlap.startsOn} to ${effectiveEnd(overlap)}; a term from ${placement.startsOn} to ${endsOn} would overlap it.`,
    };
  }
  const key = cityKey(placement.city.country, placement.city.cityName);
  const sameCityElsewhere = termsOfCity(tx, key).find(
    (row) =>
      row.term.seatId !== placement.seatId &&
      findOverlap([asTermSpan(row)], { seatId: row.term.seatId, startsOn: placement.startsOn, endsOn }),
  );
  if (sameCityElsewhere) {
    return {
      ok: false,
      field: 'cityName',
      message: `${sameCityElsewhere.city.name} already holds seat ${sameCityElsewhere.seatNumber} during this period; a city holds one seat at a time.`,
    };
  }
  const member = memberKey(placement.city.country, placement.city.cityName, placement.memberName);
  const history = termsOfMember(tx, key, member);
  if (reachesTermLimit(history, member, placement.startsOn, placement.termLimit)) {
    return {
      ok: false,
      field: 'memberName',
      message: `${placement.memberName} has served ${placement.termLimit} consecutive term(s), the limit set in the settings.`,
    };
  }
  return { ok: true, endsOn, termNumber: nextTermNumber(history, member, placement.startsOn) };
}

/** Writes a checked term: the city's current profile is updated, and the term keeps its own copy. */
export function insertTerm(
  tx: Tx,
  term: {
    seatId: number;
    memberName: string;
    city: TermCity;
    userId: number | null;
    startsOn: IsoDate;
    endsOn: IsoDate;
    termNumber: number;
    mandateEndsOn: IsoDate | null;
  },
  actor: Actor,
  now: Date,
): number {
  const cityId = findOrCreateCity(tx, term.city.country, term.city.cityName);
  tx.update(cities)
    .set({ contexts: term.city.contexts, secondaryCity: term.city.secondaryCity })
    .where(eq(cities.id, cityId))
    .run();
  const { id: termId } = tx
    .insert(terms)
    .values({
      seatId: term.seatId,
      memberName: term.memberName,
      cityId,
      userId: term.userId,
      startsOn: term.startsOn,
      endsOn: term.endsOn,
      termNumber: term.termNumber,
      mandateEndsOn: term.mandateEndsOn,
      region: regionOf(term.city.country) as Region,
      contexts: term.city.contexts,
      secondaryCity: term.city.secondaryCity,
    })
    .returning({ id: terms.id })
    .get();
  recordAudit(tx, {
    actor,
    action: 'term.start',
    subjectType: 'term',
    subjectId: termId,
    details: {
      seatId: term.seatId,
      memberName: term.memberName,
      cityId,
      startsOn: term.startsOn,
      endsOn: term.endsOn,
      termNumber: term.termNumber,
      contexts: term.city.contexts,
    },
    at: now,
  });
  return termId;
}

const IN_PROGRESS = ['submitted', 'eligible', 'ineligible', 'shortlisted'] as const;

export function startTerm(
  db: Db,
  input: unknown,
  viewer: Viewer,
  now: Date,
): ActionResult<{ termId: number }> {
  if (!permissions.manageTerms(viewer)) return refused(403, 'Only the secretariat records terms.');
  const form = parseForm(startTermForm, input);
  if (!form.ok) return invalid(form.errors);
  const data = form.data;
  const city: TermCity = {
    cityName: data.cityName,
    country: data.country,
    contexts: data.migrationContexts,
    secondaryCity: data.secondaryCity,
  };
  const actor = actorOf(viewer);

  return db.transaction((tx) => {
    const settings = getSettings(tx);
    if (data.userId !== undefined) {
      const user = tx.select().from(users).where(eq(users.id, data.userId)).get();
      if (user?.role !== 'board_member')
        return invalid({ userId: 'Choose a board member’s account, or none.' });
    }
    const checked = checkNewTerm(tx, {
      seatId: data.seatId,
      startsOn: data.startsOn,
      memberName: data.memberName,
      city,
      termLengthMonths: settings.termLengthMonths,
      termLimit: settings.termLimit,
    });
    if (!checked.ok) return invalid({ [checked.field]: checked.message });

    // A term recorded by hand for a seat awaiting a successor fills that vacancy, unless cities
    // have nominated for it: then the successor is chosen by the board's ballot, not by hand.
    const waiting = tx
      .select()
      .from(vacancies)
      .where(
        and(
          eq(vacancies.seatId, data.seatId),
          inArray(vacancies.status, ['upcoming', 'open', 'screening', 'balloting']),
        ),
      )
      .get();
    const fills = waiting && compareIsoDates(waiting.freeOn, data.startsOn) <= 0 ? waiting : undefined;
    if (fills) {
      const inProgress =
        tx
          .select({ n: count() })
          .from(nominations)
          .where(and(eq(nominations.vacancyId, fills.id), inArray(nominations.status, [...IN_PROGRESS])))
          .get()?.n ?? 0;
      if (fills.status === 'balloting' || inProgress > 0) {
        return invalid({
          seatId: `This seat's vacancy ${fills.id} ${fills.status === 'balloting' ? 'is in a ballot' : `has ${inProgress} nomination${inProgress === 1 ? '' : 's'} in progress`}; its successor is chosen by the board's ballot, not recorded by hand.`,
        });
      }
    }
    const termId = insertTerm(
      tx,
      {
        seatId: data.seatId,
        memberName: data.memberName,
        city,
        userId: data.userId ?? null,
        startsOn: data.startsOn,
        endsOn: checked.endsOn,
        termNumber: checked.termNumber,
        mandateEndsOn: data.mandateEndsOn ?? null,
      },
      actor,
      now,
    );
    if (fills) {
      tx.update(vacancies)
        .set({ status: 'filled', filledByTermId: termId })
        .where(eq(vacancies.id, fills.id))
        .run();
      recordAudit(tx, {
        actor,
        action: 'vacancy.fill',
        subjectType: 'vacancy',
        subjectId: fills.id,
        details: { termId, byHand: true },
        at: now,
      });
    }
    return ok({ termId });
  });
}
