// Reading what the app queued for delivery (the outbox), and the invitation links it delivered:
// a link exists only in a delivered message, never in the outbox (DESIGN.md, "Secrets never rest
// in plain text").
import { eq } from 'drizzle-orm';
import { outbox } from '../../../src/db/schema.js';
import type { TestApp } from '../../helpers/app.js';

export { deliveredInvitationToken } from '../mail/delivery.js';

export function mailsTo(t: TestApp, recipient: string) {
  return t.db.select().from(outbox).where(eq(outbox.recipient, recipient.toLowerCase())).all();
}

export const nominator = (overrides: Record<string, string> = {}) => ({
  name: 'Claudia López',
  email: 'claudia.lopez@bogota.example',
  cityName: 'Bogotá',
  country: 'CO',
  ...overrides,
});
