import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logInAs, makeTestApp, ORIGIN, type TestApp } from '../../helpers/app.js';
import {
  auditEntries,
  type Browser,
  bogotaForm,
  DAY_MS,
  historyOf,
  idFromLocation,
  mailTo,
  NOMINATION,
  NOW,
  nominationRow,
  nominationState,
  setVacancyStatus,
  textOf,
  userIdOf,
  VACANCY,
} from './nomination-records.js';

const HTMX = { 'HX-Request': 'true' };

describe('screening a nomination (secretariat)', () => {
  let t: TestApp;
  let secretariat: Browser;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    secretariat = await logInAs(t, 'secretariat');
  });
  afterEach(async () => t.close());

  it('finds a nomination eligible: 303 back to its row, kept in history with who and when, audited, mailed to the nominator', async () => {
    const response = await secretariat.post(`/nominations/${NOMINATION.zurich}/review`, {
      status: 'eligible',
      note: 'Papers in order.',
    });

    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/vacancies/${VACANCY.athens}#nomination-${NOMINATION.zurich}`);
    expect(nominationRow(t, NOMINATION.zurich)!.status).toBe('eligible');
    expect(historyOf(t, NOMINATION.zurich).at(-1)).toMatchObject({
      fromStatus: 'submitted',
      toStatus: 'eligible',
      actorId: userIdOf(t, 'secretariat'),
      note: 'Papers in order.',
      at: NOW.toISOString(),
    });
    const [audit, ...more] = auditEntries(t, 'nomination.review');
    expect(more).toHaveLength(0);
    expect(audit).toMatchObject({ subjectId: String(NOMINATION.zurich) });
    expect(audit!.details).toMatchObject({ from: 'submitted', to: 'eligible', note: 'Papers in order.' });
    const [mail, ...moreMail] = mailTo(t, 'nominator.zurich');
    expect(moreMail).toHaveLength(0);
    expect(mail!.subject).toContain('eligible');
    expect(mail!.textBody).toContain('Papers in order.');
  });

  it('finds a nomination ineligible with its reason, which the nominator then reads', async () => {
    const response = await secretariat.post(`/nominations/${NOMINATION.dhakaNorth}/review`, {
      status: 'ineligible',
      note: 'The mandate ends mid-term.',
    });
    expect(response.status).toBe(303);
    expect(nominationRow(t, NOMINATION.dhakaNorth)).toMatchObject({
      status: 'ineligible',
      statusNote: 'The mandate ends mid-term.',
    });
    const page = await (await logInAs(t, 'nominator.dhaka-north')).get(
      `/nominations/${NOMINATION.dhakaNorth}`,
    );
    expect(textOf(page.text)).toContain('Found ineligible: The mandate ends mid-term.');
    expect(mailTo(t, 'nominator.dhaka-north')[0]!.textBody).toContain('The mandate ends mid-term.');
  });

  it('revises the judgement in any direction, keeping every change in the history, audit and mail', async () => {
    const steps: Array<[string, string]> = [
      ['eligible', ''],
      ['ineligible', 'Not a serving mayor.'],
      ['shortlisted', 'Mandate confirmed after all.'],
      ['eligible', 'Taken off the shortlist for now.'],
      ['ineligible', 'Withdrew consent by phone.'],
      ['eligible', ''],
    ];
    for (const [status, note] of steps) {
      t.clock.advance(60_000);
      const response = await secretariat.post(`/nominations/${NOMINATION.montevideo}/review`, {
        status,
        note,
      });
      expect(response.status, status).toBe(303);
      expect(nominationRow(t, NOMINATION.montevideo)!.status).toBe(status);
    }
    const history = historyOf(t, NOMINATION.montevideo);
    expect(history.map((event) => [event.fromStatus, event.toStatus, event.note])).toEqual([
      [null, 'submitted', null],
      ['submitted', 'eligible', null],
      ['eligible', 'ineligible', 'Not a serving mayor.'],
      ['ineligible', 'shortlisted', 'Mandate confirmed after all.'],
      ['shortlisted', 'eligible', 'Taken off the shortlist for now.'],
      ['eligible', 'ineligible', 'Withdrew consent by phone.'],
      ['ineligible', 'eligible', null],
    ]);
    expect(new Set(history.slice(1).map((event) => event.at)).size).toBe(steps.length);
    expect(history.slice(1).every((event) => event.actorId === userIdOf(t, 'secretariat'))).toBe(true);
    expect(auditEntries(t, 'nomination.review')).toHaveLength(steps.length);
    expect(mailTo(t, 'nominator.montevideo')).toHaveLength(steps.length);

    const page = await secretariat.get(`/nominations/${NOMINATION.montevideo}`);
    const text = textOf(page.text);
    expect(text).toContain('Eligible → Ineligible by Council Secretariat — “Not a serving mayor.”');
    expect(text).toContain('Ineligible → Shortlisted by Council Secretariat');
  });

  it('keeps screening possible after the deadline, while the vacancy is in screening', async () => {
    t.clock.advance(15 * DAY_MS);
    const secretariatLater = await logInAs(t, 'secretariat');
    await secretariatLater.get(`/vacancies/${VACANCY.athens}`);
    const response = await secretariatLater.post(`/nominations/${NOMINATION.zurich}/review`, {
      status: 'shortlisted',
    });
    expect(response.status).toBe(303);
    expect(nominationRow(t, NOMINATION.zurich)!.status).toBe('shortlisted');
  });

  it('refuses "ineligible" without a reason (422, message beside the note) and changes nothing', async () => {
    const before = nominationState(t);
    const response = await secretariat.post(`/nominations/${NOMINATION.zurich}/review`, {
      status: 'ineligible',
      note: '  ',
    });
    expect(response.status).toBe(422);
    expect(response.text).toContain(`id="note-${NOMINATION.zurich}-error"`);
    expect(nominationState(t)).toBe(before);
  });

  it('refuses a status outside eligible, ineligible and shortlisted (422) and changes nothing', async () => {
    const before = nominationState(t);
    for (const status of ['elected', 'withdrawn', '']) {
      const response = await secretariat
        .post(`/nominations/${NOMINATION.zurich}/review`, { status })
        .set(HTMX);
      expect(response.status, status).toBe(422);
      expect(response.text, status).toContain(`id="status-${NOMINATION.zurich}-error"`);
    }
    expect(nominationState(t)).toBe(before);
  });

  it('refuses to record the status a nomination already has (409)', async () => {
    await secretariat.post(`/nominations/${NOMINATION.zurich}/review`, { status: 'eligible' });
    const before = nominationState(t);
    const response = await secretariat.post(`/nominations/${NOMINATION.zurich}/review`, {
      status: 'eligible',
    });
    expect(response.status).toBe(409);
    expect(nominationState(t)).toBe(before);
  });

  it('answers 404 for a nomination that does not exist', async () => {
    const response = await secretariat.post('/nominations/999/review', { status: 'eligible' });
    expect(response.status).toBe(404);
  });
});

