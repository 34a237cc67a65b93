import { eq } from 'drizzle-orm';
import supertest from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nominations, vacancies } from '../../../src/db/schema.js';
import { addDays } from '../../../src/domain/dates.js';
import { client, logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import {
  auditEntries,
  boardState,
  DAY_MS,
  fieldError,
  fieldsWithErrors,
  NOW,
  SEAT,
  seatRow,
  TODAY,
  termOf,
  termsOnSeat,
  userIdOf,
  vacanciesOnSeat,
} from './board-records.js';

/** A new Athens mayor for the vacant Athens seat, starting today. */
const newAthensMember = (overrides: Record<string, string | string[]> = {}) => ({
  seatId: String(SEAT.athens),
  memberName: 'Haris Doukas',
  cityName: 'Athens',
  country: 'GR',
  migrationContexts: ['transit', 'destination', 'refugee_hosting'],
  userId: '',
  startsOn: TODAY,
  mandateEndsOn: '2029-10-31',
  ...overrides,
});

/** The demo's open vacancy on the Athens seat. */
const ATHENS_VACANCY = 1;

/**
 * Takes the demo's three submitted Athens nominations out of progress. While cities' nominations
 * for a seat's vacancy are in progress, its successor is chosen by the board's ballot and a term
 * on that seat cannot be recorded by hand; the tests of recording one on the Athens seat start
 * from a vacancy nobody (any longer) competes for.
 */
function withdrawAthensNominations(t: TestApp) {
  t.db
    .update(nominations)
    .set({ status: 'withdrawn' })
    .where(eq(nominations.vacancyId, ATHENS_VACANCY))
    .run();
}

const boardSettings = (overrides: Record<string, string> = {}) => ({
  boardSize: '8',
  termLengthMonths: '24',
  termLimit: '',
  alertThresholdsDays: '90, 60, 30, 7',
  ...overrides,
});

describe('the form to record a term', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterAll(async () => t.close());

  it('shows the secretariat every seat, the chosen one selected, starting today', async () => {
    const response = await (await logInAs(t, 'secretariat')).get(`/terms/new?seatId=${SEAT.athens}`);
    expect(response.status).toBe(200);
    for (let seat = 1; seat <= 8; seat += 1) expect(response.text).toContain(`>Seat ${seat}</option>`);
    expect(response.text).toContain(`<option value="${SEAT.athens}" selected>Seat 2</option>`);
    expect(response.text).toContain(`value="${TODAY}"`);
    expect(response.text).toContain('lasts 24 months');
  });

  it('answers 403 to a board member and a nominator, and sends an anonymous visitor to /login', async () => {
    expect((await (await logInAs(t, 'mayor.milan')).get('/terms/new')).status).toBe(403);
    expect((await (await logInAs(t, 'nominator.bogota')).get('/terms/new')).status).toBe(403);
    expect((await supertest(t.app.server).get('/terms/new')).status).toBe(303);
  });
});

