// The board's settings, stored one JSON value per key. Every rule reads them from here, so
// there is no second copy of a default anywhere in the code.
import { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import { cacheUntilWrite } from '../../db/per-connection.js';
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

// A page asks for "today" several times, and working it out in a time zone is not free. Every
// zone's offset is a whole number of seconds, so the day cannot change within one second.
let lastToday: { timeZone: string; second: number; day: IsoDate } | undefined;

/** The calendar day it is for the board, in its time zone. */
export function boardToday(settings: Pick<Settings, 'timeZone'>, now: Date): IsoDate {
  const second = Math.floor(now.getTime() / 1000);
  if (lastToday?.timeZone === settings.timeZone && lastToday.second === second) return lastToday.day;
  const day = todayIn(now, settings.timeZone);
  lastToday = { timeZone: settings.timeZone, second, day };
  return day;
}

/**
 * The settings, read and validated once and kept until the database is written to: every rule
 * asks for them, several times per page. The object is shared and frozen; copy it to change it.
 */
export const getSettings: (db: Db | Tx) => Readonly<Settings> = cacheUntilWrite((db) => {
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
});

export function saveSettings(tx: Db | Tx, changes: Partial<Settings>): void {
  for (const [key, value] of Object.entries(changes)) {
    const json = JSON.stringify(value);
    tx.insert(settingsTable)
      .values({ key, value: json })
      .onConflictDoUpdate({ target: settingsTable.key, set: { value: json } })
      .run();
  }
}
