// The world the trust tests act in: the demo board at a fixed instant, brought through the real
// routes and jobs to each state some route needs (nominations under screening, a shortlist, an
// open ballot, a closed one, a tie for the chair, a tie for a runoff), with one logged-in session
// per role. Each state is kept as a snapshot (the database image and the data folder beside it,
// which holds the server secret and uploaded files), from which any number of identical apps can
// be opened: a request that changes something gets an app of its own, so it changes no other
// request's answer. The clock never moves once a state is built, so no session is refreshed.
import { and, asc, eq, isNull } from 'drizzle-orm';
import supertest from 'supertest';
import type { Db } from '../../src/db/client.js';
import {
  accountRequests,
  alertRecipients,
  alerts,
  cities,
  nominations,
  outbox,
  terms,
  users,
  vacancies,
} from '../../src/db/schema.js';
import { demoEmail } from '../../src/demo/seed-demo.js';
import { raiseAlerts } from '../../src/features/alerts/raise-alerts.js';
import { calendarFeedKey, feedToken } from '../../src/features/calendar/feed-token.js';
import { MAX_ATTEMPTS } from '../../src/features/mail/deliver-outbox.js';
import { queueMail } from '../../src/features/mail/outbox.js';
import type { MailTransport } from '../../src/features/mail/transport.js';
import { deliverMail } from '../../src/jobs/deliver-mail.js';
import { ballotForm } from '../features/ballots/ballot-records.js';
import { deliveredInvitationToken } from '../features/mail/delivery.js';
import {
  type AppImage,
  client,
  cookieValue,
  DEMO_PASSWORD,
  imageOf,
  makeTestApp,
  ORIGIN,
  openImage,
  type TestApp,
} from '../helpers/app.js';

/** The instant every state is built at and every request is answered at. */
export const NOW = new Date('2026-11-28T09:00:00Z');
export const TODAY = '2026-11-28';
export const YESTERDAY = '2026-11-27';

export const ROLES = [
  'anonymous',
  'secretariat',
  'boardMember',
  'formerMember',
  'partner',
  'nominator',
  'otherNominator',
] as const;
export type Role = (typeof ROLES)[number];
export type LoggedInRole = Exclude<Role, 'anonymous'>;

/** The demo account (local part of the e-mail) that plays each role. */
export const ROLE_ACCOUNTS: Record<LoggedInRole, string> = {
  secretariat: 'secretariat',
  boardMember: 'mayor.amman',
  // Montreal's term is ended (yesterday) through the real route: the account stays, the rights go.
  formerMember: 'mayor.montreal',
  partner: 'partner.c40',
  // Montevideo made nomination 1; Bogota has made none.
  nominator: 'nominator.montevideo',
  otherNominator: 'nominator.bogota',
};

export const ROLE_NAMES: Record<Role, string> = {
  anonymous: 'anonymous visitor',
  secretariat: 'secretariat',
  boardMember: 'board member (Amman)',
  formerMember: 'former board member (Montreal, term ended)',
  partner: 'partner (C40)',
  nominator: 'nominator (Montevideo)',
  otherNominator: 'another city’s nominator (Bogota)',
};

export type StateName = 'screening' | 'shortlisted' | 'balloting' | 'closed' | 'tieForChair' | 'tieForRunoff';

export const STATE_NAMES: Record<StateName, string> = {
  screening: 'nominations under screening',
  shortlisted: 'the Athens candidates shortlisted',
  balloting: 'the Athens ballot open, Bristol has voted',
  closed: 'the Athens ballot closed with a winner',
  tieForChair: 'an Athens ballot tied, settled by the chair',
  tieForRunoff: 'an Athens ballot tied, settled by a runoff',
};

/** The ids of the objects the matrix's addresses name. */
export interface WorldIds {
  terms: { amman: number; milan: number; montreal: number; bristol: number };
  vacancies: { athens: number; bristol: number; montreal: number };
  seats: { bristol: number };
  /** Montevideo's submitted nomination (1), and its draft for Montreal's seat, with a PDF. */
  nominations: { montevideo: number; draft: number };
  users: { amman: number; bristol: number; invited: number };
  alerts: { boardMembers: number; someoneElses: number };
  /** Text that shows whose object a page reveals. */
  names: { montevideoNominee: string; draftNominee: string; bristolMayor: string; someoneElsesAlert: string };
  accountRequest: number;
  failedMessage: number;
  invitationToken: string;
  /** Calendar feed files (`<token>.ics`): Amman's, and two that must open nothing. */
  calendar: { boardMember: string; forged: string; otherUsersMac: string };
  /** The ballot of this state (none while screening). */
  ballot: number;
  /** Bristol's vote in the Athens ballot: the signed receipt cookie, and the code it shows. */
  bristolReceipt: { cookie: string; code: string } | null;
}

