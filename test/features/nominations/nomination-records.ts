// What the nomination route tests share: the demo's vacancies and nominations by name, a valid
// nomination form (Bogota nominating its mayor for the Athens seat), a second nominator of a demo
// city (cities nominate only their own mayors), a multipart post as the nomination page sends it,
// and readers for what the actions write (rows, history, audit, mail, uploaded files).
import fs from 'node:fs';
import path from 'node:path';
import { asc, count, eq, like } from 'drizzle-orm';
import {
  auditLog,
  cities,
  nominationEvents,
  nominations,
  outbox,
  users,
  vacancies,
} from '../../../src/db/schema.js';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { addDays } from '../../../src/domain/dates.js';
import { client, ORIGIN, type TestApp } from '../../helpers/app.js';
import { TODAY } from '../terms/board-records.js';

export {
  auditEntries,
  DAY_MS,
  fieldError,
  fieldsWithErrors,
  NOW,
  TODAY,
  textOf,
  userIdOf,
} from '../terms/board-records.js';

/** The demo's vacancies: the Athens seat is open, Bristol's seat is upcoming. */
export const VACANCY = { athens: 1, bristol: 2 } as const;

/** The demo's three submitted nominations for the Athens seat. */
export const NOMINATION = { montevideo: 1, dhakaNorth: 2, zurich: 3 } as const;

export type Browser = ReturnType<typeof client>;
export type Form = Record<string, string | string[]>;

/** A complete, valid nomination: Bogota nominates its mayor for the Athens seat. */
export function bogotaForm(overrides: Record<string, string | string[] | undefined> = {}): Form {
  const form: Record<string, string | string[] | undefined> = {
    vacancyId: String(VACANCY.athens),
    nomineeName: 'Carlos Fernando Galán',
    nomineeTitle: 'Mayor of Bogota',
    nomineeEmail: 'Mayor@Bogota.example',
    cityName: 'Bogota',
    country: 'CO',
    migrationContexts: ['destination', 'transit', 'internal_displacement'],
    secondaryCity: 'on',
    // Well after the board term the nominee would serve (two years from today).
    mandateEndsOn: addDays(TODAY, 1500),
    statement: 'Bogota has received more Venezuelan migrants than any other city in the region.',
    consent: 'on',
    intent: 'submit',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(form).filter(([, value]) => value !== undefined)) as Form;
}

/**
 * Logs in a second nominator account of the same city as the demo account `localPart` (say
 * `nominator.bogota`): a nominator may only nominate their own city, so two nominations of one city
 * need two nominators of it. Made once per `colleague` number, with the demo password.
 */
export async function logInAsColleagueOf(t: TestApp, localPart: string, colleague = 1) {
  const demo = t.db
    .select()
    .from(users)
    .where(eq(users.email, demoEmail(localPart)))
    .get();
  if (!demo?.cityId) throw new Error(`The demo account ${localPart} has no city.`);
  const email = demoEmail(`${localPart}.colleague${colleague}`);
  if (!t.db.select().from(users).where(eq(users.email, email)).get()) {
    t.db
      .insert(users)
      .values({
        email,
        displayName: `${demo.displayName} (colleague ${colleague})`,
        role: 'nominator',
        cityId: demo.cityId,
        passwordHash: demo.passwordHash,
      })
      .run();
  }
  const browser = client(t);
  await browser.logIn(email);
  return browser;
}

/**
 * Logs in a nominator of one of the demo's cities by name (`nominator.milan` for Milan, whose
 * mayor sits on the board), made once with the demo password: the demo itself has nominators only
 * for cities without a seat.
 */
export async function logInAsNominatorOf(t: TestApp, cityName: string) {
  const city = t.db.select().from(cities).where(eq(cities.name, cityName)).get();
  if (!city) throw new Error(`The demo has no city ${cityName}.`);
  const email = demoEmail(`nominator.${city.name.toLowerCase().replace(/\W+/g, '-')}`);
  if (!t.db.select().from(users).where(eq(users.email, email)).get()) {
    const { passwordHash } = t.db
      .select()
      .from(users)
      .where(eq(users.email, demoEmail('secretariat')))
      .get()!;
    t.db
      .insert(users)
      .values({
        email,
        displayName: `${city.name} city hall`,
        role: 'nominator',
        cityId: city.id,
        passwordHash,
      })
      .run();
  }
  const browser = client(t);
  await browser.logIn(email);
  return browser;
}

export const PDF_BYTES = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);
export const PNG_BYTES = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489',
  'hex',
);
export const FIVE_MB = 5 * 1024 * 1024;

