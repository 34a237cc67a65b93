// A nominator withdraws their own nomination until a ballot opens. It then leaves every list but
// its nominator's and the secretariat's. Refuses: not theirs (404); already withdrawn, decided,
// or its vacancy gone to a ballot (409).
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { nominations } from '../../db/schema.js';
import { NOMINATION_STATUS_LABELS } from '../../domain/labels.js';
import { canWithdraw } from '../../domain/nomination-rules.js';
import { type ActionResult, ok, refused } from '../../lib/action-result.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import type { Viewer } from '../auth/permissions.js';
import { vacancyRecord } from './nomination-checks.js';
import { recordStatusChange } from './queries.js';

export function withdrawNomination(
  db: Db,
  nominationId: number,
  viewer: Viewer,
  now: Date,
): ActionResult<{ id: number }> {
  return db.transaction((tx) => {
    const nomination = tx.select().from(nominations).where(eq(nominations.id, nominationId)).get();
    if (!nomination || nomination.nominatedBy !== viewer.id)
      return refused(404, `There is no nomination ${nominationId} of yours.`);
    const vacancy = vacancyRecord(tx, nomination.vacancyId)!;
    if (!canWithdraw(nomination.status, vacancy.status)) {
      const reason =
        nomination.status === 'withdrawn' ||
        nomination.status === 'elected' ||
        nomination.status === 'not_elected'
          ? `it is ${NOMINATION_STATUS_LABELS[nomination.status].toLowerCase()}`
          : 'the ballot for its seat has opened';
      return refused(409, `Nomination ${nominationId} can no longer be withdrawn: ${reason}.`, {
        link: { href: `/nominations/${nominationId}`, text: 'See the nomination' },
      });
    }
    tx.update(nominations)
      .set({ status: 'withdrawn', updatedAt: now.toISOString() })
      .where(eq(nominations.id, nominationId))
      .run();
    recordStatusChange(tx, {
      nominationId,
      from: nomination.status,
      to: 'withdrawn',
      actorId: viewer.id,
      at: now,
    });
    recordAudit(tx, {
      actor: actorOf(viewer),
      action: 'nomination.withdraw',
      subjectType: 'nomination',
      subjectId: nominationId,
      details: { from: nomination.status },
      at: now,
    });
    return ok({ id: nominationId });
  });
}