export interface Snapshot extends AppImage {
  name: StateName;
  ids: WorldIds;
}

export interface World {
  /** The Cookie header of each role's session (the same in every state). */
  sessions: Record<LoggedInRole, string>;
  snapshots: Record<StateName, Snapshot>;
}

// --- Opening apps -------------------------------------------------------------------------------

function takeSnapshot(t: TestApp, name: StateName, ids: WorldIds): Snapshot {
  return { name, ...imageOf(t), ids };
}

/** A fresh app on a copy of the state: same database, same server secret, same uploads, at NOW. */
export function openSnapshot(snapshot: Snapshot, env: Record<string, string> = {}): Promise<TestApp> {
  return openImage(snapshot, NOW, env);
}

// --- Requests as a role -------------------------------------------------------------------------

export type Form = Record<string, string | string[]>;

export interface Call {
  method: 'GET' | 'HEAD' | 'POST';
  url: string;
  form?: Form;
  /** The role's session cookie, if any, and any other cookies the browser would hold. */
  cookies?: string[];
  headers?: Record<string, string>;
}

/** A request as the app's own pages send it (same origin), unless headers say otherwise. */
export function send(t: TestApp, call: Call) {
  const agent = supertest(t.app.server);
  const request =
    call.method === 'GET'
      ? agent.get(call.url)
      : call.method === 'HEAD'
        ? agent.head(call.url)
        : agent.post(call.url);
  const headers = call.headers ?? { Origin: ORIGIN };
  for (const [name, value] of Object.entries(headers)) request.set(name, value);
  if (call.cookies && call.cookies.length > 0) request.set('Cookie', call.cookies.join('; '));
  if (call.method === 'POST') return request.type('form').send(call.form ?? {});
  return request;
}

export function sessionCookieOf(world: World, role: Role): string[] {
  return role === 'anonymous' ? [] : [world.sessions[role]];
}

// --- Reading the database -----------------------------------------------------------------------

/** Every row of every table (sqlite_sequence included), in a stable order: to compare states. */
export function dumpDatabase(db: Db): Record<string, unknown[]> {
  const sqlite = db.$client;
  const tables = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all() as Array<{ name: string }>;
  const dump: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    const rows = sqlite.prepare(`SELECT * FROM "${name}"`).all();
    dump[name] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return dump;
}

export function auditCount(db: Db): number {
  return (db.$client.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
}

export function userId(db: Db, localPart: string): number {
  const user = db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, demoEmail(localPart)))
    .get();
  if (!user) throw new Error(`The demo has no account ${localPart}.`);
  return user.id;
}

function termOfCity(db: Db, cityName: string): number {
  const row = db
    .select({ id: terms.id })
    .from(terms)
    .innerJoin(cities, eq(cities.id, terms.cityId))
    .where(eq(cities.name, cityName))
    .orderBy(asc(terms.startsOn))
    .all()
    .at(-1);
  if (!row) throw new Error(`${cityName} has no term.`);
  return row.id;
}

// --- Building the states ------------------------------------------------------------------------

const refusingRelay: MailTransport = {
  describe: 'refuses',
  async send() {
    throw new Error('451 4.7.1 Relay temporarily unavailable');
  },
  close() {},
};

async function expectStatus(
  response: supertest.Response | Promise<supertest.Response>,
  status: number,
  what: string,
) {
  const answer = await response;
  if (answer.status !== status)
    throw new Error(`${what}: expected ${status}, got ${answer.status}\n${answer.text.slice(0, 1500)}`);
  return answer;
}

export const PDF_BYTES = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);

/** A complete nomination form for `vacancyId`, for the nominator's own city. */
export function nominationForm(
  city: { cityName: string; country: string; nominee: string },
  vacancyId: number,
  intent: 'draft' | 'submit',
): Form {
  return {
    vacancyId: String(vacancyId),
    nomineeName: city.nominee,
    nomineeTitle: `Mayor of ${city.cityName}`,
    nomineeEmail: `mayor@${city.cityName.toLowerCase()}.example`,
    cityName: city.cityName,
    country: city.country,
    migrationContexts: ['destination', 'transit'],
    mandateEndsOn: '2031-06-30',
    statement: `${city.cityName} works with its migrant communities every day.`,
    consent: 'on',
    intent,
  };
}

