import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/dates.js';
import { client, logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import {
  auditEntries,
  boardState,
  fieldError,
  fieldsWithErrors,
  NOW,
  SEAT,
  TODAY,
  termOf,
  vacanciesOnSeat,
} from '../terms/board-records.js';

describe('opening nominations for a seat (secretariat)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('opens Bristol’s upcoming vacancy with a deadline: 303 to the vacancy, now open, audited', async () => {
    const [upcoming] = vacanciesOnSeat(t, SEAT.bristol);
    const deadline = addDays(TODAY, 20);
    const secretariat = await logInAs(t, 'secretariat');
    const response = await secretariat.post('/vacancies', {
      seatId: String(SEAT.bristol),
      nominationDeadline: deadline,
    });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/vacancies/${upcoming!.id}`);
    expect(vacanciesOnSeat(t, SEAT.bristol)).toEqual([
      expect.objectContaining({
        id: upcoming!.id,
        status: 'open',
        nominationDeadline: deadline,
        openedAt: NOW.toISOString(),
      }),
    ]);
    const [audit] = auditEntries(t, 'vacancy.open');
    expect(audit).toMatchObject({
      subjectId: String(upcoming!.id),
      actorLabel: 'secretariat@demo.mmc.example',
    });
    expect(audit!.details).toMatchObject({ nominationDeadline: deadline });

    const nominator = await logInAs(t, 'nominator.bogota');
    expect((await nominator.get(`/vacancies/${upcoming!.id}`)).status).toBe(200);
  });

  it('records and opens a vacancy for Montreal’s seat, which had none, free on the day its term ends', async () => {
    expect(vacanciesOnSeat(t, SEAT.montreal)).toHaveLength(0);
    const montreal = termOf(t, 'Montreal');
    const deadline = addDays(TODAY, 60);
    const response = await (await logInAs(t, 'secretariat')).post('/vacancies', {
      seatId: String(SEAT.montreal),
      nominationDeadline: deadline,
    });
    expect(response.status).toBe(303);
    const [vacancy, ...others] = vacanciesOnSeat(t, SEAT.montreal);
    expect(others).toHaveLength(0);
    expect(vacancy).toMatchObject({
      termId: montreal.id,
      reason: 'term_ending',
      freeOn: montreal.endsOn,
      status: 'open',
      nominationDeadline: deadline,
    });
    expect(auditEntries(t, 'vacancy.create').map((entry) => entry.subjectId)).toEqual([String(vacancy!.id)]);
    expect(auditEntries(t, 'vacancy.open').map((entry) => entry.subjectId)).toEqual([String(vacancy!.id)]);
  });

  it('records and opens a vacancy for a new seat that was never filled: reason new_seat, free from today', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const grown = await secretariat.post('/settings/board', {
      boardSize: '9',
      termLengthMonths: '24',
      termLimit: '',
      alertThresholdsDays: '90, 60, 30, 7',
    });
    expect(grown.status).toBe(303);
    const response = await secretariat.post('/vacancies', {
      seatId: '9',
      nominationDeadline: addDays(TODAY, 30),
    });
    expect(response.status).toBe(303);
    expect(vacanciesOnSeat(t, 9)).toEqual([
      expect.objectContaining({ termId: null, reason: 'new_seat', freeOn: TODAY, status: 'open' }),
    ]);
    const page = await secretariat.get(response.headers.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('No one: the seat was empty');
  });

  it('accepts a deadline from today up to a year (365 days) ahead', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    expect(
      (await secretariat.post('/vacancies', { seatId: String(SEAT.bristol), nominationDeadline: TODAY }))
        .status,
    ).toBe(303);
    const farAhead = addDays(TODAY, 365);
    expect(
      (await secretariat.post('/vacancies', { seatId: String(SEAT.montreal), nominationDeadline: farAhead }))
        .status,
    ).toBe(303);
    expect(vacanciesOnSeat(t, SEAT.montreal)[0]!.nominationDeadline).toBe(farAhead);
  });
});

describe('refusing to open nominations', () => {
  let t: TestApp;
  let secretariat: Awaited<ReturnType<typeof logInAs>>;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
    secretariat = await logInAs(t, 'secretariat');
  });
  afterAll(async () => t.close());

  it('answers 409 for the Athens seat, whose vacancy is already open, and changes nothing', async () => {
    const before = boardState(t);
    const response = await secretariat.post('/vacancies', {
      seatId: String(SEAT.athens),
      nominationDeadline: addDays(TODAY, 30),
    });
    expect(response.status).toBe(409);
    expect(response.text).toContain('already has a vacancy that is open for nominations');
    expect(boardState(t)).toBe(before);
  });

  it.each([
    ['in the past', addDays(TODAY, -1), /cannot be in the past/],
    ['that is not a date', 'end of January', /as a date, YYYY-MM-DD/],
    ['that is not a calendar day', '2027-02-29', /as a date, YYYY-MM-DD/],
    ['more than a year ahead', addDays(TODAY, 366), /within a year/],
    ['left empty', '', /Enter the nomination deadline/],
  ])(
    'refuses a deadline %s (422 beside the deadline, nothing changed)',
    async (_case, nominationDeadline, message) => {
      const before = boardState(t);
      const response = await secretariat.post('/vacancies', {
        seatId: String(SEAT.bristol),
        nominationDeadline,
      });
      expect(response.status).toBe(422);
      expect(fieldsWithErrors(response.text)).toEqual(['nominationDeadline']);
      expect(fieldError(response.text, 'nominationDeadline')).toMatch(message);
      expect(response.text).toContain(`value="${nominationDeadline}"`);
      expect(boardState(t)).toBe(before);
    },
  );

  it('refuses an unknown seat (422 beside the seat, nothing changed)', async () => {
    const before = boardState(t);
    for (const seatId of ['99', '', 'three']) {
      const response = await secretariat.post('/vacancies', {
        seatId,
        nominationDeadline: addDays(TODAY, 30),
      });
      expect(response.status, seatId).toBe(422);
      expect(fieldsWithErrors(response.text), seatId).toEqual(['seatId']);
    }
    expect(boardState(t)).toBe(before);
  });

  it('shows the error on the vacancy page when its own form was sent with a bad deadline', async () => {
    const [upcoming] = vacanciesOnSeat(t, SEAT.bristol);
    const response = await secretariat.post('/vacancies', {
      seatId: String(SEAT.bristol),
      vacancyId: String(upcoming!.id),
      nominationDeadline: addDays(TODAY, -3),
    });
    expect(response.status).toBe(422);
    expect(response.text).toContain('Seat 3 vacancy');
    expect(fieldsWithErrors(response.text)).toEqual(['nominationDeadline']);
  });
});

describe('who may open nominations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterAll(async () => t.close());
  const form = { seatId: String(SEAT.bristol), nominationDeadline: addDays(TODAY, 20) };

  it('answers 403 to a board member, a partner and a nominator, and changes nothing', async () => {
    const before = boardState(t);
    for (const account of ['mayor.bristol', 'partner.uclg', 'nominator.zurich']) {
      expect((await (await logInAs(t, account)).post('/vacancies', form)).status, account).toBe(403);
    }
    expect(boardState(t)).toBe(before);
  });

  it('sends an anonymous request to /login and refuses a forged one without Origin, changing nothing', async () => {
    const before = boardState(t);
    expect((await client(t).post('/vacancies', form)).status).toBe(303);
    const secretariat = await logInAs(t, 'secretariat');
    expect((await secretariat.agent.post('/vacancies').type('form').send(form)).status).toBe(403);
    expect(boardState(t)).toBe(before);
  });
});
