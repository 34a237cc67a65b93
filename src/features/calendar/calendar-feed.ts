// A user's private calendar feed (ICS, RFC 5545): the board's dates that concern them, built
// afresh on every fetch. The feed is a list of event sources; each says whom it concerns (the
// account page lists the same words, so page and feed cannot disagree) and produces its events.
//
// Ballot windows are timed events (in UTC); everything else is an all-day date.
import ical, { ICalEventTransparency, escape as icalText } from 'ical-generator';
import type { Db, Tx } from '../../db/client.js';
import { addDays, compareIsoDates, daysBetween, type IsoDate } from '../../domain/dates.js';
import { TERM_END_REASON_LABELS } from '../../domain/labels.js';
import { effectiveEnd, mandateEndsFirst } from '../../domain/terms.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { ballotsOpenTo } from '../ballots/queries.js';
import { boardToday, getSettings } from '../settings/settings.js';
import { type TermRow, termsWithCities } from '../terms/queries.js';
import { isSittingMember } from '../terms/term-active.js';
import { openVacancies } from '../vacancies/queries.js';
import type { FeedHolder } from './feed-token.js';

export interface FeedEvent {
  /**
   * What the event is about, never when: `term-end-<termId>`. It becomes the UID, so when a date
   * moves (an early end is recorded) calendar apps move the event instead of adding a second one.
   */
  key: string;
  /** A day in the board's time zone (an all-day event), or a span of time (a ballot window). */
  when: { day: IsoDate } | { from: Date; until: Date };
  summary: string;
  description: string;
  /** The page of the app where it is dealt with. */
  path: string;
}

export interface FeedReader {
  db: Db | Tx;
  viewer: Viewer;
  today: IsoDate;
  timeZone: string;
}

interface EventSource {
  /** What the source adds to this person's feed, in words for the account page; null if nothing. */
  covers(viewer: Viewer): string | null;
  events(reader: FeedReader): FeedEvent[];
}

const CALENDAR_NAME = 'Leadership Board';

// A term's end stays in the feed once passed, so calendars keep the board's history (a board has
// a few dozen terms in a decade). A mandate's end matters only while the term runs: after the term
// is over it says nothing about the seat, so it leaves the feed then.
const termNotOver = (row: TermRow, today: IsoDate) => compareIsoDates(effectiveEnd(row.term), today) >= 0;

function endedEarlyNote(row: TermRow): string {
  const { endedOn, endReason, endsOn } = row.term;
  if (!endedOn) return '';
  const reason = endReason ? ` (${TERM_END_REASON_LABELS[endReason].toLowerCase()})` : '';
  return ` This is an early end${reason}: the term was to end on ${endsOn}.`;
}

const ownTerms: EventSource = {
  covers: (viewer) =>
    viewer.role === 'board_member' ? 'the end of your board term, and of your mandate as mayor' : null,
  events: ({ db, viewer, today }) =>
    termsWithCities(db)
      .filter((row) => row.term.userId === viewer.id)
      .flatMap((row) => {
        const { id, termNumber, mandateEndsOn } = row.term;
        const end = effectiveEnd(row.term);
        const events: FeedEvent[] = [
          {
            key: `term-end-${id}`,
            when: { day: end },
            summary: `Your board term ends (seat ${row.seatNumber}, term ${termNumber})`,
            description:
              `Your term ${termNumber} on seat ${row.seatNumber} of the Leadership Board, for ${row.city.name}, ends on ${end}: ` +
              `from this day the seat is free and you no longer sit on the board.${endedEarlyNote(row)}`,
            path: '/terms',
          },
        ];
        if (mandateEndsOn && termNotOver(row, today)) {
          events.push({
            key: `mandate-end-${id}`,
            when: { day: mandateEndsOn },
            summary: `Your mandate as mayor of ${row.city.name} ends`,
            description: mandateEndsFirst(row.term)
              ? `Your mandate as mayor of ${row.city.name} ends on ${mandateEndsOn}, before your board term ends on ${end}. ` +
                'Members sit as serving mayors, so your seat will likely fall vacant then: please tell the secretariat once the date is certain.'
              : `Your mandate as mayor of ${row.city.name} ends on ${mandateEndsOn}; your board term ends on ${end}.`,
            path: '/terms',
          });
        }
        return events;
      }),
};

