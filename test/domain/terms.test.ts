// Specification of board terms: a term covers startsOn <= day < (endedOn ?? endsOn), and a seat
// has one holder at a time. Term limits count consecutive terms; mandates forecast early vacancies.
import { describe, expect, it } from 'vitest';
import { addMonths } from '../../src/domain/dates.js';
import {
  activeTermOnSeat,
  CONSECUTIVE_TERM_GAP_DAYS,
  consecutiveTermCount,
  daysLeft,
  effectiveEnd,
  endDateProblem,
  findOverlap,
  isActiveOn,
  mandateEndsFirst,
  nextTermNumber,
  reachesTermLimit,
  type TermSpan,
  termEndsOn,
  vacancyClusters,
} from '../../src/domain/terms.js';

// A 24-month term unless told otherwise. The fixtures are built while the file is collected, so
// they use addMonths rather than termEndsOn: a broken termEndsOn must fail its own tests, not stop
// the file from loading (which mutation testing would not count as a failure).
function term(overrides: Partial<TermSpan> & Pick<TermSpan, 'startsOn'>): TermSpan {
  return {
    seatId: 1,
    memberKey: 'amman',
    endsOn: addMonths(overrides.startsOn, 24),
    endedOn: null,
    mandateEndsOn: null,
    ...overrides,
  };
}

describe('termEndsOn', () => {
  it('ends a 24-month term on the same calendar day two years later', () => {
    expect(termEndsOn('2025-07-01', 24)).toBe('2027-07-01');
  });

  it('ends a term that starts on 29 February on 28 February when the end year is not a leap year', () => {
    expect(termEndsOn('2024-02-29', 24)).toBe('2026-02-28');
    expect(termEndsOn('2024-02-29', 12)).toBe('2025-02-28');
  });

  it('ends a term that starts on 29 February on 29 February when the end year is a leap year', () => {
    expect(termEndsOn('2024-02-29', 48)).toBe('2028-02-29');
  });

  it('ends a term that starts on the 31st on the last day of a shorter month', () => {
    expect(termEndsOn('2024-08-31', 18)).toBe('2026-02-28');
    expect(termEndsOn('2025-05-31', 1)).toBe('2025-06-30');
  });

  it('honours a term length other than the default', () => {
    expect(termEndsOn('2025-01-15', 36)).toBe('2028-01-15');
  });

  it('refuses a term length of zero, negative or fractional months', () => {
    expect(() => termEndsOn('2025-01-15', 0)).toThrow(RangeError);
    expect(() => termEndsOn('2025-01-15', -24)).toThrow(RangeError);
    expect(() => termEndsOn('2025-01-15', 12.5)).toThrow(RangeError);
  });

  it('names the term length it refuses', () => {
    expect(() => termEndsOn('2025-01-15', 0)).toThrow(
      new RangeError('A term lasts a whole number of months, at least one, not 0.'),
    );
  });
});

describe('effectiveEnd', () => {
  it('is the scheduled end when the term has not ended early', () => {
    expect(effectiveEnd(term({ startsOn: '2025-01-01' }))).toBe('2027-01-01');
  });

  it('is the actual end when the term ended early', () => {
    expect(effectiveEnd(term({ startsOn: '2025-01-01', endedOn: '2025-09-30' }))).toBe('2025-09-30');
  });
});

describe('isActiveOn', () => {
  const twoYears = term({ startsOn: '2025-01-01' });

  it('covers the first day of the term', () => {
    expect(isActiveOn(twoYears, '2025-01-01')).toBe(true);
  });

  it('covers the last day before the end date', () => {
    expect(isActiveOn(twoYears, '2026-12-31')).toBe(true);
  });

  it('does not cover the end date itself, which belongs to the next term', () => {
    expect(isActiveOn(twoYears, '2027-01-01')).toBe(false);
  });

  it('does not cover the day before the term starts', () => {
    expect(isActiveOn(twoYears, '2024-12-31')).toBe(false);
  });

  it('stops covering on the actual end date of a term ended early', () => {
    const endedEarly = term({ startsOn: '2025-01-01', endedOn: '2025-09-30' });
    expect(isActiveOn(endedEarly, '2025-09-29')).toBe(true);
    expect(isActiveOn(endedEarly, '2025-09-30')).toBe(false);
    expect(isActiveOn(endedEarly, '2026-06-01')).toBe(false);
  });

  it('never covers any day when the term ended on the day it started', () => {
    const neverServed = term({ startsOn: '2025-01-01', endedOn: '2025-01-01' });
    expect(isActiveOn(neverServed, '2025-01-01')).toBe(false);
  });
});

