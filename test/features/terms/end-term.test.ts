import supertest from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
  TODAY,
  termById,
  termOf,
  termsOnSeat,
  vacanciesOnSeat,
} from './board-records.js';

describe('ending a term early (secretariat)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('ends Milan’s term today: 303 to the seat’s new vacancy, upcoming and free from today, both audited', async () => {
    const milan = termOf(t, 'Milan');
    const secretariat = await logInAs(t, 'secretariat');
    const response = await secretariat.post(`/terms/${milan.id}/end`, { endedOn: TODAY, reason: 'resigned' });

    const [vacancy, ...others] = vacanciesOnSeat(t, SEAT.milan);
    expect(others).toHaveLength(0);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/vacancies/${vacancy!.id}`);
    expect(termById(t, milan.id)).toMatchObject({ endedOn: TODAY, endReason: 'resigned' });
    expect(vacancy).toMatchObject({
      termId: milan.id,
      reason: 'resigned',
      freeOn: TODAY,
      status: 'upcoming',
      nominationDeadline: null,
    });

    const [termEnd] = auditEntries(t, 'term.end');
    expect(termEnd).toMatchObject({
      subjectId: String(milan.id),
      actorLabel: 'secretariat@demo.mmc.example',
    });
    expect(termEnd!.details).toMatchObject({ endedOn: TODAY, reason: 'resigned' });
    expect(auditEntries(t, 'vacancy.create').map((entry) => entry.subjectId)).toEqual([String(vacancy!.id)]);
    expect(auditEntries(t, 'vacancy.open')).toHaveLength(0);

    const vacancyPage = await secretariat.get(response.headers.location!);
    expect(vacancyPage.text).toContain(`Luca Bernardi’s term ends on ${TODAY}.`);
  });

  it('opens the vacancy at once when a nomination deadline is given', async () => {
    const milan = termOf(t, 'Milan');
    const deadline = addDays(TODAY, 28);
    const response = await (await logInAs(t, 'secretariat')).post(`/terms/${milan.id}/end`, {
      endedOn: addDays(TODAY, 14),
      reason: 'left_office',
      nominationDeadline: deadline,
    });
    expect(response.status).toBe(303);
    const [vacancy] = vacanciesOnSeat(t, SEAT.milan);
    expect(vacancy).toMatchObject({
      reason: 'left_office',
      freeOn: addDays(TODAY, 14),
      status: 'open',
      nominationDeadline: deadline,
    });
    expect(vacancy!.openedAt).toBe(NOW.toISOString());
    expect(auditEntries(t, 'vacancy.open').map((entry) => entry.subjectId)).toEqual([String(vacancy!.id)]);
  });

  it('takes /terms away from the former member once the term has ended (403)', async () => {
    const formerMember = await logInAs(t, 'mayor.milan');
    expect((await formerMember.get('/terms')).status).toBe(200);
    const response = await (await logInAs(t, 'secretariat')).post(`/terms/${termOf(t, 'Milan').id}/end`, {
      endedOn: TODAY,
      reason: 'resigned',
    });
    expect(response.status).toBe(303);
    expect(termOf(t, 'Milan')).toMatchObject({ endedOn: TODAY, endReason: 'resigned' });
    expect((await formerMember.get('/terms')).status).toBe(403);
  });

  it('keeps a member who announced a later departure on the board until that day, and not a day longer', async () => {
    const tomorrow = addDays(TODAY, 1);
    const member = await logInAs(t, 'mayor.milan');
    const response = await (await logInAs(t, 'secretariat')).post(`/terms/${termOf(t, 'Milan').id}/end`, {
      endedOn: tomorrow,
      reason: 'resigned',
    });
    expect(response.status).toBe(303);
    expect(termOf(t, 'Milan')).toMatchObject({ endedOn: tomorrow, endReason: 'resigned' });
    expect(vacanciesOnSeat(t, SEAT.milan)).toEqual([
      expect.objectContaining({ freeOn: tomorrow, status: 'upcoming' }),
    ]);
    expect((await member.get('/terms')).status).toBe(200);

    t.clock.advance(DAY_MS);
    expect((await (await logInAs(t, 'mayor.milan')).get('/terms')).status).toBe(403);
  });

  it('accepts an end date up to 366 days ahead (an announced departure)', async () => {
    const response = await (await logInAs(t, 'secretariat')).post(`/terms/${termOf(t, 'Milan').id}/end`, {
      endedOn: addDays(TODAY, 366),
      reason: 'resigned',
    });
    expect(response.status).toBe(303);
    expect(termOf(t, 'Milan').endedOn).toBe(addDays(TODAY, 366));
  });

  it('reuses Bristol’s upcoming vacancy when its term ends early: no second vacancy, the reason becomes the early one', async () => {
    const bristol = termOf(t, 'Bristol');
    const [upcoming] = vacanciesOnSeat(t, SEAT.bristol);
    expect(upcoming).toMatchObject({ reason: 'term_ending', status: 'upcoming' });

    const endedOn = addDays(TODAY, 5);
    const response = await (await logInAs(t, 'secretariat')).post(`/terms/${bristol.id}/end`, {
      endedOn,
      reason: 'deceased',
    });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/vacancies/${upcoming!.id}`);
    expect(vacanciesOnSeat(t, SEAT.bristol)).toEqual([
      expect.objectContaining({ id: upcoming!.id, reason: 'deceased', freeOn: endedOn, status: 'upcoming' }),
    ]);
    expect(auditEntries(t, 'vacancy.update').map((entry) => entry.subjectId)).toEqual([String(upcoming!.id)]);
    expect(auditEntries(t, 'vacancy.create')).toHaveLength(0);
  });

  it('records an early end even when the seat’s successor is already recorded', async () => {
    const bristol = termOf(t, 'Bristol');
    const secretariat = await logInAs(t, 'secretariat');
    const successor = await secretariat.post('/terms', {
      seatId: String(SEAT.bristol),
      memberName: 'Marvin Rees',
      cityName: 'Bristol',
      country: 'GB',
      migrationContexts: 'destination',
      startsOn: bristol.endsOn,
    });
    expect(successor.status).toBe(303);

    const response = await secretariat.post(`/terms/${bristol.id}/end`, {
      endedOn: addDays(TODAY, 5),
      reason: 'resigned',
    });
    expect(response.status).toBe(303);
    expect(termById(t, bristol.id)).toMatchObject({ endedOn: addDays(TODAY, 5), endReason: 'resigned' });
  });
});

