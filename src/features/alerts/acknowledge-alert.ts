// A recipient acknowledges an alert for themselves; the secretariat may acknowledge it for
// everyone (`forAll`). Acknowledging twice changes nothing and is not an error. Refuses an alert
// that is not the viewer's (404: others' alerts are private) and `forAll` from anyone but the
// secretariat (403).
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { alertRecipients, alerts } from '../../db/schema.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { checkbox, parseForm } from '../../lib/forms.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';

const acknowledgeForm = z.object({ forAll: checkbox });

export function acknowledgeAlert(
  db: Db,
  alertId: number,
  input: unknown,
  viewer: Viewer,
  now: Date,
): ActionResult<{ alertId: number; acknowledged: number }> {
  const form = parseForm(acknowledgeForm, input);
  if (!form.ok) return invalid(form.errors);
  const { forAll } = form.data;
  const seesAll = permissions.viewAllAlerts(viewer);
  if (forAll && !seesAll) return refused(403, 'Only the secretariat acknowledges an alert for everyone.');

  return db.transaction((tx) => {
    const alert = tx.select().from(alerts).where(eq(alerts.id, alertId)).get();
    const own = tx
      .select()
      .from(alertRecipients)
      .where(and(eq(alertRecipients.alertId, alertId), eq(alertRecipients.userId, viewer.id)))
      .get();
    if (!alert || (!own && !seesAll)) return refused(404, 'There is no such alert among yours.');
    const acknowledged = tx
      .update(alertRecipients)
      .set({ acknowledgedAt: now.toISOString(), acknowledgedBy: viewer.id })
      .where(
        and(
          eq(alertRecipients.alertId, alertId),
          isNull(alertRecipients.acknowledgedAt),
          forAll ? undefined : eq(alertRecipients.userId, viewer.id),
        ),
      )
      .run().changes;
    if (acknowledged > 0) {
      recordAudit(tx, {
        actor: actorOf(viewer),
        action: 'alert.acknowledge',
        subjectType: 'alert',
        subjectId: alertId,
        details: { forAll, recipients: acknowledged },
        at: now,
      });
    }
    return ok({ alertId, acknowledged });
  });
}
