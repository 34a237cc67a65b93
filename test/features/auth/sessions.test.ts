import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../../src/db/schema.js';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../../src/features/auth/sessions.js';
import { client, cookieValue, DEMO_PASSWORD, makeTestApp, ORIGIN, type TestApp } from '../../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => t.close());

describe('logging in', () => {
  it('starts a session with an HttpOnly, SameSite=Lax cookie on Path=/ and redirects with 303', async () => {
    const response = await client(t).logIn(demoEmail('secretariat'));
    expect(response.status).toBe(303);
    const setCookie = ([] as string[])
      .concat(response.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('session='));
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/i);
  });

  it('matches the e-mail address case-insensitively', async () => {
    const response = await client(t).logIn('SecretARIAT@Demo.MMC.example');
    expect(response.status).toBe(303);
  });

  it('answers a wrong password and an unknown account with the same 401 and one generic message', async () => {
    const wrongPassword = await client(t).post('/login', {
      email: demoEmail('mayor.milan'),
      password: 'not-the-password',
    });
    const unknownAccount = await client(t).post('/login', {
      email: 'nobody@example.org',
      password: 'not-the-password',
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownAccount.status).toBe(401);
    const message = /do not match an account/;
    expect(wrongPassword.text).toMatch(message);
    expect(unknownAccount.text).toMatch(message);
    expect(wrongPassword.text.replace(/value="[^"]*"/g, '')).toBe(
      unknownAccount.text.replace(/value="[^"]*"/g, ''),
    );
  });

  it('re-renders the form with 422 and a message beside each empty field', async () => {
    const response = await client(t).post('/login', { email: '', password: '' });
    expect(response.status).toBe(422);
    expect(response.text).toContain('id="email-error"');
    expect(response.text).toContain('id="password-error"');
  });

  it('sends a logged-in visitor of /login on to a path of this site only: never to another host', async () => {
    const browser = client(t);
    await browser.logIn(demoEmail('secretariat'));
    const local = await browser.get('/login?next=%2Fnominations%3Fpage%3D2');
    expect(local.status).toBe(303);
    expect(local.headers.location).toBe('/nominations?page=2');
    for (const next of [
      '/%09/evil.example/x',
      '//evil.example',
      '/%5Cevil.example',
      'https://evil.example/x',
    ]) {
      const response = await browser.get(`/login?next=${next}`);
      expect(response.status, next).toBe(303);
      expect(response.headers.location, next).toBe('/');
    }
  });

  it('redirects after logging in to a path of this site only: next=//evil.example goes to /', async () => {
    const post = (next: string) =>
      client(t).post('/login', { email: demoEmail('secretariat'), password: DEMO_PASSWORD, next });
    const local = await post('/terms');
    expect(local.status).toBe(303);
    expect(local.headers.location).toBe('/terms');
    for (const next of ['//evil.example', '/\t/evil.example/x', '/\\evil.example', 'https://evil.example']) {
      const response = await post(next);
      expect(response.status, next).toBe(303);
      expect(response.headers.location, next).toBe('/');
    }
  });

  it('answers a JSON body with 422, never 500', async () => {
    const response = await supertest(t.app.server).post('/login').set('Origin', ORIGIN).send({ email: 1 });
    expect([400, 415, 422]).toContain(response.status);
  });

  it('stores only a SHA-256 hash of the token, never the token or its secret', async () => {
    const response = await client(t).logIn(demoEmail('partner.c40'));
    const token = cookieValue(response.headers['set-cookie'], 'session')!;
    const [id, secret] = token.split('.');
    expect(secret!.length).toBeGreaterThanOrEqual(26); // 130+ bits in base32
    const stored = t.db
      .select()
      .from(sessions)
      .all()
      .find((row) => row.id === id)!;
    expect(stored.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(t.db.select().from(sessions).all())).not.toContain(secret);
  });

  it('never lets a session planted before login survive it (fixation)', async () => {
    const attacker = client(t);
    const attackerLogin = await attacker.logIn(demoEmail('nominator.bogota'));
    const planted = cookieValue(attackerLogin.headers['set-cookie'], 'session')!;

    const victim = supertest(t.app.server);
    const victimLogin = await victim
      .post('/login')
      .set('Origin', ORIGIN)
      .set('Cookie', `session=${planted}`)
      .type('form')
      .send({ email: demoEmail('mayor.amman'), password: DEMO_PASSWORD });
    const issued = cookieValue(victimLogin.headers['set-cookie'], 'session')!;
    expect(issued).not.toBe(planted);
    const withPlanted = await supertest(t.app.server).get('/account').set('Cookie', `session=${planted}`);
    expect(withPlanted.status).toBe(303);
  });

  it('rejects a token whose secret was altered', async () => {
    const response = await client(t).logIn(demoEmail('mayor.kampala'));
    const token = cookieValue(response.headers['set-cookie'], 'session')!;
    const forged = `${token.split('.')[0]}.${'a'.repeat(32)}`;
    const page = await supertest(t.app.server).get('/account').set('Cookie', `session=${forged}`);
    expect(page.status).toBe(303);
  });
});

