// Specification of the calendar arithmetic behind terms, deadlines and alerts: ISO dates in UTC.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  compareIsoDates,
  daysBetween,
  isIsoDate,
  maxIsoDate,
  minIsoDate,
  monthKey,
  todayIso,
} from '../../src/domain/dates.js';

describe('isIsoDate', () => {
  it('accepts a real calendar date written YYYY-MM-DD', () => {
    expect(isIsoDate('2025-06-15')).toBe(true);
  });

  it('accepts 29 February in a leap year', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
  });

  it('accepts 29 February in a century year divisible by 400', () => {
    expect(isIsoDate('2000-02-29')).toBe(true);
  });

  it('rejects 29 February in a common year', () => {
    expect(isIsoDate('2025-02-29')).toBe(false);
  });

  it('rejects 29 February in a century year not divisible by 400', () => {
    expect(isIsoDate('2100-02-29')).toBe(false);
  });

  it('rejects a thirteenth month and a month zero', () => {
    expect(isIsoDate('2025-13-01')).toBe(false);
    expect(isIsoDate('2025-00-10')).toBe(false);
  });

  it('rejects day zero and a 31st in a 30-day month', () => {
    expect(isIsoDate('2025-05-00')).toBe(false);
    expect(isIsoDate('2025-04-31')).toBe(false);
  });

  it('accepts the last day of every month', () => {
    const lastDays = ['01-31', '02-28', '03-31', '04-30', '05-31', '06-30'];
    const moreLastDays = ['07-31', '08-31', '09-30', '10-31', '11-30', '12-31'];
    for (const monthAndDay of [...lastDays, ...moreLastDays]) {
      expect(isIsoDate(`2025-${monthAndDay}`)).toBe(true);
    }
  });

  it('rejects anything but the strict fixed-width form', () => {
    for (const value of [
      '2025-6-15',
      '2025-06-5',
      '25-06-15',
      '2025/06/15',
      '2025-06-15T00:00:00Z',
      ' 2025-06-15',
      '2025-06-15 ',
      '',
      '15-06-2025',
      '+02025-06-15',
    ]) {
      expect(isIsoDate(value), value).toBe(false);
    }
  });

  it('rejects a digit anywhere replaced by a letter, a sign, a space, a non-ASCII digit or a slash', () => {
    for (const date of ['2024-02-29', '2024-01-15']) {
      for (let position = 0; position < 10; position += 1) {
        if (position === 4 || position === 7) continue;
        for (const character of ['a', '+', '-', ' ', '٣', '/', ':', '.']) {
          const value = date.slice(0, position) + character + date.slice(position + 1);
          expect(isIsoDate(value), value).toBe(false);
        }
      }
    }
    expect(isIsoDate('2024+02-29')).toBe(false);
    expect(isIsoDate('2024-02+29')).toBe(false);
  });

  it('answers false, without failing, for a value that is not text', () => {
    for (const value of [undefined, null, 20240115, ['2024-01-15'], { length: 10 }]) {
      expect(isIsoDate(value as unknown as string), String(value)).toBe(false);
    }
  });

  it('accepts exactly the days the calendar has, in every month of years 0000-9999, as Date counts them', () => {
    const pad = (value: number, width: number) => String(value).padStart(width, '0');
    for (let year = 0; year <= 9999; year += year < 2200 ? 1 : 7) {
      for (let month = 0; month <= 13; month += 1) {
        const probe = new Date(0);
        probe.setUTCFullYear(year, month, 0);
        const days = month >= 1 && month <= 12 ? probe.getUTCDate() : 0;
        for (const day of [0, 1, 28, 29, 30, 31, 32]) {
          const value = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
          if (isIsoDate(value) !== (day >= 1 && day <= days)) expect.fail(`${value}: ${isIsoDate(value)}`);
        }
      }
    }
  });
});

