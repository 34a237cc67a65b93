// Changes the board's size, term length, term limit, alert thresholds and time zone (secretariat).
// Refuses values out of range and an unknown time zone (422, beside the field), and shrinking the
// board below a seat that has ever been used or below what the diversity rules count.
import { asc, count, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { seats, terms, vacancies } from '../../db/schema.js';
import { isValidTimeZone } from '../../domain/time-zone.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { parseForm, plainString, wholeNumber } from '../../lib/forms.js';
import type { Actor } from '../audit-log/audit-log.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { getSettings, saveSettings } from './settings.js';

const boardForm = z.object({
  boardSize: wholeNumber('the board size', 3, 30),
  termLengthMonths: wholeNumber('the term length', 1, 72),
  // Blank means no limit.
  termLimit: z.preprocess(
    (value) => (value === undefined || (typeof value === 'string' && value.trim() === '') ? null : value),
    wholeNumber('the term limit', 1, 10).nullable(),
  ),
  alertThresholdsDays: plainString('Enter the alert thresholds.')
    .trim()
    .transform((text) =>
      text
        .split(/[\s,]+/)
        .filter(Boolean)
        .map(Number),
    )
    .refine(
      (days) => days.length >= 1 && days.length <= 8,
      'Enter between one and eight thresholds, separated by commas.',
    )
    .refine(
      (days) => days.every((d) => Number.isInteger(d) && d >= 1 && d <= 365),
      'Each threshold is a whole number of days from 1 to 365.',
    )
    .transform((days) => [...new Set(days)].sort((a, b) => b - a)),
  // Absent (an older form) leaves it as it is.
  jobIntervalMinutes: z.preprocess(
    (value) => (value === '' ? undefined : value),
    wholeNumber('how often the jobs run, in minutes,', 1, 1440).optional(),
  ),
  // Absent (an older form) leaves the zone as it is.
  timeZone: z
    .string({ error: 'Choose the time zone from the list.' })
    .trim()
    .refine(isValidTimeZone, 'Choose the time zone from the list, such as Europe/Athens or UTC.')
    .optional(),
});

export function updateBoardSettings(db: Db, input: unknown, viewer: Viewer, now: Date): ActionResult<null> {
  if (!permissions.manageSettings(viewer)) return refused(403, 'Only the secretariat changes the settings.');
  const form = parseForm(boardForm, input);
  if (!form.ok) return invalid(form.errors);
  const { timeZone, jobIntervalMinutes, ...sizes } = form.data;
  const actor: Actor = { id: viewer.id, label: viewer.email };

  return db.transaction((tx) => {
    const before = getSettings(tx);
    const changes = {
      ...sizes,
      timeZone: timeZone ?? before.timeZone,
      jobIntervalMinutes: jobIntervalMinutes ?? before.jobIntervalMinutes,
    };
    const { maxSeatsPerRegion, minRegions, minSecondaryCities } = before.diversity;
    const counted = Math.max(maxSeatsPerRegion, minRegions, minSecondaryCities);
    if (counted > changes.boardSize) {
      return invalid({
        boardSize: `The diversity rules count up to ${counted} seats; lower them before shrinking the board to ${changes.boardSize}.`,
      });
    }
    const existing = tx.select().from(seats).orderBy(asc(seats.number)).all();
    if (changes.boardSize < existing.length) {
      for (const seat of existing.filter((s) => s.number > changes.boardSize)) {
        const used =
          (tx.select({ n: count() }).from(terms).where(eq(terms.seatId, seat.id)).get()?.n ?? 0) +
          (tx.select({ n: count() }).from(vacancies).where(eq(vacancies.seatId, seat.id)).get()?.n ?? 0);
        if (used > 0)
          return invalid({
            boardSize: `Seat ${seat.number} has a history of terms or vacancies; the board cannot shrink below ${seat.number} seats.`,
          });
      }
      tx.delete(seats).where(gt(seats.number, changes.boardSize)).run();
    }
    for (let number = existing.length + 1; number <= changes.boardSize; number += 1)
      tx.insert(seats).values({ number }).run();
    saveSettings(tx, changes);
    const pick = (settings: typeof changes) => ({
      boardSize: settings.boardSize,
      termLengthMonths: settings.termLengthMonths,
      termLimit: settings.termLimit,
      alertThresholdsDays: settings.alertThresholdsDays,
      timeZone: settings.timeZone,
      jobIntervalMinutes: settings.jobIntervalMinutes,
    });
    recordAudit(tx, {
      actor,
      action: 'settings.board',
      subjectType: 'settings',
      subjectId: 'board',
      details: { before: pick(before), after: pick(changes) },
      at: now,
    });
    return ok(null);
  });
}
