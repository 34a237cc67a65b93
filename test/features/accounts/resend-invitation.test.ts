import { eq } from 'drizzle-orm';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, invitations, users } from '../../../src/db/schema.js';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { client, logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { deliveredInvitationToken, mailsTo, nominator } from './mail.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => t.close());

const EMAIL = 'slow.reader@city.example';
const userId = () => t.db.select().from(users).where(eq(users.email, EMAIL)).get()!.id;

describe('re-sending an invitation', () => {
  it('mails a new link that works after the first one expired, and audits it', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    await secretariat.post('/accounts/invitations', nominator({ email: EMAIL }));
    const firstToken = await deliveredInvitationToken(t, EMAIL);
    t.clock.advance(8 * 24 * 60 * 60 * 1000);
    expect((await supertest(t.app.server).get(`/invitations/${firstToken}`)).status).toBe(404);

    const browser = await logInAs(t, 'secretariat');
    expect((await browser.get('/accounts')).text).toContain('The link has expired');
    const response = await browser.post(`/accounts/${userId()}/reinvite`);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/accounts');
    expect(mailsTo(t, EMAIL)).toHaveLength(2);
    const secondToken = await deliveredInvitationToken(t, EMAIL);
    expect(secondToken).not.toBe(firstToken);
    expect((await supertest(t.app.server).get(`/invitations/${secondToken}`)).status).toBe(200);
    const audit = t.db.select().from(auditLog).where(eq(auditLog.action, 'account.reinvite')).all();
    expect(audit).toHaveLength(1);
  });

  it('makes every earlier unused link stop working', async () => {
    const earlierToken = await deliveredInvitationToken(t, EMAIL);
    const response = await (await logInAs(t, 'secretariat')).post(`/accounts/${userId()}/reinvite`);
    expect(response.status).toBe(303);
    expect((await supertest(t.app.server).get(`/invitations/${earlierToken}`)).status).toBe(404);
    const latestToken = await deliveredInvitationToken(t, EMAIL);
    const open = t.db
      .select()
      .from(invitations)
      .where(eq(invitations.userId, userId()))
      .all()
      .filter((row) => row.expiresAt > t.clock.now.toISOString());
    expect(open).toHaveLength(1);
    const activation = await client(t).post(`/invitations/${latestToken}`, {
      password: 'a long enough passphrase',
      confirmPassword: 'a long enough passphrase',
    });
    expect(activation.status).toBe(303);
  });

  it('refuses with 409 for an account that has already set its password', async () => {
    const response = await (await logInAs(t, 'secretariat')).post(`/accounts/${userId()}/reinvite`);
    expect(response.status).toBe(409);
    expect(response.text).toContain(
      `Cannot re-send an invitation to ${EMAIL}, because the account has already set its password.`,
    );
  });

  it('answers 404 for an account that does not exist', async () => {
    const response = await (await logInAs(t, 'secretariat')).post('/accounts/99999/reinvite');
    expect(response.status).toBe(404);
  });

  it('answers 403 to a role other than the secretariat', async () => {
    const bogota = t.db
      .select()
      .from(users)
      .where(eq(users.email, demoEmail('nominator.bogota')))
      .get()!;
    const response = await (await logInAs(t, 'nominator.bogota')).post(`/accounts/${bogota.id}/reinvite`);
    expect(response.status).toBe(403);
  });
});
