// The eligibility findings the screening shows (DESIGN.md, "Rules"): a city that already holds a
// seat, and a nominee who has served the term limit. Computed and shown to the secretariat beside
// the nomination, never applied by themselves, and never shown to the nominator.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getSettings } from '../../../src/features/settings/settings.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import {
  type Browser,
  bogotaForm,
  idFromLocation,
  logInAsNominatorOf,
  NOMINATION,
  NOW,
  nominationRow,
  screeningRow,
  VACANCY,
} from './nomination-records.js';

const ATHENS = `/vacancies/${VACANCY.athens}`;

/** The finding codes shown in a piece of a page, in the order shown. */
function findingsIn(html: string): string[] {
  return [...html.matchAll(/data-finding="([^"]+)"/g)].map((match) => match[1]!);
}

/** The computed verdict shown in a piece of a page. */
function verdictIn(html: string): string | undefined {
  return /data-eligibility="([^"]+)"/.exec(html)?.[1];
}

/** A nomination for the Athens seat by the city's own nominator: the nominee and city given. */
async function nominate(
  nominator: Browser,
  nominee: { name: string; city: string; country: string; contexts: string[] },
): Promise<number> {
  const response = await nominator.post(
    '/nominations',
    bogotaForm({
      nomineeName: nominee.name,
      nomineeTitle: `Mayor of ${nominee.city}`,
      nomineeEmail: 'mayor@city.example',
      cityName: nominee.city,
      country: nominee.country,
      migrationContexts: nominee.contexts,
      secondaryCity: undefined,
      statement: `${nominee.city} nominates its mayor for the board.`,
    }),
  );
  expect(response.status, `nominating ${nominee.name}`).toBe(303);
  return idFromLocation(response.headers.location);
}

const MILAN_MAYOR = {
  name: 'Luca Bernardi',
  city: 'Milan',
  country: 'IT',
  contexts: ['transit', 'destination'],
};
// Athens's mayor left office ten days ago, ending the seat's only term (the vacancy being filled).
const ATHENS_FORMER_MAYOR = {
  name: 'Nikos Papadakis',
  city: 'Athens',
  country: 'GR',
  contexts: ['transit', 'destination', 'refugee_hosting'],
};
const ATHENS_NEW_MAYOR = { ...ATHENS_FORMER_MAYOR, name: 'Haris Doukas' };
// Amman's mayor sits in her second consecutive term.
const AMMAN_MAYOR = {
  name: 'Rania Haddad',
  city: 'Amman',
  country: 'JO',
  contexts: ['refugee_hosting', 'protracted_displacement', 'destination'],
};

async function setTermLimit(secretariat: Browser, termLimit: string) {
  const response = await secretariat.post('/settings/board', {
    boardSize: '8',
    termLengthMonths: '24',
    termLimit,
    alertThresholdsDays: '90, 60, 30, 7',
  });
  expect(response.status, `term limit ${termLimit}`).toBe(303);
}

