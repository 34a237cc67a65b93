// The rules that must hold under any concurrency, raced for real: every rule gets a freshly seeded
// database, the in-process app on it and a second server process on the same file, and its
// requests are fired at both at the same moment. Inside one process a synchronous transaction never
// meets another, so a same-process "race" tests sequencing, not locking; across two processes the
// write lock (BEGIN IMMEDIATE), the unique indexes and the guarded updates must settle it (STYLE.md,
// "Concurrency is tested across two connections or processes").
import { asc, eq } from 'drizzle-orm';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  invitations,
  nominationEvents,
  nominations,
  users,
  vacancies,
  voterRoll,
} from '../../../src/db/schema.js';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { verifyAuditChain } from '../../../src/features/audit-log/audit-log.js';
import { client, cookieValue, DEMO_PASSWORD, makeTestApp, type TestApp } from '../../helpers/app.js';
import { browserOn, type ServerProcess, startServerProcess } from '../../helpers/server-process.js';
import { ballotForm, rollEntryOf, shortlistAll, votesIn } from '../ballots/ballot-records.js';
import { deliveredInvitationToken } from '../mail/delivery.js';
import { bogotaForm, NOMINATION, VACANCY } from '../nominations/nomination-records.js';
import { auditEntries, termById, termOf, textOf } from '../terms/board-records.js';

// Requests each process receives in one race: enough that both hold the write lock in turn
// many times over, few enough for two shared cores.
const PER_PROCESS = 10;
// Starting a server child takes a second or two, more on a busy machine.
const START_TIMEOUT_MS = 60_000;

type Form = Record<string, string | string[]>;

/** A user's browser on both processes: one session, made through the in-process app. */
interface TwoProcessBrowser {
  here: ReturnType<typeof client>;
  there: ReturnType<typeof browserOn>;
}

interface Race {
  t: TestApp;
  server: ServerProcess;
}

/** A freshly seeded database for the describe block, the in-process app on it and a server child. */
function raceOnFreshDatabase(): Race {
  const race = {} as Race;
  beforeAll(async () => {
    race.t = await makeTestApp();
    race.server = await startServerProcess(race.t.config.databasePath);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await race.server?.stop();
    await race.t?.close();
  });
  return race;
}

/**
 * Logs in through the in-process app and carries the session cookie to the server child: the
 * session lives in the database, so both processes know the same browser.
 */
async function logInOnBoth(race: Race, email: string): Promise<TwoProcessBrowser> {
  const here = client(race.t);
  const login = await here.logIn(email);
  const session = cookieValue(login.headers['set-cookie'], 'session');
  if (!session) throw new Error(`The login as ${email} set no session cookie.`);
  return { here, there: browserOn(race.server, { session }) };
}

/** A second account with the same role and city as a demo account, with the demo password. */
function colleagueOf(t: TestApp, localPart: string, colleague: number): string {
  const demo = t.db
    .select()
    .from(users)
    .where(eq(users.email, demoEmail(localPart)))
    .get()!;
  const email = demoEmail(`${localPart}.colleague${colleague}`);
  t.db
    .insert(users)
    .values({
      email,
      displayName: `${demo.displayName} (colleague ${colleague})`,
      role: demo.role,
      cityId: demo.cityId,
      passwordHash: demo.passwordHash,
    })
    .run();
  return email;
}

/** One browser's door to one of the two processes. */
type Side = TwoProcessBrowser['here'] | TwoProcessBrowser['there'];

/**
 * Fires `PER_PROCESS` posts at each process, the browsers taking turns, all at once: every
 * request is sent before any answer is awaited.
 */
async function raceAcross(
  browsers: TwoProcessBrowser[],
  post: (side: Side, browser: TwoProcessBrowser) => Promise<Response>,
): Promise<Response[]> {
  const requests: Promise<Response>[] = [];
  for (let index = 0; index < PER_PROCESS; index += 1) {
    const browser = browsers[index % browsers.length]!;
    requests.push(post(browser.here, browser), post(browser.there, browser));
  }
  return Promise.all(requests);
}

function statuses(responses: Response[]): number[] {
  return responses.map((response) => response.status).sort((a, b) => a - b);
}

const oneWinner = () => [303, ...Array<number>(2 * PER_PROCESS - 1).fill(409)];

function winnerOf(responses: Response[]): Response {
  const winners = responses.filter((response) => response.status === 303);
  expect(winners).toHaveLength(1);
  return winners[0]!;
}

/** Any interleaving left the hash chain whole: no entry was written on a stale previous hash. */
function expectIntactAuditChain(t: TestApp) {
  expect(verifyAuditChain(t.db)).toMatchObject({ ok: true });
}

