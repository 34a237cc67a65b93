// Delivering the outbox to a real SMTP server on loopback: once, with both parts and a Message-ID
// kept on the row; retried with growing delays while the relay refuses; failed after the last
// attempt; never twice, however many runs start at once; a crashed run's message sent again with
// its Message-ID; .eml files without SMTP_URL; hostile text harmless in either part.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../../src/db/client.js';
import { invitations, outbox, users } from '../../../src/db/schema.js';
import { invitationLinkMinter } from '../../../src/features/accounts/invitation-link.js';
import {
  type DeliveryOptions,
  deliverOutbox,
  MAX_ATTEMPTS,
  RETRY_DELAYS_MS,
  SENDING_LEASE_MS,
} from '../../../src/features/mail/deliver-outbox.js';
import { queueMail } from '../../../src/features/mail/outbox.js';
import { renderMail } from '../../../src/features/mail/templates.js';
import { type MailTransport, mailFolder, mailTransport } from '../../../src/features/mail/transport.js';
import { parseMail, startMailServer, type TestMailServer } from './mail-server.js';

const ORIGIN = 'https://board.example.org';
const FROM = 'Leadership Board <board@board.example.org>';
const T0 = new Date('2025-03-14T09:30:00.000Z');
const MINUTE = 60_000;
const at = (milliseconds: number) => new Date(T0.getTime() + milliseconds);

let relay: TestMailServer;
beforeAll(async () => {
  relay = await startMailServer();
});
afterAll(async () => relay.close());