export const MONTEVIDEO = { cityName: 'Montevideo', country: 'UY', nominee: 'Carolina Cosse' };
export const BOGOTA = { cityName: 'Bogota', country: 'CO', nominee: 'Carlos Fernando Galán' };

/** The Athens ballot as the vacancy page's form posts it: open since an hour ago, for a week. */
export function athensBallotForm(ids: WorldIds, overrides: Form = {}): Form {
  return ballotForm({ vacancyId: String(ids.vacancies.athens), ...overrides });
}

async function logIn(t: TestApp, localPart: string) {
  const browser = client(t);
  const response = await browser.logIn(demoEmail(localPart), DEMO_PASSWORD);
  return { browser, cookie: `session=${cookieValue(response.headers['set-cookie'], 'session')}` };
}

/** Nominations under screening: the demo board, plus everything the matrix's addresses name. */
async function buildScreening(t: TestApp): Promise<{ ids: WorldIds; sessions: World['sessions'] }> {
  const { db } = t;
  // A message the relay refused until it gave up: what the outbox's retry acts on. It is done a day
  // before NOW, first, so that the mail queued later is delivered normally.
  t.clock.now = new Date(NOW.getTime() - 24 * 60 * 60 * 1000);
  queueMail(
    db,
    { to: 'unreachable@city.example', subject: 'A notice', text: 'Hello.', kind: 'notice' },
    t.clock.now,
  );
  const failedMessage = db
    .select()
    .from(outbox)
    .where(eq(outbox.recipient, 'unreachable@city.example'))
    .get()!;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const message = db.select().from(outbox).where(eq(outbox.id, failedMessage.id)).get()!;
    t.clock.now = new Date(Math.max(t.clock.now.getTime(), Date.parse(message.nextAttemptAt)));
    await deliverMail({ db, config: t.config, serverSecret: t.app.serverSecret }, t.clock.now, {
      transport: refusingRelay,
    });
  }
  if (db.select().from(outbox).where(eq(outbox.id, failedMessage.id)).get()!.status !== 'failed')
    throw new Error('the refused message did not fail');
  t.clock.now = NOW;

  const { browser: secretariat } = await logIn(t, 'secretariat');
  const montrealTerm = termOfCity(db, 'Montreal');
  const ended = await expectStatus(
    secretariat.post(`/terms/${montrealTerm}/end`, {
      endedOn: YESTERDAY,
      reason: 'resigned',
      nominationDeadline: '2026-12-20',
    }),
    303,
    'ending Montreal’s term',
  );
  const montrealVacancy = Number(/\/vacancies\/(\d+)/.exec(ended.headers.location ?? '')![1]);

  const { browser: montevideo } = await logIn(t, 'nominator.montevideo');
  const draftRequest = montevideo.agent.post('/nominations').set('Origin', ORIGIN);
  for (const [name, value] of Object.entries(nominationForm(MONTEVIDEO, montrealVacancy, 'draft'))) {
    if (name === 'consent' || name === 'intent') continue;
    for (const item of Array.isArray(value) ? value : [value]) draftRequest.field(name, item);
  }
  draftRequest.attach('document', PDF_BYTES, { filename: 'letter.pdf', contentType: 'application/pdf' });
  draftRequest.field('intent', 'draft');
  const draft = await expectStatus(draftRequest, 303, 'saving Montevideo’s draft');
  const draftId = Number(/\/nominations\/(\d+)/.exec(draft.headers.location ?? '')![1]);

  raiseAlerts(db, NOW, { origin: ORIGIN });
  const amman = userId(db, 'mayor.amman');
  const bristol = userId(db, 'mayor.bristol');
  const alertOf = (recipient: number, other: number, present: boolean) => {
    const mine = db
      .select({ id: alerts.id })
      .from(alerts)
      .innerJoin(alertRecipients, eq(alertRecipients.alertId, alerts.id))
      .where(and(eq(alertRecipients.userId, recipient), isNull(alertRecipients.acknowledgedAt)))
      .orderBy(asc(alerts.id))
      .all()
      .map((row) => row.id);
    const others = new Set(
      db
        .select({ id: alertRecipients.alertId })
        .from(alertRecipients)
        .where(eq(alertRecipients.userId, other))
        .all()
        .map((row) => row.id),
    );
    const found = mine.find((id) => others.has(id) === present);
    if (found === undefined) throw new Error(`no alert of user ${recipient} fits`);
    return found;
  };
  // One of Amman's own alerts, and one of Bristol's that Amman did not receive.
  const boardMembersAlert = alertOf(amman, amman, true);
  const someoneElsesAlert = alertOf(bristol, amman, false);

  await expectStatus(
    secretariat.post('/accounts/invitations', {
      name: 'Invited Person',
      email: 'invited@quito.example',
      cityName: 'Quito',
      country: 'EC',
    }),
    303,
    'inviting a nominator',
  );
  const invitationToken = await deliveredInvitationToken(t, 'invited@quito.example');
  const invited = db.select().from(users).where(eq(users.email, 'invited@quito.example')).get()!;

  await expectStatus(
    client(t).post('/request-account', {
      name: 'Daniel Quintero',
      email: 'daniel@medellin.example',
      cityName: 'Medellín',
      country: 'CO',
      roleAtCity: 'Mayor',
    }),
    200,
    'requesting an account',
  );
  const accountRequest = db
    .select()
    .from(accountRequests)
    .where(eq(accountRequests.email, 'daniel@medellin.example'))
    .get()!;

  const feedKey = calendarFeedKey(t.app.serverSecret);
  const version = (id: number) =>
    db
      .select({ id: users.id, calendarVersion: users.calendarVersion })
      .from(users)
      .where(eq(users.id, id))
      .get()!;
  const ammanToken = feedToken(feedKey, version(amman));
  const bristolToken = feedToken(feedKey, version(bristol));
  const vacancyOfSeat = (termId: number) =>
    db.select({ id: vacancies.id }).from(vacancies).where(eq(vacancies.termId, termId)).get()!.id;
  const bristolTerm = termOfCity(db, 'Bristol');
  const bristolSeat = db.select({ seatId: terms.seatId }).from(terms).where(eq(terms.id, bristolTerm)).get()!;

  const nomineeOf = (id: number) =>
    db.select({ name: nominations.nomineeName }).from(nominations).where(eq(nominations.id, id)).get()!.name;
  const ids: WorldIds = {
    terms: {
      amman: termOfCity(db, 'Amman'),
      milan: termOfCity(db, 'Milan'),
      montreal: montrealTerm,
      bristol: bristolTerm,
    },
    vacancies: {
      athens: db
        .select({ id: vacancies.id })
        .from(vacancies)
        .where(eq(vacancies.status, 'open'))
        .orderBy(asc(vacancies.id))
        .get()!.id,
      bristol: vacancyOfSeat(bristolTerm),
      montreal: montrealVacancy,
    },
    seats: { bristol: bristolSeat.seatId },
    nominations: {
      montevideo: db
        .select({ id: nominations.id })
        .from(nominations)
        .where(eq(nominations.cityName, 'Montevideo'))
        .orderBy(asc(nominations.id))
        .get()!.id,
      draft: draftId,
    },
    users: { amman, bristol, invited: invited.id },
    alerts: { boardMembers: boardMembersAlert, someoneElses: someoneElsesAlert },
    names: {
      montevideoNominee: nomineeOf(1),
      draftNominee: nomineeOf(draftId),
      bristolMayor: db.select().from(users).where(eq(users.id, bristol)).get()!.displayName,
      someoneElsesAlert: db.select().from(alerts).where(eq(alerts.id, someoneElsesAlert)).get()!.title,
    },
    accountRequest: accountRequest.id,
    failedMessage: failedMessage.id,
    invitationToken,
    calendar: {
      boardMember: `${ammanToken}.ics`,
      forged: `${amman}-${'A'.repeat(43)}.ics`,
      // Bristol's mac under Amman's id: a valid signature, for another account.
      otherUsersMac: `${amman}-${bristolToken.slice(bristolToken.indexOf('-') + 1)}.ics`,
    },
    ballot: 0,
    bristolReceipt: null,
  };

  const sessions = {} as World['sessions'];
  for (const role of Object.keys(ROLE_ACCOUNTS) as LoggedInRole[]) {
    sessions[role] = (await logIn(t, ROLE_ACCOUNTS[role])).cookie;
  }
  // Whatever falls due at NOW is advanced now, not by the first request of a test.
  await expectStatus(supertest(t.app.server).get('/').set('Cookie', sessions.secretariat), 200, 'settling');
  return { ids, sessions };
}