const bogotaDraft = () => bogotaForm({ consent: undefined, intent: 'draft' });

const nominationsOfCity = (t: TestApp, key: string) =>
  t.db.select().from(nominations).where(eq(nominations.cityKey, key)).orderBy(asc(nominations.id)).all();

describe('a city nominated twice at once from two processes', () => {
  const race = raceOnFreshDatabase();

  it('records exactly one nomination when several nominators of a city submit it at once from two processes: one 303, the rest 409', async () => {
    const emails = [
      demoEmail('nominator.bogota'),
      ...[1, 2, 3, 4].map((n) => colleagueOf(race.t, 'nominator.bogota', n)),
    ];
    const browsers = await Promise.all(emails.map((email) => logInOnBoth(race, email)));

    const responses = await raceAcross(browsers, (side) => side.post('/nominations', bogotaForm()));

    expect(statuses(responses)).toEqual(oneWinner());
    const rows = nominationsOfCity(race.t, 'CO:bogota');
    expect(rows.map((row) => row.status)).toEqual(['submitted']);
    expect(winnerOf(responses).headers.location).toBe(`/nominations/${rows[0]!.id}`);
    for (const refused of responses.filter((response) => response.status === 409))
      expect(textOf(refused.text)).toContain('Your city, Bogota, already has a nomination for this seat.');
    expect(auditEntries(race.t, 'nomination.submit').map((entry) => entry.subjectId)).toEqual([
      String(rows[0]!.id),
    ]);
    expectIntactAuditChain(race.t);
  });
});

describe('one nominator saving many drafts at once from two processes', () => {
  const race = raceOnFreshDatabase();

  it('keeps exactly one draft of a nominator for a vacancy when they save many at once from two processes: one 303, the rest 409', async () => {
    const bogota = await logInOnBoth(race, demoEmail('nominator.bogota'));

    const responses = await raceAcross([bogota], (side) => side.post('/nominations', bogotaDraft()));

    expect(statuses(responses)).toEqual(oneWinner());
    const rows = nominationsOfCity(race.t, 'CO:bogota');
    expect(rows.map((row) => row.status)).toEqual(['draft']);
    expect(winnerOf(responses).headers.location).toBe(`/nominations/${rows[0]!.id}`);
    for (const refused of responses.filter((response) => response.status === 409))
      expect(textOf(refused.text)).toContain('You already have a draft nomination for this seat.');
    expect(auditEntries(race.t, 'nomination.draft')).toHaveLength(1);
    expectIntactAuditChain(race.t);
  });
});

describe('two drafts of one city submitted at once from two processes', () => {
  const race = raceOnFreshDatabase();

  it('submits exactly one of two colleagues’ drafts of a city when both submit at once from two processes; the other stays a draft', async () => {
    const bogota = await logInOnBoth(race, demoEmail('nominator.bogota'));
    const colleague = await logInOnBoth(race, colleagueOf(race.t, 'nominator.bogota', 1));
    const draftIds = new Map<TwoProcessBrowser, number>();
    for (const browser of [bogota, colleague]) {
      const saved = await browser.here.post('/nominations', bogotaDraft());
      expect(saved.status).toBe(303);
      draftIds.set(browser, Number(/^\/nominations\/(\d+)$/.exec(saved.headers.location ?? '')![1]));
    }

    // Each nominator submits their own draft, from both processes at once.
    const responses = await raceAcross([bogota, colleague], (side, browser) =>
      side.post(`/nominations/${draftIds.get(browser)}`, bogotaForm()),
    );

    expect(statuses(responses)).toEqual(oneWinner());
    const rows = nominationsOfCity(race.t, 'CO:bogota');
    expect(rows.map((row) => row.status).sort()).toEqual(['draft', 'submitted']);
    const submitted = rows.find((row) => row.status === 'submitted')!;
    expect(winnerOf(responses).headers.location).toBe(`/nominations/${submitted.id}`);
    // The losing draft was not touched: no submission time, no history beyond its saving.
    const draft = rows.find((row) => row.status === 'draft')!;
    expect(draft.submittedAt).toBeNull();
    expect(
      race.t.db.select().from(nominationEvents).where(eq(nominationEvents.nominationId, draft.id)).all(),
    ).toHaveLength(1);
    expect(auditEntries(race.t, 'nomination.submit').map((entry) => entry.subjectId)).toEqual([
      String(submitted.id),
    ]);
    expectIntactAuditChain(race.t);
  });
});

