// Term arithmetic for board seats: when a term ends, who holds a seat on a date, overlaps,
// term numbers and consecutive-term limits, forecast early vacancies and clusters of departures.
// A term covers the half-open interval startsOn <= day < (endedOn ?? endsOn).
import {
  addDays,
  addMonths,
  compareIsoDates,
  daysBetween,
  type IsoDate,
  isIsoDate,
  minIsoDate,
  monthKey,
} from './dates.js';

export interface TermSpan {
  id?: number;
  seatId: number;
  memberKey: string;
  startsOn: IsoDate;
  endsOn: IsoDate;
  endedOn: IsoDate | null;
  mandateEndsOn: IsoDate | null;
}

/** The dates of a term, which is all most rules need. */
export type TermDates = Pick<TermSpan, 'startsOn' | 'endsOn' | 'endedOn'>;

export interface TermPlacement {
  id?: number;
  seatId: number;
  startsOn: IsoDate;
  endsOn: IsoDate;
  endedOn?: IsoDate | null;
}

// A member who returns within a quarter of leaving — about one nomination cycle, from vacancy
// notice through screening and ballot — has not really stepped off the board, so the new term
// continues the run that the term limit counts. A longer break starts a new run.
export const CONSECUTIVE_TERM_GAP_DAYS = 90;

// An early end may be recorded ahead of time (an announced resignation), but not so far ahead
// that it is more likely a mistyped year than a known departure.
export const MAX_DAYS_AHEAD_FOR_EARLY_END = 366;

// The term ends on the same calendar day `termLengthMonths` later (clamped to the month's last
// day), which is also the day the next term on the seat starts: the two never share a day.
export function termEndsOn(startsOn: IsoDate, termLengthMonths: number): IsoDate {
  if (!Number.isInteger(termLengthMonths) || termLengthMonths < 1) {
    throw new RangeError(`A term lasts a whole number of months, at least one, not ${termLengthMonths}.`);
  }
  return addMonths(startsOn, termLengthMonths);
}

export function effectiveEnd(term: Pick<TermPlacement, 'endsOn' | 'endedOn'>): IsoDate {
  return term.endedOn ?? term.endsOn;
}

export function isActiveOn(term: TermDates, date: IsoDate): boolean {
  return compareIsoDates(term.startsOn, date) <= 0 && compareIsoDates(date, effectiveEnd(term)) < 0;
}

export function activeTermOnSeat(terms: TermSpan[], seatId: number, date: IsoDate): TermSpan | undefined {
  return terms.find((term) => term.seatId === seatId && isActiveOn(term, date));
}

function intervalsIntersect(a: TermPlacement, b: TermPlacement): boolean {
  const aEnd = effectiveEnd(a);
  const bEnd = effectiveEnd(b);
  // A term ended on the day it started covers no day, so it cannot collide with anything.
  if (compareIsoDates(a.startsOn, aEnd) >= 0 || compareIsoDates(b.startsOn, bEnd) >= 0) return false;
  return compareIsoDates(a.startsOn, bEnd) < 0 && compareIsoDates(b.startsOn, aEnd) < 0;
}

// A seat has one holder at a time. Returns the earliest-starting term on the candidate's seat
// that shares a day with it; the candidate's own stored version (same id) is not a conflict.
export function findOverlap(existing: TermSpan[], candidate: TermPlacement): TermSpan | undefined {
  return existing
    .filter((term) => term.seatId === candidate.seatId)
    .filter((term) => candidate.id === undefined || term.id !== candidate.id)
    .filter((term) => intervalsIntersect(term, candidate))
    .sort((a, b) => compareIsoDates(a.startsOn, b.startsOn))[0];
}

function termsOfMember(history: TermSpan[], memberKey: string): TermSpan[] {
  return history.filter((term) => term.memberKey === memberKey);
}