describe('finding that the nominee’s city already holds a seat', () => {
  let t: TestApp;
  let milan: Browser;
  let secretariat: Browser;
  let milanNomination: number;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
    secretariat = await logInAs(t, 'secretariat');
    // Milan's mayor sits on the board (seat 7) and is nominated for the Athens seat as well.
    milan = await logInAsNominatorOf(t, 'Milan');
    milanNomination = await nominate(milan, MILAN_MAYOR);
  });
  afterAll(async () => t.close());

  it('shows the secretariat Milan’s nomination on the vacancy page computed ineligible: city_holds_seat', async () => {
    const page = await secretariat.get(ATHENS);
    expect(page.status).toBe(200);
    const row = screeningRow(page.text, milanNomination)!;
    expect(verdictIn(row)).toBe('ineligible');
    expect(findingsIn(row)).toEqual(['city_holds_seat']);
    expect(row).toContain('already holds a seat on the board');
    for (const id of Object.values(NOMINATION)) {
      expect(findingsIn(screeningRow(page.text, id)!), `row ${id}`).not.toContain('city_holds_seat');
    }
  });

  it('shows it on the nomination’s page to the secretariat', async () => {
    const page = await secretariat.get(`/nominations/${milanNomination}`);
    expect(page.status).toBe(200);
    expect(verdictIn(page.text)).toBe('ineligible');
    expect(findingsIn(page.text)).toEqual(['city_holds_seat']);
  });

  it('leaves the nomination submitted: the finding is for the secretariat to decide on', () => {
    expect(nominationRow(t, milanNomination)!.status).toBe('submitted');
  });

  it('never shows it to the nominator', async () => {
    const page = await milan.get(`/nominations/${milanNomination}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Luca Bernardi');
    expect(page.text).not.toContain('data-finding');
    expect(page.text).not.toContain('data-eligibility');
    expect(page.text).not.toContain('already holds a seat');
  });

  it('does not find it for a city renewing its own seat: Athens nominating for the Athens seat', async () => {
    const athensNomination = await nominate(await logInAsNominatorOf(t, 'Athens'), ATHENS_NEW_MAYOR);
    const row = screeningRow((await secretariat.get(ATHENS)).text, athensNomination)!;
    expect(verdictIn(row)).toBe('eligible');
    expect(findingsIn(row)).toEqual([]);
  });
});

describe('finding that the nominee has served the term limit', () => {
  let t: TestApp;
  let secretariat: Browser;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    secretariat = await logInAs(t, 'secretariat');
  });
  afterEach(async () => t.close());

  it('finds Athens’s former mayor, just out of one term, ineligible once a one-term limit is set: term_limit_reached', async () => {
    const athens = await logInAsNominatorOf(t, 'Athens');
    const id = await nominate(athens, ATHENS_FORMER_MAYOR);
    expect(findingsIn(screeningRow((await secretariat.get(ATHENS)).text, id)!)).toEqual([]);

    await setTermLimit(secretariat, '1');
    expect(getSettings(t.db).termLimit).toBe(1);
    const row = screeningRow((await secretariat.get(ATHENS)).text, id)!;
    expect(verdictIn(row)).toBe('ineligible');
    expect(findingsIn(row)).toEqual(['term_limit_reached']);
    expect(row).toContain('served the limit of consecutive terms');

    const page = await secretariat.get(`/nominations/${id}`);
    expect(verdictIn(page.text)).toBe('ineligible');
    expect(findingsIn(page.text)).toEqual(['term_limit_reached']);
    expect(nominationRow(t, id)!.status).toBe('submitted');

    const ownPage = await athens.get(`/nominations/${id}`);
    expect(ownPage.status).toBe(200);
    expect(ownPage.text).not.toContain('data-finding');
    expect(ownPage.text).not.toContain('limit of consecutive terms');
  });

  it('does not find it under a two-term limit after one term, nor for a new mayor of the same city', async () => {
    const former = await nominate(await logInAsNominatorOf(t, 'Athens'), ATHENS_FORMER_MAYOR);
    await setTermLimit(secretariat, '2');
    expect(findingsIn(screeningRow((await secretariat.get(ATHENS)).text, former)!)).toEqual([]);

    expect(
      (await (await logInAsNominatorOf(t, 'Athens')).post(`/nominations/${former}/withdraw`)).status,
    ).toBe(303);
    const newcomer = await nominate(await logInAsNominatorOf(t, 'Athens'), ATHENS_NEW_MAYOR);
    await setTermLimit(secretariat, '1');
    expect(findingsIn(screeningRow((await secretariat.get(ATHENS)).text, newcomer)!)).toEqual([]);
  });

  it('counts Amman’s mayor’s two consecutive terms: reached under a two-term limit, not under three', async () => {
    const id = await nominate(await logInAsNominatorOf(t, 'Amman'), AMMAN_MAYOR);
    await setTermLimit(secretariat, '3');
    // Amman sits on the board, so that finding stays either way.
    expect(findingsIn(screeningRow((await secretariat.get(ATHENS)).text, id)!)).toEqual(['city_holds_seat']);

    await setTermLimit(secretariat, '2');
    expect(findingsIn(screeningRow((await secretariat.get(ATHENS)).text, id)!)).toEqual([
      'city_holds_seat',
      'term_limit_reached',
    ]);
    expect(findingsIn((await secretariat.get(`/nominations/${id}`)).text)).toEqual([
      'city_holds_seat',
      'term_limit_reached',
    ]);
  });
});
