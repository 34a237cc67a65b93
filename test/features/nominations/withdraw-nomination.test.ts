import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logInAs, makeTestApp, ORIGIN, type TestApp } from '../../helpers/app.js';
import {
  auditEntries,
  historyOf,
  listedNominationIds,
  NOMINATION,
  NOW,
  nominationRow,
  nominationState,
  screeningRowIds,
  setVacancyStatus,
  userIdOf,
  VACANCY,
} from './nomination-records.js';

describe('withdrawing a nomination (its nominator)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('withdraws a submitted nomination: 303 to it, history submitted → withdrawn, audited', async () => {
    const zurich = await logInAs(t, 'nominator.zurich');
    const response = await zurich.post(`/nominations/${NOMINATION.zurich}/withdraw`);

    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/nominations/${NOMINATION.zurich}`);
    expect(nominationRow(t, NOMINATION.zurich)!.status).toBe('withdrawn');
    expect(historyOf(t, NOMINATION.zurich).at(-1)).toMatchObject({
      fromStatus: 'submitted',
      toStatus: 'withdrawn',
      actorId: userIdOf(t, 'nominator.zurich'),
      at: NOW.toISOString(),
    });
    const [audit, ...more] = auditEntries(t, 'nomination.withdraw');
    expect(more).toHaveLength(0);
    expect(audit).toMatchObject({ subjectType: 'nomination', subjectId: String(NOMINATION.zurich) });
    expect(audit!.details).toMatchObject({ from: 'submitted' });

    const page = await zurich.get(`/nominations/${NOMINATION.zurich}`);
    expect(page.text).toContain('data-status="withdrawn"');
    expect(page.text).not.toContain(`action="/nominations/${NOMINATION.zurich}/withdraw"`);
  });

  it('takes a shortlisted nomination off the board’s and partners’ lists, but keeps it on its nominator’s and the secretariat’s', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    await secretariat.post(`/nominations/${NOMINATION.zurich}/review`, { status: 'shortlisted' });
    const milan = await logInAs(t, 'mayor.milan');
    const c40 = await logInAs(t, 'partner.c40');
    expect(listedNominationIds((await milan.get('/nominations')).text)).toEqual([NOMINATION.zurich]);

    const zurich = await logInAs(t, 'nominator.zurich');
    expect((await zurich.post(`/nominations/${NOMINATION.zurich}/withdraw`)).status).toBe(303);
    expect(historyOf(t, NOMINATION.zurich).at(-1)).toMatchObject({
      fromStatus: 'shortlisted',
      toStatus: 'withdrawn',
    });

    for (const [account, viewer] of [
      ['mayor.milan', milan],
      ['partner.c40', c40],
    ] as const) {
      expect(listedNominationIds((await viewer.get('/nominations')).text), account).toEqual([]);
      expect((await viewer.get(`/nominations/${NOMINATION.zurich}`)).status, account).toBe(404);
      expect(screeningRowIds((await viewer.get(`/vacancies/${VACANCY.athens}`)).text), account).toEqual([]);
    }
    expect(listedNominationIds((await zurich.get('/nominations')).text)).toEqual([NOMINATION.zurich]);
    expect(listedNominationIds((await secretariat.get('/nominations')).text)).toContain(NOMINATION.zurich);
    expect((await secretariat.get(`/nominations/${NOMINATION.zurich}`)).status).toBe(200);
  });

  it('hides another nominator’s nomination (404) and changes nothing', async () => {
    const before = nominationState(t);
    const response = await (await logInAs(t, 'nominator.bogota')).post(
      `/nominations/${NOMINATION.zurich}/withdraw`,
    );
    expect(response.status).toBe(404);
    expect(nominationState(t)).toBe(before);
  });

  it('refuses the secretariat, a board member and a partner (403), and changes nothing', async () => {
    const before = nominationState(t);
    for (const account of ['secretariat', 'mayor.milan', 'partner.c40']) {
      const response = await (await logInAs(t, account)).post(`/nominations/${NOMINATION.zurich}/withdraw`);
      expect(response.status, account).toBe(403);
    }
    expect(nominationState(t)).toBe(before);
  });

  it('sends an anonymous visitor to /login (303) and changes nothing', async () => {
    const before = nominationState(t);
    const response = await supertest(t.app.server)
      .post(`/nominations/${NOMINATION.zurich}/withdraw`)
      .set('Origin', ORIGIN);
    expect(response.status).toBe(303);
    expect(nominationState(t)).toBe(before);
  });

  it('refuses to withdraw a nomination twice (409), recording the withdrawal once', async () => {
    const zurich = await logInAs(t, 'nominator.zurich');
    expect((await zurich.post(`/nominations/${NOMINATION.zurich}/withdraw`)).status).toBe(303);
    const before = nominationState(t);
    const again = await zurich.post(`/nominations/${NOMINATION.zurich}/withdraw`);
    expect(again.status).toBe(409);
    expect(again.text).toContain('withdrawn');
    expect(nominationState(t)).toBe(before);
    expect(auditEntries(t, 'nomination.withdraw')).toHaveLength(1);
  });

  it('refuses once the vacancy has gone to a ballot (409), and changes nothing', async () => {
    setVacancyStatus(t, VACANCY.athens, 'balloting');
    const before = nominationState(t);
    const response = await (await logInAs(t, 'nominator.zurich')).post(
      `/nominations/${NOMINATION.zurich}/withdraw`,
    );
    expect(response.status).toBe(409);
    expect(response.text).toContain('ballot');
    expect(nominationRow(t, NOMINATION.zurich)!.status).toBe('submitted');
    expect(nominationState(t)).toBe(before);
  });
});