// The secretariat opens vacancies ahead of term ends and watches for early ones, so it sees every
// seat's term ends, and the mandate ends that come before their term (the forecast early
// vacancies). Mandates that outlast the term are left out: they change nothing for the board.
const boardTerms: EventSource = {
  covers: (viewer) =>
    permissions.manageTerms(viewer)
      ? 'the end of every member’s term, on every seat, and each mayoral mandate that ends before its term (a likely early vacancy)'
      : null,
  events: ({ db, today }) =>
    termsWithCities(db).flatMap((row) => {
      const { id, memberName, termNumber, mandateEndsOn, endsOn } = row.term;
      const end = effectiveEnd(row.term);
      const where = `${row.city.name}, seat ${row.seatNumber} (${memberName})`;
      const events: FeedEvent[] = [
        {
          key: `term-end-${id}`,
          when: { day: end },
          summary: `Term ends: ${where}`,
          description:
            `${memberName}’s term ${termNumber} for ${row.city.name} on seat ${row.seatNumber} ends on ${end}: ` +
            `the seat is free from this day.${endedEarlyNote(row)}`,
          path: '/terms',
        },
      ];
      if (mandateEndsOn && mandateEndsFirst(row.term) && termNotOver(row, today)) {
        events.push({
          key: `mandate-end-${id}`,
          when: { day: mandateEndsOn },
          summary: `Mandate ends before the term: ${where}`,
          description:
            `${memberName}’s mandate as mayor of ${row.city.name} ends on ${mandateEndsOn}, ` +
            `${daysBetween(mandateEndsOn, endsOn)} days before the term on seat ${row.seatNumber} ends on ${endsOn}: ` +
            'the seat will likely fall vacant early. Record the early end once its date is certain.',
          path: '/terms',
        });
      }
      return events;
    }),
};

// Everyone may nominate or follow an open vacancy (nominators, members, partners, the secretariat).
const nominationDeadlines: EventSource = {
  covers: () => 'the nomination deadline of every vacancy open for nominations',
  events: ({ db, timeZone }) =>
    openVacancies(db).flatMap(({ vacancy, seatNumber, term, city }) => {
      const deadline = vacancy.nominationDeadline;
      if (!deadline) return [];
      const held = term && city ? `, until now held by ${term.memberName} for ${city.name},` : '';
      return [
        {
          key: `nomination-deadline-${vacancy.id}`,
          when: { day: deadline },
          summary: `Last day for nominations: seat ${seatNumber}${city ? ` (${city.name})` : ''}`,
          description:
            `Nominations for seat ${seatNumber} of the Leadership Board${held} close at the end of this day, ` +
            `${timeZone} time. The seat is free from ${vacancy.freeOn}.`,
          path: `/vacancies/${vacancy.id}`,
        },
      ];
    }),
};

// Whoever may vote sees the windows of the ballots they are (or, before opening, would be) on the
// roll of; the secretariat sees every ballot's.
const ballotWindows: EventSource = {
  covers: (viewer) =>
    permissions.manageBallots(viewer) || permissions.takePartInBallots(viewer)
      ? 'the opening and closing times of the selection ballots you may vote in'
      : null,
  events: ({ db, viewer }) =>
    ballotsOpenTo(db, viewer).map(({ ballot, seatNumber }) => ({
      key: `ballot-${ballot.id}`,
      when: { from: new Date(ballot.opensAt), until: new Date(ballot.closesAt) },
      summary: `Ballot for seat ${seatNumber} of the Leadership Board`,
      description: `The selection ballot for seat ${seatNumber} is open from this event’s start to its end. A vote is final; you get a receipt to check it in the results.`,
      path: `/ballots/${ballot.id}`,
    })),
};

/** In the order the account page lists them. */
const FEED_SOURCES: EventSource[] = [ownTerms, boardTerms, nominationDeadlines, ballotWindows];

/** What this person's feed holds, in words for the account page. */
export function feedContents(viewer: Viewer): string[] {
  return FEED_SOURCES.map((source) => source.covers(viewer)).filter((words) => words !== null);
}