describe('two reviewers deciding on one nomination at once from two processes', () => {
  const race = raceOnFreshDatabase();

  it('records exactly one of two reviewers’ different decisions on a nomination made at once from two processes; the others are told it changed', async () => {
    const first = await logInOnBoth(race, demoEmail('secretariat'));
    const second = await logInOnBoth(race, colleagueOf(race.t, 'secretariat', 1));
    const eventsBefore = race.t.db
      .select()
      .from(nominationEvents)
      .where(eq(nominationEvents.nominationId, NOMINATION.zurich))
      .all().length;

    // Both reviewers saw the nomination as submitted; each records a different decision.
    const responses = await raceAcross([first, second], (side, browser) =>
      side.post(`/nominations/${NOMINATION.zurich}/review`, {
        status: browser === first ? 'eligible' : 'shortlisted',
        note: '',
        from: 'submitted',
      }),
    );

    expect(statuses(responses)).toEqual(oneWinner());
    expect(winnerOf(responses).headers.location).toBe(
      `/vacancies/${VACANCY.athens}#nomination-${NOMINATION.zurich}`,
    );
    for (const refused of responses.filter((response) => response.status === 409))
      expect(textOf(refused.text)).toContain(`Nomination ${NOMINATION.zurich} was changed by someone else`);
    const events = race.t.db
      .select()
      .from(nominationEvents)
      .where(eq(nominationEvents.nominationId, NOMINATION.zurich))
      .all();
    expect(events).toHaveLength(eventsBefore + 1);
    const reviews = auditEntries(race.t, 'nomination.review');
    expect(reviews).toHaveLength(1);
    const status = race.t.db
      .select()
      .from(nominations)
      .where(eq(nominations.id, NOMINATION.zurich))
      .get()!.status;
    expect(reviews[0]!.details).toMatchObject({ from: 'submitted', to: status });
    expectIntactAuditChain(race.t);
  });
});

describe('one nomination withdrawn many times at once from two processes', () => {
  const race = raceOnFreshDatabase();

  it('withdraws a nomination exactly once when its nominator withdraws it many times at once from two processes: one 303, the rest 409', async () => {
    const montevideo = await logInOnBoth(race, demoEmail('nominator.montevideo'));

    const responses = await raceAcross([montevideo], (side) =>
      side.post(`/nominations/${NOMINATION.montevideo}/withdraw`),
    );

    expect(statuses(responses)).toEqual(oneWinner());
    expect(winnerOf(responses).headers.location).toBe(`/nominations/${NOMINATION.montevideo}`);
    for (const refused of responses.filter((response) => response.status === 409))
      expect(textOf(refused.text)).toContain('can no longer be withdrawn: it is withdrawn.');
    const withdrawals = auditEntries(race.t, 'nomination.withdraw');
    expect(withdrawals.map((entry) => [entry.subjectId, entry.details.from])).toEqual([
      [String(NOMINATION.montevideo), 'submitted'],
    ]);
    const events = race.t.db
      .select()
      .from(nominationEvents)
      .where(eq(nominationEvents.nominationId, NOMINATION.montevideo))
      .all();
    expect(events.map((event) => event.toStatus)).toEqual(['submitted', 'withdrawn']);
    expectIntactAuditChain(race.t);
  });
});

describe('one term ended many times at once from two processes', () => {
  const race = raceOnFreshDatabase();

  it('ends a term exactly once, with one vacancy, when the secretariat ends it many times at once from two processes: one 303, the rest 409', async () => {
    const secretariat = await logInOnBoth(race, demoEmail('secretariat'));
    const kampala = termOf(race.t, 'Kampala');
    const today = race.t.app.today();
    const form: Form = { endedOn: today, reason: 'resigned', nominationDeadline: '' };

    const responses = await raceAcross([secretariat], (side) => side.post(`/terms/${kampala.id}/end`, form));

    expect(statuses(responses)).toEqual(oneWinner());
    const termVacancies = race.t.db.select().from(vacancies).where(eq(vacancies.termId, kampala.id)).all();
    expect(termVacancies).toHaveLength(1);
    expect(winnerOf(responses).headers.location).toBe(`/vacancies/${termVacancies[0]!.id}`);
    for (const refused of responses.filter((response) => response.status === 409))
      expect(textOf(refused.text)).toContain(
        `Term ${kampala.id} (${kampala.memberName}) already ended on ${today}`,
      );
    expect(termById(race.t, kampala.id)).toMatchObject({ endedOn: today, endReason: 'resigned' });
    expect(auditEntries(race.t, 'term.end').map((entry) => entry.subjectId)).toEqual([String(kampala.id)]);
    expectIntactAuditChain(race.t);
  });
});

