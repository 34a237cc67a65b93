// Changes the board's settings (secretariat): the diversity rules with their enforcement mode,
// and the board's size, term length, term limit and alert thresholds. Refuses values out of
// range (422, beside the field) and shrinking the board below a seat that has ever been used.
import { asc, count, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { seats, terms, vacancies } from '../../db/schema.js';
import { MIGRATION_CONTEXTS } from '../../domain/reference.js';
import { type ActionResult, done, invalid } from '../../lib/action-result.js';
import { asList, formBody, parseForm } from '../../lib/forms.js';
import type { Actor } from '../audit/audit-log.js';
import { recordAudit } from '../audit/audit-log.js';
import { getSettings, saveSettings } from './settings.js';

const blankAsMissing = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

// A blank field is refused, never read as 0 (which would quietly switch a rule off).
const wholeNumber = (label: string, min: number, max: number) =>
  z.preprocess(
    blankAsMissing,
    z.coerce
      .number({ error: `Enter ${label} as a whole number.` })
      .int(`Enter ${label} as a whole number.`)
      .min(min, `${label[0]!.toUpperCase()}${label.slice(1)} must be at least ${min}.`)
      .max(max, `${label[0]!.toUpperCase()}${label.slice(1)} must be at most ${max}.`),
  );

const diversityForm = z.object({
  maxSeatsPerRegion: wholeNumber('the maximum seats per region', 1, 30),
  minRegions: wholeNumber('the minimum number of regions', 0, 7),
  requiredContexts: z.array(z.enum(MIGRATION_CONTEXTS, { error: 'Choose contexts from the list.' })),
  minSecondaryCities: wholeNumber('the minimum number of secondary cities', 0, 30),
  enforcement: z.enum(['warn', 'block'], { error: 'Choose warn or block.' }),
});

export function readDiversityForm(body: unknown) {
  const values = formBody(body);
  return { ...values, requiredContexts: asList(values.requiredContexts) };
}

export function updateDiversitySettings(db: Db, body: unknown, actor: Actor, now: Date): ActionResult<null> {
  const form = parseForm(diversityForm, readDiversityForm(body));
  if (!form.ok) return invalid(form.errors);
  const { enforcement, ...diversity } = form.data;
  const boardSize = getSettings(db).boardSize;
  if (diversity.maxSeatsPerRegion > boardSize)
    return invalid({
      maxSeatsPerRegion: `The board has ${boardSize} seats; a region cannot be allowed more.`,
    });
  if (diversity.minRegions > boardSize)
    return invalid({
      minRegions: `The board has ${boardSize} seats; it cannot hold more regions than that.`,
    });
  if (diversity.minSecondaryCities > boardSize)
    return invalid({ minSecondaryCities: `The board has ${boardSize} seats.` });
  db.transaction((tx) => {
    const before = getSettings(tx);
    saveSettings(tx, { diversity, enforcement });
    recordAudit(tx, {
      actor,
      action: 'settings.diversity',
      subjectType: 'settings',
      subjectId: 'diversity',
      details: {
        before: { ...before.diversity, enforcement: before.enforcement },
        after: { ...diversity, enforcement },
      },
      at: now,
    });
  });
  return done(null);
}

const boardForm = z.object({
  boardSize: wholeNumber('the board size', 3, 30),
  termLengthMonths: wholeNumber('the term length', 1, 72),
  // Blank means no limit.
  termLimit: z.preprocess(
    (value) => (blankAsMissing(value) === undefined ? null : value),
    wholeNumber('the term limit', 1, 10).nullable(),
  ),
  alertThresholdsDays: z
    .string({ error: 'Enter the alert thresholds.' })
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
});

export function updateBoardSettings(db: Db, body: unknown, actor: Actor, now: Date): ActionResult<null> {
  const values = formBody(body);
  const form = parseForm(boardForm, { ...values, termLimit: values.termLimit ?? '' });
  if (!form.ok) return invalid(form.errors);
  const changes = form.data;

  return db.transaction((tx) => {
    const before = getSettings(tx);
    const { maxSeatsPerRegion, minRegions, minSecondaryCities } = before.diversity;
    if (Math.max(maxSeatsPerRegion, minRegions, minSecondaryCities) > changes.boardSize) {
      return invalid({
        boardSize: `The diversity rules count up to ${Math.max(maxSeatsPerRegion, minRegions, minSecondaryCities)} seats; lower them before shrinking the board to ${changes.boardSize}.`,
      });
    }
    const existing = tx.select().from(seats).orderBy(asc(seats.number)).all();
    if (changes.boardSize < existing.length) {
      const removable = existing.filter((seat) => seat.number > changes.boardSize);
      for (const seat of removable) {
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
    recordAudit(tx, {
      actor,
      action: 'settings.board',
      subjectType: 'settings',
      subjectId: 'board',
      details: {
        before: {
          boardSize: before.boardSize,
          termLengthMonths: before.termLengthMonths,
          termLimit: before.termLimit,
          alertThresholdsDays: before.alertThresholdsDays,
        },
        after: changes,
      },
      at: now,
    });
    return done(null);
  });
}
