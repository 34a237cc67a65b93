import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import {
  auditEntries,
  DAY_MS,
  NOW,
  SEAT,
  seatRow,
  termOf,
  textOf,
  vacanciesOnSeat,
  vacancyRow,
} from '../terms/board-records.js';

// Los Angeles's term ends 190 days after the demo's day; the largest alert threshold is 90 days.
describe('upcoming vacancies appear by themselves', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('does not list a term that ends further away than the largest alert threshold', async () => {
    await (await logInAs(t, 'secretariat')).get('/vacancies');
    expect(vacanciesOnSeat(t, SEAT.losAngeles)).toHaveLength(0);
  });

  it('lists Los Angeles’s seat as upcoming once its term ends within 90 days', async () => {
    t.clock.advance(101 * DAY_MS);
    const response = await (await logInAs(t, 'secretariat')).get('/vacancies');
    const [vacancy] = vacanciesOnSeat(t, SEAT.losAngeles);
    const losAngeles = termOf(t, 'Los Angeles');
    expect(vacancy).toMatchObject({
      termId: losAngeles.id,
      reason: 'term_ending',
      freeOn: losAngeles.endsOn,
      status: 'upcoming',
    });
    const row = textOf(vacancyRow(response.text, vacancy!.id)!);
    expect(row).toContain('Seat 6');
    expect(row).toContain('Los Angeles (Maria Delgado)');
    expect(row).toContain('upcoming');
    const [audit] = auditEntries(t, 'vacancy.create');
    expect(audit).toMatchObject({ subjectId: String(vacancy!.id), actorLabel: 'system' });
  });

  it('creates it once, however often the page is loaded', async () => {
    t.clock.advance(101 * DAY_MS);
    const secretariat = await logInAs(t, 'secretariat');
    await secretariat.get('/vacancies');
    await secretariat.get('/vacancies');
    await secretariat.get('/terms');
    expect(vacanciesOnSeat(t, SEAT.losAngeles)).toHaveLength(1);
    expect(auditEntries(t, 'vacancy.create')).toHaveLength(1);
  });

  it('looks as far ahead as the largest alert threshold: at 200 days, Los Angeles is upcoming at once', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const saved = await secretariat.post('/settings/board', {
      boardSize: '8',
      termLengthMonths: '24',
      termLimit: '',
      alertThresholdsDays: '200, 90, 30, 7',
    });
    expect(saved.status).toBe(303);
    await secretariat.get('/vacancies');
    expect(vacanciesOnSeat(t, SEAT.losAngeles)).toEqual([expect.objectContaining({ status: 'upcoming' })]);
  });

  it('creates none for a term whose successor is already recorded from its end date', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const losAngeles = termOf(t, 'Los Angeles');
    const renewal = await secretariat.post('/terms', {
      seatId: String(SEAT.losAngeles),
      memberName: 'Karen Bass',
      cityName: 'Los Angeles',
      country: 'US',
      migrationContexts: 'destination',
      startsOn: losAngeles.endsOn,
    });
    expect(renewal.status).toBe(303);
    t.clock.advance(101 * DAY_MS);
    await (await logInAs(t, 'secretariat')).get('/vacancies');
    expect(vacanciesOnSeat(t, SEAT.losAngeles)).toHaveLength(0);
  });

  it('appears on /terms too, beside the seat, with a link to open nominations', async () => {
    t.clock.advance(101 * DAY_MS);
    const page = (await (await logInAs(t, 'secretariat')).get('/terms')).text;
    const [vacancy] = vacanciesOnSeat(t, SEAT.losAngeles);
    expect(vacancy).toBeDefined();
    expect(seatRow(page, SEAT.losAngeles)!.html).toContain(
      `href="/vacancies/${vacancy!.id}">Open nominations`,
    );
  });
});