describe('screening from the queue with htmx', () => {
  let t: TestApp;
  let secretariat: Browser;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    secretariat = await logInAs(t, 'secretariat');
  });
  afterEach(async () => t.close());

  it('answers with the nomination’s table row only (200), showing its new status', async () => {
    const response = await secretariat
      .post(`/nominations/${NOMINATION.zurich}/review`, { status: 'shortlisted', note: '' })
      .set(HTMX);
    expect(response.status).toBe(200);
    expect(response.text.trimStart().startsWith(`<tr id="nomination-${NOMINATION.zurich}">`)).toBe(true);
    expect(response.text).not.toContain('<html');
    expect(response.text).not.toContain('<main');
    expect(response.text).toContain('data-status="shortlisted"');
    expect(response.text.trimEnd().endsWith('</tr>')).toBe(true);
    expect(nominationRow(t, NOMINATION.zurich)!.status).toBe('shortlisted');
  });

  it('answers a missing reason with the row and the message beside the note (422), the choice kept', async () => {
    const before = nominationState(t);
    const response = await secretariat
      .post(`/nominations/${NOMINATION.zurich}/review`, { status: 'ineligible', note: '' })
      .set(HTMX);
    expect(response.status).toBe(422);
    expect(response.text.trimStart().startsWith(`<tr id="nomination-${NOMINATION.zurich}">`)).toBe(true);
    expect(response.text).not.toContain('<html');
    expect(response.text).toContain(`<p class="field-error" id="note-${NOMINATION.zurich}-error">`);
    expect(response.text).toContain(`aria-describedby="note-${NOMINATION.zurich}-error"`);
    expect(response.text).toContain('<option value="ineligible" selected>');
    expect(nominationState(t)).toBe(before);
  });
});

