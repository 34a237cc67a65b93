// What each person's calendar feed holds (DESIGN.md, "Alerts": every user has a private feed of
// term ends, deadlines and ballot windows), read back through ical.js as a calendar app reads it.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { terms, users, vacancies } from '../../../src/db/schema.js';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { addDays, addMonths } from '../../../src/domain/dates.js';
import { renderCalendar } from '../../../src/features/calendar/calendar-feed.js';
import { saveSettings } from '../../../src/features/settings/settings.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { NOW, TODAY, termOf, termsOnSeat } from '../terms/board-records.js';
import { eventByUid, feedOf, parseFeed, unfolded } from './feeds.js';

const HOST = 'localhost';

/** RFC 5545 section 3.3.11: the reverse of TEXT escaping. */
function unescapeText(text: string): string {
  return text.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

function athensVacancy(t: TestApp) {
  return t.db.select().from(vacancies).where(eq(vacancies.status, 'open')).get()!;
}

describe('what a calendar feed holds', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('Bristol’s mayor subscribes and sees their term end and mandate end as all-day events, and the Athens nomination deadline', async () => {
    const bristol = termOf(t, 'Bristol');
    const athens = athensVacancy(t);
    const feed = await feedOf(t, 'mayor.bristol');

    expect(feed.calendar.getFirstPropertyValue('x-wr-calname')).toBe('Leadership Board — Eleanor Whitfield');
    const termEnd = eventByUid(feed, `term-end-${bristol.id}@${HOST}`);
    expect(termEnd).toMatchObject({ start: addDays(TODAY, 25), allDay: true });
    expect(termEnd.summary).toBe('Your board term ends (seat 3, term 1)');
    expect(termEnd.description).toContain(`for Bristol, ends on ${addDays(TODAY, 25)}`);
    expect(termEnd.url).toBe('http://localhost:3000/terms');
    expect(termEnd.description).toContain('http://localhost:3000/terms');

    const mandateEnd = eventByUid(feed, `mandate-end-${bristol.id}@${HOST}`);
    expect(mandateEnd).toMatchObject({ start: addDays(TODAY, 25 + 400), allDay: true });
    expect(mandateEnd.summary).toBe('Your mandate as mayor of Bristol ends');

    const deadline = eventByUid(feed, `nomination-deadline-${athens.id}@${HOST}`);
    expect(deadline).toMatchObject({ start: addDays(TODAY, 14), allDay: true });
    expect(deadline.summary).toBe('Last day for nominations: seat 2 (Athens)');
    expect(deadline.description).toContain('close at the end of this day, UTC time');
    expect(deadline.url).toBe(`http://localhost:3000/vacancies/${athens.id}`);

    // Nothing of other members: the mayor's feed is their own dates and the open deadlines.
    expect(feed.events.map((e) => e.uid).sort()).toEqual(
      [
        `term-end-${bristol.id}@${HOST}`,
        `mandate-end-${bristol.id}@${HOST}`,
        `nomination-deadline-${athens.id}@${HOST}`,
      ].sort(),
    );
  });

  it('warns a member whose mandate ends before their term that the seat will likely fall vacant then', async () => {
    const losAngeles = termOf(t, 'Los Angeles');
    const feed = await feedOf(t, 'mayor.los-angeles');
    const mandateEnd = eventByUid(feed, `mandate-end-${losAngeles.id}@${HOST}`);
    expect(mandateEnd.start).toBe(addDays(TODAY, 190 - 60));
    expect(mandateEnd.description).toContain('your seat will likely fall vacant then');
  });

  it('keeps a returning member’s earlier term end as history, but drops the mandate end of a term that is over', async () => {
    const [earlier, current] = termsOnSeat(t, 1);
    // An earlier mayor of Amman held the seat before her: that term is theirs, not in her feed.
    const predecessor = t.db
      .insert(terms)
      .values({
        ...earlier!,
        id: undefined,
        memberName: 'Omar Maani',
        userId: null,
        startsOn: addMonths(earlier!.startsOn, -24),
        endsOn: earlier!.startsOn,
        termNumber: 1,
      })
      .returning()
      .get();
    const feed = await feedOf(t, 'mayor.amman');
    expect(feed.events.map((e) => e.uid)).not.toContain(`term-end-${predecessor.id}@${HOST}`);
    expect(eventByUid(feed, `term-end-${earlier!.id}@${HOST}`).start).toBe(earlier!.endsOn);
    expect(eventByUid(feed, `term-end-${current!.id}@${HOST}`).start).toBe(current!.endsOn);
    expect(feed.events.map((e) => e.uid)).not.toContain(`mandate-end-${earlier!.id}@${HOST}`);
    expect(feed.events.map((e) => e.uid)).toContain(`mandate-end-${current!.id}@${HOST}`);
  });

  it.each([
    ['nominator.montevideo', 'a nominator'],
    ['partner.c40', 'a partner'],
  ])('gives %s (%s) the open vacancy’s deadline and no terms', async (localPart) => {
    const athens = athensVacancy(t);
    const feed = await feedOf(t, localPart);
    expect(feed.events.map((e) => e.uid)).toEqual([`nomination-deadline-${athens.id}@${HOST}`]);
    expect(feed.events[0]!.start).toBe(addDays(TODAY, 14));
  });

  it('gives the secretariat the deadline, every seat’s term end, and only the mandates that end before their term', async () => {
    const athens = athensVacancy(t);
    const feed = await feedOf(t, 'secretariat');
    const uids = feed.events.map((e) => e.uid);

    expect(uids).toContain(`nomination-deadline-${athens.id}@${HOST}`);
    for (const city of [
      'Amman',
      'Athens',
      'Bristol',
      'Freetown',
      'Kampala',
      'Los Angeles',
      'Milan',
      'Montreal',
    ]) {
      const term = termOf(t, city);
      expect(eventByUid(feed, `term-end-${term.id}@${HOST}`).start).toBe(term.endedOn ?? term.endsOn);
    }
    // Athens's term ended early, ten days ago: its end is the effective one.
    expect(eventByUid(feed, `term-end-${termOf(t, 'Athens').id}@${HOST}`)).toMatchObject({
      start: addDays(TODAY, -10),
      summary: 'Term ends: Athens, seat 2 (Nikos Papadakis)',
    });
    expect(eventByUid(feed, `term-end-${termOf(t, 'Athens').id}@${HOST}`).description).toContain(
      'This is an early end (left office): the term was to end on ',
    );
    // Los Angeles's mandate ends 60 days before its term: the one forecast early vacancy.
    const losAngeles = termOf(t, 'Los Angeles');
    expect(uids.filter((uid) => uid.startsWith('mandate-end-'))).toEqual([
      `mandate-end-${losAngeles.id}@${HOST}`,
    ]);
    expect(eventByUid(feed, `mandate-end-${losAngeles.id}@${HOST}`)).toMatchObject({
      start: addDays(TODAY, 130),
      summary: 'Mandate ends before the term: Los Angeles, seat 6 (Maria Delgado)',
    });
  });

  it('is valid RFC 5545: VERSION 2.0, a PRODID, a UID and DTSTAMP on every event, CRLF lines folded at 75 octets', async () => {
    const feed = await feedOf(t, 'secretariat');
    expect(feed.calendar.name).toBe('vcalendar');
    expect(feed.calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(feed.calendar.getFirstPropertyValue('prodid')).toBe('-//Migration Council//Leadership Board//EN');
    expect(feed.events.length).toBeGreaterThan(8);
    for (const event of feed.events) {
      expect(event.uid).toMatch(/^[a-z-]+-\d+@localhost$/);
      expect(event.stamped).toBe(true);
      expect(event.allDay).toBe(true);
    }
    expect(new Set(feed.events.map((e) => e.uid)).size).toBe(feed.events.length);
    expect(feed.text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(feed.text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of feed.text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    // An all-day event is a date (VALUE=DATE), ending the next day (DTEND is exclusive).
    expect(feed.text).toMatch(/DTSTART;VALUE=DATE:\d{8}\r\nDTEND;VALUE=DATE:\d{8}\r\n/);
  });

  it('keeps each event’s UID across fetches, and when an early end moves the term end, the same UID moves', async () => {
    const milan = termOf(t, 'Milan');
    const uid = `term-end-${milan.id}@${HOST}`;
    const first = await feedOf(t, 'mayor.milan');
    t.clock.advance(60_000);
    const second = await feedOf(t, 'mayor.milan');
    expect(second.events.map((e) => e.uid)).toEqual(first.events.map((e) => e.uid));
    expect(eventByUid(first, uid).start).toBe(addDays(TODAY, 640));

    const secretariat = await logInAs(t, 'secretariat');
    const announced = addDays(TODAY, 30);
    const ended = await secretariat.post(`/terms/${milan.id}/end`, {
      endedOn: announced,
      reason: 'resigned',
    });
    expect(ended.status).toBe(303);

    const moved = await feedOf(t, 'mayor.milan');
    expect(moved.events.map((e) => e.uid).sort()).toEqual(first.events.map((e) => e.uid).sort());
    expect(eventByUid(moved, uid).start).toBe(announced);
    expect(eventByUid(moved, uid).description).toContain(
      `This is an early end (resigned): the term was to end on ${milan.endsOn}.`,
    );
  });

  it('names the board’s time zone for the deadline, and its dates do not shift with the server’s zone', async () => {
    saveSettings(t.db, { timeZone: 'Europe/Athens' });
    const athens = athensVacancy(t);
    const serverZone = process.env.TZ;
    // Servers a day apart (UTC+14, UTC-11): a date read in the server's zone would move in one.
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      process.env.TZ = zone;
      try {
        const feed = await feedOf(t, 'nominator.zurich');
        const deadline = eventByUid(feed, `nomination-deadline-${athens.id}@${HOST}`);
        expect(deadline.start, zone).toBe(athens.nominationDeadline);
        expect(deadline.description).toContain('close at the end of this day, Europe/Athens time');
        expect(feed.calendar.getFirstPropertyValue('x-wr-caldesc')).toContain('Europe/Athens');
      } finally {
        if (serverZone === undefined) delete process.env.TZ;
        else process.env.TZ = serverZone;
      }
    }
  });

  it('escapes hostile names per RFC 5545 (commas, semicolons, backslashes, line breaks) so nothing can be injected', async () => {
    const hostile = 'Ann<script>, x;y \\ z\r\nBEGIN:VEVENT\r\nUID:forged@evil';
    const bristol = termOf(t, 'Bristol');
    t.db
      .update(users)
      .set({ displayName: hostile })
      .where(eq(users.email, demoEmail('mayor.bristol')))
      .run();
    t.db.update(terms).set({ memberName: hostile }).where(eq(terms.id, bristol.id)).run();

    for (const localPart of ['mayor.bristol', 'secretariat']) {
      const feed = await feedOf(t, localPart);
      const lines = unfolded(feed.text);
      // The injected line breaks stay inside their property: no line of the feed begins with them.
      expect(lines.filter((line) => line === 'BEGIN:VEVENT')).toHaveLength(feed.events.length);
      expect(lines.some((line) => line.startsWith('UID:forged'))).toBe(false);
      expect(feed.events.map((e) => e.uid)).not.toContain('forged@evil');
      if (localPart === 'mayor.bristol') {
        // The calendar's name (NAME and X-WR-CALNAME, which ical.js keeps as raw text) is written
        // escaped, and unescaping it per RFC 5545 gives back the name exactly as it was given.
        const escapedName = 'Leadership Board — Ann<script>\\, x\\;y \\\\ z\\nBEGIN:VEVENT\\nUID:forged@evil';
        expect(lines).toContain(`NAME:${escapedName}`);
        expect(lines).toContain(`X-WR-CALNAME:${escapedName}`);
        expect(unescapeText(String(feed.calendar.getFirstPropertyValue('x-wr-calname')))).toBe(
          `Leadership Board — ${hostile.replace(/\r\n/g, '\n')}`,
        );
      } else {
        const termEnd = eventByUid(feed, `term-end-${bristol.id}@${HOST}`);
        expect(termEnd.summary).toBe(`Term ends: Bristol, seat 3 (${hostile.replace(/\r\n/g, '\n')})`);
        expect(lines).toContain(
          'SUMMARY:Term ends: Bristol\\, seat 3 (Ann<script>\\, x\\;y \\\\ z\\nBEGIN:VEVENT\\nUID:forged@evil)',
        );
      }
    }
  });

  it('writes a timed event, as ballot windows will be, in UTC', () => {
    const text = renderCalendar(
      [
        {
          key: 'ballot-7',
          when: { from: new Date('2026-12-01T08:00:00Z'), until: new Date('2026-12-03T17:30:00Z') },
          summary: 'Ballot open',
          description: 'Vote for seat 2.',
          path: '/ballots/7',
        },
      ],
      { holderName: 'A voter', timeZone: 'UTC', origin: 'https://board.example.org', now: NOW },
    );
    const [event] = parseFeed(text).events;
    expect(event).toMatchObject({
      uid: 'ballot-7@board.example.org',
      allDay: false,
      url: 'https://board.example.org/ballots/7',
    });
    expect(text).toContain('DTSTART:20261201T080000Z\r\nDTEND:20261203T173000Z\r\n');
  });
});
