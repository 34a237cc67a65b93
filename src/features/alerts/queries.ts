// What the alerts page and the navigation show: the secretariat every alert, anyone else their
// own; unacknowledged first, soonest due first.
import { and, asc, count, desc, eq, isNotNull, isNull, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db, Tx } from '../../db/client.js';
import { connectionOf, prepareOnce } from '../../db/per-connection.js';
import { alertRecipients, alerts } from '../../db/schema.js';
import { permissions, type Viewer } from '../auth/permissions.js';

export const ALERTS_PER_PAGE = 50;

const unacknowledged = prepareOnce((db) =>
  db
    .select({ n: count() })
    .from(alertRecipients)
    .where(and(eq(alertRecipients.userId, sql.placeholder('userId')), isNull(alertRecipients.acknowledgedAt)))
    .prepare(),
);

/** The viewer's own alerts not yet acknowledged: the number in the navigation, on every page. */
export function unacknowledgedCount(db: Db | Tx, userId: number): number {
  return unacknowledged(db).get({ userId })?.n ?? 0;
}

// The page's columns: the alert, the viewer's own acknowledgement, and the recipients' tally,
// counted for the page's rows only (a correlated count per row, through alert_recipients_once).
const mine = alias(alertRecipients, 'mine');
// Both counts are read from indexes alone: every recipient (alert_recipients_once), and those yet
// to acknowledge (alert_recipients_open).
const recipientCount = sql<number>`(SELECT count(*) FROM alert_recipients r WHERE r.alert_id = ${alerts.id})`;
const columns = {
  alert: alerts,
  ownAcknowledgedAt: mine.acknowledgedAt,
  isRecipient: sql<number>`${mine.alertId} IS NOT NULL`,
  recipients: recipientCount,
  acknowledged: sql<number>`${recipientCount} - (SELECT count(*) FROM alert_recipients r WHERE r.alert_id = ${alerts.id} AND r.acknowledged_at IS NULL)`,
};
// An alert everyone has acknowledged: its tally is its number of recipients, twice.
const doneColumns = { ...columns, acknowledged: recipientCount };
const viewerId = sql.placeholder('viewerId');
const order = [asc(alerts.dueAt), desc(alerts.id)] as const;

// Open for the secretariat: someone has yet to acknowledge it. The partial index on
// unacknowledged recipients holds only those, however many alerts were done with long ago.
const unacknowledgedBySomeone = sql`${alerts.id} IN (SELECT alert_id FROM alert_recipients WHERE acknowledged_at IS NULL)`;
const acknowledgedByAll = sql`NOT EXISTS (SELECT 1 FROM alert_recipients r WHERE r.alert_id = ${alerts.id} AND r.acknowledged_at IS NULL)`;

function everyAlert(db: Db | Tx, where: SQL, shown: typeof columns) {
  return db
    .select(shown)
    .from(alerts)
    .leftJoin(mine, and(eq(mine.alertId, alerts.id), eq(mine.userId, viewerId)))
    .where(where)
    .orderBy(...order)
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare();
}

function ownAlerts(db: Db | Tx, acknowledged: boolean) {
  return db
    .select(columns)
    .from(alerts)
    .innerJoin(mine, and(eq(mine.alertId, alerts.id), eq(mine.userId, viewerId)))
    .where(acknowledged ? isNotNull(mine.acknowledgedAt) : isNull(mine.acknowledgedAt))
    .orderBy(...order)
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare();
}

const pageQueries = {
  all: {
    open: prepareOnce((db) => everyAlert(db, unacknowledgedBySomeone, columns)),
    done: prepareOnce((db) => everyAlert(db, acknowledgedByAll, doneColumns)),
    openCount: prepareOnce((db) =>
      connectionOf(db).prepare(
        'SELECT count(DISTINCT alert_id) AS n FROM alert_recipients WHERE acknowledged_at IS NULL',
      ),
    ),
  },
  own: {
    open: prepareOnce((db) => ownAlerts(db, false)),
    done: prepareOnce((db) => ownAlerts(db, true)),
  },
};

const oneAlert = prepareOnce((db) =>
  db
    .select(columns)
    .from(alerts)
    .leftJoin(mine, and(eq(mine.alertId, alerts.id), eq(mine.userId, viewerId)))
    .where(eq(alerts.id, sql.placeholder('alertId')))
    .prepare(),
);

type AlertPageRow = ReturnType<ReturnType<typeof oneAlert>['all']>[number];

/**
 * One page of the viewer's alerts (the secretariat's: every alert), unacknowledged first, then
 * soonest due, newest first. The open ones and the done ones are read apart, each in index order,
 * so that a page costs the same whatever the number of alerts done with long ago.
 */
export function alertPage(db: Db | Tx, viewer: Viewer, page: number) {
  const all = permissions.viewAllAlerts(viewer);
  const queries = all ? pageQueries.all : pageQueries.own;
  const offset = (page - 1) * ALERTS_PER_PAGE;
  const wanted = ALERTS_PER_PAGE + 1;
  const openCount = all
    ? (pageQueries.all.openCount(db).get() as { n: number }).n
    : unacknowledgedCount(db, viewer.id);
  const open = offset < openCount ? queries.open(db).all({ viewerId: viewer.id, limit: wanted, offset }) : [];
  const done =
    open.length < wanted
      ? queries.done(db).all({
          viewerId: viewer.id,
          limit: wanted - open.length,
          offset: Math.max(0, offset - openCount),
        })
      : [];
  const rows = [...open, ...done];
  return {
    rows: rows.slice(0, ALERTS_PER_PAGE).map((row) => asRow(row, all)),
    page,
    hasMore: rows.length > ALERTS_PER_PAGE,
  };
}

function asRow(row: AlertPageRow, all: boolean) {
  return {
    ...row,
    isRecipient: Boolean(row.isRecipient),
    /** Done for this viewer: their own acknowledgement, or (secretariat) everyone's. */
    done: all ? row.acknowledged >= row.recipients : row.ownAcknowledgedAt !== null,
  };
}

export type AlertRow = ReturnType<typeof alertPage>['rows'][number];

/** One alert as the viewer's list shows it (after acknowledging it in place), if it is theirs to see. */
export function alertRowFor(db: Db | Tx, viewer: Viewer, alertId: number): AlertRow | undefined {
  const all = permissions.viewAllAlerts(viewer);
  const row = oneAlert(db).get({ viewerId: viewer.id, alertId });
  if (!row || (!all && !row.isRecipient)) return undefined;
  return asRow(row, all);
}
