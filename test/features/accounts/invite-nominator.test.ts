import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountRequests, auditLog, cities, invitations, outbox, users } from '../../../src/db/schema.js';
import { hashInvitationToken } from '../../../src/features/accounts/invitation-token.js';
import { INVITATION_LINK_MARKER } from '../../../src/features/mail/outbox.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { deliveredInvitationToken, mailsTo, nominator } from './mail.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => t.close());

const count = (table: typeof users | typeof invitations | typeof outbox | typeof auditLog) =>
  t.db.select().from(table).all().length;

describe('inviting a nominator', () => {
  it('creates a password-less nominator for the city, an invitation and a mail with the link, then 303s back with a flash', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const response = await secretariat.post('/accounts/invitations', nominator());
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/accounts');

    const user = t.db.select().from(users).where(eq(users.email, 'claudia.lopez@bogota.example')).get()!;
    expect(user.role).toBe('nominator');
    expect(user.passwordHash).toBeNull();
    const city = t.db.select().from(cities).where(eq(cities.id, user.cityId!)).get()!;
    expect(city.country).toBe('CO');

    const invitation = t.db.select().from(invitations).where(eq(invitations.userId, user.id)).get()!;
    const days = (Date.parse(invitation.expiresAt) - t.clock.now.getTime()) / 86_400_000;
    expect(days).toBe(7);
    expect(invitation.usedAt).toBeNull();

    // The link is minted when the mail is delivered: until then the invitation has no token at all.
    expect(invitation.tokenHash).toBeNull();
    const [mail] = mailsTo(t, user.email);
    expect(mail).toMatchObject({ kind: 'invitation', invitationId: invitation.id, status: 'pending' });
    expect(mail!.textBody).toContain(INVITATION_LINK_MARKER);
    expect(mail!.textBody).not.toContain('/invitations/');
    expect(mail!.textBody).toContain('Council Secretariat');
    expect(mail!.textBody).toMatch(/valid for 7 days/);
    expect(mail!.textBody).toMatch(/only once/);

    const audit = t.db.select().from(auditLog).where(eq(auditLog.action, 'account.invite')).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.subjectId).toBe(String(user.id));

    const page = await secretariat.get('/accounts');
    expect(page.text).toContain('Invitation sent to claudia.lopez@bogota.example');
  });

  it('stores only the SHA-256 of the token, once the mail is delivered: the token appears nowhere in the database, outbox included', async () => {
    const token = await deliveredInvitationToken(t, 'claudia.lopez@bogota.example');
    expect(token.length).toBeGreaterThanOrEqual(26); // 130+ bits in base32
    const stored = t.db.select().from(invitations).all();
    expect(stored.map((row) => row.tokenHash)).toContain(hashInvitationToken(token));
    const everything = JSON.stringify([
      stored,
      t.db.select().from(users).all(),
      t.db.select().from(auditLog).all(),
      t.db.select().from(outbox).all(),
    ]);
    expect(everything).not.toContain(token);
  });

  it('shows the invited person on /accounts as invited, with a way to re-send the link', async () => {
    const page = await (await logInAs(t, 'secretariat')).get('/accounts');
    const row = page.text.split('<tr').find((line) => line.includes('claudia.lopez@bogota.example'))!;
    expect(row).toContain('data-status="invited"');
    expect(row).toContain('/reinvite');
  });

  it('refuses an e-mail that already has an account with 422 beside the e-mail field, storing nothing', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const before = [count(users), count(invitations), count(outbox), count(auditLog)];
    const response = await secretariat.post(
      '/accounts/invitations',
      nominator({ email: 'Nominator.Bogota@demo.mmc.example', name: 'Someone Else' }),
    );
    expect(response.status).toBe(422);
    expect(response.text).toContain('id="email-error"');
    expect(response.text).toContain('An account for nominator.bogota@demo.mmc.example already exists.');
    expect(response.text).toContain('value="Someone Else"');
    expect([count(users), count(invitations), count(outbox), count(auditLog)]).toEqual(before);
  });

  it('refuses a bad e-mail, an empty name and an unknown country with 422, each message beside its field and the input kept', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const before = [count(users), count(invitations), count(outbox), count(auditLog)];
    const response = await secretariat.post('/accounts/invitations', {
      name: '',
      email: 'not-an-address',
      cityName: 'Atlantis',
      country: 'ZZ',
    });
    expect(response.status).toBe(422);
    expect(response.text).toContain('id="name-error"');
    expect(response.text).toContain('id="email-error"');
    expect(response.text).toContain('id="country-error"');
    expect(response.text).toContain('aria-describedby="email-error"');
    expect(response.text).toContain('value="not-an-address"');
    expect(response.text).toContain('value="Atlantis"');
    expect([count(users), count(invitations), count(outbox), count(auditLog)]).toEqual(before);
  });

  it('keeps the chosen country selected when the form comes back with errors', async () => {
    const response = await (await logInAs(t, 'secretariat')).post(
      '/accounts/invitations',
      nominator({ email: '', country: 'ke' }),
    );
    expect(response.status).toBe(422);
    expect(response.text).toMatch(/<option value="KE"[^>]* selected>Kenya — /);
  });

  it('answers a pending public request from the same address, so it does not wait in the queue', async () => {
    t.db
      .insert(accountRequests)
      .values({
        name: 'Grace Wanjiru',
        email: 'grace@nairobi.example',
        cityName: 'Nairobi',
        country: 'KE',
        roleAtCity: 'Mayor',
        clientAddress: '203.0.113.9',
      })
      .run();
    const response = await (await logInAs(t, 'secretariat')).post(
      '/accounts/invitations',
      nominator({
        name: 'Grace Wanjiru',
        email: 'grace@nairobi.example',
        cityName: 'Nairobi',
        country: 'KE',
      }),
    );
    expect(response.status).toBe(303);
    const request = t.db
      .select()
      .from(accountRequests)
      .where(eq(accountRequests.email, 'grace@nairobi.example'))
      .get()!;
    expect(request.status).toBe('accepted');
  });
});

describe('who may invite', () => {
  it('answers 403 to a role other than the secretariat and stores nothing', async () => {
    const before = count(users);
    for (const account of ['nominator.bogota', 'mayor.milan', 'partner.c40']) {
      const response = await (await logInAs(t, account)).post(
        '/accounts/invitations',
        nominator({ email: `${account}@elsewhere.example` }),
      );
      expect(response.status).toBe(403);
    }
    expect(count(users)).toBe(before);
  });
});
