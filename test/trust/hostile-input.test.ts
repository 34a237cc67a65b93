// The hostile input corpus (hostile-corpus.ts) pushed through every text field of every form a
// user can submit. Each payload is either stored and then shown escaped on every surface that
// shows it (the pages and htmx fragments, the e-mails in the outbox and as delivered, the calendar
// feed, the CSV exports, ballots.json), or refused with 422 beside the field, nothing stored and
// the form shown again with the input escaped. Fields that are not free text (dates, choices,
// numbers, ids, passwords) refuse every payload. Every payload x field x surface checked is
// counted; the last test prints the figure (the README's "Security and reliability" section).
import fs from 'node:fs';
import path from 'node:path';
import { and, asc, eq, gt } from 'drizzle-orm';
import type supertest from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accountRequests,
  ballots,
  nominations,
  outbox,
  seats,
  terms,
  users,
  voterRoll,
} from '../../src/db/schema.js';
import { demoEmail } from '../../src/demo/seed-demo.js';
import { raiseAlerts } from '../../src/features/alerts/raise-alerts.js';
import { deliverMail } from '../../src/jobs/deliver-mail.js';
import { ballotForm } from '../features/ballots/ballot-records.js';
import { feedOf } from '../features/calendar/feeds.js';
import { deliverPendingMail } from '../features/mail/delivery.js';
import {
  type AppImage,
  client,
  imageOf,
  logInAs,
  makeTestApp,
  ORIGIN,
  openImage,
  type TestApp,
} from '../helpers/app.js';
import {
  activeMarkup,
  asInFeed,
  atMax,
  changedTables,
  csvRecords,
  defused,
  echoProblem,
  emlHeaders,
  encodeForm,
  escapingProblem,
  formulaCells,
  HOSTILE_EMAILS,
  type HostileForm,
  type HostilePayload,
  htmlEscapings,
  icsEscaped,
  icsLines,
  icsProblems,
  MAIL_HEADERS,
  overMax,
  PAYLOADS,
  storedState,
  Tally,
  trimmed,
} from './hostile-corpus.js';

const NOW = new Date('2026-11-28T09:00:00Z');
const ATHENS_VACANCY = 1;
type Browser = ReturnType<typeof client>;

const tally = new Tally();

/** A value a surface must show: the payload it came from, the form field, and the text as stored. */
interface Shown {
  payload: HostilePayload;
  field: string;
  value: string;
}

/** What the checks found wrong, collected so that one run reports every hole at once. */
class Findings {
  readonly problems: string[] = [];

  /** The page or fragment shows each value escaped, and carries no markup that would run. */
  shows(html: string, surface: string, values: readonly Shown[]) {
    this.noActiveMarkup(html, surface);
    for (const shown of values) {
      const problem = escapingProblem(html, shown.value);
      if (problem) this.add(surface, shown, problem);
      else tally.record(shown.payload.name, shown.field, surface);
    }
  }

  /** A refused value that the page does not show as text (a select, a checkbox): never raw either. */
  neverRaw(html: string, surface: string, values: readonly Shown[]) {
    this.noActiveMarkup(html, surface);
    for (const shown of values) {
      const needsEscaping = htmlEscapings(shown.value)[0] !== shown.value;
      if (needsEscaping && html.includes(shown.value))
        this.add(surface, shown, 'the value is shown unescaped');
      else tally.record(shown.payload.name, shown.field, surface);
    }
  }

  /** A secret (a password) is never shown back, in any form. */
  neverEchoed(html: string, surface: string, values: readonly Shown[]) {
    this.noActiveMarkup(html, surface);
    for (const shown of values) {
      const problem = echoProblem(html, shown.value);
      if (problem) this.add(surface, shown, problem);
      else tally.record(shown.payload.name, shown.field, surface);
    }
  }

  /** An outbox row: single-line subject and recipient, the value in the text, escaped in the HTML. */
  mail(row: typeof outbox.$inferSelect, surface: string, values: readonly Shown[]) {
    if (/[\r\n]/.test(row.subject))
      this.problems.push(`${surface}: the subject has a line break: ${JSON.stringify(row.subject)}`);
    if (!/^[^\s@,;:<>"()[\]\\]+@[^\s@,;:<>"()[\]\\]+$/.test(row.recipient))
      this.problems.push(
        `${surface}: the recipient is not one plain address: ${JSON.stringify(row.recipient)}`,
      );
    this.shows(row.htmlBody, `${surface}, HTML part`, values);
    for (const shown of values) {
      if (!row.textBody.includes(shown.value))
        this.add(`${surface}, text part`, shown, 'the value is not in the text');
      else tally.record(shown.payload.name, shown.field, `${surface}, text part`);
      if (firstLine(shown.value) !== '' && row.subject.includes(firstLine(shown.value)))
        tally.record(shown.payload.name, shown.field, `${surface}, subject`);
    }
  }

  /** A CSV export: no cell a spreadsheet would run, and each value in a cell, defused. */
  csv(text: string, surface: string, cellsOf: Array<{ shown: Shown; cell: string | undefined }>) {
    for (const cell of formulaCells(text))
      this.problems.push(`${surface}: a cell a spreadsheet would run: ${JSON.stringify(cell.slice(0, 80))}`);
    for (const { shown, cell } of cellsOf) {
      if (cell === undefined) this.add(surface, shown, 'no row holds the value');
      else if (cell !== defused(shown.value))
        this.add(surface, shown, `the cell holds ${JSON.stringify(cell.slice(0, 80))}`);
      else tally.record(shown.payload.name, shown.field, surface);
    }
  }

  /** An audit entry's details in the CSV: JSON in one cell, giving back the value (or the joined values) as stored. */
  csvDetails(surface: string, value: Shown, found: unknown) {
    if (found !== value.value && !(typeof found === 'string' && found.includes(value.value)))
      this.add(surface, value, `the details hold ${JSON.stringify(found)}`);
    else tally.record(value.payload.name, value.field, surface);
  }

  noActiveMarkup(html: string, surface: string) {
    for (const markup of activeMarkup(html)) this.problems.push(`${surface}: ${markup}`);
  }

  add(surface: string, shown: Shown, problem: string) {
    this.problems.push(`${surface}: ${shown.field} = payload "${shown.payload.name}": ${problem}`);
  }

  expectNone() {
    expect([...new Set(this.problems)]).toEqual([]);
  }
}

function firstLine(text: string): string {
  return text.split(/[\r\n\u0085\u2028\u2029]/)[0]!.slice(0, 40);
}

/** A form as a page of the app posts it, urlencoded, with each payload as it travels. */
function post(
  browser: Browser | supertest.Agent,
  url: string,
  form: HostileForm,
  headers: Record<string, string> = {},
) {
  const agent = 'agent' in browser ? browser.agent : browser;
  const request = agent.post(url).set('Origin', ORIGIN);
  for (const [name, value] of Object.entries(headers)) request.set(name, value);
  return request.type('form').send(encodeForm(form));
}

/** Every page of a paginated list, one after the other. */
async function allPages(browser: Browser, url: string): Promise<string> {
  let html = '';
  for (let page = 1; page <= 200; page += 1) {
    const response = await browser.get(`${url}${url.includes('?') ? '&' : '?'}page=${page}`);
    expect(response.status, `${url} page ${page}`).toBe(200);
    html += response.text;
    if (!/rel="next"|>Older entries</.test(response.text)) return html;
  }
  throw new Error(`${url} has more than 200 pages`);
}

async function textOfDownload(browser: Browser, url: string) {
  const response = await browser
    .get(url)
    .buffer(true)
    .parse((res, callback) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => callback(null, Buffer.concat(chunks).toString('utf8')));
    });
  expect(response.status, url).toBe(200);
  return { text: response.body as string, headers: response.headers };
}

function outboxRows(t: TestApp) {
  return t.db.select().from(outbox).orderBy(asc(outbox.id)).all();
}

/** The audit log's entries as the CSV export gives them, with their details parsed. */
async function auditCsv(secretariat: Browser) {
  const { text } = await textOfDownload(secretariat, '/audit.csv');
  const records = csvRecords(text).map((record) => ({
    action: record.action!,
    actor: record.actor!,
    subjectId: record.subject_id!,
    parsed: JSON.parse(record.details!) as Record<string, unknown>,
  }));
  return { text, records };
}

/**
 * Delivers the outbox through the file transport (the .eml files a deployment without SMTP
 * writes, composed by the same mailer as SMTP mail), and checks every delivered message's header:
 * only the fields the app writes, one recipient, no header a payload could add.
 */
