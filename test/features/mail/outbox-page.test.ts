// The secretariat's view of outgoing e-mail (/outbox): failed, waiting and stuck messages with
// what went wrong and when they are tried next, never a body; a failed message retried by the
// secretariat (audited), and refused for any other state, an unknown message or another role.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, outbox } from '../../../src/db/schema.js';
import { MAX_ATTEMPTS, SENDING_LEASE_MS } from '../../../src/features/mail/deliver-outbox.js';
import { queueMail } from '../../../src/features/mail/outbox.js';
import type { MailTransport } from '../../../src/features/mail/transport.js';
import { deliverMail } from '../../../src/jobs/deliver-mail.js';
import { client, logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { nominator } from '../accounts/mail.js';
import { recordingTransport } from './delivery.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => t.close());

const refusingRelay: MailTransport = {
  describe: 'refuses',
  async send() {
    throw new Error('Message failed: 451 4.7.1 Relay temporarily unavailable');
  },
  close() {},
};

const context = () => ({ db: t.db, config: t.config, serverSecret: t.app.serverSecret });
const messageTo = (recipient: string) =>
  t.db.select().from(outbox).where(eq(outbox.recipient, recipient)).get()!;

/** Queues a message and lets the relay refuse it until it has failed. */
async function failedMessage(recipient: string) {
  queueMail(
    t.db,
    { to: recipient, subject: `Notice for ${recipient}`, text: 'Hello.', kind: 'notice' },
    t.clock.now,
  );
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    t.clock.now = new Date(messageTo(recipient).nextAttemptAt);
    await deliverMail(context(), t.clock.now, { transport: refusingRelay });
  }
  expect(messageTo(recipient).status).toBe('failed');
  return messageTo(recipient);
}

const listedIds = (html: string) =>
  [...html.matchAll(/data-message-id="(\d+)"/g)].map((match) => Number(match[1]));

function rowOf(html: string, id: number): string {
  const row = html.split('<tr').find((line) => line.includes(`data-message-id="${id}"`));
  if (!row) throw new Error(`message ${id} is not listed`);
  return row;
}

describe('the outbox page', () => {
  it('lists failed and waiting messages for the secretariat (recipient, subject, kind, attempts, last error, next attempt), never a body', async () => {
    const failed = await failedMessage('failed@city.example');
    const secretariat = await logInAs(t, 'secretariat');
    await secretariat.post('/accounts/invitations', nominator({ email: 'waiting@city.example' }));
    const invitation = messageTo('waiting@city.example');
    // Due since an hour ago: by its time alone it would come before the failed one.
    const anHourAgo = new Date(t.clock.now.getTime() - 3_600_000);
    queueMail(t.db, { to: 'early@city.example', subject: 'Waiting since', text: 'Hi.' }, anHourAgo);
    queueMail(t.db, { to: 'sent@city.example', subject: 'Already delivered', text: 'Hi.' }, t.clock.now);
    t.db.update(outbox).set({ status: 'sent' }).where(eq(outbox.recipient, 'sent@city.example')).run();

    const page = await secretariat.get('/outbox');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Outgoing e-mail</h1>');
    const failedRow = rowOf(page.text, failed.id);
    expect(failedRow).toContain('data-status="failed"');
    expect(failedRow).toContain('failed@city.example');
    expect(failedRow).toContain('Notice for failed@city.example');
    expect(failedRow).toContain(`<td data-label="Attempts">${MAX_ATTEMPTS}</td>`);
    expect(failedRow).toContain('451 4.7.1 Relay temporarily unavailable');
    expect(failedRow).toContain(`action="/outbox/${failed.id}/retry"`);

    const waitingRow = rowOf(page.text, invitation.id);
    expect(waitingRow).toContain('data-status="pending"');
    expect(waitingRow).toContain('Invitation');
    expect(waitingRow).toContain(`${invitation.nextAttemptAt.slice(0, 16).replace('T', ' ')} UTC`);
    expect(waitingRow).not.toContain('/retry');
    // No body, the invitation's included: not its words, not the place its link goes.
    expect(page.text).not.toContain('choose your password');
    expect(page.text).not.toContain('[[invitation-link]]');
    expect(page.text).not.toContain('Already delivered');
    // Failed first: they wait for someone. Then the queue in the order it goes out.
    const early = messageTo('early@city.example');
    expect(listedIds(page.text)).toEqual([failed.id, early.id, invitation.id]);
  });

  it('shows a message a crashed run left sending past the lease as stuck', async () => {
    queueMail(t.db, { to: 'stuck@city.example', subject: 'Stuck one', text: 'Hi.' }, t.clock.now);
    const claimedAt = new Date(t.clock.now.getTime() - SENDING_LEASE_MS).toISOString();
    t.db
      .update(outbox)
      .set({ status: 'sending', claimedAt, attempts: 1 })
      .where(eq(outbox.recipient, 'stuck@city.example'))
      .run();
    const page = await (await logInAs(t, 'secretariat')).get('/outbox');
    const row = rowOf(page.text, messageTo('stuck@city.example').id);
    expect(row).toContain('Stuck');
    expect(row).toContain('With the next delivery run');
  });

  it('is linked from the accounts page', async () => {
    const page = await (await logInAs(t, 'secretariat')).get('/accounts');
    expect(page.text).toContain('href="/outbox"');
  });
});

