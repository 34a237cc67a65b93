// Keeps vacancies in step with the calendar: creates an `upcoming` vacancy for every term that
// ends within the first alert threshold, so the secretariat sees a gap coming, and moves an open
// vacancy whose nomination deadline has passed to `screening`. Idempotent: a unique index allows
// one vacancy per term end, so running it twice (or twice at once) never duplicates.
import { and, eq, gt, isNull, lt, lte, notInArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { terms, vacancies } from '../../db/schema.js';
import { addDays, type IsoDate } from '../../domain/dates.js';
import { recordAudit, SYSTEM_ACTOR } from '../audit/audit-log.js';
import { getSettings } from '../settings/settings.js';

/** What is due today: terms whose end needs an upcoming vacancy, open vacancies past deadline. */
function dueChanges(db: Db | Tx, today: IsoDate, horizon: IsoDate) {
  const seatsWithUnfinishedVacancy = new Set(
    db
      .select({ seatId: vacancies.seatId })
      .from(vacancies)
      .where(notInArray(vacancies.status, ['filled', 'cancelled']))
      .all()
      .map((row) => row.seatId),
  );
  const ending = db
    .select()
    .from(terms)
    .where(
      and(
        isNull(terms.endedOn),
        gt(terms.endsOn, today),
        lte(terms.endsOn, horizon),
        lte(terms.startsOn, today),
      ),
    )
    .all()
    .filter((term) => !seatsWithUnfinishedVacancy.has(term.seatId))
    // A successor already recorded from the end date on (a renewal entered ahead) means no gap.
    .filter(
      (term) =>
        !db
          .select({ id: terms.id })
          .from(terms)
          .where(and(eq(terms.seatId, term.seatId), eq(terms.startsOn, term.endsOn)))
          .get(),
    );
  const pastDeadline = db
    .select({ id: vacancies.id, nominationDeadline: vacancies.nominationDeadline })
    .from(vacancies)
    .where(and(eq(vacancies.status, 'open'), lt(vacancies.nominationDeadline, today)))
    .all();
  return { ending, pastDeadline };
}

export function syncVacancies(db: Db, today: IsoDate, now: Date): number[] {
  const horizon = addDays(today, Math.max(...getSettings(db).alertThresholdsDays));
  // Pages call this on every read: most of the time nothing is due, and no write lock is taken.
  const due = dueChanges(db, today, horizon);
  if (due.ending.length === 0 && due.pastDeadline.length === 0) return [];
  return db.transaction((tx) => {
    const { ending, pastDeadline } = dueChanges(tx, today, horizon);
    const created: number[] = [];
    for (const term of ending) {
      const row = tx
        .insert(vacancies)
        .values({
          seatId: term.seatId,
          termId: term.id,
          reason: 'term_ending',
          freeOn: term.endsOn,
          status: 'upcoming',
        })
        .onConflictDoNothing()
        .returning({ id: vacancies.id })
        .get();
      if (!row) continue;
      created.push(row.id);
      recordAudit(tx, {
        actor: SYSTEM_ACTOR,
        action: 'vacancy.create',
        subjectType: 'vacancy',
        subjectId: row.id,
        details: { seatId: term.seatId, termId: term.id, reason: 'term_ending', freeOn: term.endsOn },
        at: now,
      });
    }
    for (const vacancy of pastDeadline) {
      tx.update(vacancies)
        .set({ status: 'screening' })
        .where(and(eq(vacancies.id, vacancy.id), eq(vacancies.status, 'open')))
        .run();
      recordAudit(tx, {
        actor: SYSTEM_ACTOR,
        action: 'vacancy.screening',
        subjectType: 'vacancy',
        subjectId: vacancy.id,
        details: { nominationDeadline: vacancy.nominationDeadline },
        at: now,
      });
    }
    return created;
  });
}