describe('recording a term (secretariat)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    withdrawAthensNominations(t);
  });
  afterEach(async () => t.close());

  it('records a new Athens member on the vacant seat from today, with no nomination for it in progress: 24 months, term 1, the Athens vacancy filled, audited', async () => {
    const [athensVacancy] = vacanciesOnSeat(t, SEAT.athens);
    const secretariat = await logInAs(t, 'secretariat');
    const response = await secretariat.post('/terms', newAthensMember());
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/terms');

    const term = termOf(t, 'Athens');
    expect(term).toMatchObject({
      seatId: SEAT.athens,
      memberName: 'Haris Doukas',
      startsOn: TODAY,
      endsOn: '2028-11-28',
      termNumber: 1,
      mandateEndsOn: '2029-10-31',
      endedOn: null,
    });
    expect(vacanciesOnSeat(t, SEAT.athens)).toEqual([
      expect.objectContaining({ id: athensVacancy!.id, status: 'filled', filledByTermId: term.id }),
    ]);
    const [audit] = auditEntries(t, 'term.start');
    expect(audit).toMatchObject({ subjectId: String(term.id), actorLabel: 'secretariat@demo.mmc.example' });
    expect(audit!.details).toMatchObject({ seatId: SEAT.athens, startsOn: TODAY, endsOn: '2028-11-28' });
    expect(auditEntries(t, 'vacancy.fill').map((entry) => entry.subjectId)).toEqual([
      String(athensVacancy!.id),
    ]);

    const seat = seatRow((await secretariat.get('/terms')).text, SEAT.athens)!;
    expect(seat.cell('Member')).toContain('Haris Doukas');
  });

  it('records a renewal: Bristol’s member again on seat 3 from the day the old term ended is term 2, with no overlap', async () => {
    const oldTerm = termOf(t, 'Bristol');
    t.clock.advance(26 * DAY_MS); // Bristol's term ended yesterday.
    const bristolMayor = await logInAs(t, 'mayor.bristol');
    expect((await bristolMayor.get('/terms')).status).toBe(403);

    const response = await (await logInAs(t, 'secretariat')).post('/terms', {
      seatId: String(SEAT.bristol),
      memberName: 'Eleanor Whitfield',
      cityName: 'Bristol',
      country: 'GB',
      migrationContexts: 'destination',
      userId: String(userIdOf(t, 'mayor.bristol')),
      startsOn: oldTerm.endsOn,
    });
    expect(response.status).toBe(303);

    const [previous, renewal] = termsOnSeat(t, SEAT.bristol);
    expect(previous!.id).toBe(oldTerm.id);
    expect(renewal).toMatchObject({ termNumber: 2, startsOn: oldTerm.endsOn, endsOn: '2028-12-23' });
    expect(renewal!.startsOn >= previous!.endsOn).toBe(true);
    expect(vacanciesOnSeat(t, SEAT.bristol)).toEqual([
      expect.objectContaining({ status: 'filled', filledByTermId: renewal!.id }),
    ]);
    expect((await bristolMayor.get('/terms')).status).toBe(200);
  });

  it('starts a term on 29 February 2028 that ends on 28 February 2030', async () => {
    const response = await (await logInAs(t, 'secretariat')).post(
      '/terms',
      newAthensMember({
        memberName: 'Johnson Sakaja',
        cityName: 'Nairobi',
        country: 'KE',
        startsOn: '2028-02-29',
      }),
    );
    expect(response.status).toBe(303);
    expect(termOf(t, 'Nairobi')).toMatchObject({ startsOn: '2028-02-29', endsOn: '2030-02-28' });
  });

  it('lasts the term length set in the settings', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    expect(
      (await secretariat.post('/settings/board', boardSettings({ termLengthMonths: '36' }))).status,
    ).toBe(303);
    expect((await secretariat.post('/terms', newAthensMember())).status).toBe(303);
    expect(termOf(t, 'Athens').endsOn).toBe('2029-11-28');
  });
});

describe('a seat whose successor the board’s ballot chooses', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('refuses a term by hand on the Athens seat while cities’ nominations for its vacancy are in progress (422 beside the seat), storing nothing', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const before = boardState(t);
    const response = await secretariat.post('/terms', newAthensMember());
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['seatId']);
    expect(fieldError(response.text, 'seatId')).toMatch(/3 nominations in progress/);
    expect(fieldError(response.text, 'seatId')).toMatch(/its successor is chosen by the board's ballot/);
    expect(response.text).toContain('value="Haris Doukas"');
    expect(boardState(t)).toBe(before);
    expect(vacanciesOnSeat(t, SEAT.athens)).toEqual([
      expect.objectContaining({ id: ATHENS_VACANCY, status: 'open', filledByTermId: null }),
    ]);
  });

  it('refuses it while a single nomination is still in progress, whatever its screening found', async () => {
    withdrawAthensNominations(t);
    const secretariat = await logInAs(t, 'secretariat');
    for (const status of ['submitted', 'eligible', 'ineligible', 'shortlisted'] as const) {
      t.db.update(nominations).set({ status }).where(eq(nominations.id, 1)).run();
      const before = boardState(t);
      const response = await secretariat.post('/terms', newAthensMember());
      expect(response.status, status).toBe(422);
      expect(fieldError(response.text, 'seatId'), status).toMatch(/1 nomination in progress/);
      expect(boardState(t), status).toBe(before);
    }
  });

  it('refuses it while the vacancy is balloting, even with no nomination in progress', async () => {
    withdrawAthensNominations(t);
    t.db.update(vacancies).set({ status: 'balloting' }).where(eq(vacancies.id, ATHENS_VACANCY)).run();
    const secretariat = await logInAs(t, 'secretariat');
    const before = boardState(t);
    const response = await secretariat.post('/terms', newAthensMember());
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['seatId']);
    expect(fieldError(response.text, 'seatId')).toMatch(/is in a ballot/);
    expect(boardState(t)).toBe(before);
  });
});