async function deliverAndCheckHeaders(t: TestApp, findings: Findings, expected: Map<number, Shown[]>) {
  const rows = new Map(outboxRows(t).map((row) => [row.id, row]));
  do {
    const outcome = await deliverMail(
      { db: t.db, config: t.config, serverSecret: t.app.serverSecret },
      t.clock.now,
    );
    expect(outcome.ran).toBe(true);
  } while (outboxRows(t).some((row) => row.status === 'pending'));
  const folder = path.join(t.config.dataDir, 'mail');
  const files = fs.readdirSync(folder).filter((name) => name.endsWith('.eml'));
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const id = Number(/-(\d+)\.eml$/.exec(file)![1]);
    const headers = emlHeaders(fs.readFileSync(path.join(folder, file), 'utf8'));
    const surface = `delivered e-mail header (${rows.get(id)?.kind})`;
    for (const [name] of headers)
      if (!MAIL_HEADERS.has(name))
        findings.problems.push(`${surface} ${id}: an unexpected header ${JSON.stringify(name)}`);
    const to = headers.filter(([name]) => name === 'To');
    if (to.length !== 1 || to[0]![1] !== rows.get(id)?.recipient)
      findings.problems.push(`${surface} ${id}: To is ${JSON.stringify(to)}, not ${rows.get(id)?.recipient}`);
    if (headers.filter(([name]) => name === 'Subject').length !== 1)
      findings.problems.push(`${surface} ${id}: not exactly one Subject`);
    for (const shown of expected.get(id) ?? [])
      tally.record(shown.payload.name, shown.field, 'delivered e-mail header');
  }
}

const shown = (payload: HostilePayload, field: string, value: string): Shown => ({ payload, field, value });

// Fields a person fills once (a recusal, a certification) carry several payloads at a time, joined
// by a mark no payload holds; each piece is then checked on its own. Bytes that are not UTF-8 leave
// the whole value undecoded (the parser keeps it as typed), so such payloads are joined apart.
const JOIN = ' \u2042 ';

const onTheWire = (group: readonly HostilePayload[]) =>
  group.some((payload) => payload.encoded !== undefined);
const separatorOf = (group: readonly HostilePayload[]) =>
  onTheWire(group) ? encodeURIComponent(JOIN) : JOIN;

function joined(group: readonly HostilePayload[]): HostilePayload {
  const encoded = group
    .map((payload) => payload.encoded ?? encodeURIComponent(payload.text))
    .join(encodeURIComponent(JOIN));
  return {
    name: group.map((payload) => payload.name).join(JOIN),
    text: onTheWire(group) ? encoded : group.map((payload) => payload.text).join(JOIN),
    encoded,
  };
}

/** The payloads in groups whose joined text fits `max` characters; those sent as raw bytes together. */
function packed(payloads: readonly HostilePayload[], max: number): HostilePayload[][] {
  const groups: HostilePayload[][] = [[]];
  for (const payload of payloads.filter((candidate) => candidate.encoded === undefined)) {
    const group = groups.at(-1)!;
    if (group.length > 0 && joined([...group, payload]).text.length > max) groups.push([payload]);
    else group.push(payload);
  }
  const raw = payloads.filter((candidate) => candidate.encoded !== undefined);
  return raw.length > 0 ? [...groups, raw] : groups;
}

/** Each payload's piece of a stored joined value (the whole value was trimmed, not the pieces). */
function piecesOf(stored: string, group: readonly HostilePayload[], field: string): Shown[] {
  const pieces = stored.split(separatorOf(group));
  expect(pieces.length, field).toBe(group.length);
  return group.map((payload, index) => {
    expect(pieces[index]!.trim(), `${payload.name}: ${field}`).toBe(payload.text.trim());
    return shown(payload, field, pieces[index]!);
  });
}

/** A payload with more text after it (which the whole value keeps undecoded if the payload is). */
function suffixed(payload: HostilePayload, suffix: string): HostilePayload {
  if (payload.encoded === undefined) return { name: payload.name, text: `${payload.text}${suffix}` };
  const encoded = `${payload.encoded}${encodeURIComponent(suffix)}`;
  return { name: payload.name, text: encoded, encoded };
}

/** A payload made longer than `max` by what follows it, so that the field refuses it (422). */
function padded(payload: HostilePayload, max: number): HostilePayload {
  return suffixed(payload, ' and more'.repeat(Math.ceil((max + 1) / 9)));
}

/** One nomination carrying a payload in each of its text fields (the city through the nominator's city). */
interface NominationCase {
  nomineeName: HostilePayload;
  nomineeTitle: HostilePayload;
  cityName: HostilePayload;
  statement: HostilePayload;
}

const NOMINATION_CASES: NominationCase[] = [
  ...PAYLOADS.map((payload) => ({
    nomineeName: payload,
    nomineeTitle: payload,
    cityName: payload,
    statement: payload,
  })),
  { nomineeName: atMax(200), nomineeTitle: atMax(200), cityName: atMax(200), statement: atMax(5000) },
];
const NOMINATION_TEXT_FIELDS = ['nomineeName', 'nomineeTitle', 'cityName', 'statement'] as const;

interface Nominated {
  fields: NominationCase;
  id: number;
  /** The nominating city (named by the invitation of its nominator). */
  cityId: number;
  /** Each text field as stored, with the payload it came from. */
  shown: Record<(typeof NOMINATION_TEXT_FIELDS)[number], Shown>;
}

function validNomination(fields: NominationCase, index: number): HostileForm {
  return {
    vacancyId: String(ATHENS_VACANCY),
    nomineeName: fields.nomineeName,
    nomineeTitle: fields.nomineeTitle,
    nomineeEmail: `nominee${index}@cities.example`,
    cityName: fields.cityName,
    country: 'CO',
    migrationContexts: ['destination', 'transit'],
    mandateEndsOn: '2031-06-30',
    statement: fields.statement,
    consent: 'on',
    intent: 'submit',
  };
}

/**
 * Nominates a mayor for the Athens seat once per case, through the real form. A city nominates
 * only its own mayor, so each case's city is first named by an invitation (as the secretariat would
 * invite that city's nominator), and Bogota's nominator account is then made that city's.
 */
async function nominateEveryCase(t: TestApp): Promise<Nominated[]> {
  const secretariat = await logInAs(t, 'secretariat');
  const bogota = await logInAs(t, 'nominator.bogota');
  const nominated: Nominated[] = [];
  for (const [index, fields] of NOMINATION_CASES.entries()) {
    const invited = await post(secretariat, '/accounts/invitations', {
      name: `Nominator ${index}`,
      email: `nominator${index}@cities.example`,
      cityName: fields.cityName,
      country: 'CO',
    });
    expect(invited.status, fields.cityName.name).toBe(303);
    const { cityId } = t.db
      .select()
      .from(users)
      .where(eq(users.email, `nominator${index}@cities.example`))
      .get()!;
    moveBogotaTo(t, cityId!);
    const response = await post(bogota, '/nominations', validNomination(fields, index));
    expect(response.status, `${fields.nomineeName.name}: ${response.text.slice(0, 500)}`).toBe(303);
    const id = Number(/^\/nominations\/(\d+)$/.exec(response.headers.location ?? '')![1]);
    const row = t.db.select().from(nominations).where(eq(nominations.id, id)).get()!;
    for (const field of NOMINATION_TEXT_FIELDS)
      expectStoredAsTyped(row[field], fields[field], `${fields[field].name}: ${field}`);
    nominated.push({
      fields,
      id,
      cityId: cityId!,
      shown: Object.fromEntries(
        NOMINATION_TEXT_FIELDS.map((field) => [
          field,
          shown(fields[field], `nomination: ${field}`, row[field]),
        ]),
      ) as Nominated['shown'],
    });
  }
  return nominated;
}

/** Bogota's nominator account, as the nominator of another city (see nominateEveryCase). */
function moveBogotaTo(t: TestApp, cityId: number) {
  t.db
    .update(users)
    .set({ cityId })
    .where(eq(users.email, demoEmail('nominator.bogota')))
    .run();
}

/** A stored field holds the payload as typed, trimmed like every text field; nothing else. */
function expectStoredAsTyped(stored: string, payload: HostilePayload, where: string) {
  expect(stored, where).toBe(trimmed(payload.text));
}

