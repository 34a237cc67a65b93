import { eq } from 'drizzle-orm';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terms, users } from '../../../src/db/schema.js';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { addDays, todayIso } from '../../../src/domain/dates.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => t.close());

describe('role guards', () => {
  it('sends an anonymous visitor of a private page to /login with 303', async () => {
    for (const path of ['/terms', '/account']) {
      const response = await supertest(t.app.server).get(path);
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
  });

  it('shows the public pages to anyone', async () => {
    for (const path of ['/', '/board', '/login', '/healthz']) {
      expect((await supertest(t.app.server).get(path)).status).toBe(200);
    }
  });

  it('lets the secretariat and sitting board members see /terms', async () => {
    expect((await (await logInAs(t, 'secretariat')).get('/terms')).status).toBe(200);
    expect((await (await logInAs(t, 'mayor.milan')).get('/terms')).status).toBe(200);
  });

  it('answers 403 to roles that may not see /terms', async () => {
    expect((await (await logInAs(t, 'partner.uclg')).get('/terms')).status).toBe(403);
    expect((await (await logInAs(t, 'nominator.bogota')).get('/terms')).status).toBe(403);
  });

  it('takes board pages away from a member whose term has ended', async () => {
    const user = t.db
      .select()
      .from(users)
      .where(eq(users.email, demoEmail('mayor.montreal')))
      .get()!;
    const yesterday = addDays(todayIso(t.clock.now), -1);
    t.db
      .update(terms)
      .set({ endedOn: yesterday, endReason: 'resigned' })
      .where(eq(terms.userId, user.id))
      .run();
    const browser = await logInAs(t, 'mayor.montreal');
    expect((await browser.get('/terms')).status).toBe(403);
    expect((await browser.get('/')).text).toContain('Your board term has ended');
  });

  it('marks every response to a logged-in user Cache-Control: no-store', async () => {
    const browser = await logInAs(t, 'secretariat');
    expect((await browser.get('/board')).headers['cache-control']).toBe('no-store');
    expect((await browser.get('/account')).headers['cache-control']).toBe('no-store');
  });
});

describe('security headers and error pages', () => {
  it('sends a Content-Security-Policy that allows no inline script', async () => {
    const csp = (await supertest(t.app.server).get('/')).headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('answers an unknown address with a 404 page that shows no internals', async () => {
    const response = await supertest(t.app.server).get('/no/such/page');
    expect(response.status).toBe(404);
    expect(response.text).toContain('Not found');
    expect(response.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('serves htmx from our own origin', async () => {
    const response = await supertest(t.app.server).get('/static/htmx.min.js');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('javascript');
    expect(response.text).toContain('htmx');
  });
});
