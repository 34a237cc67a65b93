// Keeps vacancies in step with the calendar: creates an `upcoming` vacancy for every term that
// ends within the largest alert threshold, so the secretariat sees a gap coming, and moves an open
// vacancy whose nomination deadline has passed (at the end of its day in the board's time zone)
// to `screening`. The jobs run it on a schedule, and every page read first asks the cheap
// `vacanciesDue` whether anything is due, so a page is never behind the clock. Idempotent: a
// unique index allows one vacancy per term end, so running it twice (or twice at once) never
// duplicates.
import { and, eq, gt, isNull, lt, lte, notInArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { terms, vacancies } from '../../db/schema.js';
import { addDays, type IsoDate } from '../../domain/dates.js';
import { recordAudit, SYSTEM_ACTOR } from '../audit-log/audit-log.js';
import { boardToday, getSettings } from '../settings/settings.js';

const DUE_SQL = `
  SELECT 1 FROM vacancies
   WHERE status = 'open' AND nomination_deadline < @today
  UNION ALL
  SELECT 1 FROM terms t
   WHERE t.ended_on IS NULL AND t.ends_on > @today AND t.ends_on <= @horizon AND t.starts_on <= @today
     AND NOT EXISTS (SELECT 1 FROM vacancies v WHERE v.seat_id = t.seat_id AND v.status NOT IN ('filled', 'cancelled'))
     AND NOT EXISTS (SELECT 1 FROM vacancies v WHERE v.term_id = t.id AND v.status <> 'cancelled')
     AND NOT EXISTS (SELECT 1 FROM terms s WHERE s.seat_id = t.seat_id AND s.starts_on = t.ends_on)
  LIMIT 1`;

const dueStatements = new WeakMap<object, { get(params: object): unknown }>();

function horizonFor(db: Db | Tx, today: IsoDate): IsoDate {
  return addDays(today, Math.max(...getSettings(db).alertThresholdsDays));
}

/** One indexed query: is any vacancy change due today? Cheap enough for every page read. */
export function vacanciesDue(db: Db, today: IsoDate): boolean {
  let statement = dueStatements.get(db.$client);
  if (!statement) {
    statement = db.$client.prepare(DUE_SQL);
    dueStatements.set(db.$client, statement);
  }
  return statement.get({ today, horizon: horizonFor(db, today) }) !== undefined;
}

/** Terms whose end needs an upcoming vacancy, and open vacancies past their deadline. */
function dueChanges(tx: Tx, today: IsoDate) {
  const horizon = horizonFor(tx, today);
  const seatsWithUnfinishedVacancy = new Set(
    tx
      .select({ seatId: vacancies.seatId })
      .from(vacancies)
      .where(notInArray(vacancies.status, ['filled', 'cancelled']))
      .all()
      .map((row) => row.seatId),
  );
  const ending = tx
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
        !tx
          .select({ id: terms.id })
          .from(terms)
          .where(and(eq(terms.seatId, term.seatId), eq(terms.startsOn, term.endsOn)))
          .get(),
    );
  const pastDeadline = tx
    .select({ id: vacancies.id, nominationDeadline: vacancies.nominationDeadline })
    .from(vacancies)
    .where(and(eq(vacancies.status, 'open'), lt(vacancies.nominationDeadline, today)))
    .all();
  return { ending, pastDeadline };
}

export interface VacancyChanges {
  created: number[];
  toScreening: number[];
}

export function advanceVacancies(db: Db, now: Date): VacancyChanges {
  return db.transaction((tx) => {
    const today = boardToday(getSettings(tx), now);
    const { ending, pastDeadline } = dueChanges(tx, today);
    const changes: VacancyChanges = { created: [], toScreening: [] };
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
      changes.created.push(row.id);
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
      tx.update(vacancies).set({ status: 'screening' }).where(eq(vacancies.id, vacancy.id)).run();
      changes.toScreening.push(vacancy.id);
      recordAudit(tx, {
        actor: SYSTEM_ACTOR,
        action: 'vacancy.screening',
        subjectType: 'vacancy',
        subjectId: vacancy.id,
        details: { nominationDeadline: vacancy.nominationDeadline },
        at: now,
      });
    }
    return changes;
  });
}

/** What a page read does first: advance vacancies only when something is due. */
export function keepVacanciesCurrent(db: Db, now: Date): void {
  if (vacanciesDue(db, boardToday(getSettings(db), now))) advanceVacancies(db, now);
}
