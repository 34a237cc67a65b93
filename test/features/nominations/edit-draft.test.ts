import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import {
  auditEntries,
  type Browser,
  bogotaForm,
  DAY_MS,
  fieldsWithErrors,
  historyOf,
  idFromLocation,
  listedNominationIds,
  mailTo,
  NOMINATION,
  NOW,
  nominationRow,
  nominationState,
  PDF_BYTES,
  postMultipart,
  uploadedFiles,
  userIdOf,
  VACANCY,
} from './nomination-records.js';

describe('editing and submitting a draft (its nominator)', () => {
  let t: TestApp;
  let bogota: Browser;
  let draftId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    bogota = await logInAs(t, 'nominator.bogota');
    const response = await bogota.post('/nominations', bogotaForm({ consent: undefined, intent: 'draft' }));
    draftId = idFromLocation(response.headers.location);
  });
  afterEach(async () => t.close());

  it('shows its nominator the draft in the form, with the answers filled in', async () => {
    const response = await bogota.get(`/nominations/${draftId}/edit`);
    expect(response.status).toBe(200);
    expect(response.text).toContain(`action="/nominations/${draftId}"`);
    expect(response.text).toContain('value="Carlos Fernando Galán"');
    expect(response.text).toMatch(/<option value="CO"[^>]* selected>/);
    expect(response.text).toContain('name="migrationContexts" value="transit" checked');
    expect(response.text).not.toContain('name="consent" checked');
  });

  it('hides the draft from another nominator (404) and refuses the form to the secretariat (403)', async () => {
    expect((await (await logInAs(t, 'nominator.zurich')).get(`/nominations/${draftId}/edit`)).status).toBe(
      404,
    );
    expect((await (await logInAs(t, 'secretariat')).get(`/nominations/${draftId}/edit`)).status).toBe(403);
  });

  it('submits the draft once the nominee has consented: submitted, history draft → submitted, audited, mailed', async () => {
    const response = await bogota.post(
      `/nominations/${draftId}`,
      bogotaForm({ nomineeTitle: 'Mayor of Bogotá D.C.', intent: 'submit' }),
    );
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/nominations/${draftId}`);
    expect(nominationRow(t, draftId)).toMatchObject({
      status: 'submitted',
      consent: true,
      nomineeTitle: 'Mayor of Bogotá D.C.',
      submittedAt: NOW.toISOString(),
    });
    expect(historyOf(t, draftId).map((event) => [event.fromStatus, event.toStatus, event.actorId])).toEqual([
      [null, 'draft', userIdOf(t, 'nominator.bogota')],
      ['draft', 'submitted', userIdOf(t, 'nominator.bogota')],
    ]);
    expect(auditEntries(t, 'nomination.submit').map((entry) => entry.subjectId)).toEqual([String(draftId)]);
    expect(mailTo(t, 'nominator.bogota')).toHaveLength(1);
  });

  it('saves changes to a draft and keeps it a draft, audited naming only the vacancy, without mail', async () => {
    const response = await bogota.post(
      `/nominations/${draftId}`,
      bogotaForm({ statement: 'A second thought.', consent: undefined, intent: 'draft' }),
    );
    expect(response.status).toBe(303);
    expect(nominationRow(t, draftId)).toMatchObject({ status: 'draft', statement: 'A second thought.' });
    expect(historyOf(t, draftId)).toHaveLength(1);
    const [audit, ...moreAudits] = auditEntries(t, 'nomination.edit');
    expect(moreAudits).toHaveLength(0);
    expect(audit).toMatchObject({ subjectType: 'nomination', subjectId: String(draftId) });
    expect(audit!.details).toEqual({ vacancyId: VACANCY.athens });
    expect(mailTo(t, 'nominator.bogota')).toHaveLength(0);
  });

  it('refuses to move the draft to another city (422 beside the city) and changes nothing', async () => {
    const before = nominationState(t);
    const response = await bogota.post(
      `/nominations/${draftId}`,
      bogotaForm({ cityName: 'Medellín', consent: undefined, intent: 'draft' }),
    );
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['cityName']);
    expect(nominationState(t)).toBe(before);
  });

  it('refuses to submit the draft without consent (422 beside consent) and changes nothing', async () => {
    const before = nominationState(t);
    const response = await bogota.post(
      `/nominations/${draftId}`,
      bogotaForm({ statement: 'Changed', consent: undefined, intent: 'submit' }),
    );
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['consent']);
    expect(response.text).toContain('Changed');
    expect(nominationState(t)).toBe(before);
  });

  it('replaces the draft’s document with a new one and removes the old file', async () => {
    const first = await postMultipart(
      bogota,
      `/nominations/${draftId}`,
      bogotaForm({ consent: undefined, intent: 'draft' }),
      { data: PDF_BYTES, filename: 'first.pdf' },
    );
    expect(first.status).toBe(303);
    const [firstFile] = uploadedFiles(t);
    const second = await postMultipart(
      bogota,
      `/nominations/${draftId}`,
      bogotaForm({ consent: undefined, intent: 'draft' }),
      { data: PDF_BYTES, filename: 'second.pdf' },
    );
    expect(second.status).toBe(303);
    const files = uploadedFiles(t);
    expect(files).toHaveLength(1);
    expect(files[0]).not.toBe(firstFile);
    expect(nominationRow(t, draftId)).toMatchObject({ documentFile: files[0], documentName: 'second.pdf' });
  });

  it('refuses another nominator’s edit (404) and changes nothing', async () => {
    const before = nominationState(t);
    const response = await (await logInAs(t, 'nominator.zurich')).post(
      `/nominations/${draftId}`,
      bogotaForm(),
    );
    expect(response.status).toBe(404);
    expect(nominationState(t)).toBe(before);
  });

  it('refuses the edit to the secretariat and a board member (403)', async () => {
    const before = nominationState(t);
    for (const account of ['secretariat', 'mayor.milan']) {
      const response = await (await logInAs(t, account)).post(`/nominations/${draftId}`, bogotaForm());
      expect(response.status, account).toBe(403);
    }
    expect(nominationState(t)).toBe(before);
  });

  it('refuses to submit the draft once the nomination deadline has passed (409)', async () => {
    t.clock.advance(15 * DAY_MS);
    const before = nominationState(t);
    const response = await (await logInAs(t, 'nominator.bogota')).post(
      `/nominations/${draftId}`,
      bogotaForm({ mandateEndsOn: '2031-06-30' }),
    );
    expect(response.status).toBe(409);
    expect(nominationState(t)).toBe(before);
  });

  it('keeps a draft private to its nominator: the secretariat neither lists nor opens it', async () => {
    expect(listedNominationIds((await bogota.get('/nominations')).text)).toContain(draftId);
    const secretariat = await logInAs(t, 'secretariat');
    expect(listedNominationIds((await secretariat.get('/nominations')).text)).not.toContain(draftId);
    expect((await secretariat.get(`/nominations/${draftId}`)).status).toBe(404);
  });

  it('keeps a draft private to its nominator once withdrawn, since it was never submitted', async () => {
    expect((await bogota.post(`/nominations/${draftId}/withdraw`)).status).toBe(303);
    expect(nominationRow(t, draftId)).toMatchObject({ status: 'withdrawn', submittedAt: null });
    expect((await bogota.get(`/nominations/${draftId}`)).status).toBe(200);
    const secretariat = await logInAs(t, 'secretariat');
    expect(listedNominationIds((await secretariat.get('/nominations')).text)).not.toContain(draftId);
    expect((await secretariat.get(`/nominations/${draftId}`)).status).toBe(404);
  });

  it('sends an anonymous visitor to /login (303)', async () => {
    const response = await supertest(t.app.server).get(`/nominations/${draftId}/edit`);
    expect(response.status).toBe(303);
  });
});

describe('a submitted nomination can no longer be edited', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('refuses the edit form and the edit itself (409), and changes nothing', async () => {
    const zurich = await logInAs(t, 'nominator.zurich');
    const before = nominationState(t);
    const form = await zurich.get(`/nominations/${NOMINATION.zurich}/edit`);
    expect(form.status).toBe(409);
    const response = await zurich.post(
      `/nominations/${NOMINATION.zurich}`,
      bogotaForm({ cityName: 'Zurich', country: 'CH', nomineeName: 'Someone Else' }),
    );
    expect(response.status).toBe(409);
    expect(response.text).toContain('only a draft can be edited');
    expect(nominationRow(t, NOMINATION.zurich)!.nomineeName).toBe('Anna Keller');
    expect(nominationState(t)).toBe(before);
  });
});
