import { eq } from 'drizzle-orm';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../../src/db/schema.js';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { client, logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { nominator } from './mail.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => t.close());

const rowOf = (html: string, email: string) =>
  html
    .split('<tr')
    .slice(1)
    .find((row) => row.includes(email)) ?? '';

describe('the accounts page', () => {
  it('lists every account with name, e-mail, role, city or organisation and status', async () => {
    const page = await (await logInAs(t, 'secretariat')).get('/accounts');
    expect(page.status).toBe(200);
    expect(page.text.match(/<h1[ >]/g)).toHaveLength(1);
    const amman = rowOf(page.text, demoEmail('mayor.amman'));
    expect(amman).toContain('Rania Haddad');
    expect(amman).toContain('Board member');
    expect(amman).toContain('Amman (JO)');
    expect(amman).toContain('data-status="active"');
    expect(rowOf(page.text, demoEmail('partner.c40'))).toContain('C40 Cities');
  });

  it('tells invited and disabled accounts apart from active ones', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    await secretariat.post('/accounts/invitations', nominator({ email: 'invited@city.example' }));
    t.db
      .update(users)
      .set({ disabled: true })
      .where(eq(users.email, demoEmail('partner.uclg')))
      .run();
    const page = await secretariat.get('/accounts');
    expect(rowOf(page.text, 'invited@city.example')).toContain('data-status="invited"');
    expect(rowOf(page.text, demoEmail('partner.uclg'))).toContain('data-status="disabled"');
    expect(page.text).not.toMatch(/\$argon2/);
  });

  it('offers an invitation form with a label on every field and every country by name', async () => {
    const page = await (await logInAs(t, 'secretariat')).get('/accounts');
    for (const field of ['name', 'email', 'cityName', 'country']) {
      expect(page.text).toContain(`<label for="${field}">`);
    }
    expect(page.text).toMatch(/<option value="GR"[^>]*>Greece — Europe &amp; Central Asia<\/option>/);
    expect(page.text.match(/<option value="[A-Z]{2}"/g)!.length).toBeGreaterThan(240);
  });

  it('answers 403 to every role but the secretariat', async () => {
    for (const account of ['nominator.bogota', 'mayor.milan', 'partner.c40']) {
      expect((await (await logInAs(t, account)).get('/accounts')).status).toBe(403);
    }
  });

  it('sends an anonymous visitor to /login with 303, for the page and for every action', async () => {
    const page = await supertest(t.app.server).get('/accounts');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Faccounts');
    for (const path of ['/accounts/invitations', '/accounts/1/reinvite']) {
      const response = await client(t).post(path, nominator({ email: 'anonymous@city.example' }));
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe('/login');
    }
    expect(t.db.select().from(users).where(eq(users.email, 'anonymous@city.example')).get()).toBeUndefined();
  });
});
