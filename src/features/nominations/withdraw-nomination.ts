// Withdraws a nomination (its nominator), before a ballot opens. It then leaves every list but
// its nominator's and the secretariat's. Refuses anyone else's (404) and a nomination already
// withdrawn, decided, or whose vacancy has gone to a ballot (409).
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type NominationStatus, nominations, vacancies } from '../../db/schema.js';
import { type ActionResult, done, refused } from '../../lib/action-result.js';
import { actorOf } from '../audit/actor.js';
import { recordAudit } from '../audit/audit-log.js';
import type { SessionUser } from '../auth/sessions.js';
import { nominationById, recordStatusChange } from './queries.js';

const WITHDRAWABLE: NominationStatus[] = ['draft', 'submitted', 'eligible', 'ineligible', 'shortlisted'];

export function withdrawNomination(
  db: Db,
  user: SessionUser,
  nominationId: number,
  now: Date,
): ActionResult<null> {
  const nomination = nominationById(db, nominationId);
  if (!nomination || nomination.nominatedBy !== user.id)
    return refused(404, `There is no nomination ${nominationId} of yours.`);
  if (!WITHDRAWABLE.includes(nomination.status)) {
    return refused(
      409,
      `Nomination ${nominationId} cannot be withdrawn, because it is ${nomination.status.replace('_', ' ')}.`,
    );
  }
  return db.transaction((tx) => {
    const vacancy = tx.select().from(vacancies).where(eq(vacancies.id, nomination.vacancyId)).get()!;
    if (vacancy.status === 'balloting' || vacancy.status === 'filled') {
      return refused(
        409,
        `Nomination ${nominationId} cannot be withdrawn, because the ballot for its vacancy has opened.`,
      );
    }
    const changed = tx
      .update(nominations)
      .set({ status: 'withdrawn', updatedAt: now.toISOString() })
      .where(and(eq(nominations.id, nominationId), inArray(nominations.status, WITHDRAWABLE)))
      .run();
    if (changed.changes === 0) return refused(409, `Nomination ${nominationId} has just changed; reload it.`);
    recordStatusChange(tx, {
      nominationId,
      from: nomination.status,
      to: 'withdrawn',
      actorId: user.id,
      at: now,
    });
    recordAudit(tx, {
      actor: actorOf(user),
      action: 'nomination.withdraw',
      subjectType: 'nomination',
      subjectId: nominationId,
      details: { from: nomination.status },
      at: now,
    });
    return done(null);
  });
}