describe('refusing a term that breaks the rules (422 beside the field, nothing stored)', () => {
  let t: TestApp;
  let secretariat: Awaited<ReturnType<typeof logInAs>>;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
    secretariat = await logInAs(t, 'secretariat');
  });
  afterAll(async () => t.close());

  async function refused(form: Record<string, string | string[]>) {
    const before = boardState(t);
    const response = await secretariat.post('/terms', form);
    expect(response.status).toBe(422);
    expect(boardState(t)).toBe(before);
    return response.text;
  }

  it('refuses a term on seat 1 starting today, naming Amman’s sitting member beside the start date', async () => {
    const page = await refused(
      newAthensMember({
        seatId: String(SEAT.amman),
        memberName: 'Omar Khalil',
        cityName: 'Casablanca',
        country: 'MA',
      }),
    );
    expect(fieldsWithErrors(page)).toEqual(['startsOn']);
    expect(fieldError(page, 'startsOn')).toMatch(/Seat 1 is held by Rania Haddad \(Amman\)/);
    expect(page).toContain('value="Omar Khalil"');
  });

  it('refuses Milan on the Athens seat while Milan holds seat 7, beside the city, however the name is typed', async () => {
    for (const cityName of ['Milan', ' MILAN ']) {
      const page = await refused(
        newAthensMember({
          memberName: 'Giulia Rossi',
          cityName,
          country: 'IT',
          migrationContexts: 'transit',
        }),
      );
      expect(fieldsWithErrors(page)).toEqual(['cityName']);
      expect(fieldError(page, 'cityName')).toMatch(/Milan already holds seat 7/);
    }
  });

  it('refuses a term without a migration context', async () => {
    const page = await refused(newAthensMember({ migrationContexts: [] }));
    expect(fieldsWithErrors(page)).toEqual(['migrationContexts']);
  });

  it('refuses a migration context that is not in the taxonomy', async () => {
    const page = await refused(newAthensMember({ migrationContexts: ['transit', 'tourism'] }));
    expect(fieldsWithErrors(page)).toEqual(['migrationContexts']);
  });

  it('refuses an unknown country, keeping what was typed', async () => {
    const page = await refused(newAthensMember({ country: 'ZZ' }));
    expect(fieldsWithErrors(page)).toEqual(['country']);
    expect(page).toContain('value="Haris Doukas"');
  });

  it('refuses a start date that is not a calendar date, beside the start date', async () => {
    for (const startsOn of ['2027-02-30', 'next week', '']) {
      expect(fieldsWithErrors(await refused(newAthensMember({ startsOn }))), startsOn).toEqual(['startsOn']);
    }
  });

  it('refuses a mandate end that is not a calendar date, beside the mandate end', async () => {
    for (const mandateEndsOn of ['2029-13-01', 'after the election']) {
      expect(fieldsWithErrors(await refused(newAthensMember({ mandateEndsOn }))), mandateEndsOn).toEqual([
        'mandateEndsOn',
      ]);
    }
  });

  it('refuses a mayoral mandate that ends before the term starts', async () => {
    const page = await refused(newAthensMember({ mandateEndsOn: addDays(TODAY, -1) }));
    expect(fieldsWithErrors(page)).toEqual(['mandateEndsOn']);
    expect(fieldError(page, 'mandateEndsOn')).toMatch(/must end after the term starts/);
  });

  it('refuses an unknown seat, an empty name and an account that is not a board member’s', async () => {
    expect(fieldsWithErrors(await refused(newAthensMember({ seatId: '99' })))).toEqual(['seatId']);
    expect(fieldsWithErrors(await refused(newAthensMember({ memberName: '  ' })))).toEqual(['memberName']);
    const nominatorId = String(userIdOf(t, 'nominator.bogota'));
    expect(fieldsWithErrors(await refused(newAthensMember({ userId: nominatorId })))).toEqual(['userId']);
  });
});

