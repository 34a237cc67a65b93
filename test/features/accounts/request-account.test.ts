import { eq } from 'drizzle-orm';
import supertest from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accountRequests, auditLog, outbox } from '../../../src/db/schema.js';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { client, makeTestApp, type TestApp } from '../../helpers/app.js';
import { mailsTo } from './mail.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => t.close());
// Every request here comes from the same address: each test starts in a fresh throttle window.
beforeEach(() => t.clock.advance(61 * 60 * 1000));

const request = (overrides: Record<string, string> = {}) => ({
  name: 'Daniel Quintero',
  email: 'daniel@medellin.example',
  cityName: 'Medellín',
  country: 'CO',
  roleAtCity: 'Mayor',
  ...overrides,
});

const requestsFor = (email: string) =>
  t.db.select().from(accountRequests).where(eq(accountRequests.email, email)).all();

/** The page without anything the requester typed, to compare two answers. */
const withoutInput = (html: string, ...typed: string[]) =>
  typed.reduce((page, text) => page.split(text).join('…'), html);

describe('requesting a nominator account', () => {
  it('shows the form to anyone, with a label on every field and countries by name', async () => {
    const page = await supertest(t.app.server).get('/request-account');
    expect(page.status).toBe(200);
    for (const field of ['name', 'email', 'cityName', 'country', 'roleAtCity']) {
      expect(page.text).toContain(`<label for="${field}">`);
    }
    expect(page.text).toMatch(/<option value="UY"[^>]*>Uruguay — Latin America &amp; Caribbean<\/option>/);
  });

  it('stores the request as pending, mails the secretariat and thanks the requester', async () => {
    const response = await client(t).post('/request-account', request());
    expect(response.status).toBe(200);
    expect(response.text).toContain('The council secretariat will review your request');

    const [stored] = requestsFor('daniel@medellin.example');
    expect(stored).toMatchObject({
      status: 'pending',
      cityName: 'Medellín',
      country: 'CO',
      roleAtCity: 'Mayor',
    });
    const secretariatMail = mailsTo(t, demoEmail('secretariat'));
    expect(secretariatMail).toHaveLength(1);
    expect(secretariatMail[0]!.textBody).toContain('Daniel Quintero');
    expect(secretariatMail[0]!.textBody).toContain(`${t.config.publicOrigin}/accounts`);
    const audit = t.db.select().from(auditLog).where(eq(auditLog.action, 'account.request')).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorLabel).toBe('public');
    expect(audit[0]!.actorId).toBeNull();
  });

  it('answers a second request for the same e-mail with the same thank-you, keeping it only as a duplicate: one pending request, no mail', async () => {
    const first = await client(t).post('/request-account', request({ email: 'twice@medellin.example' }));
    const mailsBefore = t.db.select().from(outbox).all().length;
    const second = await client(t).post(
      '/request-account',
      request({ email: 'TWICE@medellin.example', name: 'Someone else' }),
    );
    expect(second.status).toBe(first.status);
    expect(second.text).toContain('The council secretariat will review your request');
    expect(requestsFor('twice@medellin.example').map((row) => row.status)).toEqual(['pending', 'duplicate']);
    expect(t.db.select().from(outbox).all().length).toBe(mailsBefore);
  });

  it('does not reveal that an e-mail already has an account: same thank-you, no pending request, only a duplicate row, no mail', async () => {
    const existing = demoEmail('nominator.zurich');
    const unknown = 'new.person@zurich.example';
    const mailsBefore = t.db.select().from(outbox).all().length;
    const forExisting = await client(t).post('/request-account', request({ email: existing }));
    expect(t.db.select().from(outbox).all().length).toBe(mailsBefore);
    const forUnknown = await client(t).post('/request-account', request({ email: unknown }));
    expect(forExisting.status).toBe(200);
    expect(withoutInput(forExisting.text, existing)).toBe(withoutInput(forUnknown.text, unknown));
    expect(requestsFor(existing).map((row) => row.status)).toEqual(['duplicate']);
    expect(requestsFor(unknown).map((row) => row.status)).toEqual(['pending']);
    const audited = t.db.select().from(auditLog).where(eq(auditLog.action, 'account.request')).all();
    expect(audited.some((entry) => entry.details.includes(existing))).toBe(false);
  });

  it('refuses missing and malformed fields with 422, each beside its field, keeping the input and storing nothing', async () => {
    const before = t.db.select().from(accountRequests).all().length;
    const response = await client(t).post('/request-account', {
      name: 'Ana',
      email: 'ana at city',
      cityName: '',
      country: 'XX',
      roleAtCity: '',
    });
    expect(response.status).toBe(422);
    for (const field of ['email', 'cityName', 'country', 'roleAtCity']) {
      expect(response.text).toContain(`id="${field}-error"`);
    }
    expect(response.text).not.toContain('id="name-error"');
    expect(response.text).toContain('value="ana at city"');
    expect(response.text).toContain('value="Ana"');
    expect(t.db.select().from(accountRequests).all().length).toBe(before);
  });

  it('accepts at most 5 requests an hour from one address, then answers 429 with a clear message', async () => {
    for (let n = 1; n <= 5; n += 1) {
      const response = await client(t).post(
        '/request-account',
        request({ email: `person${n}@city.example` }),
      );
      expect(response.status).toBe(200);
    }
    const sixth = await client(t).post('/request-account', request({ email: 'person6@city.example' }));
    expect(sixth.status).toBe(429);
    expect(sixth.text).toContain('Please try again in about 60 minutes');
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
    expect(requestsFor('person6@city.example')).toHaveLength(0);

    t.clock.advance(60 * 60 * 1000 + 1000);
    const later = await client(t).post('/request-account', request({ email: 'person6@city.example' }));
    expect(later.status).toBe(200);
  });

  it('counts a request for an e-mail that already has an account towards the limit like any other: the 6th gets 429 all the same', async () => {
    for (let n = 1; n <= 4; n += 1) {
      const response = await client(t).post('/request-account', request({ email: `fresh${n}@city.example` }));
      expect(response.status).toBe(200);
    }
    const forExisting = await client(t).post(
      '/request-account',
      request({ email: demoEmail('nominator.montevideo') }),
    );
    expect(forExisting.status).toBe(200);
    const sixth = await client(t).post('/request-account', request({ email: 'fresh6@city.example' }));
    expect(sixth.status).toBe(429);
    expect(sixth.text).toContain('Please try again in about 60 minutes');
    expect(requestsFor('fresh6@city.example')).toHaveLength(0);
  });

  it('links to the form from the public home page and the login page', async () => {
    expect((await supertest(t.app.server).get('/')).text).toContain('href="/request-account"');
    expect((await supertest(t.app.server).get('/login')).text).toContain('href="/request-account"');
  });
});