describe('who may screen, and when', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('refuses a board member, a partner and a nominator, even the nomination’s own (403), and changes nothing', async () => {
    const before = nominationState(t);
    for (const account of ['mayor.milan', 'partner.c40', 'nominator.zurich', 'nominator.bogota']) {
      const response = await (await logInAs(t, account)).post(`/nominations/${NOMINATION.zurich}/review`, {
        status: 'shortlisted',
      });
      expect(response.status, account).toBe(403);
    }
    expect(nominationState(t)).toBe(before);
  });

  it('sends an anonymous visitor to /login (303) and changes nothing', async () => {
    const before = nominationState(t);
    const response = await supertest(t.app.server)
      .post(`/nominations/${NOMINATION.zurich}/review`)
      .set('Origin', ORIGIN)
      .type('form')
      .send({ status: 'shortlisted' });
    expect(response.status).toBe(303);
    expect(nominationState(t)).toBe(before);
  });

  it('answers 404 to screening a draft, as for a nomination that does not exist: it is still its nominator’s own', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const draft = await bogota.post('/nominations', bogotaForm({ consent: undefined, intent: 'draft' }));
    const id = idFromLocation(draft.headers.location);
    const before = nominationState(t);
    const secretariat = await logInAs(t, 'secretariat');
    const response = await secretariat.post(`/nominations/${id}/review`, { status: 'eligible' });
    expect(response.status).toBe(404);
    expect(response.text).not.toContain('Carlos Fernando Galán');
    const htmx = await secretariat.post(`/nominations/${id}/review`, { status: 'eligible' }).set(HTMX);
    expect(htmx.status).toBe(404);
    expect(htmx.text).not.toContain('Carlos Fernando Galán');
    expect(nominationState(t)).toBe(before);
    expect(nominationRow(t, id)!.status).toBe('draft');
  });

  it('answers 404 to screening a draft withdrawn before it was ever submitted', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const draft = await bogota.post('/nominations', bogotaForm({ consent: undefined, intent: 'draft' }));
    const id = idFromLocation(draft.headers.location);
    expect((await bogota.post(`/nominations/${id}/withdraw`)).status).toBe(303);
    const before = nominationState(t);
    const response = await (await logInAs(t, 'secretariat')).post(`/nominations/${id}/review`, {
      status: 'eligible',
    });
    expect(response.status).toBe(404);
    expect(nominationState(t)).toBe(before);
  });

  it('refuses to screen a withdrawn nomination (409)', async () => {
    await (await logInAs(t, 'nominator.zurich')).post(`/nominations/${NOMINATION.zurich}/withdraw`);
    const before = nominationState(t);
    const secretariat = await logInAs(t, 'secretariat');
    const response = await secretariat.post(`/nominations/${NOMINATION.zurich}/review`, {
      status: 'eligible',
    });
    expect(response.status).toBe(409);
    expect(response.text).toContain('withdrawn');
    const htmx = await secretariat
      .post(`/nominations/${NOMINATION.zurich}/review`, { status: 'eligible' })
      .set(HTMX);
    expect(htmx.status).toBe(409);
    expect(nominationState(t)).toBe(before);
  });

  it('refuses to screen once the vacancy has gone to a ballot (409)', async () => {
    setVacancyStatus(t, VACANCY.athens, 'balloting');
    const before = nominationState(t);
    const response = await (await logInAs(t, 'secretariat')).post(
      `/nominations/${NOMINATION.zurich}/review`,
      {
        status: 'shortlisted',
      },
    );
    expect(response.status).toBe(409);
    expect(response.text).toContain('balloting');
    expect(nominationState(t)).toBe(before);
  });
});
