import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import {
  allNominations,
  bogotaForm,
  fieldError,
  fieldsWithErrors,
  idFromLocation,
  logInAsColleagueOf,
  NOMINATION,
  NOW,
  nominationRow,
  nominationState,
  postMultipart,
  textOf,
} from './nomination-records.js';

/** Bogota's nomination kept as a draft: no consent yet. */
const bogotaDraft = () => bogotaForm({ consent: undefined, intent: 'draft' });

/** The nominations of Bogota that count as its nomination: neither drafts nor withdrawn. */
const bogotaNominations = (t: TestApp) =>
  allNominations(t).filter(
    (nomination) => nomination.cityKey === 'CO:bogota' && !['draft', 'withdrawn'].includes(nomination.status),
  );

describe('a city is nominated once per vacancy', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('refuses Zurich a second time from another Zurich nominator, however it is typed (409), without showing them a nomination they may not open, and stores nothing', async () => {
    const before = nominationState(t);
    const zurich = await logInAsColleagueOf(t, 'nominator.zurich');
    const zurichForm = (intent: string) =>
      bogotaForm({
        cityName: 'zürich ',
        country: 'CH',
        nomineeName: 'Corine Mauch',
        consent: intent === 'draft' ? undefined : 'on',
        intent,
      });
    const response = await zurich.post('/nominations', zurichForm('submit'));

    expect(response.status).toBe(409);
    const text = textOf(response.text);
    expect(text).toContain('Your city, Zurich, already has a nomination for this seat.');
    // The other account's nomination is not theirs to see: neither its nominee nor a link to it.
    expect(text).not.toContain('Anna Keller');
    expect(response.text).not.toContain(`/nominations/${NOMINATION.zurich}`);
    // The form comes back as typed.
    expect(response.text).toContain('value="Corine Mauch"');
    // Nor may the city keep a draft beside its submitted nomination.
    const draft = await zurich.post('/nominations', zurichForm('draft'));
    expect(draft.status).toBe(409);
    expect(textOf(draft.text)).toContain('Your city, Zurich, already has a nomination for this seat.');
    expect(nominationState(t)).toBe(before);
  });

  it('refuses a nominator of another city Zurich’s mayor as not their own city (422 beside the city), without revealing Zurich’s nomination', async () => {
    const before = nominationState(t);
    const montevideo = await logInAs(t, 'nominator.montevideo');
    const response = await montevideo.post('/nominations', bogotaForm({ cityName: 'ZURICH', country: 'ch' }));
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['cityName']);
    expect(fieldError(response.text, 'cityName')).toContain('your own city, Montevideo');
    expect(textOf(response.text)).not.toContain(`nomination ${NOMINATION.zurich}`);
    expect(response.text).not.toContain('Anna Keller');
    expect(nominationState(t)).toBe(before);
  });

  it('does not count a draft as its city’s nomination: another nominator of the city may still submit one', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const draft = await bogota.post('/nominations', bogotaDraft());
    expect(draft.status).toBe(303);
    const response = await (await logInAsColleagueOf(t, 'nominator.bogota')).post(
      '/nominations',
      bogotaForm(),
    );
    expect(response.status).toBe(303);
    const submitted = idFromLocation(response.headers.location);
    expect(nominationRow(t, submitted)).toMatchObject({ cityKey: 'CO:bogota', status: 'submitted' });
    expect(nominationRow(t, idFromLocation(draft.headers.location))!.status).toBe('draft');
  });

  it('lets two nominators of a city each keep a draft of its nomination', async () => {
    const first = await (await logInAs(t, 'nominator.bogota')).post('/nominations', bogotaDraft());
    const second = await (await logInAsColleagueOf(t, 'nominator.bogota')).post(
      '/nominations',
      bogotaDraft(),
    );
    expect([first.status, second.status]).toEqual([303, 303]);
    const drafts = allNominations(t).filter((nomination) => nomination.cityKey === 'CO:bogota');
    expect(drafts.map((nomination) => [nomination.id, nomination.status])).toEqual([
      [idFromLocation(first.headers.location), 'draft'],
      [idFromLocation(second.headers.location), 'draft'],
    ]);
  });

  it('refuses to submit the second draft of a city once the first is submitted (409), without naming the colleague’s nomination, and changes nothing', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const colleague = await logInAsColleagueOf(t, 'nominator.bogota');
    const firstId = idFromLocation((await bogota.post('/nominations', bogotaDraft())).headers.location);
    const secondId = idFromLocation((await colleague.post('/nominations', bogotaDraft())).headers.location);
    expect((await bogota.post(`/nominations/${firstId}`, bogotaForm())).status).toBe(303);

    const before = nominationState(t);
    const response = await colleague.post(`/nominations/${secondId}`, bogotaForm());
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain('Your city, Bogota, already has a nomination for this seat.');
    expect(response.text).not.toContain(`/nominations/${firstId}"`);
    expect(nominationRow(t, secondId)!.status).toBe('draft');
    expect(nominationState(t)).toBe(before);
  });

  it('lets exactly one of two simultaneous submissions by two nominators of the same city through: one 303, one 409, one row', async () => {
    const [bogota, colleague] = await Promise.all([
      logInAs(t, 'nominator.bogota'),
      logInAsColleagueOf(t, 'nominator.bogota'),
    ]);
    const form = bogotaForm();
    const responses = await Promise.all([
      bogota.post('/nominations', form),
      postMultipart(colleague, '/nominations', form),
    ]);

    expect(responses.map((response) => response.status).sort()).toEqual([303, 409]);
    const nominated = allNominations(t).filter((nomination) => nomination.cityKey === 'CO:bogota');
    expect(nominated).toHaveLength(1);
    const winner = responses.find((response) => response.status === 303)!;
    expect(nominated[0]!.id).toBe(idFromLocation(winner.headers.location));
  });

  it('lets exactly one of two drafts of the same city be submitted at the same moment: one 303, one 409', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const colleague = await logInAsColleagueOf(t, 'nominator.bogota');
    const firstId = idFromLocation((await bogota.post('/nominations', bogotaDraft())).headers.location);
    const secondId = idFromLocation((await colleague.post('/nominations', bogotaDraft())).headers.location);

    const responses = await Promise.all([
      bogota.post(`/nominations/${firstId}`, bogotaForm()),
      colleague.post(`/nominations/${secondId}`, bogotaForm()),
    ]);
    expect(responses.map((response) => response.status).sort()).toEqual([303, 409]);
    expect(bogotaNominations(t)).toHaveLength(1);
    expect(allNominations(t).filter((nomination) => nomination.status === 'draft')).toHaveLength(1);
  });

  it('holds under repeated races: never two rows in play for one city', async () => {
    const browsers = await Promise.all([
      logInAs(t, 'nominator.bogota'),
      logInAsColleagueOf(t, 'nominator.bogota', 1),
      logInAsColleagueOf(t, 'nominator.bogota', 2),
    ]);
    for (const round of [1, 2, 3]) {
      const form = bogotaForm({ nomineeName: `Nominee of round ${round}` });
      const responses = await Promise.all(browsers.map((browser) => browser.post('/nominations', form)));
      expect(responses.map((response) => response.status).sort(), `round ${round}`).toEqual([303, 409, 409]);
      const inPlay = bogotaNominations(t);
      expect(inPlay, `round ${round}`).toHaveLength(1);
      // The winner withdraws, so the next round races for the city again.
      const winner = responses.findIndex((response) => response.status === 303);
      expect(inPlay[0]!.id).toBe(idFromLocation(responses[winner]!.headers.location));
      expect((await browsers[winner]!.post(`/nominations/${inPlay[0]!.id}/withdraw`)).status).toBe(303);
    }
    expect(allNominations(t).filter((nomination) => nomination.cityKey === 'CO:bogota')).toHaveLength(3);
  });

  it('lets the city be nominated again once its nomination is withdrawn', async () => {
    const zurich = await logInAs(t, 'nominator.zurich');
    expect((await zurich.post(`/nominations/${NOMINATION.zurich}/withdraw`)).status).toBe(303);

    const response = await (await logInAsColleagueOf(t, 'nominator.zurich')).post(
      '/nominations',
      bogotaForm({ cityName: 'Zürich', country: 'CH', nomineeName: 'Corine Mauch' }),
    );
    expect(response.status).toBe(303);
    const id = idFromLocation(response.headers.location);
    expect(nominationRow(t, id)).toMatchObject({ cityKey: 'CH:zurich', status: 'submitted' });
    expect(nominationRow(t, NOMINATION.zurich)!.status).toBe('withdrawn');
  });
});
