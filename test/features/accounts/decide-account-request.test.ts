import { eq } from 'drizzle-orm';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountRequests, auditLog, users } from '../../../src/db/schema.js';
import { todayIso } from '../../../src/domain/dates.js';
import { client, logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { deliveredInvitationToken, mailsTo } from './mail.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => t.close());

/** Files a public request and returns its id. */
async function requestAccount(email: string): Promise<number> {
  // Past the hourly cap on requests from one address: every request here comes from the same one.
  t.clock.advance(61 * 60 * 1000);
  const response = await client(t).post('/request-account', {
    name: `Requester ${email}`,
    email,
    cityName: 'Kigali',
    country: 'RW',
    roleAtCity: 'Director of international relations',
  });
  expect(response.status).toBe(200);
  return t.db.select().from(accountRequests).where(eq(accountRequests.email, email)).get()!.id;
}

const requestById = (id: number) =>
  t.db.select().from(accountRequests).where(eq(accountRequests.id, id)).get()!;

describe('the secretariat deciding account requests', () => {
  it('lists each pending request on /accounts with Accept and Decline buttons', async () => {
    const id = await requestAccount('listed@kigali.example');
    const page = await (await logInAs(t, 'secretariat')).get('/accounts');
    expect(page.text).toContain('listed@kigali.example');
    expect(page.text).toContain(`action="/accounts/requests/${id}/accept"`);
    expect(page.text).toContain(`action="/accounts/requests/${id}/decline"`);
  });

  it('accepts: the request is marked accepted and the requester gets an invitation that works', async () => {
    const id = await requestAccount('accept@kigali.example');
    const response = await (await logInAs(t, 'secretariat')).post(`/accounts/requests/${id}/accept`);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/accounts');

    expect(requestById(id).status).toBe('accepted');
    expect(requestById(id).decidedAt).not.toBeNull();
    const user = t.db.select().from(users).where(eq(users.email, 'accept@kigali.example')).get()!;
    expect(user).toMatchObject({ role: 'nominator', passwordHash: null });
    const [mail] = mailsTo(t, 'accept@kigali.example');
    expect(mail!.textBody).toContain('accepted');
    const token = await deliveredInvitationToken(t, 'accept@kigali.example');
    expect((await supertest(t.app.server).get(`/invitations/${token}`)).status).toBe(200);
    const audit = t.db.select().from(auditLog).where(eq(auditLog.action, 'account.request_accept')).all();
    expect(audit.map((entry) => entry.subjectId)).toContain(String(id));
  });

  it('declines: the request is marked declined, the requester gets a polite mail and no account', async () => {
    const id = await requestAccount('decline@kigali.example');
    const response = await (await logInAs(t, 'secretariat')).post(`/accounts/requests/${id}/decline`);
    expect(response.status).toBe(303);
    expect(requestById(id).status).toBe('declined');
    const [mail] = mailsTo(t, 'decline@kigali.example');
    expect(mail!.textBody).toMatch(/^Dear Requester decline@kigali\.example,/);
    expect(mail!.textBody).toContain('Thank you for your interest');
    expect(t.db.select().from(users).where(eq(users.email, 'decline@kigali.example')).get()).toBeUndefined();
    const audit = t.db.select().from(auditLog).where(eq(auditLog.action, 'account.request_decline')).all();
    expect(audit.map((entry) => entry.subjectId)).toContain(String(id));
  });

  it('refuses to decide a request twice with 409 and a full-sentence reason, changing nothing', async () => {
    const id = await requestAccount('twice@kigali.example');
    const secretariat = await logInAs(t, 'secretariat');
    await secretariat.post(`/accounts/requests/${id}/accept`);
    const mailsBefore = mailsTo(t, 'twice@kigali.example').length;
    for (const decision of ['accept', 'decline']) {
      const response = await secretariat.post(`/accounts/requests/${id}/${decision}`);
      expect(response.status).toBe(409);
      expect(response.text).toContain(
        `Request ${id} was already accepted on ${todayIso(t.clock.now)} by Council Secretariat.`,
      );
    }
    expect(requestById(id).status).toBe('accepted');
    expect(mailsTo(t, 'twice@kigali.example')).toHaveLength(mailsBefore);
  });

  it('answers 404 for a request that does not exist', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    expect((await secretariat.post('/accounts/requests/99999/accept')).status).toBe(404);
    expect((await secretariat.post('/accounts/requests/abc/decline')).status).toBe(404);
  });

  it('answers 403 to a role other than the secretariat, leaving the request pending', async () => {
    const id = await requestAccount('pending@kigali.example');
    for (const account of ['nominator.montevideo', 'mayor.amman', 'partner.uclg']) {
      const browser = await logInAs(t, account);
      expect((await browser.post(`/accounts/requests/${id}/accept`)).status).toBe(403);
      expect((await browser.post(`/accounts/requests/${id}/decline`)).status).toBe(403);
    }
    expect(requestById(id).status).toBe('pending');
  });

  it('sends an anonymous decision to /login with 303, leaving the request pending', async () => {
    const id = await requestAccount('anonymous@kigali.example');
    const response = await client(t).post(`/accounts/requests/${id}/accept`);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/login');
    expect(requestById(id).status).toBe('pending');
  });
});
