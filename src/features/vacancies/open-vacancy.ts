// Opens nominations for a seat (secretariat): turns its upcoming vacancy `open` with a deadline,
// or creates the vacancy first when none is recorded yet. Refuses a deadline in the past or more
// than a year ahead (422), an unknown seat (422), and a seat whose vacancy is already open or
// further along, or that already has a successor recorded (409).
import { and, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { terms, vacancies } from '../../db/schema.js';
import { addDays, maxIsoDate } from '../../domain/dates.js';
import { VACANCY_STATUS_LABELS } from '../../domain/labels.js';
import { effectiveEnd, isActiveOn } from '../../domain/terms.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { id, isoDate, parseForm } from '../../lib/forms.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { boardToday, getSettings } from '../settings/settings.js';
import { MAX_DEADLINE_DAYS_AHEAD } from '../terms/end-term.js';
import { seatById, termsOnSeat } from '../terms/queries.js';
import { unfinishedVacancyOnSeat } from './queries.js';

const openVacancyForm = z.object({
  seatId: id('Choose a seat.'),
  nominationDeadline: isoDate('Enter the nomination deadline.', 'Enter the deadline as a date, YYYY-MM-DD.'),
});

export function openVacancy(
  db: Db,
  input: unknown,
  viewer: Viewer,
  now: Date,
): ActionResult<{ vacancyId: number }> {
  if (!permissions.manageVacancies(viewer)) return refused(403, 'Only the secretariat opens nominations.');
  const form = parseForm(openVacancyForm, input);
  if (!form.ok) return invalid(form.errors);
  const { seatId, nominationDeadline } = form.data;
  const actor = actorOf(viewer);

  return db.transaction((tx) => {
    const settings = getSettings(tx);
    const today = boardToday(settings, now);
    if (nominationDeadline < today)
      return invalid({ nominationDeadline: `The deadline cannot be in the past (today is ${today}).` });
    if (nominationDeadline > addDays(today, MAX_DEADLINE_DAYS_AHEAD))
      return invalid({ nominationDeadline: 'The deadline must be within a year from today.' });
    const seat = seatById(tx, seatId);
    if (!seat) return invalid({ seatId: 'There is no such seat.' });
    let vacancy = unfinishedVacancyOnSeat(tx, seatId);
    if (vacancy && vacancy.status !== 'upcoming') {
      return refused(
        409,
        `Seat ${seat.number} already has a vacancy that is ${VACANCY_STATUS_LABELS[vacancy.status].toLowerCase()} (vacancy ${vacancy.id}); it cannot be opened again.`,
      );
    }
    if (!vacancy) {
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
      const seatTerms = termsOnSeat(tx, seatId).map((row) => row.term);
      const current = seatTerms.find((term) => isActiveOn(term, today));
      const last = seatTerms.at(-1);
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
    return ok({ vacancyId: vacancy.id });
  });
}