describe('hostile input in the forms that bring people in', () => {
  it('account requests: names, cities and roles are stored as typed and shown escaped on every page, e-mail, audit entry and CSV; refused fields answer 422 with nothing stored', async () => {
    // Each request comes from its own address (through a trusted proxy), as many cities' would.
    const t = await makeTestApp({ now: NOW, env: { TRUST_PROXY: '127.0.0.1' } });
    const findings = new Findings();
    try {
      const anonymous = client(t);
      let address = 0;
      const ask = (form: HostileForm) => {
        address += 1;
        return post(anonymous, '/request-account', form, {
          'X-Forwarded-For': `10.0.${Math.floor(address / 200)}.${address % 200}`,
        });
      };
      const cases = [...PAYLOADS, atMax(200)];
      interface Asked {
        id: number;
        email: string;
        decide?: 'accept' | 'decline';
        name: Shown[];
        cityName: Shown[];
        roleAtCity: Shown[];
      }
      const asked: Asked[] = [];
      const request = async (
        value: HostilePayload,
        group: readonly HostilePayload[],
        email: string,
        decide?: Asked['decide'],
      ) => {
        const response = await ask({ name: value, email, cityName: value, country: 'CO', roleAtCity: value });
        expect(response.status, `${value.name}: ${response.text.slice(0, 300)}`).toBe(200);
        const row = t.db.select().from(accountRequests).where(eq(accountRequests.email, email)).get()!;
        const entry: Asked = {
          id: row.id,
          email,
          decide,
          name: piecesOf(row.name, group, 'account request: name'),
          cityName: piecesOf(row.cityName, group, 'account request: cityName'),
          roleAtCity: piecesOf(row.roleAtCity, group, 'account request: roleAtCity'),
        };
        findings.shows(response.text, 'account request: confirmation page', entry.name);
        asked.push(entry);
      };

      // Each payload alone in a request, left waiting; and a few at a time in requests decided.
      for (const [index, payload] of cases.entries()) {
        await request(payload, [payload], `requester${index}@cities.example`);
        const before = storedState(t.db);
        const refused = await ask({
          name: 'Ana Ruiz',
          email: payload,
          cityName: 'Cali',
          country: payload,
          roleAtCity: 'Mayor',
        });
        expect(refused.status, payload.name).toBe(422);
        expect(changedTables(before, storedState(t.db)), payload.name).toEqual([]);
        findings.shows(refused.text, 'account request: form refused (422)', [
          shown(payload, 'account request: email', payload.text),
        ]);
        findings.neverRaw(refused.text, 'account request: form refused (422)', [
          shown(payload, 'account request: country', payload.text),
        ]);
      }
      for (const [index, group] of packed(cases, 200).entries())
        for (const decide of ['accept', 'decline'] as const)
          await request(joined(group), group, `group${index}.${decide}@cities.example`, decide);
      const tooLong = overMax(200);
      const before = storedState(t.db);
      const refused = await ask({
        name: tooLong,
        email: 'long@cities.example',
        cityName: tooLong,
        country: 'CO',
        roleAtCity: tooLong,
      });
      expect(refused.status).toBe(422);
      expect(changedTables(before, storedState(t.db))).toEqual([]);
      findings.shows(
        refused.text,
        'account request: form refused (422)',
        ['name', 'cityName', 'roleAtCity'].map((field) =>
          shown(tooLong, `account request: ${field}`, tooLong.text),
        ),
      );

      const secretariat = await logInAs(t, 'secretariat');
      const accounts = await secretariat.get('/accounts');
      findings.shows(
        accounts.text,
        'accounts page: requests waiting',
        asked.flatMap((a) => [...a.name, ...a.cityName, ...a.roleAtCity]),
      );

      // The secretariat is told of each request by e-mail, with the name and city in the subject.
      const outboxPage = await secretariat.get('/outbox');
      const mailOf = new Map<number, Shown[]>();
      for (const a of asked) {
        const values = [...a.name, ...a.cityName, ...a.roleAtCity];
        const row = outboxRows(t).find(
          (m) => m.kind === 'account-request:received' && m.textBody.includes(`E-mail: ${a.email}`),
        )!;
        findings.mail(row, 'e-mail to the secretariat: account request', values);
        findings.shows(outboxPage.text, 'outbox page', [{ ...a.name[0]!, value: row.subject }]);
        mailOf.set(row.id, values);
      }

      // The audit log names the cities, on its pages and in its CSV export.
      const auditPages = await allPages(secretariat, '/audit');
      const csv = await auditCsv(secretariat);
      findings.csv(csv.text, 'audit log CSV', []);
      for (const a of asked) {
        findings.shows(auditPages, 'audit log page', a.cityName);
        const entry = csv.records.find(
          (record) => record.action === 'account.request' && record.subjectId === String(a.id),
        );
        for (const city of a.cityName) findings.csvDetails('audit log CSV', city, entry?.parsed.cityName);
      }

      // Accepting invites the person (an account named as they typed); declining tells them so.
      for (const a of asked.filter((entry) => entry.decide)) {
        expect((await secretariat.post(`/accounts/requests/${a.id}/${a.decide}`)).status).toBe(303);
        findings.shows(
          (await secretariat.get('/account')).text,
          `flash message after ${a.decide === 'accept' ? 'accepting' : 'declining'} a request`,
          a.name,
        );
      }
      const afterDecisions = await secretariat.get('/accounts');
      for (const a of asked.filter((entry) => entry.decide === 'accept')) {
        findings.shows(afterDecisions.text, 'accounts page: all accounts', [...a.name, ...a.cityName]);
        const mail = outboxRows(t).find((m) => m.kind === 'invitation' && m.recipient === a.email)!;
        findings.mail(mail, 'invitation e-mail', a.name);
        mailOf.set(mail.id, a.name);
      }
      for (const a of asked.filter((entry) => entry.decide === 'decline')) {
        const mail = outboxRows(t).find(
          (m) => m.kind === 'account-request:declined' && m.recipient === a.email,
        )!;
        findings.mail(mail, 'e-mail declining a request', [...a.name, ...a.cityName]);
        mailOf.set(mail.id, [...a.name, ...a.cityName]);
      }

      await deliverAndCheckHeaders(t, findings, mailOf);
      findings.expectNone();
    } finally {
      await t.close();
    }
  });

  it('invitations: the invited person’s name and city are escaped on the accounts page, in the invitation, on the set-password page, in the header, on their account page and in their calendar feed; passwords are never shown back', async () => {
    const t = await makeTestApp({ now: NOW });
    const findings = new Findings();
    try {
      const secretariat = await logInAs(t, 'secretariat');
      const cases = [...PAYLOADS, atMax(200)];
      interface Invited {
        email: string;
        name: Shown[];
        cityName: Shown[];
      }
      const invited: Invited[] = [];
      const invite = async (value: HostilePayload, group: readonly HostilePayload[], email: string) => {
        const response = await post(secretariat, '/accounts/invitations', {
          name: value,
          email,
          cityName: value,
          country: 'CO',
        });
        expect(response.status, `${value.name}: ${response.text.slice(0, 300)}`).toBe(303);
        const user = t.db.select().from(users).where(eq(users.email, email)).get()!;
        const entry = {
          email,
          name: piecesOf(user.displayName, group, 'invitation: name'),
          cityName: piecesOf(trimmed(value.text), group, 'invitation: cityName'),
        };
        invited.push(entry);
        return entry;
      };
      for (const [index, payload] of cases.entries()) {
        await invite(payload, [payload], `invitee${index}@cities.example`);
        const before = storedState(t.db);
        const refused = await post(secretariat, '/accounts/invitations', {
          name: 'Ana Ruiz',
          email: payload,
          cityName: 'Lima',
          country: payload,
        });
        expect(refused.status, payload.name).toBe(422);
        expect(changedTables(before, storedState(t.db)), payload.name).toEqual([]);
        findings.shows(refused.text, 'accounts page: invitation refused (422)', [
          shown(payload, 'invitation: email', payload.text),
        ]);
        findings.neverRaw(refused.text, 'accounts page: invitation refused (422)', [
          shown(payload, 'invitation: country', payload.text),
        ]);
      }
      const tooLong = overMax(200);
      const before = storedState(t.db);
      const refused = await post(secretariat, '/accounts/invitations', {
        name: tooLong,
        email: 'long@cities.example',
        cityName: tooLong,
        country: 'CO',
      });
      expect(refused.status).toBe(422);
      expect(changedTables(before, storedState(t.db))).toEqual([]);
      findings.shows(refused.text, 'accounts page: invitation refused (422)', [
        shown(tooLong, 'invitation: name', tooLong.text),
        shown(tooLong, 'invitation: cityName', tooLong.text),
      ]);
      // A few payloads at a time in the people who then accept; the first at addresses a spreadsheet
      // would read as a formula (the audit log's actor column, once they act).
      const accepting: Invited[] = [];
      for (const [index, group] of packed(cases, 200).entries())
        accepting.push(
          await invite(joined(group), group, HOSTILE_EMAILS[index] ?? `invitee.group${index}@cities.example`),
        );

      const accounts = await secretariat.get('/accounts');
      findings.shows(
        accounts.text,
        'accounts page: all accounts',
        invited.flatMap((entry) => [...entry.name, ...entry.cityName]),
      );
      for (const entry of invited) {
        const row = outboxRows(t).find((m) => m.kind === 'invitation' && m.recipient === entry.email)!;
        findings.mail(row, 'invitation e-mail', entry.name);
      }

      // Delivered (the link is minted then), the invitations are followed.
      let inbox = await deliverPendingMail(t);
      while (outboxRows(t).some((row) => row.status === 'pending')) inbox = await deliverPendingMail(t);
      for (const [index, entry] of accepting.entries()) {
        const delivered = inbox.find((m) => m.to === entry.email)!;
        if (/[\r\n]/.test(delivered.subject) || /[\r\n,]/.test(delivered.to))
          findings.problems.push(
            `delivered invitation to ${entry.email}: a line break in the subject or recipient`,
          );
        findings.shows(delivered.html, 'invitation e-mail as delivered, HTML part', entry.name);
        const token = /\/invitations\/([a-z2-7]+)/.exec(delivered.text)![1]!;
        const invitee = client(t);
        findings.shows((await invitee.get(`/invitations/${token}`)).text, 'set-password page', entry.name);
        if (index === 0) {
          for (const payload of cases) {
            const password = suffixed(payload, ' and then some');
            const mismatch = await post(invitee, `/invitations/${token}`, {
              password,
              confirmPassword: suffixed(password, '!'),
            });
            expect(mismatch.status, payload.name).toBe(422);
            findings.neverEchoed(mismatch.text, 'set-password page refused (422)', [
              shown(payload, 'invitation acceptance: password', password.text),
              shown(payload, 'invitation acceptance: confirmPassword', `${password.text}!`),
            ]);
          }
        }
        const accepted = await post(invitee, `/invitations/${token}`, {
          password: 'a long enough passphrase',
          confirmPassword: 'a long enough passphrase',
        });
        expect(accepted.status).toBe(303);
        findings.shows(
          (await invitee.get('/')).text,
          'page header (the logged-in user) and welcome message',
          entry.name,
        );
        const account = await invitee.get('/account');
        findings.shows(account.text, 'own account page', [...entry.name, ...entry.cityName]);

        const feedUrl = /data-calendar-url="([^"]+)"/.exec(account.text)![1]!.replace(/&amp;/g, '&');
        const feed = await invitee.get(new URL(feedUrl).pathname);
        expect(feed.status).toBe(200);
        for (const problem of icsProblems(feed.text))
          findings.problems.push(`calendar feed of ${entry.email}: ${problem}`);
        const calendarName = icsLines(feed.text).find((line) => line.startsWith('X-WR-CALNAME:')) ?? '';
        for (const name of entry.name) {
          if (!calendarName.includes(icsEscaped(asInFeed(name.value))))
            findings.add('calendar feed (its name)', name, `the name is ${JSON.stringify(calendarName)}`);
          else tally.record(name.payload.name, 'invitation: name', 'calendar feed');
        }
      }

      // Accepting is audited under the person's own address: never a formula in the CSV.
      const csv = await auditCsv(secretariat);
      for (const email of HOSTILE_EMAILS) {
        const payload: HostilePayload = { name: `e-mail ${email}`, text: email };
        findings.csv(csv.text, 'audit log CSV (actor)', [
          {
            shown: shown(payload, 'invitation: email', email),
            cell: csv.records.find((r) => r.actor === defused(email))?.actor,
          },
        ]);
      }
      const auditPages = await allPages(secretariat, '/audit');
      for (const entry of invited) findings.shows(auditPages, 'audit log page', entry.cityName);
      findings.expectNone();
    } finally {
      await t.close();
    }
  });
});