describe('activeTermOnSeat', () => {
  const first = term({ id: 1, seatId: 3, memberKey: 'athens', startsOn: '2023-01-01' });
  const second = term({ id: 2, seatId: 3, memberKey: 'zurich', startsOn: '2025-01-01' });
  const otherSeat = term({ id: 3, seatId: 4, memberKey: 'milan', startsOn: '2024-06-01' });
  const terms = [first, second, otherSeat];

  it('finds the term holding the seat on a date', () => {
    expect(activeTermOnSeat(terms, 3, '2024-12-31')).toBe(first);
  });

  it('hands the seat to the next term on the day the previous one ends', () => {
    expect(activeTermOnSeat(terms, 3, '2025-01-01')).toBe(second);
  });

  it('ignores terms on other seats', () => {
    expect(activeTermOnSeat(terms, 4, '2025-01-01')).toBe(otherSeat);
    expect(activeTermOnSeat(terms, 5, '2025-01-01')).toBeUndefined();
  });

  it('finds nothing when the seat is empty on that date', () => {
    expect(activeTermOnSeat(terms, 3, '2022-12-31')).toBeUndefined();
    expect(activeTermOnSeat(terms, 3, '2027-01-01')).toBeUndefined();
  });

  it('finds nothing after the holder ended their term early', () => {
    const resigned = term({ seatId: 6, startsOn: '2025-01-01', endedOn: '2025-05-01' });
    expect(activeTermOnSeat([resigned], 6, '2025-05-01')).toBeUndefined();
  });
});

describe('findOverlap', () => {
  const sitting = term({ id: 10, seatId: 2, memberKey: 'bristol', startsOn: '2025-01-01' });

  it('allows a term that starts on the day the previous one ends', () => {
    const next = { seatId: 2, startsOn: '2027-01-01', endsOn: '2029-01-01' };
    expect(findOverlap([sitting], next)).toBeUndefined();
  });

  it('allows a term that ends on the day the existing one starts', () => {
    const before = { seatId: 2, startsOn: '2023-01-01', endsOn: '2025-01-01' };
    expect(findOverlap([sitting], before)).toBeUndefined();
  });

  it('finds a term that shares even a single day', () => {
    const oneDayEarly = { seatId: 2, startsOn: '2026-12-31', endsOn: '2028-12-31' };
    expect(findOverlap([sitting], oneDayEarly)).toBe(sitting);
  });

  it('finds a term that lies entirely inside the candidate, and one the candidate lies inside', () => {
    expect(findOverlap([sitting], { seatId: 2, startsOn: '2024-01-01', endsOn: '2028-01-01' })).toBe(sitting);
    expect(findOverlap([sitting], { seatId: 2, startsOn: '2025-06-01', endsOn: '2025-07-01' })).toBe(sitting);
  });

  it('finds an identical interval', () => {
    expect(findOverlap([sitting], { seatId: 2, startsOn: '2025-01-01', endsOn: '2027-01-01' })).toBe(sitting);
  });

  it('ignores terms on other seats', () => {
    expect(
      findOverlap([sitting], { seatId: 3, startsOn: '2025-01-01', endsOn: '2027-01-01' }),
    ).toBeUndefined();
  });

  it('ignores the stored version of the same term when it is being edited', () => {
    expect(
      findOverlap([sitting], { id: 10, seatId: 2, startsOn: '2025-02-01', endsOn: '2027-02-01' }),
    ).toBeUndefined();
  });

  it('still finds another term when the candidate has an id of its own', () => {
    expect(findOverlap([sitting], { id: 11, seatId: 2, startsOn: '2025-02-01', endsOn: '2027-02-01' })).toBe(
      sitting,
    );
  });

  it('treats the seat as free from the actual end date of a term ended early', () => {
    const resigned = { ...sitting, endedOn: '2025-08-15' };
    expect(
      findOverlap([resigned], { seatId: 2, startsOn: '2025-08-15', endsOn: '2027-08-15' }),
    ).toBeUndefined();
    expect(findOverlap([resigned], { seatId: 2, startsOn: '2025-08-14', endsOn: '2027-08-14' })).toBe(
      resigned,
    );
  });

  it("uses the candidate's own early end when it has one", () => {
    const shortened = { seatId: 2, startsOn: '2023-01-01', endsOn: '2025-06-01', endedOn: '2025-01-01' };
    expect(findOverlap([sitting], shortened)).toBeUndefined();
  });

  it('ignores a term that ended on the day it started, since it covers no day', () => {
    const neverServed = term({ id: 12, seatId: 2, startsOn: '2027-06-01', endedOn: '2027-06-01' });
    expect(
      findOverlap([neverServed], { seatId: 2, startsOn: '2027-01-01', endsOn: '2029-01-01' }),
    ).toBeUndefined();
  });

  it('lets a candidate that ends on the day it starts sit anywhere, since it covers no day', () => {
    const neverServes = { seatId: 2, startsOn: '2025-06-01', endsOn: '2027-06-01', endedOn: '2025-06-01' };
    expect(findOverlap([sitting], neverServes)).toBeUndefined();
  });

  it('checks a new term against every term on the seat, stored ones without an id included', () => {
    const { id: _, ...unsaved } = sitting;
    expect(findOverlap([unsaved], { seatId: 2, startsOn: '2026-01-01', endsOn: '2028-01-01' })).toBe(unsaved);
  });

  it('reports the earliest of several overlapping terms', () => {
    const later = term({ id: 20, seatId: 2, memberKey: 'zurich', startsOn: '2027-01-01' });
    const found = findOverlap([later, sitting], { seatId: 2, startsOn: '2026-01-01', endsOn: '2028-01-01' });
    expect(found).toBe(sitting);
  });

  it('finds nothing on an empty seat history', () => {
    expect(findOverlap([], { seatId: 2, startsOn: '2025-01-01', endsOn: '2027-01-01' })).toBeUndefined();
  });
});

