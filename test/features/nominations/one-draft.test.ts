// A nominator keeps at most one unfinished draft per vacancy: a second one is refused and points
// to the first, and the form for the seat opens the draft instead of a blank one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { allNominations, bogotaForm, idFromLocation, NOW, textOf, VACANCY } from './nomination-records.js';

describe('one draft per nominator and vacancy', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  const draft = () => bogotaForm({ intent: 'draft', consent: undefined });

  it('refuses a second draft for the same seat (409) with a link to the first, storing nothing', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const first = idFromLocation((await bogota.post('/nominations', draft())).headers.location);
    const count = allNominations(t).length;
    const second = await bogota.post('/nominations', draft());
    expect(second.status).toBe(409);
    expect(textOf(second.text)).toContain('You already have a draft nomination for this seat.');
    expect(second.text).toContain(`href="/nominations/${first}/edit"`);
    expect(allNominations(t)).toHaveLength(count);
  });

  it('opens the draft when the nominator asks for the seat’s form again', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const first = idFromLocation((await bogota.post('/nominations', draft())).headers.location);
    const form = await bogota.get(`/nominations/new?vacancyId=${VACANCY.athens}`);
    expect(form.status).toBe(303);
    expect(form.headers.location).toBe(`/nominations/${first}/edit`);
  });

  it('allows a new draft once the first is submitted or withdrawn', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const first = idFromLocation((await bogota.post('/nominations', draft())).headers.location);
    expect((await bogota.post(`/nominations/${first}/withdraw`)).status).toBe(303);
    expect((await bogota.post('/nominations', draft())).status).toBe(303);
  });
});