describe('hostile input in nominations, their screening and the ballot among them', () => {
  // One nomination per payload, made once through the real form; each test opens its own copy.
  let submitted: AppImage;
  let nominated: Nominated[];
  beforeAll(async () => {
    const t = await makeTestApp({ now: NOW });
    try {
      nominated = await nominateEveryCase(t);
      submitted = imageOf(t);
    } finally {
      await t.close();
    }
  });

  it('nominations: nominee, title, city and statement are stored as typed and shown escaped to the nominator and the secretariat, in the screening queue, the e-mails, the CSV export and the audit log; the other fields refuse every payload', async () => {
    const t = await openImage(submitted, NOW);
    const findings = new Findings();
    try {
      const secretariat = await logInAs(t, 'secretariat');
      const bogota = await logInAs(t, 'nominator.bogota');

      // The form with the payload in every field: the fields that are not free text refuse it.
      for (const [index, n] of nominated.entries()) {
        moveBogotaTo(t, n.cityId);
        const payload = n.fields.nomineeName;
        const before = storedState(t.db);
        const refused = await post(bogota, '/nominations', {
          ...validNomination(n.fields, index),
          vacancyId: payload,
          nomineeEmail: payload,
          country: payload,
          migrationContexts: payload,
          secondaryCity: payload,
          mandateEndsOn: payload,
          consent: payload,
        });
        expect(refused.status, payload.name).toBe(422);
        expect(changedTables(before, storedState(t.db)), payload.name).toEqual([]);
        findings.shows(refused.text, 'nomination form refused (422)', [
          ...NOMINATION_TEXT_FIELDS.map((field) =>
            shown(n.fields[field], `nomination: ${field}`, n.fields[field].text),
          ),
          shown(payload, 'nomination: nomineeEmail', payload.text),
          shown(payload, 'nomination: mandateEndsOn', payload.text),
        ]);
        findings.neverRaw(
          refused.text,
          'nomination form refused (422)',
          ['vacancyId', 'country', 'migrationContexts', 'secondaryCity', 'consent'].map((field) =>
            shown(payload, `nomination: ${field}`, payload.text),
          ),
        );
      }
      // Longer than a field allows: refused beside that field, nothing stored.
      const tooLong = {
        nomineeName: overMax(200),
        nomineeTitle: overMax(200),
        cityName: overMax(200),
        statement: overMax(5000),
      };
      moveBogotaTo(t, nominated[0]!.cityId);
      for (const field of NOMINATION_TEXT_FIELDS) {
        const before = storedState(t.db);
        const refused = await post(bogota, '/nominations', {
          ...validNomination(NOMINATION_CASES[0]!, 900),
          [field]: tooLong[field],
        });
        expect(refused.status, field).toBe(422);
        expect(changedTables(before, storedState(t.db)), field).toEqual([]);
        findings.shows(refused.text, 'nomination form refused (422)', [
          shown(tooLong[field], `nomination: ${field}`, tooLong[field].text),
        ]);
      }

      const listed = (n: Nominated) => [n.shown.nomineeName, n.shown.cityName];
      const ownList = await allPages(bogota, '/nominations');
      const fullList = await allPages(secretariat, '/nominations');
      const dashboard = (await bogota.get('/')).text;
      const queue = (await secretariat.get(`/vacancies/${ATHENS_VACANCY}`)).text;
      for (const n of nominated) {
        findings.shows(ownList, 'nominations list (its nominator)', listed(n));
        findings.shows(fullList, 'nominations list (secretariat)', listed(n));
        findings.shows(dashboard, 'dashboard (its nominator)', listed(n));
        findings.shows(queue, 'screening queue (vacancy page)', [
          n.shown.nomineeName,
          n.shown.nomineeTitle,
          n.shown.cityName,
        ]);
        findings.shows(
          (await bogota.get(`/nominations/${n.id}/withdraw`)).text,
          'withdrawal confirmation page',
          listed(n),
        );
      }

      // A draft, edited with each payload in turn: its edit page shows the fields as saved.
      const draftCity = await post(secretariat, '/accounts/invitations', {
        name: 'Drafting city hall',
        email: 'drafts@cities.example',
        cityName: 'Draftville',
        country: 'CO',
      });
      expect(draftCity.status).toBe(303);
      moveBogotaTo(
        t,
        t.db.select().from(users).where(eq(users.email, 'drafts@cities.example')).get()!.cityId!,
      );
      const draftForm = (payload: HostilePayload): HostileForm => ({
        ...validNomination(
          {
            nomineeName: payload,
            nomineeTitle: payload,
            cityName: { name: 'city', text: 'Draftville' },
            statement: payload,
          },
          800,
        ),
        intent: 'draft',
      });
      const draft = await post(bogota, '/nominations', draftForm(PAYLOADS[0]!));
      expect(draft.status).toBe(303);
      const draftId = Number(draft.headers.location!.split('/').pop());
      for (const payload of [...PAYLOADS, atMax(200)]) {
        expect((await post(bogota, `/nominations/${draftId}`, draftForm(payload))).status, payload.name).toBe(
          303,
        );
        const row = t.db.select().from(nominations).where(eq(nominations.id, draftId)).get()!;
        findings.shows(
          (await bogota.get(`/nominations/${draftId}/edit`)).text,
          'draft edit page',
          (['nomineeName', 'nomineeTitle', 'statement'] as const).map((field) =>
            shown(payload, `draft: ${field}`, row[field]),
          ),
        );
      }

      // Screening, in place with htmx: a refused decision keeps the note typed; a decision shows it.
      const notes = new Map<number, Shown>();
      const htmx = { 'HX-Request': 'true' };
      for (const n of nominated) {
        const note = n.fields.statement.text.length > 2000 ? atMax(2000) : n.fields.statement;
        const before = storedState(t.db);
        const refused = await post(
          secretariat,
          `/nominations/${n.id}/review`,
          { status: note, note, from: note },
          htmx,
        );
        expect(refused.status, note.name).toBe(422);
        expect(changedTables(before, storedState(t.db)), note.name).toEqual([]);
        findings.shows(refused.text, 'screening row refused (htmx fragment, 422)', [
          shown(note, 'review: note', note.text),
        ]);
        findings.neverRaw(refused.text, 'screening row refused (htmx fragment, 422)', [
          shown(note, 'review: status', note.text),
        ]);

        const decided = await post(
          secretariat,
          `/nominations/${n.id}/review`,
          { status: 'ineligible', note, from: 'submitted' },
          htmx,
        );
        expect(decided.status, note.name).toBe(200);
        const stored = t.db.select().from(nominations).where(eq(nominations.id, n.id)).get()!.statusNote!;
        expectStoredAsTyped(stored, note, note.name);
        notes.set(n.id, shown(note, 'review: note', stored));
        findings.shows(decided.text, 'screening row (htmx fragment)', [
          n.shown.nomineeName,
          n.shown.nomineeTitle,
          n.shown.cityName,
          notes.get(n.id)!,
        ]);
      }
      const noteOf = (n: Nominated) => notes.get(n.id)!;
      // Without JavaScript, a refused decision shows the whole vacancy page again (a few notes each).
      for (const group of packed([...PAYLOADS, atMax(2000)], 2000)) {
        const note = joined(group);
        const page = await post(secretariat, `/nominations/${nominated[0]!.id}/review`, {
          status: note,
          note,
          from: 'ineligible',
        });
        expect(page.status).toBe(422);
        findings.shows(
          page.text,
          'vacancy page with the refused decision (422)',
          piecesOf(note.text, group, 'review: note'),
        );
      }
      const tooLongNote = overMax(2000);
      const refusedNote = await post(
        secretariat,
        `/nominations/${nominated[0]!.id}/review`,
        { status: 'eligible', note: tooLongNote, from: 'ineligible' },
        htmx,
      );
      expect(refusedNote.status).toBe(422);
      findings.shows(refusedNote.text, 'screening row refused (htmx fragment, 422)', [
        shown(tooLongNote, 'review: note', tooLongNote.text),
      ]);

      for (const n of nominated) {
        const all = [...Object.values(n.shown), noteOf(n)];
        findings.shows(
          (await bogota.get(`/nominations/${n.id}`)).text,
          'nomination page with its status history (its nominator)',
          all,
        );
        findings.shows(
          (await secretariat.get(`/nominations/${n.id}`)).text,
          'nomination page with its status history (secretariat)',
          all,
        );
      }

      // The nominator's e-mails: the submission, then the decision with the secretariat's note.
      const mailOf = new Map<number, Shown[]>();
      const outboxPage = (await secretariat.get('/outbox')).text;
      for (const n of nominated) {
        const submittedMail = outboxRows(t).find(
          (m) => m.kind === 'nomination:submitted' && m.textBody.includes(`(nomination ${n.id})`),
        )!;
        findings.mail(submittedMail, 'e-mail: nomination submitted', listed(n));
        findings.shows(outboxPage, 'outbox page', [{ ...n.shown.nomineeName, value: submittedMail.subject }]);
        const reviewed = outboxRows(t).find(
          (m) => m.kind === 'nomination:reviewed' && m.textBody.includes(`/nominations/${n.id}\n`),
        )!;
        findings.mail(reviewed, 'e-mail: nomination reviewed', [...listed(n), noteOf(n)]);
        mailOf.set(submittedMail.id, listed(n));
        mailOf.set(reviewed.id, [...listed(n), noteOf(n)]);
      }

      // The screening queue's CSV export, and the audit log.
      const { text: queueCsv } = await textOfDownload(
        secretariat,
        `/vacancies/${ATHENS_VACANCY}/nominations.csv`,
      );
      const rows = csvRecords(queueCsv);
      for (const n of nominated) {
        const row = rows.find((r) => r.id === String(n.id));
        findings.csv(queueCsv, 'screening queue CSV', [
          { shown: n.shown.nomineeName, cell: row?.nominee },
          { shown: n.shown.nomineeTitle, cell: row?.title },
          { shown: n.shown.cityName, cell: row?.city },
          { shown: n.shown.statement, cell: row?.statement },
          { shown: noteOf(n), cell: row?.status_note },
        ]);
      }
      const auditPages = await allPages(secretariat, '/audit');
      const csv = await auditCsv(secretariat);
      findings.csv(csv.text, 'audit log CSV', []);
      for (const n of nominated) {
        findings.shows(auditPages, 'audit log page', [n.shown.nomineeName, n.shown.cityName, noteOf(n)]);
        const submit = csv.records.find(
          (r) => r.action === 'nomination.submit' && r.subjectId === String(n.id),
        );
        findings.csvDetails('audit log CSV', n.shown.nomineeName, submit?.parsed.nominee);
        findings.csvDetails('audit log CSV', n.shown.cityName, submit?.parsed.city);
        const review = csv.records.find(
          (r) => r.action.startsWith('nomination.review') && r.subjectId === String(n.id),
        );
        findings.csvDetails('audit log CSV', noteOf(n), review?.parsed.note);
      }

      await deliverAndCheckHeaders(t, findings, mailOf);
      findings.expectNone();
    } finally {
      await t.close();
    }
  });

  it('the ballot page, vote confirmation, recusals, results, live view, ballots.json and certification show every candidate and reason escaped', async () => {
    const t = await openImage(submitted, NOW);
    const findings = new Findings();
    try {
      const secretariat = await logInAs(t, 'secretariat');
      for (const n of nominated)
        expect(
          (
            await post(secretariat, `/nominations/${n.id}/review`, {
              status: 'shortlisted',
              note: '',
              from: 'submitted',
            })
          ).status,
        ).toBe(303);
      const candidate = (n: Nominated) => [n.shown.nomineeName, n.shown.cityName];
      const everything = (n: Nominated) => Object.values(n.shown);

      // Board members see the shortlist before any ballot.
      const amman = await logInAs(t, 'mayor.amman');
      const shortlist = (await amman.get(`/vacancies/${ATHENS_VACANCY}`)).text;
      const list = await allPages(amman, '/nominations');
      const dashboard = (await amman.get('/')).text;
      for (const n of nominated) {
        findings.shows(shortlist, 'vacancy page: shortlisted candidates (board member)', [
          n.shown.nomineeName,
          n.shown.nomineeTitle,
          n.shown.cityName,
        ]);
        findings.shows(list, 'nominations list (board member)', candidate(n));
        findings.shows(dashboard, 'dashboard: shortlisted candidates (board member)', candidate(n));
      }
      findings.shows(
        (await amman.get(`/nominations/${nominated[0]!.id}`)).text,
        'nomination page (board member)',
        everything(nominated[0]!),
      );

      const created = await post(
        secretariat,
        '/ballots',
        ballotForm({ candidateIds: nominated.map((n) => String(n.id)) }),
      );
      expect(created.status, created.text.slice(0, 500)).toBe(303);
      const ballotId = Number(/^\/ballots\/(\d+)$/.exec(created.headers.location ?? '')![1]);
      const ballotPage = (await amman.get(`/ballots/${ballotId}`)).text;
      for (const n of nominated)
        findings.shows(ballotPage, 'ballot page: the candidates and the vote form', everything(n));

      // The confirmation step shows the ranking as read, and carries every field back as typed.
      const ranking = Object.fromEntries(nominated.map((n, index) => [`rank_${n.id}`, String(index + 1)]));
      const typed = PAYLOADS.filter((payload) => payload.encoded === undefined);
      const extras: HostileForm = Object.fromEntries([
        ...PAYLOADS.map((payload, index) => [`extra${index}`, payload] as const),
        ...typed.map((payload) => [payload.text, 'a field named by a payload'] as const),
      ]);
      const confirm = await post(amman, `/ballots/${ballotId}/confirm`, { ...ranking, ...extras });
      expect(confirm.status).toBe(200);
      for (const n of nominated) findings.shows(confirm.text, 'vote confirmation page', candidate(n));
      findings.shows(confirm.text, 'vote confirmation page (fields carried back)', [
        ...PAYLOADS.map((payload) => shown(payload, 'vote confirmation: any other field', payload.text)),
        ...typed.map((payload) => shown(payload, 'vote confirmation: a field’s name', payload.text)),
      ]);
      const badRanks = await post(
        amman,
        `/ballots/${ballotId}/votes`,
        Object.fromEntries(nominated.map((n) => [`rank_${n.id}`, n.fields.nomineeName])),
      );
      expect(badRanks.status).toBe(422);
      findings.neverRaw(
        badRanks.text,
        'ballot page: vote refused (422)',
        nominated.map((n) => shown(n.fields.nomineeName, 'vote: rank_<id>', n.fields.nomineeName.text)),
      );
      for (const voter of ['mayor.amman', 'mayor.bristol', 'mayor.freetown', 'mayor.kampala']) {
        const browser = voter === 'mayor.amman' ? amman : await logInAs(t, voter);
        expect((await post(browser, `/ballots/${ballotId}/votes`, ranking)).status, voter).toBe(303);
      }

      // Recusals: a reason too long comes back escaped; the others are stored, a few payloads each.
      const milan = await logInAs(t, 'mayor.milan');
      for (const payload of [...PAYLOADS, atMax(200)]) {
        const long = padded(payload, 500);
        const before = storedState(t.db);
        const refused = await post(milan, `/ballots/${ballotId}/recuse`, { reason: long });
        expect(refused.status, payload.name).toBe(422);
        expect(changedTables(before, storedState(t.db)), payload.name).toEqual([]);
        // The refused reason is not shown again (the ballot page does not keep it): never raw, then.
        findings.neverRaw(refused.text, 'ballot page: recusal refused (422)', [
          shown(payload, 'recusal: reason', long.text),
        ]);
      }
      const voters = ['mayor.milan', 'mayor.montreal', 'mayor.los-angeles', 'partner.c40', 'partner.uclg'];
      const groups = packed([...PAYLOADS, atMax(200)], 500);
      expect(groups.length, 'recusing voters needed').toBeLessThanOrEqual(voters.length);
      const reasons: Shown[] = [];
      for (const [index, group] of groups.entries()) {
        const voter = index === 0 ? milan : await logInAs(t, voters[index]!);
        const recused = await post(voter, `/ballots/${ballotId}/recuse`, { reason: joined(group) });
        expect(
          recused.status,
          `${voters[index]}: ${/field-error[^>]*>([^<]*)/.exec(recused.text)?.[1]} ${joined(group).text.length}`,
        ).toBe(303);
        const userId = t.db
          .select()
          .from(users)
          .where(eq(users.email, demoEmail(voters[index]!)))
          .get()!.id;
        const stored = t.db
          .select()
          .from(voterRoll)
          .where(and(eq(voterRoll.ballotId, ballotId), eq(voterRoll.userId, userId)))
          .get()!.recusalReason!;
        const pieces = piecesOf(stored, group, 'recusal: reason');
        reasons.push(...pieces);
        findings.shows(
          (await voter.get(`/ballots/${ballotId}`)).text,
          'ballot page of a recused voter',
          pieces,
        );
        const refusedVote = await post(voter, `/ballots/${ballotId}/votes`, ranking);
        expect(refusedVote.status).toBe(403);
        findings.shows(refusedVote.text, 'refusal page: a recused voter votes (403)', pieces);
      }

      expect((await secretariat.post(`/ballots/${ballotId}/close`)).status).toBe(303);
      const results = (await secretariat.get(`/ballots/${ballotId}/results`)).text;
      const resultsToMember = (await amman.get(`/ballots/${ballotId}/results`)).text;
      const live = (await amman.get(`/ballots/${ballotId}/live`)).text;
      const liveStatus = await amman.get(`/ballots/${ballotId}/live/status`).set('HX-Request', 'true');
      const winner = nominated[0]!;
      for (const n of nominated) {
        findings.shows(results, 'results page (secretariat)', candidate(n));
        findings.shows(resultsToMember, 'results page (board member)', candidate(n));
      }
      findings.shows(live, 'live view', candidate(winner));
      findings.shows(liveStatus.text, 'live view (htmx fragment)', candidate(winner));

      const file = await textOfDownload(amman, `/ballots/${ballotId}/ballots.json`);
      expect(file.headers['content-type']).toMatch(/^application\/json/);
      expect(file.headers['x-content-type-options']).toBe('nosniff');
      const recount = JSON.parse(file.text) as {
        candidates: string[];
        ballots: Array<{ choices: string[] }>;
      };
      for (const n of nominated) {
        const name = `${n.shown.nomineeName.value} (${n.shown.cityName.value})`;
        if (!recount.candidates.includes(name))
          findings.add('ballots.json', n.shown.nomineeName, 'not among the candidates as stored');
        else for (const value of candidate(n)) tally.record(value.payload.name, value.field, 'ballots.json');
      }
      expect(recount.ballots[0]!.choices[0]).toBe(
        `${winner.shown.nomineeName.value} (${winner.shown.cityName.value})`,
      );

      // Certification, with the board breaking a rule: the reason is required and kept.
      const rules = await post(secretariat, '/settings/diversity', {
        maxSeatsPerRegion: '1',
        minRegions: '0',
        minSecondaryCities: '0',
        enforcement: 'warn',
      });
      expect(rules.status, rules.text.slice(0, 300)).toBe(303);
      findings.shows(
        (await secretariat.get(`/ballots/${ballotId}`)).text,
        'ballot page: certification',
        candidate(winner),
      );
      for (const payload of [...PAYLOADS, atMax(200)]) {
        const long = padded(payload, 2000);
        const before = storedState(t.db);
        const refused = await post(secretariat, `/ballots/${ballotId}/certify`, { overrideReason: long });
        expect(refused.status, payload.name).toBe(422);
        expect(changedTables(before, storedState(t.db)), payload.name).toEqual([]);
        findings.shows(refused.text, 'ballot page: certification refused (422)', [
          shown(payload, 'certification: overrideReason', long.text),
        ]);
      }
      const [reasonGroup] = packed([...PAYLOADS, atMax(200)], 2000);
      const certified = await post(secretariat, `/ballots/${ballotId}/certify`, {
        overrideReason: joined(reasonGroup!),
      });
      expect(certified.status, certified.text.slice(0, 300)).toBe(303);
      const override = piecesOf(
        t.db.select().from(ballots).where(eq(ballots.id, ballotId)).get()!.overrideReason!,
        reasonGroup!,
        'certification: overrideReason',
      );

      const auditPages = await allPages(secretariat, '/audit');
      findings.shows(auditPages, 'audit log page', [...reasons, ...override]);
      const csv = await auditCsv(secretariat);
      findings.csv(csv.text, 'audit log CSV', []);
      const recusals = csv.records
        .filter((r) => r.action === 'ballot.recuse')
        .map((r) => String(r.parsed.reason));
      for (const reason of reasons)
        findings.csvDetails(
          'audit log CSV',
          reason,
          recusals.find((text) => text.includes(reason.value)) ? reason.value : undefined,
        );
      const certification = csv.records.find((r) => r.action === 'ballot.certify');
      for (const piece of override)
        findings.csvDetails(
          'audit log CSV',
          piece,
          String(certification?.parsed.overrideReason).includes(piece.value) ? piece.value : undefined,
        );

      // The winner now sits on the board under the name and city they were nominated with.
      findings.shows((await amman.get('/board')).text, 'board page', candidate(winner));
      findings.shows((await secretariat.get('/terms')).text, 'terms page', candidate(winner));
      const invitation = outboxRows(t).find(
        (m) => m.kind === 'invitation' && m.recipient === 'nominee0@cities.example',
      );
      if (invitation)
        findings.mail(invitation, 'invitation e-mail (elected mayor)', [winner.shown.nomineeName]);
      findings.expectNone();
    } finally {
      await t.close();
    }
  });
});

