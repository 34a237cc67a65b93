// Disabling an account (POST /accounts/:id/disable, the secretariat; `user:disable` at the CLI):
// the account is logged out everywhere and its unused invitation links stop working, in one
// transaction with its audit entry; enabling it (POST /accounts/:id/enable) lets it log in again.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, sessions, users } from '../../../src/db/schema.js';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { setAccountDisabled } from '../../../src/features/accounts/disable-account.js';
import { client, DEMO_PASSWORD, logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { viewerOf } from '../ballots/ballot-records.js';
import { textOf } from '../terms/board-records.js';
import { deliveredInvitationToken, nominator } from './mail.js';

const run = promisify(execFile);

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => t.close());

const account = (localPart: string) =>
  t.db
    .select()
    .from(users)
    .where(eq(users.email, demoEmail(localPart)))
    .get()!;
const sessionsOf = (userId: number) => t.db.select().from(sessions).where(eq(sessions.userId, userId)).all();
const audited = (action: string) => t.db.select().from(auditLog).where(eq(auditLog.action, action)).all();

describe('disabling an account (secretariat)', () => {
  it('logs the account out everywhere at once, keeps it from logging in, and audits it: 303 to the accounts page', async () => {
    const zurich = await logInAs(t, 'nominator.zurich');
    await logInAs(t, 'nominator.zurich');
    const { id } = account('nominator.zurich');
    expect(sessionsOf(id)).toHaveLength(2);
    const secretariat = await logInAs(t, 'secretariat');
    const response = await secretariat.post(`/accounts/${id}/disable`);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/accounts');
    expect(account('nominator.zurich').disabled).toBe(true);
    expect(sessionsOf(id)).toHaveLength(0);
    expect((await zurich.get('/nominations')).headers.location).toMatch(/^\/login/);
    const again = await client(t)
      .agent.post('/login')
      .set('Origin', 'http://localhost:3000')
      .type('form')
      .send({ email: demoEmail('nominator.zurich'), password: DEMO_PASSWORD });
    expect(again.status).not.toBe(303);
    const [entry, ...more] = audited('account.disable');
    expect(more).toHaveLength(0);
    expect(entry).toMatchObject({ subjectId: String(id), actorLabel: demoEmail('secretariat') });
    expect(JSON.parse(entry!.details)).toEqual({ email: demoEmail('nominator.zurich'), sessionsEnded: 2 });
    const page = await secretariat.get('/accounts');
    expect(textOf(page.text)).toContain(`The account of ${demoEmail('nominator.zurich')} is disabled`);
    expect(page.text).toContain(`action="/accounts/${id}/enable"`);
  });

  it('makes an invited account’s unused link stop working', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    await secretariat.post('/accounts/invitations', nominator({ email: 'new.staff@city.example' }));
    const token = await deliveredInvitationToken(t, 'new.staff@city.example');
    expect((await supertest(t.app.server).get(`/invitations/${token}`)).status).toBe(200);
    const { id } = t.db.select().from(users).where(eq(users.email, 'new.staff@city.example')).get()!;
    expect((await secretariat.post(`/accounts/${id}/disable`)).status).toBe(303);
    expect((await supertest(t.app.server).get(`/invitations/${token}`)).status).toBe(404);
  });

  it('refuses to disable the secretariat’s own account (409), or one already disabled (409), or no account (404)', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const own = await secretariat.post(`/accounts/${account('secretariat').id}/disable`);
    expect(own.status).toBe(409);
    expect(textOf(own.text)).toContain('You cannot disable your own account');
    expect(account('secretariat').disabled).toBe(false);
    const { id } = account('nominator.zurich');
    await secretariat.post(`/accounts/${id}/disable`);
    const twice = await secretariat.post(`/accounts/${id}/disable`);
    expect(twice.status).toBe(409);
    expect(audited('account.disable')).toHaveLength(1);
    expect((await secretariat.post('/accounts/9999/disable')).status).toBe(404);
  });

  it('offers no disable button for the secretariat’s own account, and one, named for the person, for the others', async () => {
    const page = await (await logInAs(t, 'secretariat')).get('/accounts');
    expect(page.text).not.toContain(`action="/accounts/${account('secretariat').id}/disable"`);
    expect(page.text).toContain(`action="/accounts/${account('mayor.amman').id}/disable"`);
    expect(page.text).toContain(
      `Disable<span class="visually-hidden"> the account of ${account('mayor.amman').displayName}`,
    );
  });

  it('is refused by the action itself to anyone but the secretariat (403), whatever route calls it', () => {
    for (const who of ['mayor.amman', 'partner.c40', 'nominator.zurich'])
      expect(
        setAccountDisabled(
          t.db,
          account('nominator.bogota').id,
          true,
          { viewer: viewerOf(t, who) },
          new Date(),
        ),
      ).toMatchObject({ ok: false, status: 403 });
    expect(account('nominator.bogota').disabled).toBe(false);
  });
});

describe('enabling an account again (secretariat)', () => {
  it('lets it log in again, and audits it', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const { id } = account('nominator.zurich');
    await secretariat.post(`/accounts/${id}/disable`);
    const response = await secretariat.post(`/accounts/${id}/enable`);
    expect(response.status).toBe(303);
    expect(account('nominator.zurich').disabled).toBe(false);
    await logInAs(t, 'nominator.zurich');
    expect(audited('account.enable')).toHaveLength(1);
  });

  it('refuses an account that is not disabled (409)', async () => {
    const response = await (await logInAs(t, 'secretariat')).post(
      `/accounts/${account('nominator.zurich').id}/enable`,
    );
    expect(response.status).toBe(409);
    expect(audited('account.enable')).toHaveLength(0);
  });
});

describe('npm run cli -- user:disable E', () => {
  it('disables the account with that e-mail as the CLI, ending its sessions', async () => {
    await logInAs(t, 'nominator.zurich');
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'user:disable', demoEmail('nominator.zurich').toUpperCase()],
      {
        cwd: path.resolve(import.meta.dirname, '../../..'),
        env: { ...process.env, DATABASE_PATH: t.config.databasePath },
      },
    );
    expect(stdout).toContain(`Disabled ${demoEmail('nominator.zurich')}: 1 session(s) ended`);
    expect(account('nominator.zurich').disabled).toBe(true);
    expect(audited('account.disable')[0]).toMatchObject({ actorLabel: 'cli' });
  });
});
