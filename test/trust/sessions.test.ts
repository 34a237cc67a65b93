// Sessions and login, beyond what test/features/auth/ already specifies (the throttle per account,
// per device and per address; idle expiry, sliding renewal and the absolute cap; other sessions
// ended by a password change): the throttle's account is the account however its e-mail is typed,
// whatever address a trusted proxy reports, and whether or not it exists; renewal is written down;
// an expired session leaves the database; a password change rotates this browser's token too; a
// disabled account is shut out everywhere; only hashes of secrets are stored, anywhere; and every
// secret is compared in constant time.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, invitations, sessions, users } from '../../src/db/schema.js';
import { demoEmail } from '../../src/demo/seed-demo.js';
import {
  MAX_FAILURES_PER_ACCOUNT,
  MAX_FAILURES_PER_DEVICE,
  THROTTLE_WINDOW_MS,
} from '../../src/features/auth/login-throttle.js';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../src/features/auth/sessions.js';
import { calendarFeedKey, feedToken } from '../../src/features/calendar/feed-token.js';
import { deliveredInvitationToken } from '../features/mail/delivery.js';
import { client, cookieValue, DEMO_PASSWORD, makeTestApp, ORIGIN, type TestApp } from '../helpers/app.js';
import { dumpDatabase, NOW } from './world.js';

const MINUTE = 60_000;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ now: NOW });
});
afterEach(async () => t.close());

function attempt(email: string, password: string, headers: Record<string, string> = {}) {
  const request = supertest(t.app.server).post('/login').set('Origin', ORIGIN).type('form');
  for (const [name, value] of Object.entries(headers)) request.set(name, value);
  return request.send({ email, password });
}

/** Logs in; returns the session token and a way to request pages with that token alone. */
async function session(localPart: string) {
  const response = await client(t).logIn(demoEmail(localPart));
  const token = cookieValue(response.headers['set-cookie'], 'session')!;
  const get = (url: string) => supertest(t.app.server).get(url).set('Cookie', `session=${token}`);
  const post = (url: string, form: Record<string, string> = {}) =>
    supertest(t.app.server)
      .post(url)
      .set('Origin', ORIGIN)
      .set('Cookie', `session=${token}`)
      .type('form')
      .send(form);
  return { token, id: token.split('.')[0]!, secret: token.split('.')[1]!, get, post, response };
}

const sessionRow = (id: string) => t.db.select().from(sessions).where(eq(sessions.id, id)).get();
const sessionsOf = (userId: number) => t.db.select().from(sessions).where(eq(sessions.userId, userId)).all();
const accountOf = (localPart: string) =>
  t.db
    .select()
    .from(users)
    .where(eq(users.email, demoEmail(localPart)))
    .get()!;
const withoutInput = (html: string) => html.replace(/value="[^"]*"/g, '');