describe('the term limit', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    withdrawAthensNominations(t);
  });
  afterEach(async () => t.close());

  // Nikos Papadakis's Athens term ended ten days ago.
  const athensMemberAgain = (startsOn: string) =>
    newAthensMember({ memberName: 'Nikos Papadakis', startsOn, mandateEndsOn: '2031-10-31' });

  it('refuses, with a limit of one term, the Athens member a consecutive term, beside the member’s name', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    expect((await secretariat.post('/settings/board', boardSettings({ termLimit: '1' }))).status).toBe(303);
    const before = boardState(t);
    const response = await secretariat.post('/terms', athensMemberAgain(TODAY));
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['memberName']);
    expect(fieldError(response.text, 'memberName')).toMatch(/Nikos Papadakis has served 1 consecutive term/);
    expect(boardState(t)).toBe(before);
  });

  it('lets the same member return, under the same limit, after a break of more than 90 days', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    await secretariat.post('/settings/board', boardSettings({ termLimit: '1' }));
    const response = await secretariat.post('/terms', athensMemberAgain(addDays(TODAY, 90)));
    expect(response.status).toBe(303);
    expect(termOf(t, 'Athens')).toMatchObject({ memberName: 'Nikos Papadakis', termNumber: 2 });
  });

  it('counts the whole run: with a limit of two terms, refuses Amman’s member a third consecutive term', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    await secretariat.post('/settings/board', boardSettings({ termLimit: '2' }));
    const amman = termOf(t, 'Amman');
    const response = await secretariat.post('/terms', {
      seatId: String(SEAT.amman),
      memberName: 'Rania Haddad',
      cityName: 'Amman',
      country: 'JO',
      migrationContexts: ['refugee_hosting', 'destination'],
      startsOn: amman.endsOn,
    });
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['memberName']);
    expect(fieldError(response.text, 'memberName')).toMatch(/has served 2 consecutive term/);
  });

  it('without a limit (the default), records the same member’s consecutive term as term 2', async () => {
    const response = await (await logInAs(t, 'secretariat')).post('/terms', athensMemberAgain(TODAY));
    expect(response.status).toBe(303);
    expect(termOf(t, 'Athens')).toMatchObject({
      memberName: 'Nikos Papadakis',
      termNumber: 2,
      startsOn: TODAY,
    });
  });
});

describe('who may record a term', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterAll(async () => t.close());

  it('answers 403 to a board member, a partner and a nominator, and stores nothing', async () => {
    const before = boardState(t);
    for (const account of ['mayor.milan', 'partner.c40', 'nominator.bogota']) {
      expect((await (await logInAs(t, account)).post('/terms', newAthensMember())).status, account).toBe(403);
    }
    expect(boardState(t)).toBe(before);
  });

  it('sends an anonymous request to /login and refuses a forged one without Origin, storing nothing', async () => {
    const before = boardState(t);
    expect((await client(t).post('/terms', newAthensMember())).status).toBe(303);
    const secretariat = await logInAs(t, 'secretariat');
    expect((await secretariat.agent.post('/terms').type('form').send(newAthensMember())).status).toBe(403);
    expect(boardState(t)).toBe(before);
  });
});
