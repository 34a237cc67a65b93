import { eq } from 'drizzle-orm';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, invitations, users } from '../../../src/db/schema.js';
import { client, cookieValue, logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { deliveredInvitationToken, nominator } from './mail.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => t.close());

const PASSWORD = 'a long enough passphrase';

/** Invites someone new through the secretariat's form and returns the token mailed to them. */
async function invite(email: string): Promise<string> {
  const response = await (await logInAs(t, 'secretariat')).post(
    '/accounts/invitations',
    nominator({ email, name: `Person ${email}` }),
  );
  expect(response.status).toBe(303);
  return deliveredInvitationToken(t, email);
}

const userByEmail = (email: string) => t.db.select().from(users).where(eq(users.email, email)).get()!;

describe('accepting an invitation', () => {
  it('shows a set-password form to the holder of a valid link', async () => {
    const token = await invite('form@city.example');
    const page = await supertest(t.app.server).get(`/invitations/${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Set your password</h1>');
    expect(page.text).toContain('name="password"');
    expect(page.text).toContain('name="confirmPassword"');
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('sets the password through the mailed link and logs the person in', async () => {
    const token = await invite('first@city.example');
    const browser = client(t);
    const response = await browser.post(`/invitations/${token}`, {
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/');
    expect(cookieValue(response.headers['set-cookie'], 'session')).toBeTruthy();
    const home = await browser.get('/');
    expect(home.text).toContain('Welcome, Person first@city.example');

    const user = userByEmail('first@city.example');
    expect(user.passwordHash).toBeTruthy();
    const invitation = t.db.select().from(invitations).where(eq(invitations.userId, user.id)).get()!;
    expect(invitation.usedAt).not.toBeNull();
    const audit = t.db.select().from(auditLog).where(eq(auditLog.action, 'account.activate')).all();
    expect(audit.map((entry) => entry.subjectId)).toContain(String(user.id));

    await client(t).logIn('first@city.example', PASSWORD);
  });

  it('works once: a second use of the same link is not valid', async () => {
    const token = await invite('twice@city.example');
    const first = await client(t).post(`/invitations/${token}`, {
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });
    expect(first.status).toBe(303);
    const again = await client(t).post(`/invitations/${token}`, {
      password: 'another long passphrase',
      confirmPassword: 'another long passphrase',
    });
    expect(again.status).toBe(404);
    expect(again.text).toContain('This invitation link is not valid');
    expect((await supertest(t.app.server).get(`/invitations/${token}`)).status).toBe(404);
    await client(t).logIn('twice@city.example', PASSWORD);
  });

  it('expires 7 days after it was sent', async () => {
    const token = await invite('late@city.example');
    t.clock.advance(7 * 24 * 60 * 60 * 1000 - 60_000);
    expect((await supertest(t.app.server).get(`/invitations/${token}`)).status).toBe(200);
    t.clock.advance(60_000);
    const page = await supertest(t.app.server).get(`/invitations/${token}`);
    expect(page.status).toBe(404);
    expect(page.text).toContain('it may have expired or been used already');
    const post = await client(t).post(`/invitations/${token}`, {
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });
    expect(post.status).toBe(404);
    expect(userByEmail('late@city.example').passwordHash).toBeNull();
  });

  it('lets exactly one of two simultaneous uses of a link succeed', async () => {
    const token = await invite('race@city.example');
    const [a, b] = await Promise.all([
      client(t).post(`/invitations/${token}`, { password: PASSWORD, confirmPassword: PASSWORD }),
      client(t).post(`/invitations/${token}`, {
        password: 'the other passphrase',
        confirmPassword: 'the other passphrase',
      }),
    ]);
    expect([a.status, b.status].sort()).toEqual([303, 404]);
    const user = userByEmail('race@city.example');
    const activations = t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'account.activate'))
      .all()
      .filter((entry) => entry.subjectId === String(user.id));
    expect(activations).toHaveLength(1);
  });

  it('refuses a short password and a mismatch with 422 beside each field, leaving the link usable', async () => {
    const token = await invite('weak@city.example');
    const response = await client(t).post(`/invitations/${token}`, {
      password: 'short',
      confirmPassword: 'different',
    });
    expect(response.status).toBe(422);
    expect(response.text).toContain('id="password-error"');
    expect(response.text).toContain('Use at least 12 characters.');
    expect(response.text).toContain('id="confirmPassword-error"');
    expect(response.text).toContain('aria-describedby="confirmPassword-error"');
    expect(userByEmail('weak@city.example').passwordHash).toBeNull();
    expect((await supertest(t.app.server).get(`/invitations/${token}`)).status).toBe(200);
  });

  it('answers an unknown or malformed token with the not-valid page', async () => {
    for (const token of ['a'.repeat(32), 'not-a-token', 'b'.repeat(90)]) {
      const page = await supertest(t.app.server).get(`/invitations/${token}`);
      expect(page.status).toBe(404);
      expect(page.text).toContain('Ask the secretariat for a new one.');
    }
  });

  it('never lets a link set the password of an account that is disabled meanwhile', async () => {
    const token = await invite('disabled@city.example');
    t.db.update(users).set({ disabled: true }).where(eq(users.email, 'disabled@city.example')).run();
    const response = await client(t).post(`/invitations/${token}`, {
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });
    expect(response.status).toBe(404);
    expect(userByEmail('disabled@city.example').passwordHash).toBeNull();
  });
});