describe('the login throttle counts per account', () => {
  it('counts failures against the account however its e-mail is written (capitals, spaces around it): 10 pause it', async () => {
    const spellings = [
      'MAYOR.BRISTOL@DEMO.MMC.EXAMPLE',
      ' mayor.bristol@demo.mmc.example ',
      'Mayor.Bristol@Demo.mmc.example',
    ];
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i += 1)
      expect((await attempt(spellings[i % spellings.length]!, `guess-${i}`)).status).toBe(401);
    const paused = await attempt(demoEmail('mayor.bristol'), DEMO_PASSWORD);
    expect(paused.status).toBe(429);
    expect(Number(paused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('pauses an account that does not exist exactly as a real one: the pause tells no one which accounts exist', async () => {
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i += 1) {
      await attempt(demoEmail('mayor.milan'), `guess-${i}`);
      await attempt('nobody@nowhere.example', `guess-${i}`);
    }
    const real = await attempt(demoEmail('mayor.milan'), 'another-guess');
    const unknown = await attempt('nobody@nowhere.example', 'another-guess');
    expect(real.status).toBe(429);
    expect(unknown.status).toBe(429);
    expect(withoutInput(unknown.text)).toBe(withoutInput(real.text));
  });

  it('counts failures against the account from every address a trusted proxy reports: 10 addresses, 10 failures, paused', async () => {
    await t.close();
    t = await makeTestApp({ now: NOW, env: { TRUST_PROXY: '127.0.0.1,::1,::ffff:127.0.0.1' } });
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i += 1) {
      const failure = await attempt(demoEmail('mayor.kampala'), `guess-${i}`, {
        'X-Forwarded-For': `203.0.113.${i + 1}`,
      });
      expect(failure.status).toBe(401);
    }
    const fromElsewhere = await attempt(demoEmail('mayor.kampala'), DEMO_PASSWORD, {
      'X-Forwarded-For': '198.51.100.77',
    });
    expect(fromElsewhere.status).toBe(429);
  });

  it('lets a member’s own paused browser in again, with the right password, once the window has passed', async () => {
    const member = client(t);
    await member.logIn(demoEmail('mayor.bristol'));
    for (let i = 0; i < MAX_FAILURES_PER_DEVICE; i += 1)
      await member.post('/login', { email: demoEmail('mayor.bristol'), password: `typo-${i}` });
    const paused = await member.post('/login', {
      email: demoEmail('mayor.bristol'),
      password: DEMO_PASSWORD,
    });
    expect(paused.status).toBe(429);
    expect(Number(paused.headers['retry-after'])).toBeLessThanOrEqual(THROTTLE_WINDOW_MS / 1000);
    t.clock.advance(THROTTLE_WINDOW_MS + 1000);
    expect(
      (await member.post('/login', { email: demoEmail('mayor.bristol'), password: DEMO_PASSWORD })).status,
    ).toBe(303);
  });
});

describe('session expiry and renewal', () => {
  it('writes a session’s renewal down at most once a minute, so a busy session costs no write per request', async () => {
    const amman = await session('mayor.amman');
    const started = sessionRow(amman.id)!.lastVerifiedAt;
    t.clock.advance(30_000);
    expect((await amman.get('/account')).status).toBe(200);
    expect(sessionRow(amman.id)!.lastVerifiedAt).toBe(started);
    t.clock.advance(31_000);
    expect((await amman.get('/account')).status).toBe(200);
    expect(sessionRow(amman.id)!.lastVerifiedAt).toBe(t.clock.now.getTime());
  });

  it('keeps a session presented just under 12 hours after its last use, and ends one presented at 12 hours, deleting it', async () => {
    const kept = await session('mayor.amman');
    const ended = await session('mayor.milan');
    t.clock.advance(SESSION_IDLE_MS - 1000);
    expect((await kept.get('/account')).status).toBe(200);
    t.clock.advance(1000);
    const answer = await ended.get('/account');
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toMatch(/^\/login/);
    expect(sessionRow(ended.id)).toBeUndefined();
    expect(sessionRow(kept.id)).toBeDefined();
  });

  it('ends a session at the 7-day cap though it was used a minute before, and deletes it', async () => {
    const amman = await session('mayor.amman');
    const step = SESSION_IDLE_MS - MINUTE;
    let elapsed = 0;
    while (elapsed + step < SESSION_ABSOLUTE_MS - MINUTE) {
      t.clock.advance(step);
      elapsed += step;
      expect((await amman.get('/account')).status).toBe(200);
    }
    t.clock.advance(SESSION_ABSOLUTE_MS - MINUTE - elapsed);
    expect((await amman.get('/account')).status).toBe(200);
    t.clock.advance(MINUTE);
    expect((await amman.get('/account')).status).toBe(303);
    expect(sessionRow(amman.id)).toBeUndefined();
  });
});

describe('a password change ends every session of the user', () => {
  it('leaves the user one session, the new one handed to this browser: its old token no longer works either', async () => {
    const laptop = await session('nominator.zurich');
    const phone = await session('nominator.zurich');
    const change = await laptop.post('/account/password', {
      currentPassword: DEMO_PASSWORD,
      newPassword: 'a-new-long-passphrase',
      confirmPassword: 'a-new-long-passphrase',
    });
    expect(change.status).toBe(303);
    const rotated = cookieValue(change.headers['set-cookie'], 'session')!;
    expect(rotated).not.toBe(laptop.token);
    expect(sessionsOf(accountOf('nominator.zurich').id).map((row) => row.id)).toEqual([
      rotated.split('.')[0],
    ]);
    expect((await laptop.get('/account')).status).toBe(303);
    expect((await phone.get('/account')).status).toBe(303);
    expect((await supertest(t.app.server).get('/account').set('Cookie', `session=${rotated}`)).status).toBe(
      200,
    );
  });
});

describe('a disabled account (users.disabled, set by the operator)', () => {
  const disable = (localPart: string) =>
    t.db
      .update(users)
      .set({ disabled: true })
      .where(eq(users.email, demoEmail(localPart)))
      .run();

  it('is logged out at the next request of every one of its sessions, and each leaves the database then', async () => {
    const laptop = await session('mayor.amman');
    const phone = await session('mayor.amman');
    const milan = await session('mayor.milan');
    disable('mayor.amman');
    for (const browser of [laptop, phone]) {
      const answer = await browser.get('/account');
      expect(answer.status).toBe(303);
      expect(answer.headers.location).toMatch(/^\/login/);
      expect(sessionRow(browser.id)).toBeUndefined();
    }
    expect(sessionsOf(accountOf('mayor.amman').id)).toEqual([]);
    expect((await milan.get('/account')).status).toBe(200);
  });

  it('cannot change anything through a session it held: 303 to /login, nothing but that session changed', async () => {
    const amman = await session('mayor.amman');
    disable('mayor.amman');
    const before = dumpDatabase(t.db);
    const answer = await amman.post('/account/calendar');
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/login');
    const after = dumpDatabase(t.db);
    expect({ ...after, sessions: [] }).toEqual({ ...before, sessions: [] });
    expect(after.sessions).toHaveLength(before.sessions!.length - 1);
  });

  it('cannot log in, even with the right password: the same 401 and message as a wrong password', async () => {
    const wrong = await attempt(demoEmail('mayor.milan'), 'not-the-password');
    disable('mayor.amman');
    const disabled = await attempt(demoEmail('mayor.amman'), DEMO_PASSWORD);
    expect(disabled.status).toBe(401);
    expect(cookieValue(disabled.headers['set-cookie'], 'session')).toBeUndefined();
    expect(withoutInput(disabled.text)).toBe(withoutInput(wrong.text));
  });

  it('has its calendar feed closed: 404, the same answer as a forged address', async () => {
    const amman = accountOf('mayor.amman');
    const file = `${feedToken(calendarFeedKey(t.app.serverSecret), amman)}.ics`;
    expect((await supertest(t.app.server).get(`/calendar/${file}`)).status).toBe(200);
    const forged = await supertest(t.app.server).get(`/calendar/${amman.id}-${'A'.repeat(43)}.ics`);
    disable('mayor.amman');
    const closed = await supertest(t.app.server).get(`/calendar/${file}`);
    expect(closed.status).toBe(404);
    expect(closed.text).toBe(forged.text);
  });

  it('has its invitation link closed: 404 to open it and to set a password with it', async () => {
    const secretariat = client(t);
    await secretariat.logIn(demoEmail('secretariat'));
    await secretariat.post('/accounts/invitations', {
      name: 'Invited Person',
      email: 'invited@quito.example',
      cityName: 'Quito',
      country: 'EC',
    });
    const token = await deliveredInvitationToken(t, 'invited@quito.example');
    expect((await client(t).get(`/invitations/${token}`)).status).toBe(200);
    t.db.update(users).set({ disabled: true }).where(eq(users.email, 'invited@quito.example')).run();
    expect((await client(t).get(`/invitations/${token}`)).status).toBe(404);
    const set = await client(t).post(`/invitations/${token}`, {
      password: 'a-new-long-passphrase',
      confirmPassword: 'a-new-long-passphrase',
    });
    expect(set.status).toBe(404);
    expect(
      t.db.select().from(users).where(eq(users.email, 'invited@quito.example')).get()!.passwordHash,
    ).toBeNull();
  });
});

describe('only hashes of secrets are stored', () => {
  it('stores SHA-256 of a session’s secret, which is not the secret, and the session id alone in the clear', async () => {
    const amman = await session('mayor.amman');
    const row = sessionRow(amman.id)!;
    expect(row.secretHash).toBe(sha256(amman.secret));
    expect(row.secretHash).not.toContain(amman.secret);
  });

  it('stores SHA-256 of a delivered invitation token, which is not the token', async () => {
    const secretariat = client(t);
    await secretariat.logIn(demoEmail('secretariat'));
    await secretariat.post('/accounts/invitations', {
      name: 'Invited Person',
      email: 'invited@quito.example',
      cityName: 'Quito',
      country: 'EC',
    });
    const token = await deliveredInvitationToken(t, 'invited@quito.example');
    const row = t.db.select().from(invitations).all().at(-1)!;
    expect(row.tokenHash).toBe(sha256(token));
    expect(row.tokenHash).not.toContain(token);
  });

  it('holds no live session token or secret, invitation token, calendar address, device cookie or server secret in any column of any table', async () => {
    const secretariat = client(t);
    const login = await secretariat.logIn(demoEmail('secretariat'));
    await secretariat.post('/accounts/invitations', {
      name: 'Invited Person',
      email: 'invited@quito.example',
      cityName: 'Quito',
      country: 'EC',
    });
    const invitationToken = await deliveredInvitationToken(t, 'invited@quito.example');
    const members = await Promise.all(['mayor.amman', 'partner.c40', 'nominator.bogota'].map(session));
    await secretariat.post('/account/calendar');
    const account = accountOf('secretariat');
    // `<userId>-<mac>`; the mac is base64url, which may itself hold a '-'.
    const token = feedToken(calendarFeedKey(t.app.serverSecret), account);
    const feed = token.slice(token.indexOf('-') + 1);
    expect(feed).toHaveLength(43);
    const device = cookieValue(login.headers['set-cookie'], 'device')!;
    const serverSecret = fs.readFileSync(path.join(t.dir, 'server-secret.key'), 'utf8').trim();
    const secrets: Record<string, string> = {
      'an invitation token': invitationToken,
      'a calendar address’s mac': feed,
      'a device cookie’s signature': device.split('.')[2]!,
      'the server secret': serverSecret,
    };
    for (const [index, member] of members.entries()) {
      secrets[`session token ${index}`] = member.token;
      secrets[`session secret ${index}`] = member.secret;
    }

    const sqlite = t.db.$client;
    const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{
      name: string;
    }>;
    let cells = 0;
    const found: string[] = [];
    for (const { name } of tables) {
      for (const row of sqlite.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>) {
        for (const [column, value] of Object.entries(row)) {
          const text = Buffer.isBuffer(value) ? value.toString('latin1') : String(value);
          cells += 1;
          for (const [what, secret] of Object.entries(secrets))
            if (text.includes(secret)) found.push(`${what} in ${name}.${column}`);
        }
      }
    }
    expect(cells).toBeGreaterThan(500);
    expect(found).toEqual([]);
  });
});

describe('secrets are compared in constant time', () => {
  const source = (file: string) => fs.readFileSync(path.join('src', file), 'utf8');

  it('compares a session secret’s hash with @oslojs/crypto constantTimeEqual, never with ===', () => {
    const sessionsSource = source('features/auth/sessions.ts');
    expect(sessionsSource).toMatch(/import \{ constantTimeEqual \} from '@oslojs\/crypto\/subtle'/);
    expect(sessionsSource).toMatch(/constantTimeEqual\(given, stored\)/);
    expect(sessionsSource).not.toMatch(/secretHash\s*[!=]==|[!=]==\s*\w*\.secretHash/);
  });

  it('checks every signature (device cookie, calendar address, vote receipt) with crypto.timingSafeEqual after a length check', () => {
    expect(source('lib/server-secret.ts')).toMatch(
      /expected\.length === given\.length && crypto\.timingSafeEqual\(expected, given\)/,
    );
    for (const file of [
      'features/auth/device-cookie.ts',
      'features/calendar/feed-token.ts',
      'features/ballots/routes.ts',
    ])
      expect(source(file), file).toMatch(/signatureMatches\(/);
  });

  // Every ===, !==, ==, != or .equals() in the code that handles credentials, on a line naming a
  // hash, token, secret, signature, mac, digest or receipt, has been read and found not to compare
  // a secret someone sent with one the app holds. A new one fails here until it is reviewed.
  const REVIEWED: Record<string, string> = {
    'features/auth/log-in.ts: if (!current || current.disabled || current.passwordHash !== user.passwordHash) {':
      'two stored hashes: was the password changed while argon2 ran',
    "features/accounts/invitation-link.ts: if (invitation.passwordHash !== null) return notSent('the account has set its password meanwhile.');":
      'a null check',
    'features/accounts/invitation-link.ts: if (invitation.tokenHash === null) {': 'a null check',
    'features/accounts/invitation-link.ts: } else if (invitation.tokenHash !== tokenHash) {':
      'the hash the server derives against the one it stored; nothing sent by a client',
    'features/accounts/accept-invitation.ts: if (form.confirmPassword !== form.password)':
      'the two fields the person typed',
    'features/accounts/create-user.ts: if (input.password !== undefined) {': 'an operator’s option',
    'features/accounts/create-user.ts: const passwordHash = input.password === undefined ? null : await hashPassword(input.password);':
      'an operator’s option',
    'features/accounts/resend-invitation.ts: if (invitee.passwordHash !== null) {': 'a null check',
    'features/ballots/recount.ts: if (ballot.receipt !== undefined) {':
      'published receipts in a recount file',
    'features/ballots/recount.ts: if (earlier === undefined) receipts.set(ballot.receipt, b);':
      'published receipts in a recount file',
    'features/own-account/change-password.ts: else if (newPassword === currentPassword)':
      'the two fields the person typed',
    "features/own-account/change-password.ts: if (confirmPassword !== newPassword) errors.confirmPassword = 'The two new passwords do not match.';":
      'the two fields the person typed',
    'features/own-account/change-password.ts: if (!current || current.disabled || current.passwordHash !== verifiedHash) {':
      'two stored hashes: was the password changed while argon2 ran',
  };

  it('has no other equality test on a hash, token, secret, signature or mac in auth, accounts, calendar, ballots, own-account and lib', () => {
    const folders = [
      'features/auth',
      'features/accounts',
      'features/calendar',
      'features/ballots',
      'features/own-account',
      'lib',
    ];
    const comparison = /(===|!==|[^=!<>]==[^=]|!=[^=]|\.equals\(|Buffer\.compare\()/;
    const secretish = /hash|token|secret(?!ariat)|signature|\bmac\b|digest|receipt/i;
    const unreviewed: string[] = [];
    for (const folder of folders) {
      for (const name of fs.readdirSync(path.join('src', folder))) {
        const file = `${folder}/${name}`;
        for (const raw of source(file).split('\n')) {
          const line = raw.trim();
          if (line.startsWith('//') || line.startsWith('*') || line.startsWith('/*')) continue;
          if (comparison.test(line) && secretish.test(line) && !REVIEWED[`${file}: ${line}`])
            unreviewed.push(`${file}: ${line}`);
        }
      }
    }
    expect(unreviewed).toEqual([]);
  });
});

describe('the audit of sessions', () => {
  it('records a login and a logout, naming the account, and never the token', async () => {
    const amman = await session('mayor.amman');
    expect((await amman.post('/logout')).status).toBe(303);
    const entries = t.db.select().from(auditLog).all().slice(-2);
    expect(entries.map((entry) => entry.action)).toEqual(['auth.login', 'auth.logout']);
    expect(entries.map((entry) => entry.actorLabel)).toEqual([
      demoEmail('mayor.amman'),
      demoEmail('mayor.amman'),
    ]);
    expect(JSON.stringify(entries)).not.toContain(amman.secret);
  });
});
