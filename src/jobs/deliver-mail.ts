// The mail job: delivers the outbox under its lease, for the scheduler and `outbox:deliver`. It
// only composes: delivery is the mail feature's (deliver-outbox.ts) and invitation links are the
// accounts feature's (invitation-link.ts). Accounts already depend on mail, so mail must not
// import accounts; the two meet here.
import { invitationLinkMinter } from '../features/accounts/invitation-link.js';
import { type DeliverySummary, deliverOutbox } from '../features/mail/deliver-outbox.js';
import { type MailTransport, mailTransport } from '../features/mail/transport.js';
import { type LeaseOutcome, withLease } from './lease.js';
import type { JobContext } from './run-jobs.js';

/**
 * Each message is claimed on its own row, so two runs never send one message twice whatever the
 * lease does; the lease only spares them the contention. A short one holds mail up little after a
 * crash.
 */
const MAIL_LEASE_MS = 10 * 60 * 1000;

export async function deliverMail(
  context: JobContext,
  now: Date,
  options: { transport?: MailTransport } = {},
): Promise<LeaseOutcome<DeliverySummary & { transport: string }>> {
  return withLease(context.db, 'deliver-mail', { now, ttlMs: MAIL_LEASE_MS }, async () => {
    const transport = options.transport ?? mailTransport(context.config);
    try {
      const summary = await deliverOutbox(context.db, transport, {
        now,
        from: context.config.mailFrom,
        mintInvitationLink: invitationLinkMinter(context.serverSecret, context.config.publicOrigin),
      });
      return { ...summary, transport: transport.describe };
    } finally {
      if (!options.transport) transport.close();
    }
  });
}
