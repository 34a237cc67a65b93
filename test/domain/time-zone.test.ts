// Specification of the board's time zone: "today", deadlines and the date-times typed into forms
// are read in the board's zone (an IANA name, UTC by default), never in the server's. Examples use
// 2025's daylight-saving changes: Athens moves from +2 to +3 at 03:00 on 30 March and back at 04:00
// on 26 October; New York from -5 to -4 at 02:00 on 9 March and back at 02:00 on 2 November;
// Auckland from +13 to +12 at 03:00 on 6 April and forward again at 02:00 on 28 September.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TIME_ZONE,
  endOfDay,
  instantOf,
  isLocalDateTime,
  isValidTimeZone,
  localDateTimeIn,
  startOfDay,
  todayIn,
  wallClockText,
} from '../../src/domain/time-zone.js';

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

describe('DEFAULT_TIME_ZONE', () => {
  it('is UTC until the board chooses its own zone', () => {
    expect(DEFAULT_TIME_ZONE).toBe('UTC');
  });
});

describe('isValidTimeZone', () => {
  it('accepts IANA zone names', () => {
    for (const zone of ['UTC', 'Europe/Athens', 'America/New_York', 'Pacific/Auckland', 'Asia/Kathmandu']) {
      expect(isValidTimeZone(zone), zone).toBe(true);
    }
  });

  it('refuses names that are no zone', () => {
    for (const zone of ['Mars/Olympus_Mons', 'Europe/Atlantis', 'Athens', 'GMT+25', ' UTC']) {
      expect(isValidTimeZone(zone), zone).toBe(false);
    }
  });

  it('refuses an empty name and one longer than any zone name', () => {
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone(`Europe/${'x'.repeat(60)}`)).toBe(false);
  });

  it('refuses anything but a string, such as a form field sent twice', () => {
    expect(isValidTimeZone(['UTC'] as unknown as string)).toBe(false);
    expect(isValidTimeZone(undefined as unknown as string)).toBe(false);
  });

  it('still accepts a valid name after refusing an invalid one', () => {
    expect(isValidTimeZone('Europe/Atlantis')).toBe(false);
    expect(isValidTimeZone('Europe/Lisbon')).toBe(true);
    expect(isValidTimeZone('Europe/Lisbon')).toBe(true);
  });
});

describe('todayIn', () => {
  it('in UTC, turns to the next day at midnight UTC', () => {
    expect(todayIn(at('2025-06-15T23:59:59.999Z'), 'UTC')).toBe('2025-06-15');
    expect(todayIn(at('2025-06-16T00:00:00Z'), 'UTC')).toBe('2025-06-16');
  });

  it('in Auckland, turns to the next day twelve hours before UTC does in the southern winter', () => {
    expect(todayIn(at('2025-06-15T11:59:59Z'), 'Pacific/Auckland')).toBe('2025-06-15');
    expect(todayIn(at('2025-06-15T12:00:00Z'), 'Pacific/Auckland')).toBe('2025-06-16');
  });

  it('in Auckland, turns to the next day thirteen hours before UTC does in the southern summer', () => {
    expect(todayIn(at('2024-12-31T10:59:59Z'), 'Pacific/Auckland')).toBe('2024-12-31');
    expect(todayIn(at('2024-12-31T11:00:00Z'), 'Pacific/Auckland')).toBe('2025-01-01');
  });

  it('in Los Angeles, is still the previous day for seven hours after midnight UTC in summer', () => {
    expect(todayIn(at('2025-06-16T06:59:59Z'), 'America/Los_Angeles')).toBe('2025-06-15');
    expect(todayIn(at('2025-06-16T07:00:00Z'), 'America/Los_Angeles')).toBe('2025-06-16');
  });

  it('can be three different days at one instant, depending on the zone', () => {
    const instant = at('2025-06-15T10:30:00Z');
    expect(todayIn(instant, 'Pacific/Kiritimati')).toBe('2025-06-16');
    expect(todayIn(instant, 'UTC')).toBe('2025-06-15');
    expect(todayIn(instant, 'Pacific/Pago_Pago')).toBe('2025-06-14');
  });

  it('writes the day as YYYY-MM-DD, padding the year to four digits', () => {
    expect(todayIn(at('2025-01-05T12:00:00Z'), 'UTC')).toBe('2025-01-05');
    expect(todayIn(at('0999-03-04T12:00:00Z'), 'UTC')).toBe('0999-03-04');
  });

  it('refuses an invalid Date', () => {
    expect(() => todayIn(new Date('not a date'), 'UTC')).toThrow(
      new RangeError('The instant is not a valid date.'),
    );
  });

  it('refuses a zone that does not exist', () => {
    expect(() => todayIn(at('2025-06-15T12:00:00Z'), 'Europe/Atlantis')).toThrow(RangeError);
  });
});