describe('one invitation link used many times at once from two processes', () => {
  const race = raceOnFreshDatabase();

  it('activates an invited account exactly once, with one session, when its link is posted many times at once from two processes; the rest find it used (404)', async () => {
    const secretariat = await logInOnBoth(race, demoEmail('secretariat'));
    const email = 'ana.lima@recife.example';
    const invited = await secretariat.here.post('/accounts/invitations', {
      name: 'Ana Lima',
      email,
      cityName: 'Recife',
      country: 'BR',
    });
    expect(invited.status).toBe(303);
    // The link exists only once its e-mail is delivered (DESIGN.md, "Secrets never rest in plain text").
    const token = await deliveredInvitationToken(race.t, email);
    const password = `${DEMO_PASSWORD} for Recife`;

    // Whoever holds the link is anonymous: a fresh browser per request, on either process.
    const requests: Promise<Response>[] = [];
    for (let index = 0; index < PER_PROCESS; index += 1) {
      const form = { password, confirmPassword: password };
      requests.push(
        client(race.t).post(`/invitations/${token}`, form),
        browserOn(race.server).post(`/invitations/${token}`, form),
      );
    }
    const responses = await Promise.all(requests);

    expect(statuses(responses)).toEqual([303, ...Array<number>(2 * PER_PROCESS - 1).fill(404)]);
    const winner = winnerOf(responses);
    expect(winner.headers.location).toBe('/');
    const session = cookieValue(winner.headers['set-cookie'], 'session');
    expect(session).toBeTruthy();
    for (const refused of responses.filter((response) => response.status === 404))
      expect(cookieValue(refused.headers['set-cookie'], 'session')).toBeFalsy();
    const user = race.t.db.select().from(users).where(eq(users.email, email)).get()!;
    expect(user.passwordHash).not.toBeNull();
    const used = race.t.db
      .select()
      .from(invitations)
      .where(eq(invitations.userId, user.id))
      .all()
      .filter((invitation) => invitation.usedAt !== null);
    expect(used).toHaveLength(1);
    // The session is a real one, good on the other process too.
    const account = await browserOn(race.server, { session }).get('/account');
    expect(account.status).toBe(200);
    expect(textOf(account.text)).toContain(email);
    expect(auditEntries(race.t, 'account.activate').map((entry) => entry.subjectId)).toEqual([
      String(user.id),
    ]);
    expectIntactAuditChain(race.t);
  });
});

describe('one voter voting many times at once from two processes', () => {
  const race = raceOnFreshDatabase();

  it('records exactly one vote when a voter submits twenty at once across two processes: one 303, the rest 409, the roll marked once', async () => {
    // The ballot opened an hour ago and closes in a week, by the real clock both processes read.
    const minute = (date: Date) => date.toISOString().slice(0, 16);
    const now = race.t.clock.now;
    const secretariat = client(race.t);
    await secretariat.logIn(demoEmail('secretariat'));
    await shortlistAll(race.t, secretariat);
    const created = await secretariat.post(
      '/ballots',
      ballotForm({
        method: 'single',
        opensAt: minute(new Date(now.getTime() - 3_600_000)),
        closesAt: minute(new Date(now.getTime() + 7 * 86_400_000)),
      }),
    );
    expect(created.status).toBe(303);
    const ballotId = Number(/^\/ballots\/(\d+)$/.exec(created.headers.location ?? '')![1]);
    const amman = await logInOnBoth(race, demoEmail('mayor.amman'));

    // The submissions alternate between two candidates: only the first to claim the roll counts.
    let sent = 0;
    const responses = await raceAcross([amman], (side) =>
      side.post(`/ballots/${ballotId}/votes`, { choice: String((sent++ % 2) + 1) }),
    );

    expect(statuses(responses)).toEqual(oneWinner());
    expect(winnerOf(responses).headers.location).toBe(`/ballots/${ballotId}/receipt`);
    for (const refused of responses.filter((response) => response.status === 409))
      expect(textOf(refused.text)).toContain('You have already voted in this ballot; a vote is final.');
    expect(votesIn(race.t, ballotId)).toHaveLength(1);
    expect(rollEntryOf(race.t, ballotId, 'mayor.amman')).toMatchObject({ voted: true, recusal: null });
    expect(race.t.db.select().from(voterRoll).where(eq(voterRoll.voted, true)).all()).toHaveLength(1);
    expect(auditEntries(race.t, 'ballot.vote')).toHaveLength(1);
    expectIntactAuditChain(race.t);
  });
});