describe('hostile input in the seats and terms', () => {
  it('terms: member names and cities are escaped on the terms page and timeline, the seat histories, the board, vacancies, alerts and their e-mails, and the calendar feed; the term forms’ other fields refuse every payload', async () => {
    const t = await makeTestApp({ now: NOW });
    const findings = new Findings();
    try {
      const secretariat = await logInAs(t, 'secretariat');
      const board = await post(secretariat, '/settings/board', {
        boardSize: '30',
        termLengthMonths: '24',
        termLimit: '',
        alertThresholdsDays: '90, 60, 30, 7',
        timeZone: 'UTC',
        jobIntervalMinutes: '60',
      });
      expect(board.status, board.text.slice(0, 300)).toBe(303);
      const freeSeats = t.db.select().from(seats).where(gt(seats.number, 8)).orderBy(asc(seats.number)).all();
      const cases = [...PAYLOADS, atMax(200)];
      const termForm = (
        seatId: number,
        name: HostilePayload,
        startsOn: string,
        mandateEndsOn = '',
      ): HostileForm => ({
        seatId: String(seatId),
        memberName: name,
        cityName: name,
        country: 'CO',
        migrationContexts: ['destination'],
        userId: '',
        startsOn,
        mandateEndsOn,
      });

      // A past term for each payload alone (records of the seat's history, decades ago)…
      const past: Array<{
        payload: HostilePayload;
        seat: (typeof freeSeats)[number];
        member: Shown;
        city: Shown;
      }> = [];
      for (const [index, payload] of cases.entries()) {
        const seat = freeSeats[index % freeSeats.length]!;
        const startsOn = `${1960 + 3 * Math.floor(index / freeSeats.length)}-01-01`;
        const response = await post(secretariat, '/terms', termForm(seat.id, payload, startsOn));
        expect(response.status, `${payload.name}: ${response.text.slice(0, 300)}`).toBe(303);
        const term = t.db
          .select()
          .from(terms)
          .where(and(eq(terms.seatId, seat.id), eq(terms.startsOn, startsOn)))
          .get()!;
        expectStoredAsTyped(term.memberName, payload, payload.name);
        past.push({
          payload,
          seat,
          member: shown(payload, 'term: memberName', term.memberName),
          city: shown(payload, 'term: cityName', trimmed(payload.text)),
        });

        const before = storedState(t.db);
        const refused = await post(secretariat, '/terms', {
          seatId: payload,
          memberName: payload,
          cityName: payload,
          country: payload,
          migrationContexts: payload,
          secondaryCity: payload,
          userId: payload,
          startsOn: payload,
          mandateEndsOn: payload,
        });
        expect(refused.status, payload.name).toBe(422);
        expect(changedTables(before, storedState(t.db)), payload.name).toEqual([]);
        findings.shows(
          refused.text,
          'new term form refused (422)',
          ['memberName', 'cityName', 'startsOn', 'mandateEndsOn'].map((field) =>
            shown(payload, `term: ${field}`, payload.text),
          ),
        );
        findings.neverRaw(
          refused.text,
          'new term form refused (422)',
          ['seatId', 'country', 'migrationContexts', 'secondaryCity', 'userId'].map((field) =>
            shown(payload, `term: ${field}`, payload.text),
          ),
        );
      }
      const tooLong = overMax(200);
      const before = storedState(t.db);
      const refused = await post(secretariat, '/terms', termForm(freeSeats[0]!.id, tooLong, '2000-01-01'));
      expect(refused.status).toBe(422);
      expect(changedTables(before, storedState(t.db))).toEqual([]);
      findings.shows(refused.text, 'new term form refused (422)', [
        shown(tooLong, 'term: memberName', tooLong.text),
        shown(tooLong, 'term: cityName', tooLong.text),
      ]);

      // …and a current term on each free seat, a few payloads joined in its name and city, ending in
      // three weeks, with the mayoral mandate ending before it: alerts, vacancies, forecasts.
      const groups = packed(cases, 200);
      expect(groups.length, 'free seats needed').toBeLessThanOrEqual(freeSeats.length);
      const current: Array<{
        termId: number;
        seat: (typeof freeSeats)[number];
        members: Shown[];
        cities: Shown[];
      }> = [];
      for (const [index, group] of groups.entries()) {
        const seat = freeSeats[index]!;
        const response = await post(
          secretariat,
          '/terms',
          termForm(seat.id, joined(group), '2024-12-20', '2026-12-10'),
        );
        expect(response.status, `${group.map((p) => p.name)}: ${response.text.slice(0, 300)}`).toBe(303);
        const term = t.db
          .select()
          .from(terms)
          .where(and(eq(terms.seatId, seat.id), eq(terms.startsOn, '2024-12-20')))
          .get()!;
        current.push({
          termId: term.id,
          seat,
          members: piecesOf(term.memberName, group, 'term: memberName'),
          cities: piecesOf(trimmed(joined(group).text), group, 'term: cityName'),
        });
      }
      const everyone = (c: (typeof current)[number]) => [...c.members, ...c.cities];

      // Ending a term: its page names the member; the form refuses every payload in its fields.
      for (const c of current)
        findings.shows((await secretariat.get(`/terms/${c.termId}/end`)).text, 'end-term page', everyone(c));
      for (const payload of cases) {
        const state = storedState(t.db);
        const refusedEnd = await post(secretariat, `/terms/${current[0]!.termId}/end`, {
          endedOn: payload,
          reason: payload,
          nominationDeadline: payload,
        });
        expect(refusedEnd.status, payload.name).toBe(422);
        expect(changedTables(state, storedState(t.db)), payload.name).toEqual([]);
        findings.shows(refusedEnd.text, 'end-term form refused (422)', [
          shown(payload, 'end term: endedOn', payload.text),
          shown(payload, 'end term: nominationDeadline', payload.text),
        ]);
        findings.neverRaw(refusedEnd.text, 'end-term form refused (422)', [
          shown(payload, 'end term: reason', payload.text),
        ]);
      }

      const termsPage = (await secretariat.get('/terms')).text;
      const boardPage = (await client(t).get('/board')).text;
      for (const c of current) {
        findings.shows(termsPage, 'terms page (seats, timeline, composition)', everyone(c));
        findings.shows(boardPage, 'board page (public)', everyone(c));
      }
      const histories = new Map<number, string>();
      for (const seat of freeSeats)
        histories.set(seat.id, await allPages(secretariat, `/terms/seats/${seat.id}/history`));
      for (const p of past)
        findings.shows(histories.get(p.seat.id)!, 'seat history page', [p.member, p.city]);

      // The terms ending soon have upcoming vacancies; opening them names the departing member.
      const vacancyList = (await secretariat.get('/vacancies')).text;
      for (const c of current) {
        findings.shows(vacancyList, 'vacancies list (secretariat)', everyone(c));
        const opened = await post(secretariat, '/vacancies', {
          seatId: String(c.seat.id),
          nominationDeadline: '2026-12-15',
        });
        expect(opened.status, opened.text.slice(0, 300)).toBe(303);
        findings.shows((await secretariat.get(opened.headers.location!)).text, 'vacancy page', everyone(c));
      }
      const nominator = await logInAs(t, 'nominator.bogota');
      const openList = (await nominator.get('/vacancies')).text;
      const home = (await client(t).get('/')).text;
      const newForm = (await nominator.get('/nominations/new')).text;
      for (const c of current) {
        findings.shows(openList, 'vacancies list (nominator)', everyone(c));
        findings.shows(home, 'public home page (open seats)', c.cities);
        findings.shows(newForm, 'nomination form (the seats to choose from)', c.cities);
      }

      // Alerts: raised by the alerts job, on the alerts page and by e-mail, the subject a title.
      const outboxBefore = outboxRows(t).length;
      raiseAlerts(t.db, t.clock.now, { origin: ORIGIN });
      const alertsPage = await allPages(secretariat, '/alerts');
      const alertMail = outboxRows(t)
        .slice(outboxBefore)
        .filter((row) => row.kind.startsWith('alert:'));
      expect(alertMail.length).toBeGreaterThan(0);
      const mailOf = new Map<number, Shown[]>();
      for (const row of alertMail) findings.mail(row, 'alert e-mail', []);
      for (const c of current) {
        findings.shows(alertsPage, 'alerts page', everyone(c));
        const about = alertMail.filter((row) =>
          c.members.every((member) => row.textBody.includes(member.value)),
        );
        if (about.length === 0)
          findings.problems.push(`no alert e-mail about the term on seat ${c.seat.number}`);
        for (const row of about) {
          findings.mail(row, 'alert e-mail', everyone(c));
          mailOf.set(row.id, everyone(c));
        }
      }
      const dashboard = (await secretariat.get('/')).text;
      for (const c of current) findings.shows(dashboard, 'dashboard (secretariat)', everyone(c));

      // The secretariat's calendar feed: every term's end, the early mandate ends, the deadlines.
      const feed = await feedOf(t, 'secretariat');
      for (const problem of icsProblems(feed.text))
        findings.problems.push(`calendar feed (secretariat): ${problem}`);
      const texts = feed.events.flatMap((event) => [event.summary, event.description]);
      const inFeed = (value: Shown) => {
        const expected = asInFeed(value.value).replace(/\r\n|\r/g, '\n');
        if (texts.some((text) => text.includes(expected)))
          tally.record(value.payload.name, value.field, 'calendar feed');
        else findings.add('calendar feed (secretariat)', value, 'no event reads back the value');
      };
      for (const p of past) [p.member, p.city].forEach(inFeed);
      for (const c of current) everyone(c).forEach(inFeed);

      const auditPages = await allPages(secretariat, '/audit');
      const csv = await auditCsv(secretariat);
      findings.csv(csv.text, 'audit log CSV', []);
      for (const p of past) {
        findings.shows(auditPages, 'audit log page', [p.member]);
        const entry = csv.records.find(
          (r) => r.action === 'term.start' && r.parsed.memberName === p.member.value,
        );
        findings.csvDetails('audit log CSV', p.member, entry?.parsed.memberName);
      }
      await deliverAndCheckHeaders(t, findings, mailOf);
      findings.expectNone();
    } finally {
      await t.close();
    }
  });
});