let dir: string;
let db: Db;
let transport: MailTransport;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'board-mail-'));
  db = openDatabase(path.join(dir, 'board.db'));
  transport = mailTransport({ smtpUrl: relay.url, dataDir: dir });
  relay.received.length = 0;
  relay.rcptAttempts.length = 0;
  relay.accept();
  relay.answerAfter(0);
});
afterEach(() => {
  transport.close();
  db.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function options(now: Date, overrides: Partial<DeliveryOptions> = {}): DeliveryOptions {
  return {
    now,
    from: FROM,
    mintInvitationLink: invitationLinkMinter(crypto.randomBytes(32), ORIGIN),
    ...overrides,
  };
}

function queue(to: string, subject = `Notice for ${to}`, now = T0) {
  const parts = renderMail('nomination-submitted', {
    subject,
    name: 'Ana Lima',
    nominee: 'Ana Lima',
    city: 'Recife',
    nominationId: 7,
    origin: ORIGIN,
  });
  queueMail(db, { to, subject, kind: 'nomination:submitted', ...parts }, now);
}

const rows = () => db.select().from(outbox).orderBy(outbox.id).all();
const row = (id = 1) => db.select().from(outbox).where(eq(outbox.id, id)).get()!;

describe('delivering the outbox over SMTP', () => {
  it('sends a due message once, with its text and HTML parts, its From, and the Message-ID kept on the row', async () => {
    queue('ana@recife.example');
    const summary = await deliverOutbox(db, transport, options(T0));

    expect(summary).toEqual({ sent: 1, retried: 0, failed: 0, cancelled: 0 });
    expect(relay.received).toHaveLength(1);
    const [{ mail, envelopeTo }] = relay.received as [(typeof relay.received)[0]];
    expect(envelopeTo).toEqual(['ana@recife.example']);
    expect(mail.header('from')).toBe(FROM);
    expect(mail.header('subject')).toBe('Notice for ana@recife.example');
    expect(mail.text).toContain('Your nomination of Ana Lima (Recife)');
    expect(mail.text).toContain(`${ORIGIN}/nominations/7`);
    expect(mail.html).toContain(`<a href="${ORIGIN}/nominations/7">`);
    const stored = row();
    expect(stored).toMatchObject({ status: 'sent', attempts: 1, sentAt: T0.toISOString(), claimedAt: null });
    expect(stored.messageId).toMatch(/^<outbox-1-[0-9a-f]+@board\.example\.org>$/);
    expect(mail.header('message-id')).toBe(stored.messageId);

    expect(await deliverOutbox(db, transport, options(at(MINUTE)))).toEqual({
      sent: 0,
      retried: 0,
      failed: 0,
      cancelled: 0,
    });
    expect(relay.received).toHaveLength(1);
  });

  it('retries a message the relay refuses (451) after 1, then 5 minutes, keeping attempts and the last error, and delivers it with its first Message-ID once the relay accepts', async () => {
    queue('busy@recife.example');
    relay.refuse(451, 'Mailbox busy, try again later');

    expect(await deliverOutbox(db, transport, options(T0))).toMatchObject({ sent: 0, retried: 1 });
    const afterFirst = row();
    expect(afterFirst).toMatchObject({
      status: 'pending',
      attempts: 1,
      nextAttemptAt: at(RETRY_DELAYS_MS[0]!).toISOString(),
      claimedAt: null,
    });
    expect(afterFirst.lastError).toMatch(/451.*Mailbox busy/);
    expect(afterFirst.lastError).not.toMatch(/[\r\n]/);
    const firstMessageId = afterFirst.messageId;

    // Not due yet: no attempt reaches the relay.
    await deliverOutbox(db, transport, options(at(RETRY_DELAYS_MS[0]! - 1)));
    expect(relay.rcptAttempts).toHaveLength(1);

    await deliverOutbox(db, transport, options(at(RETRY_DELAYS_MS[0]!)));
    expect(relay.rcptAttempts).toHaveLength(2);
    expect(row()).toMatchObject({
      status: 'pending',
      attempts: 2,
      nextAttemptAt: at(RETRY_DELAYS_MS[0]! + RETRY_DELAYS_MS[1]!).toISOString(),
    });

    relay.accept();
    const later = at(RETRY_DELAYS_MS[0]! + RETRY_DELAYS_MS[1]!);
    expect(await deliverOutbox(db, transport, options(later))).toMatchObject({ sent: 1 });
    expect(relay.received).toHaveLength(1);
    expect(relay.received[0]!.mail.header('message-id')).toBe(firstMessageId);
    expect(row()).toMatchObject({ status: 'sent', attempts: 3, messageId: firstMessageId });
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts: the message is failed with its last error, and later runs leave it alone`, async () => {
    queue('gone@recife.example');
    relay.refuse(451, 'Still busy');
    const outcomes = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      outcomes.push(await deliverOutbox(db, transport, options(new Date(row().nextAttemptAt))));
      expect(row().attempts).toBe(attempt);
    }
    expect(outcomes.map((outcome) => outcome.retried)).toEqual([1, 1, 1, 1, 1, 0]);
    expect(outcomes.at(-1)).toMatchObject({ failed: 1 });
    expect(row()).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    expect(row().lastError).toContain('Still busy');

    relay.accept();
    await deliverOutbox(db, transport, options(at(30 * 24 * 60 * MINUTE)));
    expect(relay.rcptAttempts).toHaveLength(MAX_ATTEMPTS);
    expect(relay.received).toHaveLength(0);
  });

  it('sends each message exactly once when two runs, each with its own relay connection, start at once on one database connection', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) queue(`${name}@recife.example`);
    // A slow relay: each run is still waiting on a message when the other looks for work.
    relay.answerAfter(150);
    const secondTransport = mailTransport({ smtpUrl: relay.url, dataDir: dir });
    try {
      const [first, second] = await Promise.all([
        deliverOutbox(db, transport, options(T0)),
        deliverOutbox(db, secondTransport, options(T0)),
      ]);
      expect(first.sent + second.sent).toBe(6);
      expect(first.sent).toBeGreaterThan(0);
      expect(second.sent).toBeGreaterThan(0);
    } finally {
      secondTransport.close();
    }
    const ids = relay.received.map((received) => received.mail.header('message-id'));
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    expect(rows().map((stored) => [stored.status, stored.attempts])).toEqual(Array(6).fill(['sent', 1]));
  });

  it('sends each message exactly once when two runs on two database connections start at once', async () => {
    for (const name of ['g', 'h', 'i', 'j']) queue(`${name}@recife.example`);
    relay.answerAfter(150);
    const otherConnection = openDatabase(path.join(dir, 'board.db'));
    const otherTransport = mailTransport({ smtpUrl: relay.url, dataDir: dir });
    try {
      const [first, second] = await Promise.all([
        deliverOutbox(db, transport, options(T0)),
        deliverOutbox(otherConnection, otherTransport, options(T0)),
      ]);
      expect(first.sent + second.sent).toBe(4);
      expect(Math.min(first.sent, second.sent)).toBeGreaterThan(0);
    } finally {
      otherTransport.close();
      otherConnection.$client.close();
    }
    expect(relay.received.map((received) => received.envelopeTo[0]).sort()).toEqual([
      'g@recife.example',
      'h@recife.example',
      'i@recife.example',
      'j@recife.example',
    ]);
  });

  it('sends a message a crashed run left in sending again once the lease has passed, with the same Message-ID', async () => {
    queue('crash@recife.example');
    // A run that never comes back from the relay: the process died mid-send.
    const hanging: MailTransport = { describe: 'hangs', send: () => new Promise(() => {}), close() {} };
    void deliverOutbox(db, hanging, options(T0));
    await new Promise((resolve) => setImmediate(resolve));
    const claimed = row();
    expect(claimed).toMatchObject({ status: 'sending', attempts: 1, claimedAt: T0.toISOString() });

    await deliverOutbox(db, transport, options(at(SENDING_LEASE_MS - 1)));
    expect(relay.received).toHaveLength(0);
    expect(row().status).toBe('sending');

    const summary = await deliverOutbox(db, transport, options(at(SENDING_LEASE_MS)));
    expect(summary.sent).toBe(1);
    expect(relay.received).toHaveLength(1);
    expect(relay.received[0]!.mail.header('message-id')).toBe(claimed.messageId);
    expect(row()).toMatchObject({ status: 'sent', attempts: 2, messageId: claimed.messageId });
  });
});

describe('a message that cannot be prepared', () => {
  it('counts as a failed attempt, is tried again later, and does not hold up the messages after it', async () => {
    const { id: userId } = db
      .insert(users)
      .values({ email: 'broken@recife.example', displayName: 'Broken Link', role: 'partner' })
      .returning({ id: users.id })
      .get();
    const { id: invitationId } = db
      .insert(invitations)
      .values({ userId, expiresAt: at(7 * 24 * 60 * MINUTE).toISOString(), createdAt: T0.toISOString() })
      .returning({ id: invitations.id })
      .get();
    queueMail(
      db,
      { to: 'broken@recife.example', subject: 'Invitation', text: 'Link: [[invitation-link]]', invitationId },
      T0,
    );
    queue('after@recife.example');
    const brokenMinting = () => {
      throw new Error('disk I/O error');
    };

    const summary = await deliverOutbox(db, transport, options(T0, { mintInvitationLink: brokenMinting }));
    expect(summary).toEqual({ sent: 1, retried: 1, failed: 0, cancelled: 0 });
    expect(row(1)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'disk I/O error',
      nextAttemptAt: at(RETRY_DELAYS_MS[0]!).toISOString(),
      claimedAt: null,
    });
    expect(relay.received.map((received) => received.envelopeTo[0])).toEqual(['after@recife.example']);
  });
});

describe('mail without SMTP_URL', () => {
  it('writes each message as an .eml file into mail/ beside the database, with both parts and the Message-ID', async () => {
    queue('files@recife.example');
    const files = mailTransport({ smtpUrl: null, dataDir: dir });
    const summary = await deliverOutbox(db, files, options(T0));
    files.close();

    expect(summary.sent).toBe(1);
    const folder = mailFolder(dir);
    expect(folder).toBe(path.join(dir, 'mail'));
    const names = fs.readdirSync(folder);
    expect(names).toEqual(['2025-03-14T09-30-00.000Z-1.eml']);
    const mail = parseMail(fs.readFileSync(path.join(folder, names[0]!), 'utf8'));
    expect(mail.header('to')).toBe('files@recife.example');
    expect(mail.header('message-id')).toBe(row().messageId);
    expect(mail.text).toContain(`${ORIGIN}/nominations/7`);
    expect(mail.html).toContain(`<a href="${ORIGIN}/nominations/7">`);
    expect(fs.statSync(path.join(folder, names[0]!)).mode & 0o077).toBe(0);
    expect(relay.received).toHaveLength(0);
  });
});

describe('hostile text in a message', () => {
  it('is escaped in the HTML part, kept as typed in the text part, and a line break in a subject forges no header', async () => {
    const name = '<script>alert("x")</script> Eve';
    const subject = 'Nomination received\r\nBcc: victim@elsewhere.example';
    const parts = renderMail('nomination-submitted', {
      subject,
      name,
      nominee: '<img src=x onerror=alert(1)>',
      city: 'Recife',
      nominationId: 7,
      origin: ORIGIN,
    });
    queueMail(db, { to: 'eve@recife.example', subject, kind: 'nomination:submitted', ...parts }, T0);
    expect(row().subject).toBe('Nomination received Bcc: victim@elsewhere.example');

    await deliverOutbox(db, transport, options(T0));
    const [{ mail, raw, envelopeTo }] = relay.received as [(typeof relay.received)[0]];
    expect(envelopeTo).toEqual(['eve@recife.example']);
    const headerBlock = raw.slice(0, raw.search(/\r?\n\r?\n/));
    expect(headerBlock).toMatch(/^Subject:/im);
    expect(headerBlock).not.toMatch(/^Bcc:/im);
    expect(mail.header('subject')).toBe('Nomination received Bcc: victim@elsewhere.example');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.text).toContain(name);
  });
});