describe('consecutiveTermCount', () => {
  const firstTerm = term({ seatId: 1, memberKey: 'kampala', startsOn: '2021-01-01' });
  const secondTerm = term({ seatId: 1, memberKey: 'kampala', startsOn: '2023-01-01' });

  it('treats terms as consecutive when the next starts within 90 days, about one nomination cycle', () => {
    expect(CONSECUTIVE_TERM_GAP_DAYS).toBe(90);
  });

  it('is zero for a member who has never served', () => {
    expect(consecutiveTermCount([firstTerm], 'freetown', '2025-01-01')).toBe(0);
  });

  it('counts back-to-back terms ending on the day of the new start', () => {
    expect(consecutiveTermCount([firstTerm, secondTerm], 'kampala', '2025-01-01')).toBe(2);
  });

  it('does not depend on the order of the history', () => {
    expect(consecutiveTermCount([secondTerm, firstTerm], 'kampala', '2025-01-01')).toBe(2);
  });

  it('still counts the previous term when the new one starts exactly 90 days after it ended', () => {
    expect(consecutiveTermCount([firstTerm, secondTerm], 'kampala', '2025-04-01')).toBe(2);
  });

  it('starts a new run when the new term starts 91 days after the previous one ended', () => {
    expect(consecutiveTermCount([firstTerm, secondTerm], 'kampala', '2025-04-02')).toBe(0);
  });

  it('breaks the run at an earlier gap of more than 90 days', () => {
    const longAgo = term({ memberKey: 'kampala', startsOn: '2016-01-01' });
    expect(consecutiveTermCount([longAgo, firstTerm, secondTerm], 'kampala', '2025-01-01')).toBe(2);
  });

  it('bridges a gap of up to 90 days between earlier terms', () => {
    const returnAfterBreak = term({ memberKey: 'kampala', startsOn: '2023-03-15' });
    expect(consecutiveTermCount([firstTerm, returnAfterBreak], 'kampala', '2025-03-15')).toBe(2);
  });

  it('counts a term ended early from its actual end date', () => {
    const resigned = { ...secondTerm, endedOn: '2023-06-30' };
    expect(consecutiveTermCount([firstTerm, resigned], 'kampala', '2023-09-28')).toBe(2);
    expect(consecutiveTermCount([firstTerm, resigned], 'kampala', '2023-09-29')).toBe(0);
  });

  it('counts terms on any seat', () => {
    const onAnotherSeat = { ...secondTerm, seatId: 7 };
    expect(consecutiveTermCount([firstTerm, onAnotherSeat], 'kampala', '2025-01-01')).toBe(2);
  });

  it("ignores other members' terms", () => {
    const someoneElse = { ...secondTerm, memberKey: 'freetown' };
    expect(consecutiveTermCount([firstTerm, someoneElse], 'kampala', '2025-01-01')).toBe(0);
    expect(consecutiveTermCount([firstTerm, someoneElse], 'kampala', '2023-01-01')).toBe(1);
  });

  it('ignores terms that start on or after the date', () => {
    expect(consecutiveTermCount([firstTerm, secondTerm], 'kampala', '2023-01-01')).toBe(1);
  });

  it('counts a term still running on the date', () => {
    expect(consecutiveTermCount([firstTerm, secondTerm], 'kampala', '2024-06-01')).toBe(2);
  });
});

