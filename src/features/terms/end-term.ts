// Ends a term early (secretariat): the member leaves the board (they are on the roll of no ballot
// that opens later; a ballot already open keeps the roll of its opening day, DESIGN.md "Entitled
// voters") and the seat's vacancy is recorded, opened at once when a nomination deadline is given.
// Refuses an unknown term (404), a term already over (409: perhaps ended a moment ago by someone
// else), and a bad date, reason or deadline (422).
import { and, eq, ne, notInArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { terms, vacancies } from '../../db/schema.js';
import { addDays, isIsoDate } from '../../domain/dates.js';
import { TERM_END_REASON_LABELS } from '../../domain/labels.js';
import { TERM_END_REASONS } from '../../domain/reference.js';
import { effectiveEnd, endDateProblem } from '../../domain/terms.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { optionalText, parseForm, plainString } from '../../lib/forms.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { boardToday, getSettings } from '../settings/settings.js';

/** How far ahead a nomination deadline may be set. */
export const MAX_DEADLINE_DAYS_AHEAD = 365;

const REASON_MESSAGE = `Choose why the term ends: ${Object.values(TERM_END_REASON_LABELS).join(', ').toLowerCase()}.`;

const endTermForm = z.object({
  endedOn: plainString('Enter the date the term ends.').trim().min(1, 'Enter the date the term ends.'),
  reason: z.enum(TERM_END_REASONS, { error: REASON_MESSAGE }),
  nominationDeadline: optionalText(10).refine(
    (value) => value === '' || isIsoDate(value),
    'Enter the deadline as a date, YYYY-MM-DD.',
  ),
});

export function endTerm(
  db: Db,
  termId: number,
  input: unknown,
  viewer: Viewer,
  now: Date,
): ActionResult<{ vacancyId: number; memberName: string; endedOn: string }> {
  if (!permissions.manageTerms(viewer)) return refused(403, 'Only the secretariat ends terms.');
  const actor = actorOf(viewer);

  return db.transaction((tx) => {
    const today = boardToday(getSettings(tx), now);
    const term = tx.select().from(terms).where(eq(terms.id, termId)).get();
    if (!term) return refused(404, `There is no term ${termId}.`);
    if (term.endedOn || term.endsOn <= today) {
      return refused(
        409,
        `Term ${termId} (${term.memberName}) already ended on ${effectiveEnd(term)}; it cannot be ended again. If you had this page open, someone may have ended it a moment ago.`,
      );
    }
    const form = parseForm(endTermForm, input);
    const errors = form.ok ? {} : { ...form.errors };
    const endedOn = form.ok ? form.data.endedOn : null;
    const dateProblem = endedOn ? endDateProblem(term, endedOn, today) : null;
    if (dateProblem) errors.endedOn = dateProblem;
    const deadline = form.ok ? form.data.nominationDeadline || undefined : undefined;
    if (deadline && (deadline < today || deadline > addDays(today, MAX_DEADLINE_DAYS_AHEAD))) {
      errors.nominationDeadline = 'The deadline must be between today and a year from now.';
    }
    if (!form.ok || !endedOn || Object.keys(errors).length > 0) return invalid(errors);
    const { reason } = form.data;

    // The vacancy this term's end already has (upcoming, open, further along, or even filled by a
    // successor recorded ahead) is brought forward; otherwise the seat gets a new one.
    const existing =
      tx
        .select()
        .from(vacancies)
        .where(and(eq(vacancies.termId, termId), ne(vacancies.status, 'cancelled')))
        .get() ??
      tx
        .select()
        .from(vacancies)
        .where(and(eq(vacancies.seatId, term.seatId), notInArray(vacancies.status, ['filled', 'cancelled'])))
        .get();
    if (existing && existing.termId !== termId) {
      return refused(
        409,
        `This seat already has vacancy ${existing.id} (${existing.status}) for another term; settle it before ending this term.`,
      );
    }
    if (deadline && existing && existing.status !== 'upcoming' && existing.status !== 'open') {
      return invalid({
        nominationDeadline: `Nominations for this seat were already opened (vacancy ${existing.id} is ${existing.status}); leave the deadline empty.`,
      });
    }
    tx.update(terms).set({ endedOn, endReason: reason }).where(eq(terms.id, termId)).run();
    recordAudit(tx, {
      actor,
      action: 'term.end',
      subjectType: 'term',
      subjectId: termId,
      details: { endedOn, reason, member: term.memberName },
      at: now,
    });

    const status = deadline ? ('open' as const) : (existing?.status ?? ('upcoming' as const));
    const values = {
      termId,
      reason,
      freeOn: endedOn,
      status,
      nominationDeadline: deadline ?? existing?.nominationDeadline ?? null,
      openedAt: deadline ? now.toISOString() : (existing?.openedAt ?? null),
    };
    let vacancyId: number;
    if (existing) {
      tx.update(vacancies).set(values).where(eq(vacancies.id, existing.id)).run();
      vacancyId = existing.id;
    } else {
      vacancyId = tx
        .insert(vacancies)
        .values({ seatId: term.seatId, ...values })
        .returning({ id: vacancies.id })
        .get().id;
    }
    recordAudit(tx, {
      actor,
      action: existing ? 'vacancy.update' : 'vacancy.create',
      subjectType: 'vacancy',
      subjectId: vacancyId,
      details: { seatId: term.seatId, termId, reason, freeOn: endedOn, status },
      at: now,
    });
    if (deadline) {
      recordAudit(tx, {
        actor,
        action: 'vacancy.open',
        subjectType: 'vacancy',
        subjectId: vacancyId,
        details: { nominationDeadline: deadline },
        at: now,
      });
    }
    return ok({ vacancyId, memberName: term.memberName, endedOn });
  });
}