/** A PDF of exactly `size` bytes. */
export function pdfOfSize(size: number): Buffer {
  const buffer = Buffer.alloc(size, 0x20);
  PDF_BYTES.copy(buffer);
  return buffer;
}

export interface Upload {
  data: Buffer;
  filename?: string;
  contentType?: string;
}

/**
 * A multipart post in the order the nomination page sends its fields: the text fields, then the
 * file, then the consent box and the button pressed.
 */
export function postMultipart(browser: Browser, url: string, form: Form, upload?: Upload) {
  const request = browser.agent.post(url).set('Origin', ORIGIN);
  const addField = (name: string) => {
    const value = form[name];
    if (value === undefined) return;
    for (const item of Array.isArray(value) ? value : [value]) request.field(name, item);
  };
  const late = ['consent', 'intent'];
  for (const name of Object.keys(form)) if (!late.includes(name)) addField(name);
  if (upload)
    request.attach('document', upload.data, {
      filename: upload.filename ?? 'letter.pdf',
      contentType: upload.contentType ?? 'application/pdf',
    });
  for (const name of late) addField(name);
  return request;
}

export function nominationRow(t: TestApp, id: number) {
  return t.db.select().from(nominations).where(eq(nominations.id, id)).get();
}

export function allNominations(t: TestApp) {
  return t.db.select().from(nominations).orderBy(asc(nominations.id)).all();
}

export function historyOf(t: TestApp, nominationId: number) {
  return t.db
    .select()
    .from(nominationEvents)
    .where(eq(nominationEvents.nominationId, nominationId))
    .orderBy(asc(nominationEvents.id))
    .all();
}

export function mailTo(t: TestApp, localPart: string) {
  return t.db
    .select()
    .from(outbox)
    .where(eq(outbox.recipient, demoEmail(localPart)))
    .orderBy(asc(outbox.id))
    .all();
}

export function idFromLocation(location: string | undefined): number {
  const match = /^\/nominations\/(\d+)$/.exec(location ?? '');
  if (!match) throw new Error(`Expected a redirect to a nomination, got ${location}`);
  return Number(match[1]);
}

export function setVacancyStatus(
  t: TestApp,
  vacancyId: number,
  status: typeof vacancies.$inferSelect.status,
) {
  t.db.update(vacancies).set({ status }).where(eq(vacancies.id, vacancyId)).run();
}

export function vacancyStatus(t: TestApp, vacancyId: number) {
  return t.db.select().from(vacancies).where(eq(vacancies.id, vacancyId)).get()?.status;
}

export function uploadsFolder(t: TestApp): string {
  return path.join(t.config.dataDir, 'uploads');
}

/** The files under <data dir>/uploads (none when the folder was never made). */
export function uploadedFiles(t: TestApp): string[] {
  const folder = uploadsFolder(t);
  return fs.existsSync(folder) ? fs.readdirSync(folder) : [];
}

/**
 * Everything the nomination actions write, to compare before and after a refused request:
 * nominations, their history, mail and nomination audit entries.
 */
export function nominationState(t: TestApp) {
  return JSON.stringify({
    nominations: allNominations(t),
    events: t.db.select().from(nominationEvents).orderBy(asc(nominationEvents.id)).all(),
    outbox: t.db.select({ n: count() }).from(outbox).get()!.n,
    audit: t.db.select({ n: count() }).from(auditLog).where(like(auditLog.action, 'nomination.%')).get()!.n,
    uploads: uploadedFiles(t),
  });
}

/** The rows of the screening table, in page order, by nomination id. */
export function screeningRowIds(html: string): number[] {
  return [...html.matchAll(/<tr id="nomination-(\d+)">/g)].map((match) => Number(match[1]));
}

/** The HTML of one screening row (`<tr id="nomination-ID">` … `</tr>`). */
export function screeningRow(html: string, nominationId: number): string | undefined {
  const start = html.indexOf(`<tr id="nomination-${nominationId}">`);
  if (start < 0) return undefined;
  const end = html.indexOf('</tr>', start);
  return html.slice(start, end < 0 ? undefined : end + '</tr>'.length);
}

/** The nomination ids linked from a /nominations list. */
export function listedNominationIds(html: string): number[] {
  return [...html.matchAll(/data-label="Nominee">(?:<span>)?<a href="\/nominations\/(\d+)">/g)]
    .map((match) => Number(match[1]))
    .sort();
}

/** A small RFC 4180 reader: enough to read back the CSV export. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