describe('the formatter for a zone', () => {
  it('is created at most once per zone and then reused, since creating one costs far more than using it', () => {
    const Original = Intl.DateTimeFormat;
    let created = 0;
    class Counted extends Original {
      constructor(...args: ConstructorParameters<typeof Original>) {
        super(...args);
        created += 1;
      }
    }
    Intl.DateTimeFormat = Counted as typeof Original;
    try {
      for (const hour of ['09', '10', '11']) todayIn(at(`2025-06-15T${hour}:00:00Z`), 'Asia/Tokyo');
      expect(localDateTimeIn(at('2025-06-15T12:00:00Z'), 'Asia/Tokyo')).toBe('2025-06-15T21:00');
      // At most once: a run that has used Tokyo before finds its formatter already made.
      expect(created).toBeLessThanOrEqual(1);
    } finally {
      Intl.DateTimeFormat = Original;
    }
  });
});

describe('localDateTimeIn', () => {
  it("gives the wall-clock time in the zone as 'YYYY-MM-DDTHH:MM', leaving out the seconds", () => {
    expect(localDateTimeIn(at('2025-06-15T09:05:59Z'), 'Europe/Athens')).toBe('2025-06-15T12:05');
    expect(localDateTimeIn(at('2025-01-15T09:05:00Z'), 'Europe/Athens')).toBe('2025-01-15T11:05');
    expect(localDateTimeIn(at('2025-01-15T09:05:00Z'), 'America/New_York')).toBe('2025-01-15T04:05');
  });

  it('writes midnight as 00:00 of the new day, never as 24:00', () => {
    expect(localDateTimeIn(at('2025-06-15T21:00:00Z'), 'Europe/Athens')).toBe('2025-06-16T00:00');
    expect(localDateTimeIn(at('2025-06-16T00:00:00Z'), 'UTC')).toBe('2025-06-16T00:00');
  });

  it('shows the same wall-clock time twice when the clocks go back', () => {
    expect(localDateTimeIn(at('2025-10-26T00:30:00Z'), 'Europe/Athens')).toBe('2025-10-26T03:30');
    expect(localDateTimeIn(at('2025-10-26T01:30:00Z'), 'Europe/Athens')).toBe('2025-10-26T03:30');
  });

  it('jumps over the hour skipped when the clocks go forward', () => {
    expect(localDateTimeIn(at('2025-03-09T06:59:00Z'), 'America/New_York')).toBe('2025-03-09T01:59');
    expect(localDateTimeIn(at('2025-03-09T07:00:00Z'), 'America/New_York')).toBe('2025-03-09T03:00');
  });
});

describe('wallClockText', () => {
  it("writes the wall-clock time as people read it, 'YYYY-MM-DD HH:MM', from a Date or a stored ISO instant", () => {
    expect(wallClockText(at('2025-06-15T09:05:59Z'), 'Europe/Athens')).toBe('2025-06-15 12:05');
    expect(wallClockText('2025-01-15T09:05:00.000Z', 'America/New_York')).toBe('2025-01-15 04:05');
  });
});

