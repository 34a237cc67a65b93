// Mail is never sent inside an action: the action writes an outbox row in its own transaction,
// and a delivery job sends it later. A rolled-back change therefore never sends mail.
import type { Db, Tx } from '../../db/client.js';
import { outbox } from '../../db/schema.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Defaults to the text, escaped, in a <pre>-free paragraph layout. */
  html?: string;
}

function escapeHtml(text: string): string {
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
      recipient: message.to.toLowerCase(),
      // Subjects carry names people typed: a line break there would forge mail headers.
      subject: message.subject.replace(/[\r\n]+/g, ' ').slice(0, 250),
      textBody: message.text,
      htmlBody: message.html ?? textToHtml(message.text),
      nextAttemptAt: now.toISOString(),
    })
    .run();
}