// Counts the member's run of terms, on any seat, that leads up to `before`: the latest earlier
// term must end no more than CONSECUTIVE_TERM_GAP_DAYS before it, and each earlier term no more
// than that before the next one in the run starts. Terms starting on or after `before` are ignored.
export function consecutiveTermCount(history: TermSpan[], memberKey: string, before: IsoDate): number {
  const earlierTermsLatestFirst = termsOfMember(history, memberKey)
    .filter((term) => compareIsoDates(term.startsOn, before) < 0)
    .sort((a, b) => compareIsoDates(b.startsOn, a.startsOn));
  let count = 0;
  let runStartsOn = before;
  for (const term of earlierTermsLatestFirst) {
    if (daysBetween(effectiveEnd(term), runStartsOn) > CONSECUTIVE_TERM_GAP_DAYS) break;
    count += 1;
    runStartsOn = minIsoDate(runStartsOn, term.startsOn);
  }
  return count;
}

// Term numbers count every earlier term of the member, on any seat, breaks or not.
export function nextTermNumber(history: TermSpan[], memberKey: string, startsOn: IsoDate): number {
  const earlierTerms = termsOfMember(history, memberKey).filter(
    (term) => compareIsoDates(term.startsOn, startsOn) < 0,
  );
  return earlierTerms.length + 1;
}

// The bylaws' term limit counts consecutive terms only; no limit is set by default (null).
export function reachesTermLimit(
  history: TermSpan[],
  memberKey: string,
  startsOn: IsoDate,
  termLimit: number | null,
): boolean {
  if (termLimit === null) return false;
  if (!Number.isInteger(termLimit) || termLimit < 1) {
    throw new RangeError(`A term limit is a whole number of terms, at least one, not ${termLimit}.`);
  }
  return consecutiveTermCount(history, memberKey, startsOn) >= termLimit;
}

// A mayor whose mandate ends before the board term does will likely leave the board early
// (members sit as serving mayors), so the seat is forecast to fall free at the mandate end.
// A term already ended early has nothing left to forecast.
export function mandateEndsFirst(term: Pick<TermSpan, 'endsOn' | 'endedOn' | 'mandateEndsOn'>): boolean {
  return (
    term.endedOn === null &&
    term.mandateEndsOn !== null &&
    compareIsoDates(term.mandateEndsOn, term.endsOn) < 0
  );
}

// Days until the seat falls free; zero on that day, negative once it has passed.
export function daysLeft(term: TermDates, today: IsoDate): number {
  return daysBetween(today, effectiveEnd(term));
}

export interface VacancyCluster {
  month: string; // YYYY-MM
  seatIds: number[];
}

// Several seats turning over in the same month is a continuity risk for a board of eight:
// the council loses its memory faster than new members can pick it up.
export function vacancyClusters(
  terms: TermSpan[],
  from: IsoDate,
  until: IsoDate,
  options: { includeMandateForecasts?: boolean } = {},
): VacancyCluster[] {
  const seatsByMonth = new Map<string, Set<number>>();
  for (const term of terms) {
    const freeOn =
      options.includeMandateForecasts && mandateEndsFirst(term) && term.mandateEndsOn !== null
        ? term.mandateEndsOn
        : effectiveEnd(term);
    if (compareIsoDates(freeOn, from) < 0 || compareIsoDates(freeOn, until) > 0) continue;
    const month = monthKey(freeOn);
    const seats = seatsByMonth.get(month) ?? new Set<number>();
    seats.add(term.seatId);
    seatsByMonth.set(month, seats);
  }
  return [...seatsByMonth.entries()]
    .filter(([, seats]) => seats.size >= 2)
    .map(([month, seats]) => ({ month, seatIds: [...seats].sort((a, b) => a - b) }))
    .sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
}

export function endDateProblem(term: TermDates, endedOn: IsoDate, today: IsoDate): string | null {
  if (!isIsoDate(endedOn)) return `'${endedOn}' is not a calendar date; enter it as YYYY-MM-DD.`;
  if (compareIsoDates(endedOn, term.startsOn) < 0) {
    return `The end date ${endedOn} is before the term started on ${term.startsOn}.`;
  }
  if (compareIsoDates(endedOn, term.endsOn) > 0) {
    return `The end date ${endedOn} is after the term's scheduled end on ${term.endsOn}; a term cannot be extended by ending it.`;
  }
  const latestAllowed = addDays(today, MAX_DAYS_AHEAD_FOR_EARLY_END);
  if (compareIsoDates(endedOn, latestAllowed) > 0) {
    return `The end date ${endedOn} is more than ${MAX_DAYS_AHEAD_FOR_EARLY_END} days after today (${today}); record an early end once its date is known.`;
  }
  return null;
}
