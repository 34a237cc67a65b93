// Calendar arithmetic on ISO dates ('YYYY-MM-DD'). Everything is computed in UTC, so a term that
// starts on a date ends on a date whatever the server's time zone or daylight-saving shifts.
export type IsoDate = string;

const MILLISECONDS_PER_DAY = 86_400_000;
const DIGIT_ZERO = 48; // '0'
const HYPHEN = 45; // '-'
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface CalendarDate {
  year: number;
  month: number; // 1-12
  day: number;
}

// The proleptic Gregorian calendar, as Date uses for every year.
function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

// Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not, so years stay what they say.
function utcMilliseconds(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

/** The number that `count` ASCII digits from `start` spell, or -1 if any of them is not a digit. */
function digitsAt(value: string, start: number, count: number): number {
  let number = 0;
  for (let index = start; index < start + count; index += 1) {
    const digit = value.charCodeAt(index) - DIGIT_ZERO;
    if (!(digit >= 0 && digit <= 9)) return -1;
    number = number * 10 + digit;
  }
  return number;
}

// Read character by character, not with a regular expression: pages compare and count dates by
// the thousand, and every date is checked each time.
function readCalendarDate(value: string): CalendarDate | undefined {
  if (typeof value !== 'string' || value.length !== 10) return undefined;
  if (value.charCodeAt(4) !== HYPHEN || value.charCodeAt(7) !== HYPHEN) return undefined;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

function parseIsoDate(date: IsoDate): CalendarDate {
  const parsed = readCalendarDate(date);
  if (!parsed) throw new RangeError(`'${date}' is not a calendar date in the form YYYY-MM-DD.`);
  return parsed;
}

function formatIsoDate(milliseconds: number): IsoDate {
  const date = new Date(milliseconds);
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) {
    throw new RangeError('The resulting date falls outside the years 0000-9999.');
  }
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  const day = String(date.getUTCDate()).padStart(2, '0');
  return `${String(year).padStart(4, '0')}-${month}-${day}`;
}

function requireWholeNumber(value: number, name: string): void {
  if (!Number.isInteger(value)) throw new RangeError(`${name} must be a whole number, not ${value}.`);
}

function toMilliseconds(date: IsoDate): number {
  const { year, month, day } = parseIsoDate(date);
  return utcMilliseconds(year, month, day);
}

export function isIsoDate(value: string): boolean {
  return readCalendarDate(value) !== undefined;
}

// A month later is the same day of the month; when that day does not exist (31 January + 1 month,
// 29 February + 12 months) the date is the last day of the target month, never a day in the next.
export function addMonths(date: IsoDate, months: number): IsoDate {
  requireWholeNumber(months, 'The number of months');
  const { year, month, day } = parseIsoDate(date);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12 + 1;
  const targetDay = Math.min(day, daysInMonth(targetYear, targetMonth));
  return formatIsoDate(utcMilliseconds(targetYear, targetMonth, targetDay));
}

export function addDays(date: IsoDate, days: number): IsoDate {
  requireWholeNumber(days, 'The number of days');
  return formatIsoDate(toMilliseconds(date) + days * MILLISECONDS_PER_DAY);
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((toMilliseconds(to) - toMilliseconds(from)) / MILLISECONDS_PER_DAY);
}

export function todayIso(now: Date): IsoDate {
  if (Number.isNaN(now.getTime())) throw new RangeError('The current time is not a valid date.');
  return formatIsoDate(now.getTime());
}

export function compareIsoDates(a: IsoDate, b: IsoDate): number {
  parseIsoDate(a);
  parseIsoDate(b);
  // The strict fixed-width format makes text order the same as calendar order.
  return a < b ? -1 : a > b ? 1 : 0;
}

export function minIsoDate(a: IsoDate, b: IsoDate): IsoDate {
  return compareIsoDates(a, b) <= 0 ? a : b;
}

export function maxIsoDate(a: IsoDate, b: IsoDate): IsoDate {
  return compareIsoDates(a, b) >= 0 ? a : b;
}

export function monthKey(date: IsoDate): string {
  parseIsoDate(date);
  return date.slice(0, 7);
}
