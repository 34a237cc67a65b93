// The board's time zone (a setting, IANA name, default UTC). "Today", days left and deadlines are
// days there: a deadline closes at the end of its day in the board's zone, not the server's.
// Date-times typed into forms (`YYYY-MM-DDTHH:MM`) are wall-clock times in that zone too.
import { addDays, type IsoDate, isIsoDate } from './dates.js';

export const DEFAULT_TIME_ZONE = 'UTC';

/** A wall-clock time in some zone, as forms send it: 'YYYY-MM-DDTHH:MM'. */
export type LocalDateTime = string;

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)$/;

// Creating an Intl.DateTimeFormat costs far more than using one: keep one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(name: string): boolean {
  if (typeof name !== 'string' || name.length === 0 || name.length > 64) return false;
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(instant: Date, timeZone: string): WallClock {
  if (Number.isNaN(instant.getTime())) throw new RangeError('The instant is not a valid date.');
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour! % 24,
    minute: parts.minute!,
    second: parts.second!,
  };
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** The calendar day it is in the board's zone at this instant. */
export function todayIn(now: Date, timeZone: string): IsoDate {
  const clock = wallClock(now, timeZone);
  return `${pad(clock.year, 4)}-${pad(clock.month)}-${pad(clock.day)}`;
}

/** The wall-clock time in the zone at this instant, as 'YYYY-MM-DDTHH:MM'. */
export function localDateTimeIn(instant: Date, timeZone: string): LocalDateTime {
  const clock = wallClock(instant, timeZone);
  return `${pad(clock.year, 4)}-${pad(clock.month)}-${pad(clock.day)}T${pad(clock.hour)}:${pad(clock.minute)}`;
}

/** The same, as people read it on a page or in a mail: 'YYYY-MM-DD HH:MM'. */
export function wallClockText(instant: Date | string, timeZone: string): string {
  return localDateTimeIn(new Date(instant), timeZone).replace('T', ' ');
}

export function isLocalDateTime(value: string): boolean {
  const match = LOCAL_DATE_TIME.exec(value);
  return Boolean(match && isIsoDate(match[1]!));
}

// Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not, so years stay what they say.
function utcMilliseconds(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** Milliseconds the zone is ahead of UTC at this instant. */
function offsetAt(instant: number, timeZone: string): number {
  const clock = wallClock(new Date(instant), timeZone);
  const asUtc = utcMilliseconds(clock.year, clock.month, clock.day, clock.hour, clock.minute, clock.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

const DAY_MS = 86_400_000;

/**
 * The instant a wall-clock time in the zone stands for. Read at the zone's offset a day before and
 * a day after (no zone changes its offset twice in two days): a time that happens twice (clocks
 * going back) is read as the first; a time that does not exist (clocks going forward) as the same
 * time after the change.
 */
export function instantOf(local: LocalDateTime, timeZone: string): Date {
  const match = LOCAL_DATE_TIME.exec(local);
  if (!match || !isIsoDate(match[1]!)) {
    throw new RangeError(`'${local}' is not a date and time in the form YYYY-MM-DDTHH:MM.`);
  }
  const [year, month, day] = match[1]!.split('-').map(Number) as [number, number, number];
  const asUtc = utcMilliseconds(year, month, day, Number(match[2]), Number(match[3]));
  const before = asUtc - offsetAt(asUtc - DAY_MS, timeZone);
  const after = asUtc - offsetAt(asUtc + DAY_MS, timeZone);
  const readings = [before, after].filter(
    (reading) => localDateTimeIn(new Date(reading), timeZone) === local,
  );
  return new Date(readings.length > 0 ? Math.min(...readings) : before);
}

/** The instant the day starts in the zone (midnight, or the first minute after a skipped one). */
export function startOfDay(date: IsoDate, timeZone: string): Date {
  return instantOf(`${date}T00:00`, timeZone);
}

/** A deadline date closes at the end of its day in the zone: the instant the next day starts. */
export function endOfDay(date: IsoDate, timeZone: string): Date {
  return startOfDay(addDays(date, 1), timeZone);
}
