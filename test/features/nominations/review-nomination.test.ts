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
  screeningRow,
  setVacancyStatus,
  textOf,
  userIdOf,
  VACANCY,
  vacancyStatus,
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
    expect((await secretariatLater.get(`/vacancies/${VACANCY.athens}`)).status).toBe(200);
    expect(vacancyStatus(t, VACANCY.athens)).toBe('screening');

    const response = await secretariatLater.post(`/nominations/${NOMINATION.zurich}/review`, {
      status: 'shortlisted',
    });
    expect(response.status).toBe(303);
    expect(nominationRow(t, NOMINATION.zurich)!.status).toBe('shortlisted');
    expect(historyOf(t, NOMINATION.zurich).at(-1)).toMatchObject({
      fromStatus: 'submitted',
      toStatus: 'shortlisted',
      at: t.clock.now.toISOString(),
    });
    expect(vacancyStatus(t, VACANCY.athens)).toBe('screening');
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

  it('refuses a decision made on a status someone else has changed since (409, “changed by someone else”) and changes nothing', async () => {
    // Two of the secretariat look at Zurich while it is submitted; the first finds it eligible.
    const colleague = await logInAs(t, 'secretariat');
    const first = await colleague.post(`/nominations/${NOMINATION.zurich}/review`, {
      from: 'submitted',
      status: 'eligible',
    });
    expect(first.status).toBe(303);

    const before = nominationState(t);
    const response = await secretariat.post(`/nominations/${NOMINATION.zurich}/review`, {
      from: 'submitted',
      status: 'shortlisted',
    });
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain(
      `Nomination ${NOMINATION.zurich} was changed by someone else a moment ago: it is now eligible.`,
    );
    expect(nominationState(t)).toBe(before);
    expect(nominationRow(t, NOMINATION.zurich)!.status).toBe('eligible');
  });

  it('refuses a stale decision sent from the queue with htmx the same way: the row with the message (409)', async () => {
    await secretariat.post(`/nominations/${NOMINATION.zurich}/review`, {
      status: 'ineligible',
      note: 'No consent.',
    });
    const before = nominationState(t);
    const response = await secretariat
      .post(`/nominations/${NOMINATION.zurich}/review`, { from: 'submitted', status: 'eligible' })
      .set(HTMX);
    expect(response.status).toBe(409);
    expect(response.text.trimStart().startsWith(`<tr id="nomination-${NOMINATION.zurich}">`)).toBe(true);
    expect(textOf(response.text)).toContain('was changed by someone else');
    expect(response.text).toContain('data-status="ineligible"');
    expect(nominationState(t)).toBe(before);
  });

  it('records a decision whose `from` is the status the nomination still has', async () => {
    const response = await secretariat.post(`/nominations/${NOMINATION.zurich}/review`, {
      from: 'submitted',
      status: 'eligible',
    });
    expect(response.status).toBe(303);
    expect(nominationRow(t, NOMINATION.zurich)!.status).toBe('eligible');
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

describe('the decisions each row of the queue offers', () => {
  let t: TestApp;
  let secretariat: Browser;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    secretariat = await logInAs(t, 'secretariat');
  });
  afterEach(async () => t.close());

  it('offers every screening status but the one the nomination has, and says which one the reviewer saw', async () => {
    expect(
      (await secretariat.post(`/nominations/${NOMINATION.zurich}/review`, { status: 'shortlisted' })).status,
    ).toBe(303);
    expect(
      (
        await secretariat.post(`/nominations/${NOMINATION.dhakaNorth}/review`, {
          status: 'ineligible',
          note: 'Mandate.',
        })
      ).status,
    ).toBe(303);

    const page = await secretariat.get(`/vacancies/${VACANCY.athens}`);
    expect(page.status).toBe(200);
    expect(decisionsOffered(page.text, NOMINATION.montevideo)).toEqual([
      'eligible',
      'ineligible',
      'shortlisted',
    ]);
    expect(decisionsOffered(page.text, NOMINATION.zurich)).toEqual(['eligible', 'ineligible']);
    expect(decisionsOffered(page.text, NOMINATION.dhakaNorth)).toEqual(['eligible', 'shortlisted']);
    expect(statusSeen(page.text, NOMINATION.montevideo)).toBe('submitted');
    expect(statusSeen(page.text, NOMINATION.zurich)).toBe('shortlisted');
    expect(statusSeen(page.text, NOMINATION.dhakaNorth)).toBe('ineligible');
  });

  it('offers no decision on a withdrawn nomination, nor on any once the vacancy has gone to a ballot', async () => {
    await (await logInAs(t, 'nominator.zurich')).post(`/nominations/${NOMINATION.zurich}/withdraw`);
    const withdrawn = await secretariat.get(`/vacancies/${VACANCY.athens}`);
    expect(screeningRow(withdrawn.text, NOMINATION.zurich)).toBeDefined();
    expect(decisionsOffered(withdrawn.text, NOMINATION.zurich)).toEqual([]);
    expect(decisionsOffered(withdrawn.text, NOMINATION.montevideo)).toEqual([
      'eligible',
      'ineligible',
      'shortlisted',
    ]);

    setVacancyStatus(t, VACANCY.athens, 'balloting');
    const balloting = await secretariat.get(`/vacancies/${VACANCY.athens}`);
    for (const id of [NOMINATION.montevideo, NOMINATION.dhakaNorth]) {
      expect(screeningRow(balloting.text, id), `row ${id}`).toBeDefined();
      expect(decisionsOffered(balloting.text, id), `row ${id}`).toEqual([]);
    }
  });
});

/** The decisions a row's review form offers (its select's options, the empty prompt left out). */
function decisionsOffered(html: string, nominationId: number): string[] {
  const row = screeningRow(html, nominationId);
  if (!row) throw new Error(`The page has no row for nomination ${nominationId}.`);
  const select = /<select[^>]*name="status"[^>]*>([\s\S]*?)<\/select>/.exec(row);
  if (!select) return [];
  return [...select[1]!.matchAll(/<option value="([^"]*)"/g)]
    .map((m) => m[1]!)
    .filter((value) => value !== '');
}

/** The status the row's review form says the reviewer saw (its hidden `from` field). */
function statusSeen(html: string, nominationId: number): string | undefined {
  return /<input type="hidden" name="from" value="([^"]*)">/.exec(
    screeningRow(html, nominationId) ?? '',
  )?.[1];
}
