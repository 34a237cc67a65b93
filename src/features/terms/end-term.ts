// Ends a term early (secretariat): the member leaves the board (a former member can no longer
// vote) and the seat's vacancy is recorded, opened at once when a nomination deadline is given.
// Refuses an unknown term (404), a term already over (409), a bad date or reason (422).
import { and, eq, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { terms, vacancies } from '../../db/schema.js';
import { addDays, type IsoDate, isIsoDate } from '../../domain/dates.js';
import { TERM_END_REASONS } from '../../domain/reference.js';
import { effectiveEnd, endDateProblem } from '../../domain/terms.js';
import { type ActionResult, done, invalid, refused } from '../../lib/action-result.js';
import { formBody } from '../../lib/forms.js';
import type { Actor } from '../audit/audit-log.js';
import { recordAudit } from '../audit/audit-log.js';
import { MAX_DEADLINE_DAYS_AHEAD } from '../vacancies/open-vacancy.js';
import { unfinishedVacancyOnSeat } from '../vacancies/queries.js';

const REASON_MESSAGE = `Choose why the term ends: ${TERM_END_REASONS.join(', ').replace(/_/g, ' ')}.`;

function endTermForm(today: IsoDate) {
  return z.object({
    endedOn: z
      .string({ error: 'Enter the date the term ends.' })
      .trim()
      .min(1, 'Enter the date the term ends.'),
    reason: z.enum(TERM_END_REASONS, { error: REASON_MESSAGE }),
    nominationDeadline: z
      .string()
      .trim()
      .optional()
      .transform((value) => value || undefined)
      .refine((value) => value === undefined || isIsoDate(value), 'Enter the deadline as a date, YYYY-MM-DD.')
      .refine(
        (value) =>
          value === undefined || (value >= today && value <= addDays(today, MAX_DEADLINE_DAYS_AHEAD)),
        'The deadline must be between today and a year from now.',
      ),
  });
}

export function endTerm(
  db: Db,
  termId: number,
  body: unknown,
  actor: Actor,
  now: Date,
  today: IsoDate,
): ActionResult<{ vacancyId: number }> {
  const term = db.select().from(terms).where(eq(terms.id, termId)).get();
  if (!term) return refused(404, `There is no term ${termId}.`);
  if (term.endedOn || term.endsOn <= today) {
    return refused(
      409,
      `Term ${termId} (${term.memberName}) already ended on ${effectiveEnd(term)}; it cannot be ended again.`,
    );
  }

  const parsed = endTermForm(today).safeParse(formBody(body));
  const errors: Record<string, string> = {};
  if (!parsed.success)
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  const endedOn = parsed.success ? parsed.data.endedOn : String(formBody(body).endedOn ?? '');
  const dateProblem = endedOn ? endDateProblem(term, endedOn, today) : null;
  if (dateProblem) errors.endedOn = dateProblem;
  if (!parsed.success || dateProblem) return invalid(errors);
  const { reason, nominationDeadline } = parsed.data;

  return db.transaction((tx) => {
    // The vacancy this term's end already has (upcoming, open, further along, or even filled by a
    // successor recorded ahead) is brought forward; otherwise the seat gets a new one.
    const existing =
      tx
        .select()
        .from(vacancies)
        .where(and(eq(vacancies.termId, termId), ne(vacancies.status, 'cancelled')))
        .get() ?? unfinishedVacancyOnSeat(tx, term.seatId);
    if (existing && existing.termId !== termId) {
      return refused(
        409,
        `Seat ${term.seatId} already has vacancy ${existing.id} (${existing.status}) for another term; settle it before ending this term.`,
      );
    }
    if (nominationDeadline && existing && existing.status !== 'upcoming' && existing.status !== 'open') {
      return invalid({
        nominationDeadline: `Nominations for this seat were already opened (vacancy ${existing.id} is ${existing.status}); leave the deadline empty.`,
      });
    }
    // Checked again inside the transaction: two secretaries ending the same term at once.
    const ended = tx
      .update(terms)
      .set({ endedOn, endReason: reason })
      .where(and(eq(terms.id, termId), isNull(terms.endedOn)))
      .run();
    if (ended.changes === 0)
      return refused(409, `Term ${termId} (${term.memberName}) has just been ended by someone else.`);
    recordAudit(tx, {
      actor,
      action: 'term.end',
      subjectType: 'term',
      subjectId: termId,
      details: { endedOn, reason, member: term.memberName },
      at: now,
    });

    const status = nominationDeadline ? ('open' as const) : (existing?.status ?? ('upcoming' as const));
    const values = {
      termId,
      reason,
      freeOn: endedOn,
      status,
      nominationDeadline: nominationDeadline ?? existing?.nominationDeadline ?? null,
      openedAt: nominationDeadline ? now.toISOString() : (existing?.openedAt ?? null),
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
    if (nominationDeadline) {
      recordAudit(tx, {
        actor,
        action: 'vacancy.open',
        subjectType: 'vacancy',
        subjectId: vacancyId,
        details: { nominationDeadline },
        at: now,
      });
    }
    return done({ vacancyId });
  });
}