interface Refusal {
  /** Which form, for the tally. */
  formName: string;
  surface: string;
  as: Browser;
  url: string;
  form: (payload: HostilePayload) => HostileForm;
  /** Fields the page shows again as typed (text inputs), escaped. */
  shown: string[];
  /** Fields it does not show as text (selects, checkboxes, ids): never raw. */
  hidden?: string[];
  /** Fields it must never show back at all (passwords). */
  secret?: string[];
  statuses?: number[];
}

/** Posts every payload into each form: refused, nothing stored, shown back harmlessly. */
async function expectRefused(t: TestApp, findings: Findings, refusals: readonly Refusal[]) {
  const typedValue = (form: HostileForm, field: string) => {
    const value = form[field === 'rank_<id>' ? 'rank_1' : field]!;
    return typeof value === 'object' && 'text' in value ? value.text : String(value);
  };
  for (const payload of [...PAYLOADS, overMax(200)]) {
    for (const refusal of refusals) {
      const before = storedState(t.db);
      const form = refusal.form(payload);
      const response = await post(refusal.as, refusal.url, form);
      expect(refusal.statuses ?? [422], `${refusal.surface}: ${payload.name}`).toContain(response.status);
      expect(changedTables(before, storedState(t.db)), `${refusal.surface}: ${payload.name}`).toEqual([]);
      const values = (fields: string[] = []) =>
        fields.map((field) => shown(payload, `${refusal.formName}: ${field}`, typedValue(form, field)));
      findings.shows(response.text, refusal.surface, values(refusal.shown));
      findings.neverRaw(response.text, refusal.surface, values(refusal.hidden));
      findings.neverEchoed(response.text, refusal.surface, values(refusal.secret));
    }
  }
}

