// Puts a message that failed back in the queue, to go out with the next delivery run and a fresh
// series of attempts (say, once the relay's settings are mended). Who may: the secretariat.
// Refuses an unknown message (404) and one that has not failed (409): it is on its way, sent, or
// was not to be sent.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { outbox } from '../../db/schema.js';
import { type ActionResult, ok, refused } from '../../lib/action-result.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { OUTBOX_STATUS_LABELS } from './mail-queue.js';

export function retryMessage(
  db: Db,
  messageId: number,
  viewer: Viewer,
  now: Date,
): ActionResult<{ id: number; recipient: string }> {
  if (!permissions.manageOutbox(viewer)) return refused(403, 'Only the secretariat retries e-mail.');
  return db.transaction((tx) => {
    const message = tx
      .select({
        id: outbox.id,
        recipient: outbox.recipient,
        kind: outbox.kind,
        status: outbox.status,
        attempts: outbox.attempts,
        lastError: outbox.lastError,
      })
      .from(outbox)
      .where(eq(outbox.id, messageId))
      .get();
    if (!message) return refused(404, `There is no message ${messageId}.`);
    if (message.status !== 'failed') {
      return refused(
        409,
        `Message ${messageId} cannot be retried, because it is ${OUTBOX_STATUS_LABELS[message.status].toLowerCase()}: only a failed message can be.`,
      );
    }
    // The attempts start again, so that the retried message has the whole series of delays before
    // it fails again; the audit entry keeps how many there were and why the last one failed.
    tx.update(outbox)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: now.toISOString(), claimedAt: null })
      .where(and(eq(outbox.id, messageId), eq(outbox.status, 'failed')))
      .run();
    recordAudit(tx, {
      actor: actorOf(viewer),
      action: 'mail.retry',
      subjectType: 'outbox',
      subjectId: messageId,
      details: {
        recipient: message.recipient,
        kind: message.kind,
        attempts: message.attempts,
        lastError: message.lastError,
      },
      at: now,
    });
    return ok({ id: messageId, recipient: message.recipient });
  });
}
