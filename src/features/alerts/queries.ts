// What the alerts page and the navigation show: the secretariat every alert, anyone else their
// own; unacknowledged first, soonest due first.
import { and, asc, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { alertRecipients, alerts } from '../../db/schema.js';
import { permissions, type Viewer } from '../auth/permissions.js';

export const ALERTS_PER_PAGE = 50;

/** The viewer's own alerts not yet acknowledged: the number in the navigation. */
export function unacknowledgedCount(db: Db | Tx, userId: number): number {
  return (
    db
      .select({ n: count() })
      .from(alertRecipients)
      .where(and(eq(alertRecipients.userId, userId), isNull(alertRecipients.acknowledgedAt)))
      .get()?.n ?? 0
  );
}

export function alertPage(db: Db | Tx, viewer: Viewer, page: number, onlyAlertId?: number) {
  const all = permissions.viewAllAlerts(viewer);
  const mine = db
    .select({ alertId: alertRecipients.alertId, acknowledgedAt: alertRecipients.acknowledgedAt })
    .from(alertRecipients)
    .where(eq(alertRecipients.userId, viewer.id))
    .as('mine');
  // Per alert: how many recipients there are and how many have acknowledged it.
  const tally = db
    .select({
      alertId: alertRecipients.alertId,
      recipients: count().as('recipients'),
      acknowledged: sql<number>`count(${alertRecipients.acknowledgedAt})`.as('acknowledged'),
    })
    .from(alertRecipients)
    .groupBy(alertRecipients.alertId)
    .as('tally');
  const base = db
    .select({
      alert: alerts,
      ownAcknowledgedAt: mine.acknowledgedAt,
      isRecipient: sql<number>`${mine.alertId} IS NOT NULL`,
      recipients: tally.recipients,
      acknowledged: tally.acknowledged,
    })
    .from(alerts)
    .leftJoin(mine, eq(mine.alertId, alerts.id))
    .leftJoin(tally, eq(tally.alertId, alerts.id))
    .where(
      and(
        all ? undefined : sql`${mine.alertId} IS NOT NULL`,
        onlyAlertId === undefined ? undefined : eq(alerts.id, onlyAlertId),
      ),
    )
    .$dynamic();
  const open = all ? sql`${tally.acknowledged} < ${tally.recipients}` : sql`${mine.acknowledgedAt} IS NULL`;
  const rows = base
    .orderBy(desc(open), asc(alerts.dueAt), desc(alerts.id))
    .limit(ALERTS_PER_PAGE + 1)
    .offset((page - 1) * ALERTS_PER_PAGE)
    .all();
  return {
    rows: rows.slice(0, ALERTS_PER_PAGE).map((row) => ({
      ...row,
      isRecipient: Boolean(row.isRecipient),
      /** Done for this viewer: their own acknowledgement, or (secretariat) everyone's. */
      done: all ? (row.acknowledged ?? 0) >= (row.recipients ?? 0) : row.ownAcknowledgedAt !== null,
    })),
    page,
    hasMore: rows.length > ALERTS_PER_PAGE,
  };
}

export type AlertRow = ReturnType<typeof alertPage>['rows'][number];

export function alertRowFor(db: Db | Tx, viewer: Viewer, alertId: number): AlertRow | undefined {
  return alertPage(db, viewer, 1, alertId).rows[0];
}