describe('nextTermNumber', () => {
  const history = [
    term({ seatId: 1, memberKey: 'milan', startsOn: '2015-01-01' }),
    term({ seatId: 1, memberKey: 'milan', startsOn: '2021-01-01' }),
    term({ seatId: 5, memberKey: 'milan', startsOn: '2023-01-01' }),
    term({ seatId: 1, memberKey: 'athens', startsOn: '2023-01-01' }),
  ];

  it('numbers a first term 1', () => {
    expect(nextTermNumber(history, 'montreal', '2025-01-01')).toBe(1);
  });

  it('counts every earlier term of the member, on any seat and across breaks', () => {
    expect(nextTermNumber(history, 'milan', '2025-01-01')).toBe(4);
  });

  it('does not count terms starting on or after the new start', () => {
    expect(nextTermNumber(history, 'milan', '2021-01-01')).toBe(2);
  });

  it("does not count other members' terms", () => {
    expect(nextTermNumber(history, 'athens', '2025-01-01')).toBe(2);
  });
});

describe('reachesTermLimit', () => {
  const history = [
    term({ memberKey: 'amman', startsOn: '2021-01-01' }),
    term({ memberKey: 'amman', startsOn: '2023-01-01' }),
  ];

  it('never applies when no limit is set', () => {
    expect(reachesTermLimit(history, 'amman', '2025-01-01', null)).toBe(false);
  });

  it('with a limit of one, bars a member from a second consecutive term', () => {
    expect(reachesTermLimit(history.slice(0, 1), 'amman', '2023-01-01', 1)).toBe(true);
  });

  it('with a limit of one, lets a newcomer serve', () => {
    expect(reachesTermLimit(history, 'bristol', '2025-01-01', 1)).toBe(false);
  });

  it('with a limit of two, allows a second consecutive term', () => {
    expect(reachesTermLimit(history.slice(0, 1), 'amman', '2023-01-01', 2)).toBe(false);
  });

  it('with a limit of two, bars a third consecutive term', () => {
    expect(reachesTermLimit(history, 'amman', '2025-01-01', 2)).toBe(true);
  });

  it('lets a member return after a break longer than 90 days', () => {
    expect(reachesTermLimit(history, 'amman', '2025-06-01', 2)).toBe(false);
  });

  it('refuses a limit of zero, negative or fractional terms', () => {
    expect(() => reachesTermLimit(history, 'amman', '2025-01-01', 0)).toThrow(RangeError);
    expect(() => reachesTermLimit(history, 'amman', '2025-01-01', -1)).toThrow(RangeError);
    expect(() => reachesTermLimit(history, 'amman', '2025-01-01', 1.5)).toThrow(RangeError);
  });

  it('names the term limit it refuses', () => {
    expect(() => reachesTermLimit(history, 'amman', '2025-01-01', 0)).toThrow(
      new RangeError('A term limit is a whole number of terms, at least one, not 0.'),
    );
  });
});

