import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { NOMINATION, NOW, screeningRow, screeningRowIds, textOf, VACANCY } from './nomination-records.js';

const ATHENS = `/vacancies/${VACANCY.athens}`;

describe('the screening queue on a vacancy page (secretariat)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterAll(async () => t.close());

  it('lists all three nominations, oldest submission first, each with eligibility and diversity impact', async () => {
    const response = await (await logInAs(t, 'secretariat')).get(ATHENS);
    expect(response.status).toBe(200);
    expect(screeningRowIds(response.text)).toEqual([
      NOMINATION.montevideo,
      NOMINATION.dhakaNorth,
      NOMINATION.zurich,
    ]);
    for (const id of Object.values(NOMINATION)) {
      const row = screeningRow(response.text, id)!;
      expect(row, `row ${id}`).toContain('data-eligibility="eligible"');
      expect(row, `row ${id}`).toContain('class="impact"');
      expect(textOf(row), `row ${id}`).toContain('Brings to the board:');
      expect(row, `row ${id}`).toContain(`action="/nominations/${id}/review"`);
    }
  });

  it('warns beside Dhaka North that its mayor’s mandate ends before the board term would', async () => {
    const response = await (await logInAs(t, 'secretariat')).get(ATHENS);
    expect(screeningRow(response.text, NOMINATION.dhakaNorth)).toContain(
      'data-finding="mandate_ends_before_term"',
    );
    expect(screeningRow(response.text, NOMINATION.montevideo)).not.toContain('data-finding=');
    expect(screeningRow(response.text, NOMINATION.zurich)).not.toContain('data-finding=');
  });

  it('shows what each candidate adds to the board: South Asia for Dhaka North, Latin America for Montevideo', async () => {
    const response = await (await logInAs(t, 'secretariat')).get(ATHENS);
    expect(textOf(screeningRow(response.text, NOMINATION.dhakaNorth)!)).toMatch(
      /Brings to the board: South Asia/,
    );
    expect(textOf(screeningRow(response.text, NOMINATION.montevideo)!)).toMatch(
      /Brings to the board: Latin America & Caribbean/,
    );
  });

  it('narrows the rows by region and by migration context', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const southAsia = await secretariat.get(`${ATHENS}?region=South%20Asia`);
    expect(southAsia.status).toBe(200);
    expect(screeningRowIds(southAsia.text)).toEqual([NOMINATION.dhakaNorth]);
    expect(textOf(southAsia.text)).toContain('1 of 3 nominations shown.');

    const returning = await secretariat.get(`${ATHENS}?context=return`);
    expect(screeningRowIds(returning.text)).toEqual([NOMINATION.montevideo]);

    const both = await secretariat.get(`${ATHENS}?region=South%20Asia&context=return`);
    expect(screeningRowIds(both.text)).toEqual([]);
  });

  it('orders the rows by nominee name on request', async () => {
    const response = await (await logInAs(t, 'secretariat')).get(`${ATHENS}?sort=nominee`);
    // Anna Keller (Zurich), Lucía Pereira (Montevideo), Tanvir Rahman (Dhaka North).
    expect(screeningRowIds(response.text)).toEqual([
      NOMINATION.zurich,
      NOMINATION.montevideo,
      NOMINATION.dhakaNorth,
    ]);
    expect(response.text).toContain('<option value="nominee" selected>');
  });

  it('ignores filters it does not know rather than failing', async () => {
    const response = await (await logInAs(t, 'secretariat')).get(`${ATHENS}?region=Atlantis&sort=shoe-size`);
    expect(response.status).toBe(200);
    expect(screeningRowIds(response.text)).toHaveLength(3);
  });
});