describe('session lifetime', () => {
  it('ends a session left idle longer than the idle timeout', async () => {
    const browser = client(t);
    await browser.logIn(demoEmail('mayor.montreal'));
    expect((await browser.get('/account')).status).toBe(200);
    t.clock.advance(SESSION_IDLE_MS + 1000);
    expect((await browser.get('/account')).status).toBe(303);
  });

  it('sweeps abandoned sessions from the database when someone logs in', async () => {
    const abandoned = await client(t).logIn(demoEmail('mayor.kampala'));
    const abandonedId = cookieValue(abandoned.headers['set-cookie'], 'session')!.split('.')[0];
    expect(
      t.db
        .select()
        .from(sessions)
        .all()
        .some((row) => row.id === abandonedId),
    ).toBe(true);
    t.clock.advance(SESSION_IDLE_MS + 1000);
    await client(t).logIn(demoEmail('mayor.milan'));
    expect(
      t.db
        .select()
        .from(sessions)
        .all()
        .some((row) => row.id === abandonedId),
    ).toBe(false);
  });

  it('slides the idle expiry while in use, but never past the absolute cap', async () => {
    const browser = client(t);
    await browser.logIn(demoEmail('mayor.los-angeles'));
    const step = SESSION_IDLE_MS / 2;
    let elapsed = 0;
    while (elapsed + step < SESSION_ABSOLUTE_MS) {
      t.clock.advance(step);
      elapsed += step;
      expect((await browser.get('/account')).status).toBe(200);
    }
    t.clock.advance(SESSION_ABSOLUTE_MS - elapsed + 1000);
    expect((await browser.get('/account')).status).toBe(303);
  });
});

describe('logging out', () => {
  it('ends the session on the server, so the old cookie no longer works', async () => {
    const browser = client(t);
    const login = await browser.logIn(demoEmail('mayor.freetown'));
    const token = cookieValue(login.headers['set-cookie'], 'session')!;
    const logout = await browser.post('/logout');
    expect(logout.status).toBe(303);
    const replay = await supertest(t.app.server).get('/account').set('Cookie', `session=${token}`);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toMatch(/^\/login/);
  });
});

describe('changing the password', () => {
  it('ends every other session and keeps this browser logged in', async () => {
    const laptop = client(t);
    const phone = client(t);
    await laptop.logIn(demoEmail('nominator.zurich'));
    await phone.logIn(demoEmail('nominator.zurich'));
    const change = await laptop.post('/account/password', {
      currentPassword: DEMO_PASSWORD,
      newPassword: 'a-new-long-passphrase',
      confirmPassword: 'a-new-long-passphrase',
    });
    expect(change.status).toBe(303);
    expect((await laptop.get('/account')).status).toBe(200);
    expect((await phone.get('/account')).status).toBe(303);
    expect(
      (await client(t).post('/login', { email: demoEmail('nominator.zurich'), password: DEMO_PASSWORD }))
        .status,
    ).toBe(401);
    await client(t).logIn(demoEmail('nominator.zurich'), 'a-new-long-passphrase');
  });

  it('refuses a wrong current password, a short new one and a mismatch with 422, beside each field', async () => {
    const browser = client(t);
    await browser.logIn(demoEmail('nominator.montevideo'));
    const response = await browser.post('/account/password', {
      currentPassword: 'wrong',
      newPassword: 'short',
      confirmPassword: 'other',
    });
    expect(response.status).toBe(422);
    expect(response.text).toContain('id="currentPassword-error"');
    expect(response.text).toContain('Use at least 12 characters.');
    expect(response.text).toContain('id="confirmPassword-error"');
    await client(t).logIn(demoEmail('nominator.montevideo'));
  });
});
