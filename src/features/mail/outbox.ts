// Mail is never sent inside an action: the action writes an outbox row in its own transaction,
// and the delivery job sends it later. A rolled-back change therefore never sends mail.
import type { Db, Tx } from '../../db/client.js';
import { outbox } from '../../db/schema.js';

/**
 * Where an invitation's link goes in its message. The link does not exist while the message waits:
 * delivery mints it and puts it in the copy it sends, never in the stored row (DESIGN.md, "Secrets
 * never rest in plain text"). The same for the link's expiry, which runs from the delivery.
 */
export const INVITATION_LINK_MARKER = '[[invitation-link]]';
export const INVITATION_VALID_UNTIL_MARKER = '[[invitation-valid-until]]';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Defaults to the text, escaped, in paragraphs. */
  html?: string;
  /** What the message is, for the secretariat's list of mail (alert, invitation, notice…). */
  kind?: string;
  /** An invitation's message: its link (INVITATION_LINK_MARKER in the body) is minted at delivery. */
  invitationId?: number;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

export function queueMail(tx: Tx | Db, message: MailMessage, now: Date): void {
  tx.insert(outbox)
    .values({
      kind: message.kind ?? 'notice',
      recipient: message.to.toLowerCase(),
      // Subjects carry names people typed: a line break there would forge mail headers.
      subject: message.subject.replace(/[\r\n]+/g, ' ').slice(0, 250),
      textBody: message.text,
      htmlBody: message.html ?? textToHtml(message.text),
      invitationId: message.invitationId ?? null,
      nextAttemptAt: now.toISOString(),
    })
    .run();
}