describe('isLocalDateTime', () => {
  it("accepts a date and time to the minute written 'YYYY-MM-DDTHH:MM'", () => {
    for (const value of [
      '2025-06-15T00:00',
      '2025-06-15T09:30',
      '2025-06-15T10:05',
      '2025-06-15T19:59',
      '2025-06-15T20:00',
      '2025-06-15T23:59',
      '2024-02-29T12:00',
    ]) {
      expect(isLocalDateTime(value), value).toBe(true);
    }
  });

  it('refuses an hour past 23 and a minute past 59', () => {
    expect(isLocalDateTime('2025-06-15T24:00')).toBe(false);
    expect(isLocalDateTime('2025-06-15T30:00')).toBe(false);
    expect(isLocalDateTime('2025-06-15T12:60')).toBe(false);
    expect(isLocalDateTime('2025-06-15T12:75')).toBe(false);
  });

  it('refuses a day that is not on the calendar', () => {
    expect(isLocalDateTime('2025-02-29T12:00')).toBe(false);
    expect(isLocalDateTime('2025-13-01T12:00')).toBe(false);
    expect(isLocalDateTime('2025-04-31T12:00')).toBe(false);
  });

  it('refuses anything but the strict form: no seconds, no zone, no single digits, nothing around it', () => {
    for (const value of [
      '2025-06-15T12:00:00',
      '2025-06-15T12:00Z',
      '2025-06-15T12:00+02:00',
      '2025-06-15T9:30',
      '2025-06-15T09:3',
      '2025-6-15T09:30',
      '2025-06-15 09:30',
      '2025-06-15t09:30',
      '2025-06-15',
      'T09:30',
      ' 2025-06-15T09:30',
      '2025-06-15T09:30 ',
      'x2025-06-15T09:30',
      '2025-06-15T09:30x',
      '',
    ]) {
      expect(isLocalDateTime(value), value).toBe(false);
    }
  });
});