describe('refusing a bad end date or reason (422 beside the field, nothing changed)', () => {
  let t: TestApp;
  let secretariat: Awaited<ReturnType<typeof logInAs>>;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
    secretariat = await logInAs(t, 'secretariat');
  });
  afterAll(async () => t.close());

  // Milan's term runs from 2026-08-29 to 2028-08-29.
  it.each([
    ['before the term started', '2026-08-01', /before the term started on 2026-08-29/],
    ['after the term’s scheduled end', '2028-08-30', /after the term's scheduled end on 2028-08-29/],
    ['more than 366 days ahead', addDays(TODAY, 367), /more than 366 days after today/],
    ['that is not a calendar day (30 February)', '2027-02-30', /not a calendar date/],
    ['that is not a date at all', 'next week', /not a calendar date/],
    ['left empty', '', /Enter the date the term ends/],
  ])('refuses an end date %s', async (_case, endedOn, message) => {
    const milan = termOf(t, 'Milan');
    const before = boardState(t);
    const response = await secretariat.post(`/terms/${milan.id}/end`, { endedOn, reason: 'resigned' });
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['endedOn']);
    expect(fieldError(response.text, 'endedOn')).toMatch(message);
    expect(response.text).toContain(`value="${endedOn}"`);
    expect(boardState(t)).toBe(before);
  });

  it('refuses an unknown reason beside the reason field', async () => {
    const before = boardState(t);
    const response = await secretariat.post(`/terms/${termOf(t, 'Milan').id}/end`, {
      endedOn: TODAY,
      reason: 'bored',
    });
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['reason']);
    expect(fieldError(response.text, 'reason')).toMatch(/resigned, left office, removed, deceased/);
    expect(boardState(t)).toBe(before);
  });

  it('refuses a nomination deadline in the past or not a date beside the deadline field', async () => {
    const before = boardState(t);
    for (const nominationDeadline of [addDays(TODAY, -1), 'soon']) {
      const response = await secretariat.post(`/terms/${termOf(t, 'Milan').id}/end`, {
        endedOn: TODAY,
        reason: 'resigned',
        nominationDeadline,
      });
      expect(response.status).toBe(422);
      expect(fieldsWithErrors(response.text)).toEqual(['nominationDeadline']);
    }
    expect(boardState(t)).toBe(before);
  });
});

