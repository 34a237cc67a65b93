// Delivering the outbox in tests through the same job the server and the CLI run
// (src/jobs/deliver-mail.ts), into a transport that keeps what it was handed: an invitation's link
// exists only in a delivered message, so tests that follow a link take it from there.
import type { MailTransport, OutgoingMail } from '../../../src/features/mail/transport.js';
import { deliverMail } from '../../../src/jobs/deliver-mail.js';
import type { TestApp } from '../../helpers/app.js';

export function recordingTransport(): MailTransport & { sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  return {
    sent,
    describe: 'memory',
    async send(message) {
      sent.push(message);
    },
    close() {},
  };
}

const inboxes = new WeakMap<TestApp, OutgoingMail[]>();

/** Runs the mail job at the test clock's time; returns every message this app has delivered. */
export async function deliverPendingMail(t: TestApp): Promise<OutgoingMail[]> {
  const transport = recordingTransport();
  const outcome = await deliverMail(
    { db: t.db, config: t.config, serverSecret: t.app.serverSecret },
    t.clock.now,
    { transport },
  );
  if (!outcome.ran) throw new Error(`the mail job did not run: its lease is held by ${outcome.heldBy}`);
  const inbox = [...(inboxes.get(t) ?? []), ...transport.sent];
  inboxes.set(t, inbox);
  return inbox;
}

const INVITATION_LINK = /\/invitations\/([a-z2-7]+)/;

/** Delivers what is due, then returns the token of the last invitation link delivered to this address. */
export async function deliveredInvitationToken(t: TestApp, recipient: string): Promise<string> {
  const inbox = await deliverPendingMail(t);
  const mail = inbox.filter((m) => m.to === recipient.toLowerCase() && INVITATION_LINK.test(m.text)).at(-1);
  const token = mail?.text.match(INVITATION_LINK)?.[1];
  if (!token) throw new Error(`no invitation link was delivered to ${recipient}`);
  return token;
}