async function shortlistAthens(t: TestApp) {
  const { browser } = await logIn(t, 'secretariat');
  for (const id of [1, 2, 3]) {
    await expectStatus(
      browser.post(`/nominations/${id}/review`, { status: 'shortlisted', note: '' }),
      303,
      `shortlisting nomination ${id}`,
    );
  }
}

async function openBallot(t: TestApp, form: Form): Promise<number> {
  const { browser } = await logIn(t, 'secretariat');
  const response = await expectStatus(browser.post('/ballots', form), 303, 'opening the ballot');
  return Number(/^\/ballots\/(\d+)$/.exec(response.headers.location ?? '')![1]);
}

async function vote(t: TestApp, who: string, ballotId: number, form: Form) {
  const { browser } = await logIn(t, who);
  return expectStatus(browser.post(`/ballots/${ballotId}/votes`, form), 303, `${who} voting`);
}

async function closeBallot(t: TestApp, ballotId: number) {
  const { browser } = await logIn(t, 'secretariat');
  await expectStatus(browser.post(`/ballots/${ballotId}/close`), 303, 'closing the ballot');
}

/** Two votes each for Montevideo and Dhaka North: a tie under the single-choice method. */
async function tiedBallot(t: TestApp, ids: WorldIds, tieRule: 'chair' | 'runoff'): Promise<number> {
  const ballot = await openBallot(t, athensBallotForm(ids, { method: 'single', tieRule }));
  await vote(t, 'mayor.bristol', ballot, { choice: '1' });
  await vote(t, 'mayor.freetown', ballot, { choice: '1' });
  await vote(t, 'mayor.kampala', ballot, { choice: '2' });
  await vote(t, 'mayor.milan', ballot, { choice: '2' });
  await closeBallot(t, ballot);
  return ballot;
}

