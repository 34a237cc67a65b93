// The board's settings, stored one JSON value per key. Every rule reads them from here, so
// there is no second copy of a default anywhere in the code.
import { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import { settings as settingsTable } from '../../db/schema.js';
import type { IsoDate } from '../../domain/dates.js';
import { defaultDiversityRules } from '../../domain/diversity.js';
import { MIGRATION_CONTEXTS } from '../../domain/reference.js';
import { DEFAULT_TIME_ZONE, isValidTimeZone, todayIn } from '../../domain/time-zone.js';

export const settingsSchema = z.object({
  boardSize: z.number().int().min(3).max(30),
  termLengthMonths: z.number().int().min(1).max(72),
  /** Consecutive terms a member may serve; null means no limit. */
  termLimit: z.number().int().min(1).max(10).nullable(),
  /** Days before a term ends when alerts go out; the largest also opens the upcoming vacancy. */
  alertThresholdsDays: z.array(z.number().int().min(1).max(365)).min(1).max(8),
  diversity: z.object({
    maxSeatsPerRegion: z.number().int().min(1).max(30),
    minRegions: z.number().int().min(0).max(7),
    requiredContexts: z.array(z.enum(MIGRATION_CONTEXTS)),
    minSecondaryCities: z.number().int().min(0).max(30),
  }),
  enforcement: z.enum(['warn', 'block']),
  /** The board's IANA time zone: "today", days left and deadlines are days there. */
  timeZone: z.string().refine(isValidTimeZone),
  /** How often the server's scheduler runs the jobs (states, alerts, mail). */
  jobIntervalMinutes: z.number().int().min(1).max(1440),
});

export type Settings = z.infer<typeof settingsSchema>;

export function defaultSettings(boardSize = 8): Settings {
  return {
    boardSize,
    termLengthMonths: 24,
    termLimit: null,
    alertThresholdsDays: [90, 60, 30, 7],
    diversity: defaultDiversityRules(boardSize),
    enforcement: 'warn',
    timeZone: DEFAULT_TIME_ZONE,
    jobIntervalMinutes: 5,
  };
}

/** The calendar day it is for the board, in its time zone. */
export function boardToday(settings: Pick<Settings, 'timeZone'>, now: Date): IsoDate {
  return todayIn(now, settings.timeZone);
}

export function getSettings(db: Db | Tx): Settings {
  const stored = Object.fromEntries(
    db
      .select()
      .from(settingsTable)
      .all()
      .map((row) => [row.key, JSON.parse(row.value) as unknown]),
  );
  const merged = {
    ...defaultSettings(typeof stored.boardSize === 'number' ? stored.boardSize : 8),
    ...stored,
  };
  return settingsSchema.parse(merged);
}

export function saveSettings(tx: Db | Tx, changes: Partial<Settings>): void {
  for (const [key, value] of Object.entries(changes)) {
    const json = JSON.stringify(value);
    tx.insert(settingsTable)
      .values({ key, value: json })
      .onConflictDoUpdate({ target: settingsTable.key, set: { value: json } })
      .run();
  }
}
