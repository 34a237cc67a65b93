import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import {
  allNominations,
  bogotaForm,
  idFromLocation,
  NOMINATION,
  NOW,
  nominationRow,
  nominationState,
  postMultipart,
  textOf,
} from './nomination-records.js';

describe('a city is nominated once per vacancy', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('refuses Zurich a second time, however it is typed (409), naming the existing nomination, and stores nothing', async () => {
    const before = nominationState(t);
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await bogota.post('/nominations', bogotaForm({ cityName: 'zürich ', country: 'CH' }));

    expect(response.status).toBe(409);
    const text = textOf(response.text);
    expect(text).toContain(`nomination ${NOMINATION.zurich}`);
    expect(text).toContain('Anna Keller');
    // The form comes back as typed, so the nominator can change the city.
    expect(response.text).toContain('value="Carlos Fernando Galán"');
    expect(nominationState(t)).toBe(before);
  });

  it('refuses Zurich from another nominator too (409)', async () => {
    const before = nominationState(t);
    const montevideo = await logInAs(t, 'nominator.montevideo');
    const response = await montevideo.post('/nominations', bogotaForm({ cityName: 'ZURICH', country: 'ch' }));
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain(`nomination ${NOMINATION.zurich}`);
    expect(nominationState(t)).toBe(before);
  });

  it('counts a draft as a nomination of its city', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const draft = await bogota.post('/nominations', bogotaForm({ consent: undefined, intent: 'draft' }));
    expect(draft.status).toBe(303);
    const response = await (await logInAs(t, 'nominator.montevideo')).post('/nominations', bogotaForm());
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain(`nomination ${idFromLocation(draft.headers.location)}`);
  });

  it('lets exactly one of two simultaneous nominations of the same new city through: one 303, one 409, one row', async () => {
    const [bogota, montevideo] = await Promise.all([
      logInAs(t, 'nominator.bogota'),
      logInAs(t, 'nominator.montevideo'),
    ]);
    const form = bogotaForm({ cityName: 'Medellín', nomineeName: 'Federico Gutiérrez' });
    const responses = await Promise.all([
      bogota.post('/nominations', form),
      postMultipart(montevideo, '/nominations', form),
    ]);

    expect(responses.map((response) => response.status).sort()).toEqual([303, 409]);
    const medellin = allNominations(t).filter((nomination) => nomination.cityKey === 'CO:medellin');
    expect(medellin).toHaveLength(1);
    const winner = responses.find((response) => response.status === 303)!;
    expect(medellin[0]!.id).toBe(idFromLocation(winner.headers.location));
  });

  it('holds under repeated races: never two rows for one city', async () => {
    const browsers = await Promise.all(
      ['nominator.bogota', 'nominator.montevideo', 'nominator.dhaka-north'].map((account) =>
        logInAs(t, account),
      ),
    );
    for (const city of ['Cali', 'Cartagena', 'Barranquilla']) {
      const form = bogotaForm({ cityName: city });
      const responses = await Promise.all(browsers.map((browser) => browser.post('/nominations', form)));
      expect(responses.map((response) => response.status).sort(), city).toEqual([303, 409, 409]);
      expect(allNominations(t).filter((nomination) => nomination.cityName === city)).toHaveLength(1);
    }
  });

  it('lets the city be nominated again once its nomination is withdrawn', async () => {
    const zurich = await logInAs(t, 'nominator.zurich');
    expect((await zurich.post(`/nominations/${NOMINATION.zurich}/withdraw`)).status).toBe(303);

    const response = await (await logInAs(t, 'nominator.bogota')).post(
      '/nominations',
      bogotaForm({ cityName: 'Zürich', country: 'CH', nomineeName: 'Corine Mauch' }),
    );
    expect(response.status).toBe(303);
    const id = idFromLocation(response.headers.location);
    expect(nominationRow(t, id)).toMatchObject({ cityKey: 'CH:zurich', status: 'submitted' });
    expect(nominationRow(t, NOMINATION.zurich)!.status).toBe('withdrawn');
  });
});
