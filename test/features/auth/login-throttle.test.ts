import supertest from 'supertest';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import {
  MAX_FAILURES_PER_ACCOUNT,
  MAX_FAILURES_PER_ADDRESS,
  MAX_FAILURES_PER_DEVICE,
  THROTTLE_WINDOW_MS,
} from '../../../src/features/auth/login-throttle.js';
import { client, cookieValue, DEMO_PASSWORD, makeTestApp, ORIGIN, type TestApp } from '../../helpers/app.js';

let t: TestApp;
beforeEach(async () => {
  await t?.close();
  t = await makeTestApp();
});
afterAll(async () => t.close());

function attempt(email: string, password: string, forwardedFor?: string) {
  const request = supertest(t.app.server).post('/login').set('Origin', ORIGIN).type('form');
  if (forwardedFor) request.set('X-Forwarded-For', forwardedFor);
  return request.send({ email, password });
}

describe('login throttling', () => {
  it('cools an account down after 10 failures in 15 minutes: 429 even for the right password', async () => {
    const email = demoEmail('mayor.bristol');
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i += 1)
      expect((await attempt(email, 'wrong-password')).status).toBe(401);
    const blocked = await attempt(email, DEMO_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('holds under parallel attempts: of 30 wrong passwords sent at once, at most 10 are checked (401), the rest cooled down (429)', async () => {
    const email = demoEmail('mayor.bristol');
    const responses = await Promise.all(Array.from({ length: 30 }, () => attempt(email, 'wrong-password')));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(MAX_FAILURES_PER_ACCOUNT);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(
      30 - MAX_FAILURES_PER_ACCOUNT,
    );
    expect((await attempt(email, DEMO_PASSWORD)).status).toBe(429);
  });

  it('counts wrong current passwords at /account/password like failed logins: after 10, 429 there and at /login in that browser', async () => {
    const email = demoEmail('nominator.montevideo');
    const browser = client(t);
    await browser.logIn(email);
    const change = (currentPassword: string) =>
      browser.post('/account/password', {
        currentPassword,
        newPassword: 'a-new-long-passphrase',
        confirmPassword: 'a-new-long-passphrase',
      });
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i += 1)
      expect((await change(`wrong-password-${i}`)).status).toBe(422);
    const blocked = await change(DEMO_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await browser.post('/login', { email, password: DEMO_PASSWORD })).status).toBe(429);
  });

  it('counts a stolen session’s password guesses against unknown browsers, never against the member’s own', async () => {
    const email = demoEmail('nominator.montevideo');
    const member = client(t);
    await member.logIn(email);
    // The thief replays the session cookie, but holds no device cookie of the account.
    const session = cookieValue(
      (await member.post('/login', { email, password: DEMO_PASSWORD })).headers['set-cookie'],
      'session',
    )!;
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i += 1) {
      const guess = await supertest(t.app.server)
        .post('/account/password')
        .set('Origin', ORIGIN)
        .set('Cookie', `session=${session}`)
        .type('form')
        .send({
          currentPassword: `guess-${i}`,
          newPassword: 'a-new-long-passphrase',
          confirmPassword: 'a-new-long-passphrase',
        });
      expect(guess.status).toBe(422);
    }
    expect((await attempt(email, DEMO_PASSWORD)).status).toBe(429);
    expect((await member.post('/login', { email, password: DEMO_PASSWORD })).status).toBe(303);
  });

  it('believes X-Forwarded-For from no one unless TRUST_PROXY names them: failures count against the real address', async () => {
    const now = t.clock.now.getTime();
    const { loginFailures } = await import('../../../src/db/schema.js');
    t.db
      .insert(loginFailures)
      .values(
        Array.from({ length: MAX_FAILURES_PER_ADDRESS - 1 }, (_, i) => ({
          email: `guess${i}@example.org`,
          clientAddress: '127.0.0.1',
          at: now,
        })),
      )
      .run();
    // One more failure, claiming to come from elsewhere: it still counts for 127.0.0.1.
    expect((await attempt(demoEmail('mayor.bristol'), 'wrong-password', '203.0.113.9')).status).toBe(401);
    expect((await attempt(demoEmail('mayor.milan'), DEMO_PASSWORD, '198.51.100.7')).status).toBe(429);
  });

  it('lets the account in again once the window has passed', async () => {
    const email = demoEmail('mayor.bristol');
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i += 1) await attempt(email, 'wrong-password');
    t.clock.advance(THROTTLE_WINDOW_MS + 1000);
    expect((await attempt(email, DEMO_PASSWORD)).status).toBe(303);
  });

  it('does not lock colleagues behind the same address out when one account is throttled', async () => {
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i += 1)
      await attempt(demoEmail('mayor.bristol'), 'wrong-password');
    expect((await attempt(demoEmail('mayor.milan'), DEMO_PASSWORD)).status).toBe(303);
  });

  it('never counts successful logins', async () => {
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT + 5; i += 1)
      expect((await attempt(demoEmail('mayor.milan'), DEMO_PASSWORD)).status).toBe(303);
  });

  it('caps failures per client address generously, then answers 429 for any account from it', async () => {
    const now = t.clock.now.getTime();
    const { loginFailures } = await import('../../../src/db/schema.js');
    t.db
      .insert(loginFailures)
      .values(
        Array.from({ length: MAX_FAILURES_PER_ADDRESS }, (_, i) => ({
          email: `guess${i}@example.org`,
          clientAddress: '127.0.0.1',
          at: now,
        })),
      )
      .run();
    expect((await attempt(demoEmail('mayor.milan'), DEMO_PASSWORD)).status).toBe(429);
  });
});

