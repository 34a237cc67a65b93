// The alerts page: the secretariat sees every alert, others their own; each row says what it is
// about, when it is due and where to act; acknowledged in place (htmx) or by a plain form; the
// number of unacknowledged alerts stands in the navigation.
import { and, eq, isNull } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertRecipients, alerts } from '../../../src/db/schema.js';
import { raiseAlerts } from '../../../src/features/alerts/raise-alerts.js';
import { logInAs, makeTestApp, ORIGIN, type TestApp } from '../../helpers/app.js';
import { auditEntries, NOW, termOf, userIdOf } from '../terms/board-records.js';

const kinds = (html: string) => [...html.matchAll(/data-alert-kind="([a-z_]+)"/g)].map((m) => m[1]).sort();

describe('the alerts page', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    raiseAlerts(t.db, NOW, { origin: ORIGIN });
  });
  afterEach(async () => t.close());

  const bristolAlert = () =>
    t.db
      .select()
      .from(alerts)
      .where(and(eq(alerts.kind, 'term_ending'), eq(alerts.subjectId, termOf(t, 'Bristol').id)))
      .get()!;

  it('shows the secretariat every alert, each row marked with its kind, due date and a link to act', async () => {
    const page = await (await logInAs(t, 'secretariat')).get('/alerts');
    expect(page.status).toBe(200);
    expect(kinds(page.text)).toEqual(['mandate_ending', 'term_ending', 'vacancy_opened', 'vacancy_opened']);
    const alert = bristolAlert();
    expect(page.text).toContain(`<time datetime="${alert.dueAt}">${alert.dueAt}</time>`);
    expect(page.text).toContain('acknowledged by 0 of 2 recipients');
    expect(page.text).toMatch(
      /<a href="\/terms">Go to it<span class="visually-hidden">: Eleanor Whitfield’s term/,
    );
  });

  it('shows Bristol’s mayor their own alerts only: their term ending and the vacancies, not Los Angeles’s mandate', async () => {
    const page = await (await logInAs(t, 'mayor.bristol')).get('/alerts');
    expect(kinds(page.text)).toEqual(['term_ending', 'vacancy_opened', 'vacancy_opened']);
    expect(page.text).not.toContain('acknowledged by');
  });

  it('shows a nominator an empty list that says what will appear there', async () => {
    const page = await (await logInAs(t, 'nominator.bogota')).get('/alerts');
    expect(kinds(page.text)).toEqual([]);
    expect(page.text).toContain('There are no alerts for you yet');
  });

  it('counts the viewer’s unacknowledged alerts in the navigation', async () => {
    const page = await (await logInAs(t, 'mayor.bristol')).get('/');
    expect(page.text).toMatch(
      /Alerts <span class="nav-count">3<span class="visually-hidden"> unacknowledged<\/span>/,
    );
  });

  it('acknowledges an alert in place with htmx for its recipient alone, audited, and the count falls', async () => {
    const bristol = await logInAs(t, 'mayor.bristol');
    const alert = bristolAlert();
    const response = await bristol.agent
      .post(`/alerts/${alert.id}/ack`)
      .set('Origin', ORIGIN)
      .set('HX-Request', 'true')
      .type('form')
      .send({});
    expect(response.status).toBe(200);
    expect(response.text.trimStart()).toMatch(
      new RegExp(`^<li class="alert-row alert-done" id="alert-${alert.id}" data-alert-kind="term_ending">`),
    );
    expect(response.text).toContain('Acknowledged.');
    const rows = t.db.select().from(alertRecipients).where(eq(alertRecipients.alertId, alert.id)).all();
    expect(rows.filter((r) => r.acknowledgedAt).map((r) => r.userId)).toEqual([userIdOf(t, 'mayor.bristol')]);
    expect(auditEntries(t, 'alert.acknowledge')).toHaveLength(1);
    expect((await bristol.get('/')).text).toMatch(/Alerts <span class="nav-count">2</);
  });

  it('acknowledges with a plain form without JavaScript: 303 back to the list with a message', async () => {
    const bristol = await logInAs(t, 'mayor.bristol');
    const response = await bristol.post(`/alerts/${bristolAlert().id}/ack`);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/alerts');
    expect((await bristol.get('/alerts')).text).toContain('The alert is acknowledged.');
  });

  it('lets the secretariat acknowledge for everyone', async () => {
    const alert = bristolAlert();
    const response = await (await logInAs(t, 'secretariat')).post(`/alerts/${alert.id}/ack`, {
      forAll: 'on',
    });
    expect(response.status).toBe(303);
    const open = t.db
      .select()
      .from(alertRecipients)
      .where(and(eq(alertRecipients.alertId, alert.id), isNull(alertRecipients.acknowledgedAt)))
      .all();
    expect(open).toEqual([]);
  });

  it('refuses “for everyone” from anyone but the secretariat (403), and someone else’s alert (404)', async () => {
    const bristol = await logInAs(t, 'mayor.bristol');
    expect((await bristol.post(`/alerts/${bristolAlert().id}/ack`, { forAll: 'on' })).status).toBe(403);
    const la = t.db.select().from(alerts).where(eq(alerts.kind, 'mandate_ending')).get()!;
    expect((await bristol.post(`/alerts/${la.id}/ack`)).status).toBe(404);
    expect((await bristol.post('/alerts/999/ack')).status).toBe(404);
    expect(auditEntries(t, 'alert.acknowledge')).toHaveLength(0);
  });

  it('sends an anonymous visitor to the login page', async () => {
    const { client } = await import('../../helpers/app.js');
    const response = await client(t).get('/alerts');
    expect(response.status).toBe(303);
  });
});