describe('mandateEndsFirst', () => {
  it('forecasts an early vacancy when the mandate ends before the term does', () => {
    expect(mandateEndsFirst(term({ startsOn: '2025-01-01', mandateEndsOn: '2026-05-20' }))).toBe(true);
  });

  it('forecasts nothing when the mandate ends on the day the term ends', () => {
    expect(mandateEndsFirst(term({ startsOn: '2025-01-01', mandateEndsOn: '2027-01-01' }))).toBe(false);
  });

  it('forecasts nothing when the mandate outlasts the term', () => {
    expect(mandateEndsFirst(term({ startsOn: '2025-01-01', mandateEndsOn: '2028-05-20' }))).toBe(false);
  });

  it('forecasts nothing when the mandate end is unknown', () => {
    expect(mandateEndsFirst(term({ startsOn: '2025-01-01', mandateEndsOn: null }))).toBe(false);
  });

  it('forecasts nothing for a term that has already ended early', () => {
    const ended = term({ startsOn: '2025-01-01', endedOn: '2025-03-01', mandateEndsOn: '2026-05-20' });
    expect(mandateEndsFirst(ended)).toBe(false);
  });
});

describe('daysLeft', () => {
  const running = term({ startsOn: '2025-01-01' });

  it('counts the days until the seat falls free', () => {
    expect(daysLeft(running, '2026-12-02')).toBe(30);
  });

  it('is zero on the day the term ends', () => {
    expect(daysLeft(running, '2027-01-01')).toBe(0);
  });

  it('is negative once the term has ended', () => {
    expect(daysLeft(running, '2027-01-08')).toBe(-7);
  });

  it('counts to the actual end of a term ended early', () => {
    expect(daysLeft({ ...running, endedOn: '2025-06-30' }, '2025-06-01')).toBe(29);
  });

  it('counts 29 February in a leap year', () => {
    const endsInMarch = term({ startsOn: '2022-03-01' });
    expect(daysLeft(endsInMarch, '2024-02-01')).toBe(29);
  });
});

describe('vacancyClusters', () => {
  // Half of the founding board started on 1 July 2025, the other half a year later.
  const board = [
    term({ id: 1, seatId: 1, memberKey: 'amman', startsOn: '2025-07-01' }),
    term({ id: 2, seatId: 2, memberKey: 'athens', startsOn: '2025-07-01', mandateEndsOn: '2026-05-20' }),
    term({ id: 3, seatId: 3, memberKey: 'bristol', startsOn: '2025-07-01', mandateEndsOn: '2026-05-07' }),
    term({ id: 4, seatId: 4, memberKey: 'freetown', startsOn: '2025-07-01' }),
    term({ id: 5, seatId: 5, memberKey: 'kampala', startsOn: '2026-07-01', mandateEndsOn: '2027-07-15' }),
    term({ id: 6, seatId: 6, memberKey: 'los-angeles', startsOn: '2026-07-01', mandateEndsOn: '2028-12-08' }),
    term({ id: 7, seatId: 7, memberKey: 'milan', startsOn: '2026-07-01', mandateEndsOn: '2027-06-20' }),
    term({ id: 8, seatId: 8, memberKey: 'montreal', startsOn: '2026-07-01' }),
  ];

  it('finds the months in which two or more seats fall free, seats in ascending order', () => {
    expect(vacancyClusters(board, '2025-07-01', '2029-12-31')).toEqual([
      { month: '2027-07', seatIds: [1, 2, 3, 4] },
      { month: '2028-07', seatIds: [5, 6, 7, 8] },
    ]);
  });

  it('lists the seats of a month in numeric order, whatever order the terms come in', () => {
    const terms = [12, 3, 7].map((seatId) =>
      term({ seatId, memberKey: `member-${seatId}`, startsOn: '2025-03-10' }),
    );
    expect(vacancyClusters(terms, '2027-01-01', '2027-12-31')).toEqual([
      { month: '2027-03', seatIds: [3, 7, 12] },
    ]);
  });

  it('does not report a month in which only one seat falls free', () => {
    const staggered = [
      term({ seatId: 1, startsOn: '2025-01-01' }),
      term({ seatId: 2, memberKey: 'athens', startsOn: '2025-02-01' }),
    ];
    expect(vacancyClusters(staggered, '2025-01-01', '2030-01-01')).toEqual([]);
  });

  it('includes departures on the first and last day of the window', () => {
    const endsOnFrom = term({ seatId: 1, startsOn: '2023-03-01' });
    const endsOnUntil = term({ seatId: 2, memberKey: 'athens', startsOn: '2023-03-31' });
    expect(vacancyClusters([endsOnFrom, endsOnUntil], '2025-03-01', '2025-03-31')).toEqual([
      { month: '2025-03', seatIds: [1, 2] },
    ]);
  });

  it('leaves out departures before or after the window', () => {
    expect(vacancyClusters(board, '2027-07-02', '2028-06-30')).toEqual([]);
  });

  it('counts a seat once even when two of its terms end in the same month', () => {
    const shortTerm = term({ seatId: 1, startsOn: '2025-01-01', endedOn: '2025-01-10' });
    const successor = term({ seatId: 1, memberKey: 'zurich', startsOn: '2025-01-10', endedOn: '2025-01-25' });
    expect(vacancyClusters([shortTerm, successor], '2025-01-01', '2025-12-31')).toEqual([]);
  });

  it('uses the actual end date of a term ended early', () => {
    const resigned = { ...board[0]!, endedOn: '2026-05-02' };
    const clusters = vacancyClusters([resigned, ...board.slice(1)], '2025-07-01', '2029-12-31');
    expect(clusters).toEqual([
      { month: '2027-07', seatIds: [2, 3, 4] },
      { month: '2028-07', seatIds: [5, 6, 7, 8] },
    ]);
  });

  it('ignores mandate ends unless forecasts are asked for', () => {
    expect(vacancyClusters(board, '2026-01-01', '2026-12-31')).toEqual([]);
  });

  it('moves a seat to its mandate end when forecasts are asked for and the mandate ends first', () => {
    expect(vacancyClusters(board, '2025-07-01', '2029-12-31', { includeMandateForecasts: true })).toEqual([
      { month: '2026-05', seatIds: [2, 3] },
      { month: '2027-07', seatIds: [1, 4, 5] },
      { month: '2028-07', seatIds: [6, 8] },
    ]);
  });

  it('finds nothing for an empty board', () => {
    expect(vacancyClusters([], '2025-01-01', '2030-01-01', { includeMandateForecasts: true })).toEqual([]);
  });
});

