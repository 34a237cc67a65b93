import supertest from 'supertest';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { demoEmail } from '../../../src/db/seed-demo.js';
import {
  MAX_FAILURES_PER_ACCOUNT,
  MAX_FAILURES_PER_ADDRESS,
  THROTTLE_WINDOW_MS,
} from '../../../src/features/auth/login-throttle.js';
import { client, DEMO_PASSWORD, makeTestApp, ORIGIN, type TestApp } from '../../helpers/app.js';

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

  it('counts wrong current passwords at /account/password towards the same per-account throttle: after 10, 429 there and at /login', async () => {
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
    expect((await attempt(email, DEMO_PASSWORD)).status).toBe(429);
  });

  it('ignores X-Forwarded-For when counting failures on an account', async () => {
    const email = demoEmail('mayor.bristol');
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i += 1)
      await attempt(email, 'wrong-password', `203.0.113.${i}`);
    expect((await attempt(email, DEMO_PASSWORD, '198.51.100.7')).status).toBe(429);
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
