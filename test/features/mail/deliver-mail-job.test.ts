// The mail job as the scheduler and `outbox:deliver` run it (src/jobs/deliver-mail.ts): with no
// SMTP_URL the embedded default writes .eml files into mail/ beside the database, and it runs in
// one process at a time.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../../src/db/schema.js';
import { queueMail } from '../../../src/features/mail/outbox.js';
import { deliverMail } from '../../../src/jobs/deliver-mail.js';
import { releaseLease, takeLease } from '../../../src/jobs/lease.js';
import { makeTestApp, type TestApp } from '../../helpers/app.js';
import { parseMail } from './mail-server.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => t.close());

const context = () => ({ db: t.db, config: t.config, serverSecret: t.app.serverSecret });
const mailDir = () => path.join(path.dirname(t.config.databasePath), 'mail');
const emlFiles = () => (fs.existsSync(mailDir()) ? fs.readdirSync(mailDir()) : []);

describe('the mail job', () => {
  it('waits while another process holds its lease, sending nothing, and runs once the lease is free', async () => {
    queueMail(t.db, { to: 'lease@city.example', subject: 'Held back', text: 'Hello.' }, t.clock.now);
    expect(takeLease(t.db, 'deliver-mail', 'another-process', t.clock.now, 60_000)).toBe(true);
    const skipped = await deliverMail(context(), t.clock.now);
    expect(skipped).toEqual({ ran: false, heldBy: 'another-process' });
    expect(emlFiles()).toEqual([]);
    expect(t.db.select().from(outbox).get()!.status).toBe('pending');

    releaseLease(t.db, 'deliver-mail', 'another-process');
    const outcome = await deliverMail(context(), t.clock.now);
    expect(outcome).toMatchObject({ ran: true, result: { sent: 1 } });
  });

  it('without SMTP_URL, writes each due message as an .eml file into mail/ beside the database', async () => {
    expect(t.config.smtpUrl).toBeNull();
    queueMail(
      t.db,
      { to: 'files@city.example', subject: 'Written to a file', text: 'Hello from the board.' },
      t.clock.now,
    );
    const outcome = await deliverMail(context(), t.clock.now);
    expect(outcome).toMatchObject({
      ran: true,
      result: { sent: 1, transport: `.eml files in ${mailDir()}` },
    });
    const files = emlFiles();
    expect(files).toHaveLength(2);
    const mails = files.map((name) => parseMail(fs.readFileSync(path.join(mailDir(), name), 'utf8')));
    const mail = mails.find((m) => m.header('to') === 'files@city.example')!;
    expect(mail.header('subject')).toBe('Written to a file');
    expect(mail.header('from')).toBe('Leadership Board <board@localhost>');
    expect(mail.text).toContain('Hello from the board.');
    expect(mail.html).toContain('<p>Hello from the board.</p>');
  });
});
