// Reading what the app queued for delivery: tests look at the outbox, never at a mail server.
import { eq } from 'drizzle-orm';
import { outbox } from '../../../src/db/schema.js';
import type { TestApp } from '../../helpers/app.js';

export function mailsTo(t: TestApp, recipient: string) {
  return t.db.select().from(outbox).where(eq(outbox.recipient, recipient.toLowerCase())).all();
}

/** The token of the last invitation link mailed to this address. */
export function mailedInvitationToken(t: TestApp, recipient: string): string {
  const mails = mailsTo(t, recipient);
  const match = mails.at(-1)?.textBody.match(/\/invitations\/([a-z2-7]+)/);
  if (!match) throw new Error(`no invitation link was mailed to ${recipient}`);
  return match[1]!;
}

export const nominator = (overrides: Record<string, string> = {}) => ({
  name: 'Claudia López',
  email: 'claudia.lopez@bogota.example',
  cityName: 'Bogotá',
  country: 'CO',
  ...overrides,
});