describe('refusing a term that cannot be ended', () => {
  let t: TestApp;
  let secretariat: Awaited<ReturnType<typeof logInAs>>;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
    secretariat = await logInAs(t, 'secretariat');
  });
  afterAll(async () => t.close());

  it('answers 409 to ending Athens’s term, which already ended, and changes nothing', async () => {
    const before = boardState(t);
    const response = await secretariat.post(`/terms/${termOf(t, 'Athens').id}/end`, {
      endedOn: TODAY,
      reason: 'resigned',
    });
    expect(response.status).toBe(409);
    expect(response.text).toContain('Nikos Papadakis');
    expect(response.text).toContain('already ended');
    expect(boardState(t)).toBe(before);
  });

  it('answers 409 to ending a term whose scheduled end has passed (Amman’s first term)', async () => {
    const [firstTerm] = termsOnSeat(t, SEAT.amman);
    expect(firstTerm!.endsOn <= TODAY).toBe(true);
    const before = boardState(t);
    const response = await secretariat.post(`/terms/${firstTerm!.id}/end`, {
      endedOn: addDays(TODAY, -400),
      reason: 'resigned',
    });
    expect(response.status).toBe(409);
    expect(boardState(t)).toBe(before);
  });

  it('answers 404 to an unknown term', async () => {
    expect((await secretariat.post('/terms/9999/end', { endedOn: TODAY, reason: 'resigned' })).status).toBe(
      404,
    );
    expect((await secretariat.post('/terms/milan/end', { endedOn: TODAY, reason: 'resigned' })).status).toBe(
      404,
    );
  });
});

describe('who may end a term', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterAll(async () => t.close());
  const form = { endedOn: TODAY, reason: 'resigned' };

  it('answers 403 to a board member, a partner and a nominator, and changes nothing', async () => {
    const before = boardState(t);
    for (const account of ['mayor.milan', 'partner.c40', 'nominator.bogota']) {
      const browser = await logInAs(t, account);
      expect((await browser.post(`/terms/${termOf(t, 'Milan').id}/end`, form)).status, account).toBe(403);
      expect((await browser.get(`/terms/${termOf(t, 'Milan').id}/end`)).status, account).toBe(403);
    }
    expect(boardState(t)).toBe(before);
  });

  it('sends an anonymous request to /login (303) and changes nothing', async () => {
    const before = boardState(t);
    const response = await client(t).post(`/terms/${termOf(t, 'Milan').id}/end`, form);
    expect(response.status).toBe(303);
    expect(response.headers.location).toMatch(/^\/login/);
    expect(boardState(t)).toBe(before);
  });

  it('refuses a forged request from the secretariat’s browser that carries no Origin (403)', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const before = boardState(t);
    const response = await secretariat.agent
      .post(`/terms/${termOf(t, 'Milan').id}/end`)
      .type('form')
      .send(form);
    expect(response.status).toBe(403);
    expect(boardState(t)).toBe(before);
  });

  it('shows the secretariat the form to end a term, and 404 for an unknown term', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const page = await secretariat.get(`/terms/${termOf(t, 'Milan').id}/end`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="endedOn"');
    expect(page.text).toContain('name="reason"');
    expect((await secretariat.get('/terms/9999/end')).status).toBe(404);
  });

  it('sends an anonymous visitor of the end form to /login (303)', async () => {
    const response = await supertest(t.app.server).get(`/terms/${termOf(t, 'Milan').id}/end`);
    expect(response.status).toBe(303);
  });
});