describe('instantOf', () => {
  it('reads a wall-clock time in UTC as that very instant', () => {
    expect(instantOf('2025-06-15T09:30', 'UTC')).toEqual(at('2025-06-15T09:30:00Z'));
  });

  it("reads a wall-clock time at the zone's offset on that date, winter or summer", () => {
    expect(instantOf('2025-01-15T09:30', 'Europe/Athens')).toEqual(at('2025-01-15T07:30:00Z'));
    expect(instantOf('2025-07-15T09:30', 'Europe/Athens')).toEqual(at('2025-07-15T06:30:00Z'));
    expect(instantOf('2025-01-15T09:30', 'America/Los_Angeles')).toEqual(at('2025-01-15T17:30:00Z'));
    expect(instantOf('2025-07-15T09:30', 'America/Los_Angeles')).toEqual(at('2025-07-15T16:30:00Z'));
    expect(instantOf('2025-01-15T09:30', 'Pacific/Auckland')).toEqual(at('2025-01-14T20:30:00Z'));
    expect(instantOf('2025-07-15T09:30', 'Pacific/Auckland')).toEqual(at('2025-07-14T21:30:00Z'));
  });

  it('handles offsets that are not whole hours, down to the second', () => {
    expect(instantOf('2025-06-15T09:30', 'Asia/Kolkata')).toEqual(at('2025-06-15T04:00:00Z'));
    expect(instantOf('2025-06-15T09:30', 'Asia/Kathmandu')).toEqual(at('2025-06-15T03:45:00Z'));
    // Liberia kept Monrovia Mean Time, 44 minutes 30 seconds behind UTC, until 1972.
    expect(instantOf('1970-01-01T00:00', 'Africa/Monrovia')).toEqual(at('1970-01-01T00:44:30Z'));
  });

  it('reads a time skipped when the clocks go forward as the same time after the change (Athens)', () => {
    expect(instantOf('2025-03-30T02:59', 'Europe/Athens')).toEqual(at('2025-03-30T00:59:00Z'));
    expect(instantOf('2025-03-30T03:00', 'Europe/Athens')).toEqual(at('2025-03-30T01:00:00Z'));
    expect(instantOf('2025-03-30T03:30', 'Europe/Athens')).toEqual(at('2025-03-30T01:30:00Z'));
    expect(instantOf('2025-03-30T03:59', 'Europe/Athens')).toEqual(at('2025-03-30T01:59:00Z'));
    expect(instantOf('2025-03-30T04:00', 'Europe/Athens')).toEqual(at('2025-03-30T01:00:00Z'));
    expect(instantOf('2025-03-30T04:30', 'Europe/Athens')).toEqual(at('2025-03-30T01:30:00Z'));
  });

  it('reads a time skipped when the clocks go forward as the same time after the change (New York)', () => {
    expect(instantOf('2025-03-09T01:59', 'America/New_York')).toEqual(at('2025-03-09T06:59:00Z'));
    expect(instantOf('2025-03-09T02:00', 'America/New_York')).toEqual(at('2025-03-09T07:00:00Z'));
    expect(instantOf('2025-03-09T02:30', 'America/New_York')).toEqual(at('2025-03-09T07:30:00Z'));
    expect(instantOf('2025-03-09T03:00', 'America/New_York')).toEqual(at('2025-03-09T07:00:00Z'));
    expect(instantOf('2025-03-09T03:30', 'America/New_York')).toEqual(at('2025-03-09T07:30:00Z'));
  });

  it('reads a time that happens twice as the first, before the clocks go back (New York)', () => {
    expect(instantOf('2025-11-02T00:59', 'America/New_York')).toEqual(at('2025-11-02T04:59:00Z'));
    expect(instantOf('2025-11-02T01:00', 'America/New_York')).toEqual(at('2025-11-02T05:00:00Z'));
    expect(instantOf('2025-11-02T01:30', 'America/New_York')).toEqual(at('2025-11-02T05:30:00Z'));
    expect(instantOf('2025-11-02T01:59', 'America/New_York')).toEqual(at('2025-11-02T05:59:00Z'));
    expect(instantOf('2025-11-02T02:00', 'America/New_York')).toEqual(at('2025-11-02T07:00:00Z'));
    expect(instantOf('2025-11-02T02:30', 'America/New_York')).toEqual(at('2025-11-02T07:30:00Z'));
  });

  it('reads the times around a repeated hour at their one offset (Athens)', () => {
    expect(instantOf('2025-10-26T02:30', 'Europe/Athens')).toEqual(at('2025-10-25T23:30:00Z'));
    expect(instantOf('2025-10-26T04:00', 'Europe/Athens')).toEqual(at('2025-10-26T02:00:00Z'));
    expect(instantOf('2025-10-26T04:30', 'Europe/Athens')).toEqual(at('2025-10-26T02:30:00Z'));
  });

  it('reads a time that happens twice as the first east of UTC too (Athens, Auckland)', () => {
    expect(instantOf('2025-10-26T03:30', 'Europe/Athens')).toEqual(at('2025-10-26T00:30:00Z'));
    expect(instantOf('2025-04-06T02:30', 'Pacific/Auckland')).toEqual(at('2025-04-05T13:30:00Z'));
  });

  it('reads a year before 100 as that year, not one in the 1900s', () => {
    expect(instantOf('0050-06-15T12:00', 'UTC')).toEqual(at('0050-06-15T12:00:00Z'));
  });

  it('reads every wall-clock time it is given as an instant that shows that time in the zone', () => {
    const zones = [
      'UTC',
      'Europe/Athens',
      'America/New_York',
      'America/Los_Angeles',
      'Pacific/Auckland',
      'Asia/Kathmandu',
      'Pacific/Chatham',
      'Australia/Lord_Howe',
    ];
    const minute = 60_000;
    const instants = fc
      .integer({ min: Date.UTC(1980, 0, 1) / minute, max: Date.UTC(2060, 0, 1) / minute })
      .map((minutes) => new Date(minutes * minute));
    fc.assert(
      fc.property(instants, fc.constantFrom(...zones), (instant, zone) => {
        const local = localDateTimeIn(instant, zone);
        const read = instantOf(local, zone);
        expect(localDateTimeIn(read, zone)).toBe(local);
        expect(Math.abs(read.getTime() - instant.getTime())).toBeLessThanOrEqual(HOUR);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses anything but a date and time in the strict form', () => {
    for (const local of ['2025-02-30T10:00', '2025-06-15T24:00', '2025-06-15 10:00', '2025-06-15', '']) {
      expect(() => instantOf(local, 'UTC'), local).toThrow(
        new RangeError(`'${local}' is not a date and time in the form YYYY-MM-DDTHH:MM.`),
      );
    }
  });

  it('refuses a zone that does not exist', () => {
    expect(() => instantOf('2025-06-15T10:00', 'Europe/Atlantis')).toThrow(RangeError);
  });
});

describe('startOfDay and endOfDay', () => {
  it('in UTC, a day runs from midnight UTC to the next midnight UTC', () => {
    expect(startOfDay('2025-06-15', 'UTC')).toEqual(at('2025-06-15T00:00:00Z'));
    expect(endOfDay('2025-06-15', 'UTC')).toEqual(at('2025-06-16T00:00:00Z'));
  });

  it("runs a day from midnight to midnight in the board's zone", () => {
    expect(startOfDay('2025-06-15', 'Pacific/Auckland')).toEqual(at('2025-06-14T12:00:00Z'));
    expect(endOfDay('2025-06-15', 'Pacific/Auckland')).toEqual(at('2025-06-15T12:00:00Z'));
    expect(startOfDay('2025-06-15', 'America/Los_Angeles')).toEqual(at('2025-06-15T07:00:00Z'));
    expect(endOfDay('2025-06-15', 'America/Los_Angeles')).toEqual(at('2025-06-16T07:00:00Z'));
  });

  it('ends a day at the instant the next one starts, across a month and a year end', () => {
    expect(endOfDay('2025-12-31', 'Pacific/Auckland')).toEqual(startOfDay('2026-01-01', 'Pacific/Auckland'));
    expect(endOfDay('2025-12-31', 'Pacific/Auckland')).toEqual(at('2025-12-31T11:00:00Z'));
    expect(endOfDay('2025-02-28', 'America/New_York')).toEqual(at('2025-03-01T05:00:00Z'));
  });

  it("keeps a deadline open until the end of its day in the board's zone, not the server's", () => {
    const closes = endOfDay('2025-06-15', 'Pacific/Auckland');
    expect(at('2025-06-15T11:59:59Z') < closes).toBe(true);
    expect(at('2025-06-15T12:00:00Z') < closes).toBe(false);
    expect(endOfDay('2025-06-15', 'UTC')).toEqual(at('2025-06-16T00:00:00Z'));
  });

  it('makes the day the clocks go forward 23 hours long and the day they go back 25', () => {
    const length = (date: string, zone: string) =>
      (endOfDay(date, zone).getTime() - startOfDay(date, zone).getTime()) / HOUR;
    expect(length('2025-03-09', 'America/New_York')).toBe(23);
    expect(length('2025-11-02', 'America/New_York')).toBe(25);
    expect(length('2025-03-30', 'Europe/Athens')).toBe(23);
    expect(length('2025-10-26', 'Europe/Athens')).toBe(25);
    expect(length('2025-06-15', 'Europe/Athens')).toBe(24);
  });

  it('starts a day whose midnight is skipped at the first minute after the change', () => {
    // Beirut and Santiago move their clocks forward at midnight: the day starts at 01:00.
    expect(startOfDay('2025-03-30', 'Asia/Beirut')).toEqual(at('2025-03-29T22:00:00Z'));
    expect(startOfDay('2025-09-07', 'America/Santiago')).toEqual(at('2025-09-07T04:00:00Z'));
    expect(endOfDay('2025-09-06', 'America/Santiago')).toEqual(at('2025-09-07T04:00:00Z'));
  });

  it('starts a day whose midnight happens twice at the first midnight', () => {
    // Havana moves its clocks back from 01:00 to midnight.
    expect(startOfDay('2025-11-02', 'America/Havana')).toEqual(at('2025-11-02T04:00:00Z'));
  });

  it('refuses a date that is not on the calendar', () => {
    expect(() => startOfDay('2025-02-30', 'UTC')).toThrow(RangeError);
    expect(() => endOfDay('2025-02-30', 'UTC')).toThrow(RangeError);
  });
});