async function derive(
  from: Snapshot,
  name: StateName,
  change: (t: TestApp, ids: WorldIds) => Promise<Partial<WorldIds>>,
): Promise<Snapshot> {
  const t = await openSnapshot(from);
  try {
    const ids = { ...from.ids, ...(await change(t, from.ids)) };
    await supertest(t.app.server).get('/board');
    return takeSnapshot(t, name, ids);
  } finally {
    await t.close();
  }
}

/** Builds every state, each from the one before it, through the real routes. */
export async function buildWorld(): Promise<World> {
  const t = await makeTestApp({ now: NOW });
  let screening: Snapshot;
  let sessions: World['sessions'];
  try {
    const built = await buildScreening(t);
    sessions = built.sessions;
    screening = takeSnapshot(t, 'screening', built.ids);
  } finally {
    await t.close();
  }
  const shortlisted = await derive(screening, 'shortlisted', async (app) => {
    await shortlistAthens(app);
    return {};
  });
  const balloting = await derive(shortlisted, 'balloting', async (app, ids) => {
    const ballot = await openBallot(app, athensBallotForm(ids));
    const voted = await vote(app, 'mayor.bristol', ballot, { rank_1: '1', rank_2: '2', rank_3: '3' });
    const cookie = `receipt-${ballot}=${cookieValue(voted.headers['set-cookie'], `receipt-${ballot}`)}`;
    const { cookie: bristol } = await logIn(app, 'mayor.bristol');
    const shown = await supertest(app.app.server)
      .get(`/ballots/${ballot}/receipt`)
      .set('Cookie', `${bristol}; ${cookie}`);
    const code = /data-receipt="([A-Z0-9-]+)"/.exec(shown.text)?.[1];
    if (!code) throw new Error('Bristol’s receipt was not shown to Bristol');
    return { ballot, bristolReceipt: { cookie, code } };
  });
  const closed = await derive(balloting, 'closed', async (app, ids) => {
    for (const who of ['mayor.freetown', 'mayor.kampala', 'mayor.los-angeles']) {
      await vote(app, who, ids.ballot, { rank_1: '1', rank_2: '2', rank_3: '3' });
    }
    await closeBallot(app, ids.ballot);
    return {};
  });
  const tieForChair = await derive(shortlisted, 'tieForChair', async (app, ids) => ({
    ballot: await tiedBallot(app, ids, 'chair'),
  }));
  const tieForRunoff = await derive(shortlisted, 'tieForRunoff', async (app, ids) => ({
    ballot: await tiedBallot(app, ids, 'runoff'),
  }));
  return {
    sessions: sessions!,
    snapshots: { screening: screening!, shortlisted, balloting, closed, tieForChair, tieForRunoff },
  };
}

/** One shared app per state, opened on first use: for requests that change nothing. */
export class SharedApps {
  private readonly open = new Map<StateName, Promise<TestApp>>();
  constructor(private readonly world: World) {}
  get(state: StateName): Promise<TestApp> {
    let app = this.open.get(state);
    if (!app) {
      app = openSnapshot(this.world.snapshots[state]);
      this.open.set(state, app);
    }
    return app;
  }
  async closeAll() {
    for (const app of this.open.values()) await (await app).close();
    this.open.clear();
  }
}