describe('addMonths', () => {
  it('keeps the day of the month when it exists in the target month', () => {
    expect(addMonths('2025-01-15', 1)).toBe('2025-02-15');
  });

  it('crosses into the next year', () => {
    expect(addMonths('2025-11-30', 3)).toBe('2026-02-28');
    expect(addMonths('2025-12-01', 1)).toBe('2026-01-01');
  });

  it('moves 29 February to 28 February when the target year is not a leap year', () => {
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
  });

  it('keeps 29 February when the target year is also a leap year', () => {
    expect(addMonths('2024-02-29', 48)).toBe('2028-02-29');
  });

  it('clamps 31 January to 29 February in a leap year', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
  });

  it('clamps 31 January to 28 February in a common year', () => {
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
  });

  it('clamps the 31st to the 30th in a 30-day month', () => {
    expect(addMonths('2025-03-31', 1)).toBe('2025-04-30');
  });

  it('does not carry a clamped day forward: each call starts from the date it is given', () => {
    expect(addMonths(addMonths('2025-01-31', 1), 1)).toBe('2025-03-28');
    expect(addMonths('2025-01-31', 2)).toBe('2025-03-31');
  });

  it('returns the same date for zero months', () => {
    expect(addMonths('2025-06-15', 0)).toBe('2025-06-15');
  });

  it('goes back in time for negative months, clamping the same way', () => {
    expect(addMonths('2025-03-31', -1)).toBe('2025-02-28');
    expect(addMonths('2025-01-15', -1)).toBe('2024-12-15');
    expect(addMonths('2025-02-28', -12)).toBe('2024-02-28');
    expect(addMonths('2026-02-28', -24)).toBe('2024-02-28');
  });

  it('adds a standard 24-month term', () => {
    expect(addMonths('2025-07-01', 24)).toBe('2027-07-01');
  });

  it('handles years before 100 without turning them into the 1900s', () => {
    expect(addMonths('0099-12-15', 1)).toBe('0100-01-15');
  });

  it('refuses a fractional number of months', () => {
    expect(() => addMonths('2025-01-15', 1.5)).toThrow(RangeError);
  });

  it('names the number of months it refuses', () => {
    expect(() => addMonths('2025-01-15', 1.5)).toThrow(
      new RangeError('The number of months must be a whole number, not 1.5.'),
    );
  });

  it('reaches the last month of the year 9999 but refuses to go past it', () => {
    expect(addMonths('9998-12-31', 12)).toBe('9999-12-31');
    expect(() => addMonths('9999-12-15', 1)).toThrow(
      new RangeError('The resulting date falls outside the years 0000-9999.'),
    );
  });

  it('reaches January of the year 0000 but refuses to go before it', () => {
    expect(addMonths('0001-01-31', -12)).toBe('0000-01-31');
    expect(() => addMonths('0000-01-15', -1)).toThrow(
      new RangeError('The resulting date falls outside the years 0000-9999.'),
    );
  });

  it('refuses a date that is not a calendar date', () => {
    expect(() => addMonths('2025-02-30', 1)).toThrow("'2025-02-30' is not a calendar date");
  });
});

describe('addDays', () => {
  it('adds days across a month end', () => {
    expect(addDays('2025-01-30', 3)).toBe('2025-02-02');
  });

  it('passes through 29 February in a leap year', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
  });

  it('skips from 28 February to 1 March in a common year', () => {
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
  });

  it('subtracts for negative days, across a year end', () => {
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
  });

  it('is unaffected by daylight-saving changes', () => {
    expect(addDays('2025-03-29', 2)).toBe('2025-03-31');
    expect(addDays('2025-10-25', 2)).toBe('2025-10-27');
  });

  it('adds a whole leap year of days', () => {
    expect(addDays('2024-01-01', 366)).toBe('2025-01-01');
  });

  it('refuses a fractional number of days', () => {
    expect(() => addDays('2025-01-01', 0.5)).toThrow(RangeError);
  });

  it('names the number of days it refuses', () => {
    expect(() => addDays('2025-01-01', 0.5)).toThrow(
      new RangeError('The number of days must be a whole number, not 0.5.'),
    );
  });

  it('stays within the years 0000-9999, both ends included', () => {
    expect(addDays('9999-12-30', 1)).toBe('9999-12-31');
    expect(addDays('0000-01-02', -1)).toBe('0000-01-01');
    const outside = new RangeError('The resulting date falls outside the years 0000-9999.');
    expect(() => addDays('9999-12-31', 1)).toThrow(outside);
    expect(() => addDays('0000-01-01', -1)).toThrow(outside);
  });

  it('refuses a number of days that no calendar can hold', () => {
    expect(() => addDays('2025-01-01', 1e13)).toThrow(
      new RangeError('The resulting date falls outside the years 0000-9999.'),
    );
  });

  it('refuses a date that is not a calendar date', () => {
    expect(() => addDays('2025-13-01', 1)).toThrow(RangeError);
  });
});

