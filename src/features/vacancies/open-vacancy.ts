// Opens nominations for a seat (secretariat): turns its upcoming vacancy `open` with a deadline,
// or creates the vacancy first when none is recorded yet. Refuses a deadline in the past or more
// than a year ahead, an unknown seat, and a seat whose vacancy is already open or further along.
import { and, desc, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { seats, terms, vacancies } from '../../db/schema.js';
import { addDays, type IsoDate, isIsoDate, maxIsoDate } from '../../domain/dates.js';
import { effectiveEnd, isActiveOn } from '../../domain/terms.js';
import { type ActionResult, done, invalid, refused } from '../../lib/action-result.js';
import { parseForm } from '../../lib/forms.js';
import type { Actor } from '../audit/audit-log.js';
import { recordAudit } from '../audit/audit-log.js';
import { unfinishedVacancyOnSeat } from './queries.js';

export const MAX_DEADLINE_DAYS_AHEAD = 365;

export function openVacancyForm(today: IsoDate) {
  return z.object({
    seatId: z.coerce.number({ error: 'Choose a seat.' }).int('Choose a seat.').positive('Choose a seat.'),
    nominationDeadline: z
      .string({ error: 'Enter the nomination deadline.' })
      .trim()
      .refine(isIsoDate, 'Enter the deadline as a date, YYYY-MM-DD.')
      .refine((date) => date >= today, `The deadline cannot be in the past (today is ${today}).`)
      .refine(
        (date) => date <= addDays(today, MAX_DEADLINE_DAYS_AHEAD),
        'The deadline must be within a year from today.',
      ),
  });
}

export function openVacancy(
  db: Db,
  body: unknown,
  actor: Actor,
  now: Date,
  today: IsoDate,
): ActionResult<{ vacancyId: number }> {
  const form = parseForm(openVacancyForm(today), body);
  if (!form.ok) return invalid(form.errors);
  const { seatId, nominationDeadline } = form.data;

  return db.transaction((tx) => {
    const seat = tx.select().from(seats).where(eq(seats.id, seatId)).get();
    if (!seat) return invalid({ seatId: 'There is no such seat.' });
    let vacancy = unfinishedVacancyOnSeat(tx, seatId);
    if (vacancy && vacancy.status !== 'upcoming') {
      return refused(
        409,
        `Seat ${seat.number} already has a vacancy in state ${vacancy.status} (vacancy ${vacancy.id}); it cannot be opened again.`,
      );
    }
    if (!vacancy) {
      const seatTerms = tx
        .select()
        .from(terms)
        .where(eq(terms.seatId, seatId))
        .orderBy(desc(terms.startsOn))
        .all();
      const current = seatTerms.find((term) => isActiveOn(term, today));
      const later = tx
        .select({ id: terms.id })
        .from(terms)
        .where(and(eq(terms.seatId, seatId), gt(terms.startsOn, today)))
        .get();
      if (later)
        return refused(
          409,
          `Seat ${seat.number} already has a term recorded to start after today; there is no vacancy to open.`,
        );
      const last = seatTerms[0];
      const values = current
        ? { termId: current.id, reason: 'term_ending' as const, freeOn: current.endsOn }
        : {
            termId: null,
            reason: last ? ('term_ending' as const) : ('new_seat' as const),
            freeOn: last ? maxIsoDate(effectiveEnd(last), today) : today,
          };
      vacancy = tx
        .insert(vacancies)
        .values({ seatId, ...values, status: 'upcoming' })
        .returning()
        .get();
      recordAudit(tx, {
        actor,
        action: 'vacancy.create',
        subjectType: 'vacancy',
        subjectId: vacancy.id,
        details: { seatId, ...values },
        at: now,
      });
    }
    tx.update(vacancies)
      .set({ status: 'open', nominationDeadline, openedAt: now.toISOString() })
      .where(eq(vacancies.id, vacancy.id))
      .run();
    recordAudit(tx, {
      actor,
      action: 'vacancy.open',
      subjectType: 'vacancy',
      subjectId: vacancy.id,
      details: { seatId, nominationDeadline },
      at: now,
    });
    return done({ vacancyId: vacancy.id });
  });
}
