// What the secretariat sees of outgoing e-mail on /outbox: messages that failed, that wait to be
// sent or retried, and any a crashed run left half-sent. Never a message's body: an invitation's
// body is the place its link goes, and the list has no need of any body to be useful.
import { asc, count, desc, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type OutboxStatus, outbox } from '../../db/schema.js';
import { ALERT_KIND_LABELS } from '../../domain/labels.js';
import { SENDING_LEASE_MS } from './deliver-outbox.js';

export const OUTBOX_STATUS_LABELS: Record<OutboxStatus, string> = {
  pending: 'Waiting',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
  cancelled: 'Not sent',
};

const MAIL_KIND_LABELS: Record<string, string> = {
  invitation: 'Invitation',
  notice: 'Notice',
  'account-request:received': 'Account request',
  'account-request:declined': 'Account request declined',
  'nomination:submitted': 'Nomination received',
  'nomination:reviewed': 'Nomination reviewed',
};

/** 'alert:term_ending' -> 'Alert: Term ending'; a kind without a label shows as it is stored. */
export function mailKindLabel(kind: string): string {
  if (kind.startsWith('alert:')) return `Alert: ${ALERT_KIND_LABELS[kind.slice(6)] ?? kind.slice(6)}`;
  return MAIL_KIND_LABELS[kind] ?? kind;
}

/** '2025-03-14T09:30:00.000Z' -> '2025-03-14 09:30 UTC'. */
const readable = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

export interface QueuedMessage {
  id: number;
  recipient: string;
  subject: string;
  kind: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  /** When it is tried next, as people read it; null when nothing will happen without the secretariat. */
  nextAttempt: string | null;
  /** Left in `sending` by a run that stopped; the next run sends it again. */
  stuck: boolean;
  canRetry: boolean;
}

/** The list is for acting on; a queue longer than this says enough by its count. */
const LIST_LIMIT = 500;

export function mailQueue(db: Db, now: Date): { messages: QueuedMessage[]; total: number } {
  const waiting = inArray(outbox.status, ['failed', 'sending', 'pending']);
  const rows = db
    .select({
      id: outbox.id,
      recipient: outbox.recipient,
      subject: outbox.subject,
      kind: outbox.kind,
      status: outbox.status,
      attempts: outbox.attempts,
      lastError: outbox.lastError,
      nextAttemptAt: outbox.nextAttemptAt,
      claimedAt: outbox.claimedAt,
    })
    .from(outbox)
    .where(waiting)
    // Failed first (they wait for someone), then those being sent, then the queue in its order.
    .orderBy(
      desc(sql`${outbox.status} = 'failed'`),
      desc(sql`${outbox.status} = 'sending'`),
      asc(outbox.nextAttemptAt),
      asc(outbox.id),
    )
    .limit(LIST_LIMIT)
    .all();
  const total = db.select({ n: count() }).from(outbox).where(waiting).get()?.n ?? 0;
  const abandonedBefore = new Date(now.getTime() - SENDING_LEASE_MS).toISOString();
  return {
    total,
    messages: rows.map((row) => ({
      id: row.id,
      recipient: row.recipient,
      subject: row.subject,
      kind: mailKindLabel(row.kind),
      status: row.status,
      attempts: row.attempts,
      lastError: row.lastError,
      nextAttempt: row.status === 'pending' ? readable(row.nextAttemptAt) : null,
      stuck: row.status === 'sending' && row.claimedAt !== null && row.claimedAt <= abandonedBefore,
      canRetry: row.status === 'failed',
    })),
  };
}