describe('filtering the queue by status', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('shows only the nominations in the chosen status', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    await secretariat.post(`/nominations/${NOMINATION.zurich}/review`, { status: 'eligible' });
    await secretariat.post(`/nominations/${NOMINATION.montevideo}/review`, { status: 'shortlisted' });

    expect(screeningRowIds((await secretariat.get(`${ATHENS}?status=eligible`)).text)).toEqual([
      NOMINATION.zurich,
    ]);
    expect(screeningRowIds((await secretariat.get(`${ATHENS}?status=submitted`)).text)).toEqual([
      NOMINATION.dhakaNorth,
    ]);
    expect(screeningRowIds((await secretariat.get(`${ATHENS}?status=shortlisted`)).text)).toEqual([
      NOMINATION.montevideo,
    ]);
  });
});

describe('the vacancy page for board members and partners', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('shows no candidates before any is shortlisted', async () => {
    for (const account of ['mayor.milan', 'partner.c40']) {
      const response = await (await logInAs(t, account)).get(ATHENS);
      expect(response.status, account).toBe(200);
      expect(screeningRowIds(response.text), account).toEqual([]);
      expect(response.text, account).not.toContain('Tanvir Rahman');
    }
  });

  it('shows only the shortlisted candidates with their diversity impact, without eligibility or the screening form', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    await secretariat.post(`/nominations/${NOMINATION.dhakaNorth}/review`, { status: 'shortlisted' });
    await secretariat.post(`/nominations/${NOMINATION.zurich}/review`, { status: 'eligible' });

    for (const account of ['mayor.milan', 'partner.c40']) {
      const response = await (await logInAs(t, account)).get(ATHENS);
      expect(screeningRowIds(response.text), account).toEqual([NOMINATION.dhakaNorth]);
      const row = screeningRow(response.text, NOMINATION.dhakaNorth)!;
      expect(row, account).toContain('class="impact"');
      expect(row, account).not.toContain('data-eligibility');
      expect(row, account).not.toContain('data-finding');
      expect(row, account).not.toContain('/review');
      expect(response.text, account).not.toContain('nominations.csv');
    }
  });
});

/** The settings of the brief: at most two seats per region, the other rules at their defaults. */
const TWO_PER_REGION = {
  maxSeatsPerRegion: '2',
  minRegions: '4',
  requiredContexts: ['origin', 'transit', 'destination', 'refugee_hosting'],
  minSecondaryCities: '0',
  enforcement: 'warn',
};

describe('diversity rules a candidate would break', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('marks no candidate under the default rules', async () => {
    const response = await (await logInAs(t, 'secretariat')).get(ATHENS);
    expect(screeningRowIds(response.text)).toHaveLength(3);
    expect(response.text).not.toContain('data-diversity-violation=');
  });

  it('marks Zurich as a third Europe & Central Asia seat, beside Bristol and Milan, once the limit is two per region', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    expect((await secretariat.post('/settings/diversity', TWO_PER_REGION)).status).toBe(303);

    const response = await secretariat.get(ATHENS);
    expect(screeningRow(response.text, NOMINATION.zurich)).toContain(
      'data-diversity-violation="maxSeatsPerRegion"',
    );
    expect(screeningRow(response.text, NOMINATION.montevideo)).not.toContain('data-diversity-violation=');
    expect(screeningRow(response.text, NOMINATION.dhakaNorth)).not.toContain('data-diversity-violation=');

    const page = await secretariat.get(`/nominations/${NOMINATION.zurich}`);
    expect(page.text).toContain('data-diversity-violation="maxSeatsPerRegion"');
  });

  it('shows board members the same marker once Zurich is shortlisted', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    expect((await secretariat.post('/settings/diversity', TWO_PER_REGION)).status).toBe(303);
    await secretariat.post(`/nominations/${NOMINATION.zurich}/review`, { status: 'shortlisted' });
    const response = await (await logInAs(t, 'mayor.milan')).get(ATHENS);
    expect(screeningRow(response.text, NOMINATION.zurich)).toContain(
      'data-diversity-violation="maxSeatsPerRegion"',
    );
  });
});