/** The events of the feed, by date. A source that does not concern the viewer is not asked. */
export function feedEvents(reader: FeedReader): FeedEvent[] {
  // The sources' audiences do not overlap where their events would (a member's own term end is
  // also a board term end, but only the secretariat sees the board's), so no UID comes twice.
  const events = FEED_SOURCES.filter((source) => source.covers(reader.viewer) !== null).flatMap((source) =>
    source.events(reader),
  );
  const startOf = (event: FeedEvent) =>
    'day' in event.when ? event.when.day : event.when.from.toISOString().slice(0, 10);
  return events.sort(
    (a, b) => compareIsoDates(startOf(a), startOf(b)) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

/** Writes events as an iCalendar text; `now` stamps them (DTSTAMP), the origin makes links and UIDs. */
export function renderCalendar(
  events: FeedEvent[],
  options: { holderName: string; timeZone: string; origin: string; now: Date },
): string {
  const host = new URL(options.origin).hostname;
  const calendar = ical({
    prodId: { company: 'Migration Council', product: CALENDAR_NAME, language: 'EN' },
    // ical-generator 10.2 writes the calendar's NAME, X-WR-CALNAME and X-WR-CALDESC as given,
    // unescaped (unlike an event's text), so a display name with a line break could inject
    // properties. Its own RFC 5545 escape is applied here; the feed tests parse the name back.
    name: icalText(feedText(`${CALENDAR_NAME} — ${options.holderName}`), false),
    description: icalText(
      `Dates of the ${CALENDAR_NAME} that concern you, as days in the board’s time zone, ${options.timeZone}. Private: anyone with this feed’s address can read it.`,
      false,
    ),
    // A hint to calendar apps to look for changes hourly (most poll less often whatever it says).
    ttl: 60 * 60,
  });
  for (const event of events) {
    const link = `${options.origin}${event.path}`;
    calendar.createEvent({
      id: `${event.key}@${host}`,
      stamp: options.now,
      // An all-day event is a date with no time zone (VALUE=DATE): the board's day, shown as the
      // same day wherever the reader is. The calendar gets no time zone of its own on purpose:
      // ical-generator would then read dates in the server's local zone. DTEND is exclusive.
      ...('day' in event.when
        ? { allDay: true, start: utcMidnight(event.when.day), end: utcMidnight(addDays(event.when.day, 1)) }
        : { start: event.when.from, end: event.when.until }),
      summary: feedText(event.summary),
      description: feedText(`${event.description}\n\n${link}`),
      url: link,
      // Reminders of dates, not meetings: they must not mark the reader busy all day.
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  }
  return calendar.toString();
}

// RFC 5545 allows no control character but a tab in a text value (3.1, 3.3.11), and a calendar app
// may refuse the whole feed over one; names people typed can hold them (a NUL, an escape). Each
// becomes U+FFFD, as a browser shows it. Line breaks stay: the writer escapes them as \n.
function feedText(text: string): string {
  return Array.from(text, (ch) => (isControl(ch) && !'\t\r\n'.includes(ch) ? '\uFFFD' : ch)).join('');
}

function isControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

// ical-generator writes an all-day date from a Date's UTC fields when the calendar has no zone.
function utcMidnight(day: IsoDate): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** The whole feed of the account a feed address belongs to, as of `now`. */
export function calendarFeedFor(
  db: Db | Tx,
  holder: FeedHolder,
  options: { origin: string; now: Date },
): string {
  const settings = getSettings(db);
  const today = boardToday(settings, options.now);
  // The feed is read as the holder would see the app today: a board member whose term has ended
  // is no longer a sitting member, whatever the feed showed before.
  const viewer: Viewer = {
    id: holder.id,
    role: holder.role,
    email: holder.email,
    displayName: holder.displayName,
    cityId: holder.cityId,
    partnerOrganisation: holder.partnerOrganisation,
    sittingMember: holder.role === 'board_member' && isSittingMember(db, holder.id, today),
  };
  const events = feedEvents({ db, viewer, today, timeZone: settings.timeZone });
  return renderCalendar(events, {
    holderName: holder.displayName,
    timeZone: settings.timeZone,
    origin: options.origin,
    now: options.now,
  });
}
