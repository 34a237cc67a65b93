// Records a new term on a seat by hand (secretariat), for records and renewals; ballots start
// terms too. Refuses overlapping terms (one active term per seat), a member at the term limit,
// a city already holding another seat at the time, and bad dates (422, beside the field).
import { and, count, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { cities, nominations, seats, terms, users, vacancies } from '../../db/schema.js';
import { compareIsoDates, isIsoDate } from '../../domain/dates.js';
import { cityKey } from '../../domain/eligibility.js';
import {
  effectiveEnd,
  findOverlap,
  nextTermNumber,
  reachesTermLimit,
  termEndsOn,
} from '../../domain/terms.js';
import { type ActionResult, done, invalid } from '../../lib/action-result.js';
import { cityNameField, countryField, migrationContextsField } from '../../lib/city-fields.js';
import { asList, formBody, parseForm } from '../../lib/forms.js';
import { findOrCreateCity } from '../accounts/create-user.js';
import type { Actor } from '../audit/audit-log.js';
import { recordAudit } from '../audit/audit-log.js';
import { getSettings } from '../settings/settings.js';
import { unfinishedVacancyOnSeat } from '../vacancies/queries.js';
import { asTermSpan, memberKey, termsWithCities } from './queries.js';

// A board's records span decades, not millennia: a year far off is a typing mistake.
const isoDate = (message: string) =>
  z
    .string({ error: message })
    .trim()
    .refine(isIsoDate, message)
    .refine(
      (date) => !isIsoDate(date) || (date >= '1950-01-01' && date <= '2200-12-31'),
      'Enter a date between 1950 and 2200.',
    );

export const startTermForm = z
  .object({
    seatId: z.coerce.number({ error: 'Choose a seat.' }).int().positive('Choose a seat.'),
    memberName: z
      .string({ error: 'Enter the member’s name.' })
      .trim()
      .min(1, 'Enter the member’s name.')
      .max(200, 'Use at most 200 characters.'),
    cityName: cityNameField,
    country: countryField,
    migrationContexts: migrationContextsField,
    secondaryCity: z.boolean(),
    userId: z.coerce.number().int().positive().optional(),
    startsOn: isoDate('Enter the start date as YYYY-MM-DD.'),
    mandateEndsOn: isoDate('Enter the mandate end as YYYY-MM-DD.').optional(),
  })
  // Zod runs this even when a date above failed its own check, so compare real dates only.
  .refine(
    (form) =>
      !form.mandateEndsOn ||
      !isIsoDate(form.mandateEndsOn) ||
      !isIsoDate(form.startsOn) ||
      compareIsoDates(form.mandateEndsOn, form.startsOn) > 0,
    {
      path: ['mandateEndsOn'],
      message: 'The mayoral mandate must end after the term starts.',
    },
  );

/** The raw form, with checkboxes and optional selects turned into what the schema expects. */
export function readStartTermForm(body: unknown) {
  const values = formBody(body);
  return {
    ...values,
    migrationContexts: asList(values.migrationContexts),
    secondaryCity: values.secondaryCity === 'on',
    userId: values.userId === '' ? undefined : values.userId,
    mandateEndsOn: values.mandateEndsOn === '' ? undefined : values.mandateEndsOn,
  };
}

export function startTerm(db: Db, body: unknown, actor: Actor, now: Date): ActionResult<{ termId: number }> {
  const form = parseForm(startTermForm, readStartTermForm(body));
  if (!form.ok) return invalid(form.errors);
  const input = form.data;
  const settings = getSettings(db);

  return db.transaction((tx) => {
    const seat = tx.select().from(seats).where(eq(seats.id, input.seatId)).get();
    if (!seat) return invalid({ seatId: 'There is no such seat.' });
    if (input.userId !== undefined) {
      const user = tx.select().from(users).where(eq(users.id, input.userId)).get();
      if (user?.role !== 'board_member')
        return invalid({ userId: 'Choose a board member’s account, or none.' });
    }
    const endsOn = termEndsOn(input.startsOn, settings.termLengthMonths);
    const rows = termsWithCities(tx);
    const spans = rows.map(asTermSpan);
    const overlap = findOverlap(spans, { seatId: input.seatId, startsOn: input.startsOn, endsOn });
    if (overlap) {
      const holder = rows.find((row) => row.term.id === overlap.id)!;
      return invalid({
        startsOn: `Seat ${seat.number} is held by ${holder.term.memberName} (${holder.city.name}) from ${overlap.startsOn} to ${effectiveEnd(overlap)}; a term from ${input.startsOn} to ${endsOn} would overlap it.`,
      });
    }
    const key = cityKey(input.country, input.cityName);
    const sameCityElsewhere = rows.find(
      (row) =>
        row.city.cityKey === key &&
        row.term.seatId !== input.seatId &&
        findOverlap([asTermSpan(row)], { seatId: row.term.seatId, startsOn: input.startsOn, endsOn }),
    );
    if (sameCityElsewhere) {
      return invalid({
        cityName: `${sameCityElsewhere.city.name} already holds seat ${sameCityElsewhere.seatNumber} during this period; a city holds one seat at a time.`,
      });
    }
    const member = memberKey(input.country, input.cityName, input.memberName);
    if (reachesTermLimit(spans, member, input.startsOn, settings.termLimit)) {
      return invalid({
        memberName: `${input.memberName} has served ${settings.termLimit} consecutive term(s), the limit set in the settings.`,
      });
    }

    // A term recorded by hand for a seat awaiting a successor fills that vacancy, unless cities
    // have nominated for it: then the successor is chosen by the board's ballot, not by hand.
    const waiting = unfinishedVacancyOnSeat(tx, input.seatId);
    if (waiting && compareIsoDates(waiting.freeOn, input.startsOn) <= 0) {
      const inProgress =
        tx
          .select({ n: count() })
          .from(nominations)
          .where(
            and(
              eq(nominations.vacancyId, waiting.id),
              inArray(nominations.status, ['submitted', 'eligible', 'ineligible', 'shortlisted']),
            ),
          )
          .get()?.n ?? 0;
      if (waiting.status === 'balloting' || inProgress > 0) {
        return invalid({
          seatId: `Seat ${seat.number}'s vacancy ${waiting.id} ${waiting.status === 'balloting' ? 'is in a ballot' : `has ${inProgress} nomination${inProgress === 1 ? '' : 's'} in progress`}; its successor is chosen by the board's ballot, not recorded by hand.`,
        });
      }
    }
    const cityId = findOrCreateCity(tx, input.country, input.cityName);
    tx.update(cities)
      .set({ contexts: input.migrationContexts, secondaryCity: input.secondaryCity })
      .where(eq(cities.id, cityId))
      .run();
    const termNumber = nextTermNumber(spans, member, input.startsOn);
    const { id: termId } = tx
      .insert(terms)
      .values({
        seatId: input.seatId,
        memberName: input.memberName,
        cityId,
        userId: input.userId ?? null,
        startsOn: input.startsOn,
        endsOn,
        termNumber,
        mandateEndsOn: input.mandateEndsOn ?? null,
      })
      .returning({ id: terms.id })
      .get();
    recordAudit(tx, {
      actor,
      action: 'term.start',
      subjectType: 'term',
      subjectId: termId,
      details: {
        seatId: input.seatId,
        memberName: input.memberName,
        cityId,
        startsOn: input.startsOn,
        endsOn,
        termNumber,
      },
      at: now,
    });

    if (waiting && compareIsoDates(waiting.freeOn, input.startsOn) <= 0) {
      tx.update(vacancies)
        .set({ status: 'filled', filledByTermId: termId })
        .where(eq(vacancies.id, waiting.id))
        .run();
      recordAudit(tx, {
        actor,
        action: 'vacancy.fill',
        subjectType: 'vacancy',
        subjectId: waiting.id,
        details: { termId, byHand: true },
        at: now,
      });
    }
    return done({ termId });
  });
}
