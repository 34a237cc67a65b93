// An invitation's link is minted when its e-mail is delivered (DESIGN.md, "Secrets never rest in
// plain text"): before that nothing in the outbox, the database or a backup opens the account;
// after it, the link in the received e-mail works once, and still nothing stored holds it. A
// retry sends the same link; an invitation that no longer holds is not sent at all.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../../src/db/client.js';
import { invitations, outbox, users } from '../../../src/db/schema.js';
import {
  invitationLinkKey,
  invitationLinkMinter,
  invitationToken,
} from '../../../src/features/accounts/invitation-link.js';
import { hashInvitationToken } from '../../../src/features/accounts/invitation-token.js';
import { deliverOutbox } from '../../../src/features/mail/deliver-outbox.js';
import { INVITATION_LINK_MARKER } from '../../../src/features/mail/outbox.js';
import { deliverMail } from '../../../src/jobs/deliver-mail.js';
import { client, logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { nominator } from '../accounts/mail.js';
import { recordingTransport } from './delivery.js';
import { startMailServer, type TestMailServer } from './mail-server.js';

const DAY_MS = 86_400_000;
const PASSWORD = 'a long enough passphrase';
const ANY_LINK = /\/invitations\/[a-z2-7]{16,}/;

let relay: TestMailServer;
let t: TestApp;
beforeAll(async () => {
  relay = await startMailServer();
  t = await makeTestApp({ env: { SMTP_URL: relay.url } });
});
afterAll(async () => {
  await t.close();
  await relay.close();
});

async function invite(email: string) {
  const response = await (await logInAs(t, 'secretariat')).post(
    '/accounts/invitations',
    nominator({ email, name: `Person ${email}` }),
  );
  expect(response.status).toBe(303);
}

const userId = (email: string) => t.db.select().from(users).where(eq(users.email, email)).get()!.id;
const invitationsOf = (email: string) =>
  t.db
    .select()
    .from(invitations)
    .where(eq(invitations.userId, userId(email)))
    .orderBy(invitations.id)
    .all();
const mailsTo = (email: string) =>
  t.db.select().from(outbox).where(eq(outbox.recipient, email)).orderBy(outbox.id).all();
const receivedBy = (email: string) => relay.received.filter((mail) => mail.envelopeTo.includes(email));
/** The token delivery would mint for this invitation: what an attacker with the server's key could compute. */
const derivedToken = (invitation: typeof invitations.$inferSelect) =>
  invitationToken(invitationLinkKey(t.app.serverSecret), invitation);

async function deliver() {
  const outcome = await deliverMail(
    { db: t.db, config: t.config, serverSecret: t.app.serverSecret },
    t.clock.now,
  );
  if (!outcome.ran) throw new Error('the mail job did not run');
  return outcome.result;
}

async function backupText(name: string): Promise<string> {
  const file = path.join(t.dir, 'backups', name);
  await backupDatabase(t.db, file);
  return fs.readFileSync(file).toString('latin1');
}

async function linkStatus(token: string): Promise<number> {
  return (await supertest(t.app.server).get(`/invitations/${token}`)).status;
}

describe('an invitation before its e-mail is delivered', () => {
  it('opens nothing: the invitation has no token hash, the outbox holds no link and neither does a backup', async () => {
    await invite('before@recife.example');
    const [invitation] = invitationsOf('before@recife.example');
    expect(invitation).toMatchObject({ tokenHash: null, mintedAt: null });

    const token = derivedToken(invitation!);
    expect(await linkStatus(token)).toBe(404);
    const post = await client(t).post(`/invitations/${token}`, {
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });
    expect(post.status).toBe(404);

    const [mail] = mailsTo('before@recife.example');
    for (const body of [mail!.textBody, mail!.htmlBody]) {
      expect(body).toContain(INVITATION_LINK_MARKER);
      expect(body).not.toMatch(ANY_LINK);
      expect(body).not.toContain(token);
    }
    const backup = await backupText('before.db');
    expect(backup).toContain('before@recife.example');
    expect(backup).not.toContain(token);
    expect(backup).not.toMatch(ANY_LINK);
    expect(userId('before@recife.example')).toBeGreaterThan(0);
    expect(
      t.db.select().from(users).where(eq(users.email, 'before@recife.example')).get()!.passwordHash,
    ).toBeNull();
  });
});

describe('delivering an invitation', () => {
  it('mints its link: the received e-mail carries it in both parts, with 7 days from delivery, and it works once', async () => {
    const sentAt = t.clock.now;
    const summary = await deliver();
    expect(summary).toMatchObject({ sent: 1, transport: expect.stringContaining('SMTP relay 127.0.0.1') });

    const [invitation] = invitationsOf('before@recife.example');
    const token = derivedToken(invitation!);
    const link = `${t.config.publicOrigin}/invitations/${token}`;
    const expiresAt = new Date(sentAt.getTime() + 7 * DAY_MS).toISOString();
    expect(invitation).toMatchObject({
      tokenHash: hashInvitationToken(token),
      mintedAt: sentAt.toISOString(),
      expiresAt,
    });
    const [received, ...more] = receivedBy('before@recife.example');
    expect(more).toHaveLength(0);
    expect(received!.mail.text).toContain(`choose your password on this page:\n${link}\n`);
    expect(received!.mail.text).toContain(`until ${expiresAt.slice(0, 16).replace('T', ' ')} UTC`);
    expect(received!.mail.html).toContain(`<a href="${link}">`);
    expect(received!.mail.text).not.toContain('[[');

    expect(await linkStatus(token)).toBe(200);
    const first = await client(t).post(`/invitations/${token}`, {
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });
    expect(first.status).toBe(303);
    const again = await client(t).post(`/invitations/${token}`, {
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });
    expect(again.status).toBe(404);
  });

  it('leaves the delivered message without its link: neither the outbox nor a backup holds a usable one', async () => {
    const [mail] = mailsTo('before@recife.example');
    expect(mail).toMatchObject({ status: 'sent' });
    const token = derivedToken(invitationsOf('before@recife.example')[0]!);
    expect(mail!.textBody).not.toContain(token);
    expect(mail!.textBody).toContain(INVITATION_LINK_MARKER);
    const backup = await backupText('after.db');
    expect(backup).not.toContain(token);
    expect(backup).not.toMatch(ANY_LINK);
  });

  it('sends the same link with the same expiry when a refused delivery is retried', async () => {
    await invite('retry@recife.example');
    relay.refuse(451, 'Greylisted, try again later');
    const firstAttempt = t.clock.now;
    try {
      expect(await deliver()).toMatchObject({ sent: 0, retried: 1 });
    } finally {
      relay.accept();
    }
    const [minted] = invitationsOf('retry@recife.example');
    const token = derivedToken(minted!);
    const expiresAt = new Date(firstAttempt.getTime() + 7 * DAY_MS).toISOString();
    expect(minted).toMatchObject({ tokenHash: hashInvitationToken(token), expiresAt });

    t.clock.advance(60_000);
    expect(await deliver()).toMatchObject({ sent: 1 });
    const [received] = receivedBy('retry@recife.example');
    expect(received!.mail.text).toContain(`${t.config.publicOrigin}/invitations/${token}`);
    expect(received!.mail.text).toContain(`until ${expiresAt.slice(0, 16).replace('T', ' ')} UTC`);
    expect(invitationsOf('retry@recife.example')[0]).toMatchObject({
      tokenHash: minted!.tokenHash,
      expiresAt,
    });
    expect(await linkStatus(token)).toBe(200);
  });
});

describe('an invitation that no longer holds when its e-mail is due', () => {
  it('is not sent when a newer invitation replaced it: its mail is cancelled with the reason, the newer one goes', async () => {
    const email = 'replaced@recife.example';
    await invite(email);
    const reinvite = await (await logInAs(t, 'secretariat')).post(`/accounts/${userId(email)}/reinvite`);
    expect(reinvite.status).toBe(303);

    expect(await deliver()).toMatchObject({ sent: 1, cancelled: 1 });
    const [replacedMail, newerMail] = mailsTo(email);
    expect(replacedMail).toMatchObject({ status: 'cancelled', attempts: 0 });
    expect(replacedMail!.lastError).toMatch(/^Not sent: a newer invitation replaced this one/);
    expect(newerMail).toMatchObject({ status: 'sent' });

    const [replaced, newer] = invitationsOf(email);
    expect(replaced!.tokenHash).toBeNull();
    expect(await linkStatus(derivedToken(replaced!))).toBe(404);
    const received = receivedBy(email);
    expect(received).toHaveLength(1);
    expect(received[0]!.mail.text).toContain(`/invitations/${derivedToken(newer!)}`);
  });

  it('is not sent with another link when the server secret changed after its link was minted', async () => {
    const email = 'rekeyed@recife.example';
    await invite(email);
    relay.refuse(451, 'Try again later');
    try {
      expect(await deliver()).toMatchObject({ retried: 1 });
    } finally {
      relay.accept();
    }
    t.clock.advance(60_000);
    const summary = await deliverOutbox(t.db, recordingTransport(), {
      now: t.clock.now,
      from: t.config.mailFrom,
      mintInvitationLink: invitationLinkMinter(crypto.randomBytes(32), t.config.publicOrigin),
    });
    expect(summary).toMatchObject({ sent: 0, cancelled: 1 });
    expect(mailsTo(email)[0]!.lastError).toMatch(/^Not sent: the server secret has changed/);
  });

  it('is not sent when its account was disabled meanwhile', async () => {
    const email = 'disabled@recife.example';
    await invite(email);
    t.db.update(users).set({ disabled: true }).where(eq(users.email, email)).run();

    expect(await deliver()).toMatchObject({ sent: 0, cancelled: 1 });
    expect(mailsTo(email)[0]).toMatchObject({
      status: 'cancelled',
      lastError: 'Not sent: the account has been disabled.',
    });
    expect(invitationsOf(email)[0]!.tokenHash).toBeNull();
    expect(receivedBy(email)).toHaveLength(0);
  });
});