describe('retrying a failed message', () => {
  it('puts it back in the queue with fresh attempts, audits it, and the next run delivers it', async () => {
    const failed = messageTo('failed@city.example');
    const secretariat = await logInAs(t, 'secretariat');
    const response = await secretariat.post(`/outbox/${failed.id}/retry`);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/outbox');
    expect(messageTo('failed@city.example')).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: t.clock.now.toISOString(),
    });
    const audit = t.db.select().from(auditLog).where(eq(auditLog.action, 'mail.retry')).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ subjectType: 'outbox', subjectId: String(failed.id) });
    expect(JSON.parse(audit[0]!.details)).toMatchObject({
      recipient: 'failed@city.example',
      attempts: MAX_ATTEMPTS,
      lastError: 'Message failed: 451 4.7.1 Relay temporarily unavailable',
    });
    expect((await secretariat.get('/outbox')).text).toContain(
      'The message to failed@city.example goes out again with the next delivery run.',
    );

    const relay = recordingTransport();
    await deliverMail(context(), t.clock.now, { transport: relay });
    expect(relay.sent.map((message) => message.to)).toContain('failed@city.example');
    expect(messageTo('failed@city.example')).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('refuses a message that has not failed (409, saying why) and an unknown one (404), changing nothing', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const sent = messageTo('failed@city.example');
    const conflict = await secretariat.post(`/outbox/${sent.id}/retry`);
    expect(conflict.status).toBe(409);
    expect(conflict.text).toContain(
      `Message ${sent.id} cannot be retried, because it is sent: only a failed message can be.`,
    );
    expect(messageTo('failed@city.example')).toEqual(sent);
    expect((await secretariat.post('/outbox/99999/retry')).status).toBe(404);
    expect((await secretariat.post('/outbox/abc/retry')).status).toBe(404);
    expect(t.db.select().from(auditLog).where(eq(auditLog.action, 'mail.retry')).all()).toHaveLength(1);
  });

  it('answers 403 to anyone but the secretariat, and sends an anonymous visitor to log in', async () => {
    const failed = await failedMessage('again@city.example');
    for (const account of ['nominator.bogota', 'mayor.milan', 'partner.c40']) {
      const browser = await logInAs(t, account);
      expect((await browser.get('/outbox')).status).toBe(403);
      expect((await browser.post(`/outbox/${failed.id}/retry`)).status).toBe(403);
    }
    const anonymous = await client(t).get('/outbox');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login\b/);
    expect(messageTo('again@city.example').status).toBe('failed');
  });
});