describe('device cookies: an attacker cannot lock the real member out', () => {
  const email = () => demoEmail('mayor.bristol');

  /** The member's own browser, which logged in before the attack and so holds a device cookie. */
  async function membersBrowser() {
    const member = client(t);
    await member.logIn(email());
    return member;
  }

  it('throttles the attacker’s unknown browsers after 10 failures while the member’s browser still logs in', async () => {
    const member = await membersBrowser();
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i += 1)
      expect((await attempt(email(), `guess-${i}`)).status).toBe(401);
    expect((await attempt(email(), DEMO_PASSWORD)).status).toBe(429);
    expect((await member.post('/login', { email: email(), password: DEMO_PASSWORD })).status).toBe(303);
  });

  it('counts the member’s own mistakes on their device only: 10 there pause that browser, not the others', async () => {
    const member = await membersBrowser();
    for (let i = 0; i < MAX_FAILURES_PER_DEVICE; i += 1)
      expect((await member.post('/login', { email: email(), password: `typo-${i}` })).status).toBe(401);
    expect((await member.post('/login', { email: email(), password: DEMO_PASSWORD })).status).toBe(429);
    expect((await attempt(email(), DEMO_PASSWORD)).status).toBe(303);
  });

  it('treats a forged or altered device cookie as an unknown browser', async () => {
    const member = await membersBrowser();
    const genuine = cookieValue(
      (await member.post('/login', { email: email(), password: DEMO_PASSWORD })).headers['set-cookie'],
      'device',
    )!;
    const [id, account] = genuine.split('.');
    const forged = `${id}.${account}.${'A'.repeat(43)}`;
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i += 1) await attempt(email(), `guess-${i}`);
    const withForged = await supertest(t.app.server)
      .post('/login')
      .set('Origin', ORIGIN)
      .set('Cookie', `device=${forged}`)
      .type('form')
      .send({ email: email(), password: DEMO_PASSWORD });
    expect(withForged.status).toBe(429);
    const withGenuine = await supertest(t.app.server)
      .post('/login')
      .set('Origin', ORIGIN)
      .set('Cookie', `device=${genuine}`)
      .type('form')
      .send({ email: email(), password: DEMO_PASSWORD });
    expect(withGenuine.status).toBe(303);
  });

  it('treats a device cookie issued for another account as an unknown browser for this one', async () => {
    const milan = client(t);
    await milan.logIn(demoEmail('mayor.milan'));
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i += 1) await attempt(email(), `guess-${i}`);
    expect((await milan.post('/login', { email: email(), password: DEMO_PASSWORD })).status).toBe(429);
  });

  it('sets the device cookie HttpOnly and SameSite=Strict at a successful login only', async () => {
    const failed = await attempt(email(), 'wrong-password');
    expect(cookieValue(failed.headers['set-cookie'], 'device')).toBeUndefined();
    const ok = await attempt(email(), DEMO_PASSWORD);
    const line = ([] as string[])
      .concat(ok.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('device='))!;
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Strict/i);
    expect(line).toMatch(/Max-Age=31536000/);
  });
});
