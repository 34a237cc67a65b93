import supertest from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { DAY_MS, listedNominationIds, NOMINATION, NOW, textOf } from './nomination-records.js';

const ALL_THREE = [NOMINATION.montevideo, NOMINATION.dhakaNorth, NOMINATION.zurich];

describe('the nominations list', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('shows a nominator only their own nominations', async () => {
    const zurich = await (await logInAs(t, 'nominator.zurich')).get('/nominations');
    expect(zurich.status).toBe(200);
    expect(listedNominationIds(zurich.text)).toEqual([NOMINATION.zurich]);
    expect(zurich.text).not.toContain('Lucía Pereira');

    const bogota = await (await logInAs(t, 'nominator.bogota')).get('/nominations');
    expect(bogota.status).toBe(200);
    expect(listedNominationIds(bogota.text)).toEqual([]);
    expect(textOf(bogota.text)).toContain('You have not nominated anyone yet.');
  });

  it('shows the secretariat every nomination', async () => {
    const response = await (await logInAs(t, 'secretariat')).get('/nominations');
    expect(response.status).toBe(200);
    expect(listedNominationIds(response.text)).toEqual(ALL_THREE);
  });

  it('shows board members and partners only shortlisted nominations: none at first, then the one shortlisted', async () => {
    const milan = await logInAs(t, 'mayor.milan');
    const c40 = await logInAs(t, 'partner.c40');
    for (const viewer of [milan, c40]) {
      const response = await viewer.get('/nominations');
      expect(response.status).toBe(200);
      expect(listedNominationIds(response.text)).toEqual([]);
    }
    const secretariat = await logInAs(t, 'secretariat');
    await secretariat.post(`/nominations/${NOMINATION.zurich}/review`, { status: 'eligible' });
    await secretariat.post(`/nominations/${NOMINATION.montevideo}/review`, { status: 'shortlisted' });
    for (const viewer of [milan, c40]) {
      expect(listedNominationIds((await viewer.get('/nominations')).text)).toEqual([NOMINATION.montevideo]);
    }
  });

  it('sends an anonymous visitor to /login (303)', async () => {
    const response = await supertest(t.app.server).get('/nominations');
    expect(response.status).toBe(303);
    expect(response.headers.location).toMatch(/^\/login/);
  });
});

describe('a nomination’s page', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('shows its nominator the nomination and its history, without the secretariat’s eligibility findings', async () => {
    const response = await (await logInAs(t, 'nominator.dhaka-north')).get(
      `/nominations/${NOMINATION.dhakaNorth}`,
    );
    expect(response.status).toBe(200);
    const text = textOf(response.text);
    expect(text).toContain('Tanvir Rahman');
    expect(text).toContain('Status history');
    expect(response.text).not.toContain('data-eligibility');
    expect(response.text).not.toContain('data-finding');
  });

  it('shows the secretariat the nomination with computed eligibility and diversity impact', async () => {
    const response = await (await logInAs(t, 'secretariat')).get(`/nominations/${NOMINATION.dhakaNorth}`);
    expect(response.status).toBe(200);
    expect(response.text).toContain('data-finding="mandate_ends_before_term"');
    expect(textOf(response.text)).toContain('Diversity impact');
  });

  it('hides a nomination from another nominator (404)', async () => {
    const response = await (await logInAs(t, 'nominator.bogota')).get(`/nominations/${NOMINATION.zurich}`);
    expect(response.status).toBe(404);
    expect(response.text).not.toContain('Anna Keller');
  });

  it('hides a nomination from board members and partners (404) until it is shortlisted, then shows it without eligibility', async () => {
    const milan = await logInAs(t, 'mayor.milan');
    const c40 = await logInAs(t, 'partner.c40');
    expect((await milan.get(`/nominations/${NOMINATION.dhakaNorth}`)).status).toBe(404);
    expect((await c40.get(`/nominations/${NOMINATION.dhakaNorth}`)).status).toBe(404);

    const secretariat = await logInAs(t, 'secretariat');
    await secretariat.post(`/nominations/${NOMINATION.dhakaNorth}/review`, { status: 'eligible' });
    expect((await milan.get(`/nominations/${NOMINATION.dhakaNorth}`)).status).toBe(404);

    await secretariat.post(`/nominations/${NOMINATION.dhakaNorth}/review`, { status: 'shortlisted' });
    for (const viewer of [milan, c40]) {
      const response = await viewer.get(`/nominations/${NOMINATION.dhakaNorth}`);
      expect(response.status).toBe(200);
      expect(response.text).toContain('Tanvir Rahman');
      expect(textOf(response.text)).toContain('Diversity impact');
      expect(response.text).not.toContain('data-eligibility');
      expect(response.text).not.toContain('data-finding');
    }
  });

  it('answers 404 for a nomination that does not exist or an id that is not a number', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    expect((await secretariat.get('/nominations/999')).status).toBe(404);
    expect((await secretariat.get('/nominations/abc')).status).toBe(404);
  });
});

describe('a board member whose term has ended', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
    // Shortlisted before Bristol's term runs out, 25 days from now.
    await (await logInAs(t, 'secretariat')).post(`/nominations/${NOMINATION.zurich}/review`, {
      status: 'shortlisted',
    });
  });
  afterAll(async () => t.close());

  it('sees shortlisted nominations while sitting, and is refused them (403) once the term has ended', async () => {
    const sitting = await logInAs(t, 'mayor.bristol');
    expect((await sitting.get(`/nominations/${NOMINATION.zurich}`)).status).toBe(200);

    t.clock.advance(26 * DAY_MS);
    const former = await logInAs(t, 'mayor.bristol');
    expect((await former.get(`/nominations/${NOMINATION.zurich}`)).status).toBe(403);
    expect((await former.get('/nominations')).status).toBe(403);
    // A sitting member still sees it on the same day.
    expect((await (await logInAs(t, 'mayor.milan')).get(`/nominations/${NOMINATION.zurich}`)).status).toBe(
      200,
    );
  });
});