describe('daysBetween', () => {
  it('counts whole days from the first date to the second', () => {
    expect(daysBetween('2025-01-01', '2025-01-31')).toBe(30);
  });

  it('is negative when the second date is earlier', () => {
    expect(daysBetween('2025-01-31', '2025-01-01')).toBe(-30);
  });

  it('is zero for the same date', () => {
    expect(daysBetween('2025-06-15', '2025-06-15')).toBe(0);
  });

  it('counts 29 February in a leap year', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2025-02-28', '2025-03-01')).toBe(1);
  });

  it('counts 366 days in a leap year and 365 in a common one', () => {
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2025-01-01', '2026-01-01')).toBe(365);
  });

  it('counts whole days across a daylight-saving change', () => {
    expect(daysBetween('2025-03-29', '2025-03-31')).toBe(2);
  });

  it('undoes addDays', () => {
    expect(daysBetween('2025-05-10', addDays('2025-05-10', 123))).toBe(123);
  });
});

describe('todayIso', () => {
  it('gives the UTC calendar date of an instant', () => {
    expect(todayIso(new Date('2025-06-15T12:00:00Z'))).toBe('2025-06-15');
  });

  it('uses UTC, not local time, just before and after midnight UTC', () => {
    expect(todayIso(new Date('2025-06-15T23:59:59.999Z'))).toBe('2025-06-15');
    expect(todayIso(new Date('2025-06-16T00:00:00Z'))).toBe('2025-06-16');
    expect(todayIso(new Date('2025-06-15T23:30:00-05:00'))).toBe('2025-06-16');
  });

  it('refuses an invalid Date', () => {
    expect(() => todayIso(new Date('not a date'))).toThrow(RangeError);
  });

  it('says that the current time is not a valid date', () => {
    expect(() => todayIso(new Date('not a date'))).toThrow(
      new RangeError('The current time is not a valid date.'),
    );
  });
});

describe('compareIsoDates, minIsoDate and maxIsoDate', () => {
  it('orders dates by the calendar', () => {
    expect(compareIsoDates('2025-01-31', '2025-02-01')).toBeLessThan(0);
    expect(compareIsoDates('2025-02-01', '2025-01-31')).toBeGreaterThan(0);
    expect(compareIsoDates('2025-02-01', '2025-02-01')).toBe(0);
  });

  it('orders across years', () => {
    expect(compareIsoDates('2024-12-31', '2025-01-01')).toBeLessThan(0);
  });

  it('sorts a list of dates chronologically', () => {
    const sorted = ['2026-01-01', '2024-02-29', '2025-12-31'].sort(compareIsoDates);
    expect(sorted).toEqual(['2024-02-29', '2025-12-31', '2026-01-01']);
  });

  it('refuses to compare something that is not a calendar date', () => {
    expect(() => compareIsoDates('2025-1-1', '2025-01-02')).toThrow(RangeError);
  });

  it('picks the earlier and the later of two dates', () => {
    expect(minIsoDate('2025-03-01', '2024-03-01')).toBe('2024-03-01');
    expect(maxIsoDate('2025-03-01', '2024-03-01')).toBe('2025-03-01');
    expect(minIsoDate('2024-03-01', '2025-03-01')).toBe('2024-03-01');
    expect(maxIsoDate('2024-03-01', '2025-03-01')).toBe('2025-03-01');
  });

  it('returns the date itself when both are the same', () => {
    expect(minIsoDate('2025-03-01', '2025-03-01')).toBe('2025-03-01');
    expect(maxIsoDate('2025-03-01', '2025-03-01')).toBe('2025-03-01');
  });
});

describe('monthKey', () => {
  it('gives the year and month of a date', () => {
    expect(monthKey('2025-06-15')).toBe('2025-06');
    expect(monthKey('2024-02-29')).toBe('2024-02');
  });

  it('refuses something that is not a calendar date', () => {
    expect(() => monthKey('2025-06')).toThrow(RangeError);
  });
});

describe('in a server time zone far from UTC', () => {
  let originalTimeZone: string | undefined;
  beforeEach(() => {
    originalTimeZone = process.env.TZ;
    process.env.TZ = 'Pacific/Auckland';
  });
  afterEach(() => {
    if (originalTimeZone === undefined) delete process.env.TZ;
    else process.env.TZ = originalTimeZone;
  });

  it('gives the same answers as in UTC', () => {
    expect(new Date(2025, 0, 1).getTimezoneOffset()).not.toBe(0);
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addDays('2025-04-05', 1)).toBe('2025-04-06');
    expect(daysBetween('2025-04-01', '2025-04-10')).toBe(9);
    expect(todayIso(new Date('2025-06-15T20:00:00Z'))).toBe('2025-06-15');
  });
});
