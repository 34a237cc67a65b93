// What the calendar tests read back: a demo user's feed address (derived as the app derives it),
// the feed fetched as a calendar app fetches it (no cookie), and the feed parsed with ical.js, an
// independent RFC 5545 reader, into plain events.
import { eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import supertest from 'supertest';
import { users } from '../../../src/db/schema.js';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { calendarFeedKey, feedUrlOf } from '../../../src/features/calendar/feed-token.js';
import type { TestApp } from '../../helpers/app.js';

export function demoUser(t: TestApp, localPart: string) {
  const user = t.db
    .select()
    .from(users)
    .where(eq(users.email, demoEmail(localPart)))
    .get();
  if (!user) throw new Error(`The demo has no user ${localPart}.`);
  return user;
}

/** The path of the user's current feed address (what the account page shows, without the origin). */
export function feedPathOf(t: TestApp, localPart: string): string {
  const url = feedUrlOf(
    t.db,
    calendarFeedKey(t.app.serverSecret),
    t.config.publicOrigin,
    demoUser(t, localPart).id,
  );
  return new URL(url!).pathname;
}

/** Fetches a path as a calendar app does: a fresh client with no cookies. */
export function fetchFeed(t: TestApp, path: string) {
  return supertest(t.app.server).get(path);
}

export interface ParsedEvent {
  uid: string;
  /** YYYY-MM-DD for an all-day event. */
  start: string;
  allDay: boolean;
  summary: string;
  description: string;
  url: string | null;
  stamped: boolean;
}

export interface ParsedFeed {
  calendar: ICAL.Component;
  events: ParsedEvent[];
}

export function parseFeed(text: string): ParsedFeed {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events = calendar.getAllSubcomponents('vevent').map((event) => {
    const start = event.getFirstPropertyValue('dtstart') as ICAL.Time;
    return {
      uid: String(event.getFirstPropertyValue('uid')),
      start: start.toString(),
      allDay: start.isDate,
      summary: String(event.getFirstPropertyValue('summary')),
      description: String(event.getFirstPropertyValue('description')),
      url: (event.getFirstPropertyValue('url') as string | null) ?? null,
      stamped: event.getFirstPropertyValue('dtstamp') !== null,
    };
  });
  return { calendar, events };
}

export async function feedOf(t: TestApp, localPart: string): Promise<ParsedFeed & { text: string }> {
  const response = await fetchFeed(t, feedPathOf(t, localPart));
  if (response.status !== 200) throw new Error(`the feed of ${localPart} answered ${response.status}`);
  return { text: response.text, ...parseFeed(response.text) };
}

export function eventByUid(feed: ParsedFeed, uid: string): ParsedEvent {
  const event = feed.events.find((e) => e.uid === uid);
  if (!event) throw new Error(`no event ${uid} in ${feed.events.map((e) => e.uid).join(', ')}`);
  return event;
}

/** Undoes RFC 5545 line folding, so a long property can be read as one line. */
export function unfolded(text: string): string[] {
  return text.replace(/\r\n[ \t]/g, '').split('\r\n');
}
