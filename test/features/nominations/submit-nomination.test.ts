import { eq } from 'drizzle-orm';
import supertest from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cities, users } from '../../../src/db/schema.js';
import { COUNTRIES } from '../../../src/domain/countries.js';
import { MIGRATION_CONTEXTS } from '../../../src/domain/reference.js';
import { client, logInAs, makeTestApp, ORIGIN, type TestApp } from '../../helpers/app.js';
import {
  allNominations,
  auditEntries,
  bogotaForm,
  DAY_MS,
  fieldError,
  fieldsWithErrors,
  historyOf,
  idFromLocation,
  mailTo,
  NOMINATION,
  NOW,
  nominationRow,
  nominationState,
  postMultipart,
  TODAY,
  textOf,
  userIdOf,
  VACANCY,
  vacancyStatus,
} from './nomination-records.js';

describe('submitting a nomination (nominator)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('stores a submitted nomination with its history, audits it, mails the nominator and redirects (303) to it', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await bogota.post('/nominations', bogotaForm());

    expect(response.status).toBe(303);
    const id = idFromLocation(response.headers.location);
    expect(nominationRow(t, id)).toMatchObject({
      vacancyId: VACANCY.athens,
      nominatedBy: userIdOf(t, 'nominator.bogota'),
      nomineeName: 'Carlos Fernando Galán',
      nomineeTitle: 'Mayor of Bogota',
      nomineeEmail: 'mayor@bogota.example',
      cityName: 'Bogota',
      country: 'CO',
      contexts: ['destination', 'transit', 'internal_displacement'],
      secondaryCity: true,
      consent: true,
      status: 'submitted',
      submittedAt: NOW.toISOString(),
      documentFile: null,
    });
    expect(historyOf(t, id)).toEqual([
      expect.objectContaining({
        fromStatus: null,
        toStatus: 'submitted',
        actorId: userIdOf(t, 'nominator.bogota'),
        at: NOW.toISOString(),
      }),
    ]);
    const [audit, ...moreAudits] = auditEntries(t, 'nomination.submit');
    expect(moreAudits).toHaveLength(0);
    expect(audit).toMatchObject({ subjectType: 'nomination', subjectId: String(id) });
    expect(audit!.details).toMatchObject({ vacancyId: VACANCY.athens, city: 'Bogota', country: 'CO' });
    const [mail, ...moreMail] = mailTo(t, 'nominator.bogota');
    expect(moreMail).toHaveLength(0);
    expect(mail!.subject).toContain('Carlos Fernando Galán');
    expect(mail!.textBody).toContain(`/nominations/${id}`);

    const page = await bogota.get(response.headers.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-status="submitted"');
    expect(page.text).toContain('Carlos Fernando Galán');
  });

  it('accepts the same form sent as multipart/form-data, as the nomination page sends it', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await postMultipart(bogota, '/nominations', bogotaForm());

    expect(response.status).toBe(303);
    const id = idFromLocation(response.headers.location);
    expect(nominationRow(t, id)).toMatchObject({
      status: 'submitted',
      cityName: 'Bogota',
      contexts: ['destination', 'transit', 'internal_displacement'],
      secondaryCity: true,
      consent: true,
    });
    expect(historyOf(t, id).map((event) => [event.fromStatus, event.toStatus])).toEqual([
      [null, 'submitted'],
    ]);
    expect(auditEntries(t, 'nomination.submit')).toHaveLength(1);
    expect(mailTo(t, 'nominator.bogota')).toHaveLength(1);
  });

  it('saves a draft without the nominee’s consent: stored as a draft, audited as such naming only the vacancy, and no mail', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await bogota.post('/nominations', bogotaForm({ consent: undefined, intent: 'draft' }));

    expect(response.status).toBe(303);
    const id = idFromLocation(response.headers.location);
    expect(nominationRow(t, id)).toMatchObject({ status: 'draft', consent: false, submittedAt: null });
    expect(historyOf(t, id).map((event) => [event.fromStatus, event.toStatus])).toEqual([[null, 'draft']]);
    // A draft is private to its nominator: its audit entry names the vacancy and nothing more.
    const [audit, ...moreAudits] = auditEntries(t, 'nomination.draft');
    expect(moreAudits).toHaveLength(0);
    expect(audit).toMatchObject({ subjectType: 'nomination', subjectId: String(id) });
    expect(audit!.details).toEqual({ vacancyId: VACANCY.athens });
    expect(auditEntries(t, 'nomination.submit')).toHaveLength(0);
    expect(mailTo(t, 'nominator.bogota')).toHaveLength(0);
  });

  it('accepts a statement of exactly 5000 characters', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await bogota.post('/nominations', bogotaForm({ statement: 'a'.repeat(5000) }));
    expect(response.status).toBe(303);
    expect(nominationRow(t, idFromLocation(response.headers.location))!.statement).toHaveLength(5000);
  });

  it('stores text exactly as typed and shows it escaped, never as markup', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const nomineeName = '<script>alert(1)</script>';
    const statement = 'She said "welcome" & <b>meant</b> it.';
    const response = await bogota.post('/nominations', bogotaForm({ nomineeName, statement }));

    expect(response.status).toBe(303);
    const id = idFromLocation(response.headers.location);
    expect(nominationRow(t, id)).toMatchObject({ nomineeName, statement });
    for (const viewer of [bogota, await logInAs(t, 'secretariat')]) {
      const page = await viewer.get(`/nominations/${id}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page.text).not.toContain('<script>alert(1)');
      expect(page.text).toContain('&amp; &lt;b&gt;meant&lt;/b&gt;');
      expect(page.text).not.toContain('<b>meant</b>');
    }
  });

  it('re-renders the typed markup escaped when the form is refused', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await bogota.post(
      '/nominations',
      bogotaForm({ nomineeName: '"><script>alert(1)</script>', nomineeEmail: 'nope' }),
    );
    expect(response.status).toBe(422);
    expect(response.text).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(response.text).not.toContain('<script>alert(1)');
  });
});

describe('a nomination with an invalid field is refused (422) with a message beside that field, the input kept and nothing stored', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterAll(async () => t.close());

  const cases: Array<[string, string, Record<string, string | string[] | undefined>]> = [
    ['a missing nominee name', 'nomineeName', { nomineeName: '' }],
    ['a nominee name of spaces only', 'nomineeName', { nomineeName: '   ' }],
    ['a malformed e-mail address', 'nomineeEmail', { nomineeEmail: 'mayor-at-bogota' }],
    ['an unknown country code', 'country', { country: 'ZZ' }],
    ['a country given by name instead of its code', 'country', { country: 'Colombia' }],
    ['no migration context', 'migrationContexts', { migrationContexts: undefined }],
    ['a migration context outside the taxonomy', 'migrationContexts', { migrationContexts: ['tourism'] }],
    ['a mandate end that is not a date', 'mandateEndsOn', { mandateEndsOn: 'next spring' }],
    ['a mandate end in a day-first format', 'mandateEndsOn', { mandateEndsOn: '31/12/2030' }],
    ['a mandate end that does not exist', 'mandateEndsOn', { mandateEndsOn: '2030-02-30' }],
    ['a mandate that ended yesterday', 'mandateEndsOn', { mandateEndsOn: '2026-11-27' }],
    ['a mandate that ends today', 'mandateEndsOn', { mandateEndsOn: TODAY }],
    ['an empty statement', 'statement', { statement: '' }],
    ['a statement of spaces only', 'statement', { statement: '  \n  ' }],
    ['a statement over 5000 characters', 'statement', { statement: 'a'.repeat(5001) }],
    ['submitting without the nominee’s consent', 'consent', { consent: undefined }],
  ];

  it.each(cases)('%s: message beside %s', async (_what, field, overrides) => {
    const before = nominationState(t);
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await bogota.post('/nominations', bogotaForm(overrides));

    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual([field]);
    expect(fieldError(response.text, field)).toBeTruthy();
    expect(response.text).toMatch(new RegExp(`aria-describedby="[^"]*\\b${field}-error`));
    // The input is kept: what was typed is back in the form, as typed.
    if (field !== 'nomineeName') expect(response.text).toContain('value="Carlos Fernando Galán"');
    if (field !== 'nomineeEmail') expect(response.text).toContain('value="Mayor@Bogota.example"');
    if (field !== 'country') expect(response.text).toMatch(/<option value="CO"[^>]* selected>/);
    expect(nominationState(t)).toBe(before);
  });

  it('keeps every answer after a refusal: contexts checked, secondary city and consent ticked, statement in its box', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await bogota.post('/nominations', bogotaForm({ nomineeEmail: 'nope' }));
    expect(response.status).toBe(422);
    expect(response.text).toContain('value="nope"');
    for (const context of ['destination', 'transit', 'internal_displacement'])
      expect(response.text).toContain(`name="migrationContexts" value="${context}" checked`);
    expect(response.text).not.toContain('name="migrationContexts" value="origin" checked');
    expect(response.text).toContain('name="secondaryCity" checked');
    expect(response.text).toContain('name="consent" checked');
    expect(response.text).toContain(`value="${bogotaForm().mandateEndsOn}"`);
    expect(response.text).toContain('Bogota has received more Venezuelan migrants');
  });
});

describe('cities nominate their own mayors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterAll(async () => t.close());

  it('refuses a nomination for any city but the nominator’s own (422 beside the city), naming their city and storing nothing', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const others: Array<Record<string, string>> = [
      { cityName: 'Medellín' },
      { cityName: 'Zurich', country: 'CH' },
      // The same name in another country is another city.
      { cityName: 'Bogota', country: 'VE' },
    ];
    for (const overrides of others) {
      const before = nominationState(t);
      const response = await bogota.post('/nominations', bogotaForm(overrides));
      const what = JSON.stringify(overrides);
      expect(response.status, what).toBe(422);
      expect(fieldsWithErrors(response.text), what).toEqual(['cityName']);
      expect(fieldError(response.text, 'cityName'), what).toContain('your own city, Bogota (CO)');
      expect(response.text, what).toContain(`value="${overrides.cityName}"`);
      expect(nominationState(t), what).toBe(before);
    }
  });

  it('refuses a draft for another city too (422 beside the city)', async () => {
    const before = nominationState(t);
    const response = await (await logInAs(t, 'nominator.bogota')).post(
      '/nominations',
      bogotaForm({ cityName: 'Medellín', consent: undefined, intent: 'draft' }),
    );
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['cityName']);
    expect(nominationState(t)).toBe(before);
  });

  it('refuses a nominator whose account is linked to no city (422 beside the city), storing nothing', async () => {
    const bogotaAccount = t.db
      .select()
      .from(users)
      .where(eq(users.id, userIdOf(t, 'nominator.bogota')))
      .get()!;
    t.db
      .insert(users)
      .values({
        email: 'nominator.nowhere@demo.mmc.example',
        displayName: 'A nominator without a city',
        role: 'nominator',
        cityId: null,
        passwordHash: bogotaAccount.passwordHash,
      })
      .run();
    const nowhere = client(t);
    await nowhere.logIn('nominator.nowhere@demo.mmc.example');
    const before = nominationState(t);
    const response = await nowhere.post('/nominations', bogotaForm());
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['cityName']);
    expect(fieldError(response.text, 'cityName')).toContain('not linked to a city');
    expect(nominationState(t)).toBe(before);
  });

  it('accepts the nominator’s own city however it is typed', async () => {
    const response = await (await logInAs(t, 'nominator.bogota')).post(
      '/nominations',
      bogotaForm({ cityName: ' BOGOTÁ ' }),
    );
    expect(response.status).toBe(303);
    expect(nominationRow(t, idFromLocation(response.headers.location))).toMatchObject({
      cityKey: 'CO:bogota',
      status: 'submitted',
    });
  });
});

describe('nominating for a vacancy that is not open', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('answers a nomination for an upcoming vacancy 404, as if it did not exist (it is not open to nominators yet), and stores nothing', async () => {
    const before = nominationState(t);
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await bogota.post('/nominations', bogotaForm({ vacancyId: String(VACANCY.bristol) }));
    expect(response.status).toBe(404);
    expect(response.text).toContain('There is no such vacancy open for nominations.');
    expect(nominationState(t)).toBe(before);
  });

  it('answers 404 for a vacancy that does not exist, and stores nothing', async () => {
    const before = nominationState(t);
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await bogota.post('/nominations', bogotaForm({ vacancyId: '999' }));
    expect(response.status).toBe(404);
    expect(nominationState(t)).toBe(before);
  });

  it('refuses nominations once the deadline has passed (409), and the vacancy moves to screening', async () => {
    t.clock.advance(15 * DAY_MS);
    const before = nominationState(t);
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await bogota.post('/nominations', bogotaForm({ mandateEndsOn: '2031-06-30' }));
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toMatch(
      /Nominations for this seat are closed: the deadline was \d{4}-\d{2}-\d{2}\./,
    );
    expect(nominationState(t)).toBe(before);

    const page = await (await logInAs(t, 'secretariat')).get(`/vacancies/${VACANCY.athens}`);
    expect(page.status).toBe(200);
    expect(textOf(page.text)).toContain('Seat 2 vacancy Screening');
    expect(vacancyStatus(t, VACANCY.athens)).toBe('screening');
  });

  it('refuses the form once the deadline has passed (409): an error page, no form', async () => {
    t.clock.advance(15 * DAY_MS);
    const response = await (await logInAs(t, 'nominator.bogota')).get(
      `/nominations/new?vacancyId=${VACANCY.athens}`,
    );
    expect(response.status).toBe(409);
    expect(response.text).not.toContain('name="nomineeName"');
    expect(response.text).not.toContain('action="/nominations"');
  });

  it('still accepts a nomination on the deadline day itself', async () => {
    t.clock.advance(14 * DAY_MS);
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await bogota.post('/nominations', bogotaForm());
    expect(response.status).toBe(303);
  });
});

describe('who may submit a nomination', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterAll(async () => t.close());

  it('answers 403 to the secretariat, a board member and a partner, and stores nothing', async () => {
    const before = nominationState(t);
    for (const account of ['secretariat', 'mayor.milan', 'partner.c40']) {
      const response = await (await logInAs(t, account)).post('/nominations', bogotaForm());
      expect(response.status, account).toBe(403);
    }
    expect(nominationState(t)).toBe(before);
  });

  it('sends an anonymous visitor to /login (303) and stores nothing', async () => {
    const before = nominationState(t);
    const response = await supertest(t.app.server)
      .post('/nominations')
      .set('Origin', ORIGIN)
      .type('form')
      .send(bogotaForm());
    expect(response.status).toBe(303);
    expect(response.headers.location).toMatch(/^\/login/);
    expect(nominationState(t)).toBe(before);
  });

  it('refuses a nomination posted from another site (403), even by a logged-in nominator', async () => {
    const before = nominationState(t);
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await bogota.agent
      .post('/nominations')
      .set('Origin', 'https://evil.example')
      .type('form')
      .send(bogotaForm());
    expect(response.status).toBe(403);
    expect(nominationState(t)).toBe(before);
    expect(allNominations(t)).toHaveLength(3);
  });
});

describe('the nomination form page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterAll(async () => t.close());

  it('shows a nominator the form: countries by name, contexts as checkboxes, consent, and a 5000-character statement with a live count', async () => {
    const response = await (await logInAs(t, 'nominator.bogota')).get(
      `/nominations/new?vacancyId=${VACANCY.athens}`,
    );
    expect(response.status).toBe(200);
    expect(response.text).toContain('name="vacancyId" value="1"');

    const select = /<select id="country" name="country"[^>]*>([\s\S]*?)<\/select>/.exec(response.text);
    expect(select).not.toBeNull();
    const options = [...select![1]!.matchAll(/<option value="([A-Z]{2})"[^>]*>([^<]*)<\/option>/g)];
    expect(options).toHaveLength(COUNTRIES.length);
    const names = options.map((option) => option[2]!.split(' — ')[0]!);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(options.find((option) => option[1] === 'CO')?.[2]).toContain('Colombia');

    for (const context of MIGRATION_CONTEXTS)
      expect(response.text).toContain(`type="checkbox" name="migrationContexts" value="${context}"`);
    expect(response.text).toContain('type="checkbox" name="consent"');
    expect(response.text).toMatch(/<textarea id="statement" name="statement"[^>]*maxlength="5000"/);
    const counter = /<textarea id="statement"[^>]*data-count="([^"]+)"/.exec(response.text);
    expect(counter).not.toBeNull();
    expect(response.text).toContain(`id="${counter![1]}"`);
    expect(response.text).toContain('name="document" type="file"');
    expect(response.text).toContain('enctype="multipart/form-data"');
  });

  it('answers 403 to the secretariat, a board member and a partner', async () => {
    for (const account of ['secretariat', 'mayor.milan', 'partner.c40']) {
      const response = await (await logInAs(t, account)).get(`/nominations/new?vacancyId=${VACANCY.athens}`);
      expect(response.status, account).toBe(403);
    }
  });

  it('sends an anonymous visitor to /login (303)', async () => {
    const response = await supertest(t.app.server).get(`/nominations/new?vacancyId=${VACANCY.athens}`);
    expect(response.status).toBe(303);
    expect(response.headers.location).toMatch(/^\/login/);
  });

  it('answers 404 for a vacancy not open to nominators (the upcoming one), as for one that does not exist', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    // Nominators do not see a vacancy before it opens, nor its page.
    expect((await bogota.get(`/vacancies/${VACANCY.bristol}`)).status).toBe(404);
    const upcoming = await bogota.get(`/nominations/new?vacancyId=${VACANCY.bristol}`);
    expect(upcoming.status).toBe(404);
    expect(upcoming.text).not.toContain('name="nomineeName"');
    expect((await bogota.get('/nominations/new?vacancyId=999')).status).toBe(404);
    // Without a vacancy, the form first asks which open seat the nomination is for.
    const chooser = await bogota.get('/nominations/new');
    expect(chooser.status).toBe(200);
    expect(chooser.text).toContain('<select id="vacancyId" name="vacancyId"');
    expect(chooser.text).toContain(`<option value="${VACANCY.athens}"`);
    expect(chooser.text).not.toContain(`<option value="${VACANCY.bristol}"`);
  });

  it('shows a city that has already nominated its nomination instead of a blank form', async () => {
    const zurich = await (await logInAs(t, 'nominator.zurich')).get(
      `/nominations/new?vacancyId=${VACANCY.athens}`,
    );
    expect(zurich.status).toBe(303);
    expect(zurich.headers.location).toBe(`/nominations/${NOMINATION.zurich}`);
  });

  it('starts with the nominator’s own city filled in: its name, country, contexts and secondary flag', async () => {
    const plain = await (await logInAs(t, 'nominator.bogota')).get(
      `/nominations/new?vacancyId=${VACANCY.athens}`,
    );
    expect(plain.text).not.toContain('name="secondaryCity" checked');
    t.db.update(cities).set({ secondaryCity: true }).where(eq(cities.cityKey, 'CO:bogota')).run();
    const bogota = await (await logInAs(t, 'nominator.bogota')).get(
      `/nominations/new?vacancyId=${VACANCY.athens}`,
    );
    expect(bogota.status).toBe(200);
    expect(bogota.text).toContain('id="cityName" name="cityName" type="text" value="Bogota"');
    expect(bogota.text).toMatch(/<option value="CO"[^>]* selected>/);
    for (const context of ['destination', 'transit', 'internal_displacement'])
      expect(bogota.text).toContain(`name="migrationContexts" value="${context}" checked`);
    expect(bogota.text).toContain('name="secondaryCity" checked');
    // The nominee's own answers are still to be given.
    expect(bogota.text).toContain('id="nomineeName" name="nomineeName" type="text" value=""');
    expect(bogota.text).not.toContain('name="consent" checked');
  });
});
