// What the route tests for terms, vacancies and settings read back: the seeded board's terms by
// city, a seat's vacancies, the audit trail, the message beside a form field, and a fingerprint
// of everything those actions may change (to show that a refused request changed nothing).
import { asc, count, eq, notLike } from 'drizzle-orm';
import { auditLog, cities, seats, settings, terms, users, vacancies } from '../../../src/db/schema.js';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import type { TestApp } from '../../helpers/app.js';

/** The fixed "now" of these tests; the demo board is seeded relative to it. */
export const NOW = new Date('2026-11-28T09:00:00Z');
export const TODAY = '2026-11-28';
export const DAY_MS = 86_400_000;

/** Seat numbers in the demo (the seat ids are the same numbers). */
export const SEAT = {
  amman: 1,
  athens: 2,
  bristol: 3,
  freetown: 4,
  kampala: 5,
  losAngeles: 6,
  milan: 7,
  montreal: 8,
} as const;

/** The city's latest term (the demo's cities each hold one seat). */
export function termOf(t: TestApp, cityName: string) {
  const city = t.db.select().from(cities).where(eq(cities.name, cityName)).get();
  if (!city) throw new Error(`The demo has no city ${cityName}.`);
  const rows = t.db.select().from(terms).where(eq(terms.cityId, city.id)).orderBy(asc(terms.startsOn)).all();
  const latest = rows.at(-1);
  if (!latest) throw new Error(`${cityName} has no term.`);
  return latest;
}

export function termById(t: TestApp, id: number) {
  return t.db.select().from(terms).where(eq(terms.id, id)).get();
}

export function termsOnSeat(t: TestApp, seatId: number) {
  return t.db.select().from(terms).where(eq(terms.seatId, seatId)).orderBy(asc(terms.startsOn)).all();
}

export function vacanciesOnSeat(t: TestApp, seatId: number) {
  return t.db.select().from(vacancies).where(eq(vacancies.seatId, seatId)).orderBy(asc(vacancies.id)).all();
}

export function vacancyById(t: TestApp, id: number) {
  return t.db.select().from(vacancies).where(eq(vacancies.id, id)).get();
}

export function userIdOf(t: TestApp, localPart: string): number {
  return t.db
    .select()
    .from(users)
    .where(eq(users.email, demoEmail(localPart)))
    .get()!.id;
}

/** Audit entries of one action, oldest first, with their details parsed. */
export function auditEntries(t: TestApp, action: string) {
  return t.db
    .select()
    .from(auditLog)
    .where(eq(auditLog.action, action))
    .orderBy(asc(auditLog.id))
    .all()
    .map((entry) => ({ ...entry, details: JSON.parse(entry.details) as Record<string, unknown> }));
}

/** Everything the term, vacancy and settings actions write, to compare before and after. */
export function boardState(t: TestApp) {
  return JSON.stringify({
    seats: t.db.select().from(seats).orderBy(asc(seats.id)).all(),
    terms: t.db.select().from(terms).orderBy(asc(terms.id)).all(),
    vacancies: t.db.select().from(vacancies).orderBy(asc(vacancies.id)).all(),
    cities: t.db.select().from(cities).orderBy(asc(cities.id)).all(),
    settings: t.db.select().from(settings).orderBy(asc(settings.key)).all(),
    // Logging in is audited too; only entries about the board count here.
    auditEntries: t.db.select({ n: count() }).from(auditLog).where(notLike(auditLog.action, 'auth.%')).get()!
      .n,
  });
}

/** The text of the error shown beside a field (`<p class="field-error" id="NAME-error">`). */
export function fieldError(html: string, name: string): string | undefined {
  const match = new RegExp(`<p class="field-error" id="${name}-error">([^<]*)</p>`).exec(html);
  return match ? decodeEntities(match[1]!) : undefined;
}

/** Every field that has an error message beside it. */
export function fieldsWithErrors(html: string): string[] {
  return [...html.matchAll(/<p class="field-error" id="([^"]+)-error">/g)].map((match) => match[1]!);
}

export function textOf(html: string): string {
  return decodeEntities(html.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The part of a page between two markers (the second one excluded). */
export function between(html: string, start: string, end: string): string {
  const from = html.indexOf(start);
  if (from < 0) throw new Error(`The page has no ${start}.`);
  const until = html.indexOf(end, from);
  return html.slice(from, until < 0 ? undefined : until);
}

/** The row of the /terms seats table for a seat, read cell by cell under its column heading. */
export function seatRow(html: string, seatNumber: number) {
  const table = between(html, 'aria-labelledby="seats-heading"', '</table>');
  const headings = [
    ...between(table, '<thead>', '</thead>').matchAll(/<th scope="col"[^>]*>(.*?)<\/th>/g),
  ].map((match) => textOf(match[1]!));
  const row = between(table, '<tbody>', '</tbody>')
    .split('<tr>')
    .find((chunk) => new RegExp(`<th scope="row"[^>]*>${seatNumber}</th>`).test(chunk));
  if (!row) return undefined;
  const cells = [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((match) => textOf(match[1]!));
  return {
    html: row,
    text: textOf(row),
    cell: (heading: string) => cells[headings.indexOf(heading)],
  };
}

/** The row of a vacancies table that links to the vacancy. */
export function vacancyRow(html: string, vacancyId: number) {
  return html.split('<tr>').find((chunk) => chunk.includes(`href="/vacancies/${vacancyId}"`));
}