describe('hostile input in fields that are not free text', () => {
  it('dates, numbers, choices, ids, passwords and filters refuse every payload (422, nothing stored) and show it back escaped or not at all', async () => {
    const t = await makeTestApp({ now: NOW });
    const findings = new Findings();
    try {
      const secretariat = await logInAs(t, 'secretariat');
      const amman = await logInAs(t, 'mayor.amman');
      const anonymous = client(t);
      // A ballot is set up among the demo's three nominations, shortlisted; then it is open to vote.
      for (const id of [1, 2, 3])
        expect(
          (
            await post(secretariat, `/nominations/${id}/review`, {
              status: 'shortlisted',
              note: '',
              from: 'submitted',
            })
          ).status,
        ).toBe(303);
      await expectRefused(t, findings, [
        {
          formName: 'ballot',
          surface: 'vacancy page: ballot refused (422)',
          as: secretariat,
          url: '/ballots',
          form: (p) => ({
            vacancyId: String(ATHENS_VACANCY),
            method: p,
            candidateIds: p,
            opensAt: p,
            closesAt: p,
            quorumPercent: p,
            secret: p,
            partnerVotes: p,
            tieRule: p,
          }),
          shown: ['opensAt', 'closesAt', 'quorumPercent'],
          hidden: ['method', 'candidateIds', 'secret', 'partnerVotes', 'tieRule'],
        },
        {
          formName: 'ballot',
          surface: 'refusal page: ballot for no vacancy (422)',
          as: secretariat,
          url: '/ballots',
          form: (p) => ({
            vacancyId: p,
            method: 'ranked',
            candidateIds: ['1'],
            opensAt: p,
            closesAt: p,
            quorumPercent: '50',
          }),
          shown: [],
          hidden: ['vacancyId'],
        },
      ]);
      const ballot = await post(secretariat, '/ballots', {
        vacancyId: String(ATHENS_VACANCY),
        method: 'ranked',
        candidateIds: ['1', '2', '3'],
        opensAt: '2026-11-28T08:00',
        closesAt: '2026-12-05T17:00',
        quorumPercent: '50',
      });
      expect(ballot.status).toBe(303);
      const ballotId = ballot.headers.location!.split('/').pop()!;

      await expectRefused(t, findings, [
        {
          formName: 'board settings',
          surface: 'settings page: board refused (422)',
          as: secretariat,
          url: '/settings/board',
          form: (p) => ({
            boardSize: p,
            termLengthMonths: p,
            termLimit: p,
            alertThresholdsDays: p,
            timeZone: p,
            jobIntervalMinutes: p,
          }),
          shown: ['boardSize', 'termLengthMonths', 'termLimit', 'alertThresholdsDays', 'jobIntervalMinutes'],
          hidden: ['timeZone'],
        },
        {
          formName: 'diversity settings',
          surface: 'settings page: diversity rules refused (422)',
          as: secretariat,
          url: '/settings/diversity',
          form: (p) => ({
            maxSeatsPerRegion: p,
            minRegions: p,
            requiredContexts: p,
            minSecondaryCities: p,
            enforcement: p,
          }),
          shown: ['maxSeatsPerRegion', 'minRegions', 'minSecondaryCities'],
          hidden: ['requiredContexts', 'enforcement'],
        },
        {
          formName: 'vacancy',
          surface: 'vacancies page: opening nominations refused (422)',
          as: secretariat,
          url: '/vacancies',
          form: (p) => ({ seatId: p, nominationDeadline: p }),
          shown: ['nominationDeadline'],
          hidden: ['seatId'],
        },
        {
          formName: 'vote confirmation',
          surface: 'ballot page: vote to confirm refused (422)',
          as: amman,
          url: `/ballots/${ballotId}/confirm`,
          form: (p) => ({ rank_1: p, rank_2: p, rank_3: p, abstain: p }),
          shown: [],
          hidden: ['rank_<id>', 'abstain'],
        },
        {
          formName: 'vote',
          surface: 'ballot page: vote refused (422)',
          as: amman,
          url: `/ballots/${ballotId}/votes`,
          form: (p) => ({ rank_1: p, rank_2: p, rank_3: p, abstain: p }),
          shown: [],
          hidden: ['rank_<id>', 'abstain'],
        },
        {
          formName: 'login',
          surface: 'login page refused',
          as: anonymous,
          url: '/login',
          form: (p) => ({ email: p, password: suffixed(p, '#password'), next: p }),
          shown: ['email'],
          hidden: ['next'],
          secret: ['password'],
          statuses: [401, 422, 429],
        },
        {
          formName: 'password change',
          surface: 'account page: password change refused (422)',
          as: amman,
          url: '/account/password',
          form: (p) => ({ currentPassword: p, newPassword: p, confirmPassword: suffixed(p, '!') }),
          shown: [],
          secret: ['currentPassword', 'newPassword', 'confirmPassword'],
          // Wrong current passwords count towards the login throttle: soon 429, the form shown again.
          statuses: [422, 429],
        },
      ]);

      // Filters are forms too (GET): shown back in the filter, never raw.
      for (const payload of [...PAYLOADS, overMax(200)]) {
        const query = encodeForm({
          action: payload,
          actor: payload,
          subject: payload,
          from: payload,
          to: payload,
        });
        const audit = await secretariat.get(`/audit?${query}`);
        expect(audit.status).toBe(200);
        findings.shows(
          audit.text,
          'audit log filter',
          ['actor', 'subject'].map((field) =>
            shown(payload, `audit filter: ${field}`, trimmed(payload.text)),
          ),
        );
        findings.neverRaw(
          audit.text,
          'audit log filter',
          ['action', 'from', 'to'].map((field) => shown(payload, `audit filter: ${field}`, payload.text)),
        );
        const { text: filteredCsv } = await textOfDownload(secretariat, `/audit.csv?${query}`);
        findings.csv(filteredCsv, 'audit log CSV (filtered)', []);
        const queue = await secretariat.get(
          `/vacancies/${ATHENS_VACANCY}?${encodeForm({ status: payload, region: payload, context: payload, sort: payload })}`,
        );
        expect(queue.status).toBe(200);
        findings.neverRaw(
          queue.text,
          'screening queue filter',
          ['status', 'region', 'context', 'sort'].map((field) =>
            shown(payload, `screening filter: ${field}`, payload.text),
          ),
        );
      }
      findings.expectNone();
    } finally {
      await t.close();
    }
  });
});

