// What a user sees when an htmx request is refused: the message where they acted, announced by
// an aria-live region; an expired session sends the whole page to the login form; and a fragment
// never swallows the flash meant for the next page.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_IDLE_MS } from '../../../src/features/auth/sessions.js';
import { client, logInAs, makeTestApp, ORIGIN, type TestApp } from '../../helpers/app.js';
import {
  NOMINATION,
  NOW,
  nominationState,
  setVacancyStatus,
  VACANCY,
} from '../nominations/nomination-records.js';

const HTMX = { 'HX-Request': 'true', 'HX-Current-URL': `${ORIGIN}/vacancies/${VACANCY.athens}?sort=city` };

describe('refused htmx requests', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('gives every page an aria-live region for messages, and tells htmx to swap refusals in', async () => {
    const page = await (await logInAs(t, 'secretariat')).get(`/vacancies/${VACANCY.athens}`);
    expect(page.text).toContain('<div id="htmx-messages" class="htmx-messages" aria-live="assertive"></div>');
    expect(page.text).toContain('{"code": "[45]..", "swap": true}');
  });

  it('shows a decision refused because the ballot has opened in the nomination’s own row (409, role=alert)', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    setVacancyStatus(t, VACANCY.athens, 'balloting');
    const before = nominationState(t);
    const response = await secretariat.agent
      .post(`/nominations/${NOMINATION.montevideo}/review`)
      .set('Origin', ORIGIN)
      .set(HTMX)
      .type('form')
      .send({ status: 'eligible', note: '', from: 'submitted' });
    expect(response.status).toBe(409);
    expect(response.text.trimStart()).toMatch(new RegExp(`^<tr id="nomination-${NOMINATION.montevideo}">`));
    expect(response.text).toMatch(
      /<p class="field-error" role="alert">Nomination \d+ cannot be marked eligible: the ballot for its seat has opened\.<\/p>/,
    );
    expect(nominationState(t)).toBe(before);
  });

  it('puts a refusal that has no row of its own (403) into the page’s live region, not into the row', async () => {
    const member = await logInAs(t, 'mayor.amman');
    const response = await member.agent
      .post(`/nominations/${NOMINATION.montevideo}/review`)
      .set('Origin', ORIGIN)
      .set(HTMX)
      .type('form')
      .send({ status: 'eligible', from: 'submitted' });
    expect(response.status).toBe(403);
    expect(response.headers['hx-retarget']).toBe('#htmx-messages');
    expect(response.headers['hx-reswap']).toBe('innerHTML');
    expect(response.text.trim()).toBe(
      '<p class="flash flash-error" role="alert">Your role does not give access to this page.</p>',
    );
  });

  it('answers a 404 for an htmx request in the live region too', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const response = await secretariat.agent
      .post('/nominations/999/review')
      .set('Origin', ORIGIN)
      .set(HTMX)
      .type('form')
      .send({ status: 'eligible', from: 'submitted' });
    expect(response.status).toBe(404);
    expect(response.headers['hx-retarget']).toBe('#htmx-messages');
    expect(response.text).toContain('role="alert"');
    expect(response.text).not.toContain('<html');
  });

  it('sends an htmx request whose session has expired to the login page, coming back to where the user was', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    t.clock.advance(SESSION_IDLE_MS + 60_000);
    const before = nominationState(t);
    const response = await secretariat.agent
      .post(`/nominations/${NOMINATION.montevideo}/review`)
      .set('Origin', ORIGIN)
      .set(HTMX)
      .type('form')
      .send({ status: 'eligible', from: 'submitted' });
    expect(response.status).toBe(401);
    expect(response.headers['hx-redirect']).toBe(
      `/login?next=${encodeURIComponent(`/vacancies/${VACANCY.athens}?sort=city`)}`,
    );
    // Never the login page swapped into a table row.
    expect(response.text).toBe('');
    expect(nominationState(t)).toBe(before);
  });

  it('still sends a page without htmx to the login form with a 303', async () => {
    const response = await client(t).get(`/vacancies/${VACANCY.athens}`);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(
      `/login?next=${encodeURIComponent(`/vacancies/${VACANCY.athens}`)}`,
    );
  });

  it('leaves the flash for the next page when it renders a fragment', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    // A decision without htmx leaves a flash for the page it redirects to...
    const decided = await secretariat.post(`/nominations/${NOMINATION.montevideo}/review`, {
      status: 'eligible',
      from: 'submitted',
    });
    expect(decided.status).toBe(303);
    // ...an htmx decision made meanwhile renders a row and must not consume it...
    const row = await secretariat.agent
      .post(`/nominations/${NOMINATION.zurich}/review`)
      .set('Origin', ORIGIN)
      .set(HTMX)
      .type('form')
      .send({ status: 'eligible', from: 'submitted' });
    expect(row.status).toBe(200);
    expect(String(row.headers['set-cookie'] ?? '')).not.toMatch(/flash=/);
    // ...so the next page still shows it.
    const page = await secretariat.get(decided.headers.location!);
    expect(page.text).toContain(`Nomination ${NOMINATION.montevideo} is now eligible.`);
  });

  it('disables the decision’s button while its request is in flight', async () => {
    const page = await (await logInAs(t, 'secretariat')).get(`/vacancies/${VACANCY.athens}`);
    expect(page.text).toContain('hx-disabled-elt="find button"');
  });
});
