import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/dates.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { NOW, SEAT, TODAY, textOf, vacanciesOnSeat, vacancyRow } from '../terms/board-records.js';

let t: TestApp;
let athens: number;
let bristol: number;
beforeAll(async () => {
  t = await makeTestApp({ now: NOW });
  athens = vacanciesOnSeat(t, SEAT.athens)[0]!.id;
  bristol = vacanciesOnSeat(t, SEAT.bristol)[0]!.id;
});
afterAll(async () => t.close());

describe('the vacancies list', () => {
  it('shows the secretariat every unfilled vacancy: the Athens seat open, Bristol’s seat upcoming', async () => {
    const response = await (await logInAs(t, 'secretariat')).get('/vacancies');
    expect(response.status).toBe(200);
    const athensRow = textOf(vacancyRow(response.text, athens)!);
    expect(athensRow).toContain('Seat 2');
    expect(athensRow).toContain('Open for nominations');
    expect(athensRow).toContain(addDays(TODAY, 14));
    const bristolRow = textOf(vacancyRow(response.text, bristol)!);
    expect(bristolRow).toContain('Seat 3');
    expect(bristolRow).toContain('Upcoming');
    expect(bristolRow).toContain(addDays(TODAY, 25));
    expect(response.text).toContain('action="/vacancies"');
  });

  it('shows a nominator only the open Athens vacancy, with a link to nominate for it', async () => {
    const response = await (await logInAs(t, 'nominator.bogota')).get('/vacancies');
    expect(response.status).toBe(200);
    expect(response.text).toContain(`href="/nominations/new?vacancyId=${athens}"`);
    expect(vacancyRow(response.text, bristol)).toBeUndefined();
    expect(response.text).not.toContain(`vacancyId=${bristol}`);
    expect(response.text).not.toContain('action="/vacancies"');
  });

  it('shows a board member and a partner the open vacancy without a link to nominate', async () => {
    for (const account of ['mayor.milan', 'partner.c40']) {
      const response = await (await logInAs(t, account)).get('/vacancies');
      expect(response.status, account).toBe(200);
      expect(vacancyRow(response.text, athens), account).toBeDefined();
      expect(vacancyRow(response.text, bristol), account).toBeUndefined();
      expect(response.text, account).not.toContain('/nominations/new');
    }
  });

  it('sends an anonymous visitor to /login (303)', async () => {
    const response = await supertest(t.app.server).get('/vacancies');
    expect(response.status).toBe(303);
    expect(response.headers.location).toMatch(/^\/login/);
  });
});

describe('a vacancy page', () => {
  it('shows the secretariat an upcoming vacancy: its seat, the departing member, the free date and a form to open it', async () => {
    const response = await (await logInAs(t, 'secretariat')).get(`/vacancies/${bristol}`);
    expect(response.status).toBe(200);
    const text = textOf(response.text);
    expect(text).toContain('Seat 3 vacancy Upcoming');
    expect(text).toContain('Eleanor Whitfield, Bristol');
    expect(text).toContain(`${addDays(TODAY, 25)} (in 25 days)`);
    expect(response.text).toContain('name="nominationDeadline"');
  });

  it('hides an upcoming vacancy from a nominator and a board member (404)', async () => {
    expect((await (await logInAs(t, 'nominator.bogota')).get(`/vacancies/${bristol}`)).status).toBe(404);
    expect((await (await logInAs(t, 'mayor.milan')).get(`/vacancies/${bristol}`)).status).toBe(404);
  });

  it('shows a nominator the open vacancy with its deadline and a link to nominate', async () => {
    const response = await (await logInAs(t, 'nominator.bogota')).get(`/vacancies/${athens}`);
    expect(response.status).toBe(200);
    expect(textOf(response.text)).toContain(`${addDays(TODAY, 14)} 14 days left`);
    expect(response.text).toContain(`href="/nominations/new?vacancyId=${athens}"`);
    expect(response.text).not.toContain('name="nominationDeadline"');
  });

  it('answers 404 for a vacancy that does not exist', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    expect((await secretariat.get('/vacancies/9999')).status).toBe(404);
    expect((await secretariat.get('/vacancies/seat-3')).status).toBe(404);
  });
});