describe('endDateProblem', () => {
  const running = term({ startsOn: '2025-01-01' });
  const today = '2025-06-15';

  it('accepts an end date within the term', () => {
    expect(endDateProblem(running, '2025-06-15', today)).toBeNull();
  });

  it('accepts an end date in the past, down to the first day of the term', () => {
    expect(endDateProblem(running, '2025-01-01', today)).toBeNull();
  });

  it("accepts the term's scheduled end date itself", () => {
    expect(endDateProblem(running, '2027-01-01', '2026-06-01')).toBeNull();
  });

  it('refuses something that is not a calendar date', () => {
    expect(endDateProblem(running, '2025-02-30', today)).toBe(
      "'2025-02-30' is not a calendar date; enter it as YYYY-MM-DD.",
    );
    expect(endDateProblem(running, '30/06/2025', today)).toMatch(/is not a calendar date/);
  });

  it('refuses an end date before the term started', () => {
    expect(endDateProblem(running, '2024-12-31', today)).toBe(
      'The end date 2024-12-31 is before the term started on 2025-01-01.',
    );
  });

  it("refuses an end date after the term's scheduled end", () => {
    expect(endDateProblem(running, '2027-01-02', '2026-06-01')).toBe(
      "The end date 2027-01-02 is after the term's scheduled end on 2027-01-01; a term cannot be extended by ending it.",
    );
  });

  it('accepts an announced departure up to 366 days ahead', () => {
    expect(endDateProblem(running, '2026-06-16', today)).toBeNull();
  });

  it('refuses an end date more than 366 days after today', () => {
    expect(endDateProblem(running, '2026-06-17', today)).toBe(
      'The end date 2026-06-17 is more than 366 days after today (2025-06-15); record an early end once its date is known.',
    );
  });

  it('states every problem as a full sentence', () => {
    for (const endedOn of ['nonsense', '2024-01-01', '2027-02-01', '2026-12-31']) {
      expect(endDateProblem(running, endedOn, today)).toMatch(/^\S.*\.$/);
    }
  });
});