// Every form field where people type free text; each must have met every payload.
const FREE_TEXT_FIELDS = [
  'account request: name',
  'account request: cityName',
  'account request: roleAtCity',
  'invitation: name',
  'invitation: cityName',
  'nomination: nomineeName',
  'nomination: nomineeTitle',
  'nomination: cityName',
  'nomination: statement',
  'draft: nomineeName',
  'draft: nomineeTitle',
  'draft: statement',
  'review: note',
  'recusal: reason',
  'certification: overrideReason',
  'term: memberName',
  'term: cityName',
];

describe('the figure', () => {
  it('checked every payload in every field on at least one surface, and counts payloads x fields x surfaces (the README figure)', () => {
    const pairs = tally.pairs();
    const fields = [...new Set([...pairs].map((pair) => (JSON.parse(pair) as string[])[1]!))];
    expect(fields).toEqual(expect.arrayContaining(FREE_TEXT_FIELDS));
    // A field's name (the vote confirmation carries any field back) can only be typed text.
    const missing = fields.flatMap((field) =>
      (field.endsWith('a field’s name')
        ? PAYLOADS.filter((payload) => payload.encoded === undefined)
        : PAYLOADS
      )
        .filter((payload) => !pairs.has(JSON.stringify([payload.name, field])))
        .map((payload) => `${field}: ${payload.name}`),
    );
    expect(missing).toEqual([]);
    const figure = tally.summary();
    console.log(
      `Hostile input corpus: ${figure.payloads} payloads x ${figure.fields} fields x ${figure.surfaces} surfaces; ${figure.checks} payload x field x surface checks passed.`,
    );
  });
});
