// A voter recuses themselves from an open ballot before voting, giving a reason; they then leave
// the quorum's denominator. Refuses: someone not on the roll (403), a ballot not open (409), a
// voter who has voted or is already recused (409), no reason (422).
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { ballots, voterRoll } from '../../db/schema.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { parseForm, requiredText } from '../../lib/forms.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import type { Viewer } from '../auth/permissions.js';

const recusalForm = z.object({ reason: requiredText('Give the reason you recuse yourself.', 500) });

export function recuseFromBallot(
  db: Db,
  ballotId: number,
  input: unknown,
  viewer: Viewer,
  now: Date,
): ActionResult<null> {
  const form = parseForm(recusalForm, input);
  if (!form.ok) return invalid(form.errors);
  return db.transaction((tx) => {
    const ballot = tx.select().from(ballots).where(eq(ballots.id, ballotId)).get();
    if (!ballot) return refused(404, 'There is no such ballot.');
    const entry = tx
      .select()
      .from(voterRoll)
      .where(and(eq(voterRoll.ballotId, ballotId), eq(voterRoll.userId, viewer.id)))
      .get();
    if (ballot.status !== 'open' || ballot.closesAt <= now.toISOString())
      return refused(409, 'You can recuse yourself only while the ballot is open.');
    if (!entry) return refused(403, 'You are not on this ballot’s voter roll.');
    const changed = tx
      .update(voterRoll)
      .set({ recusal: 'declared', recusalReason: form.data.reason })
      .where(
        and(
          eq(voterRoll.ballotId, ballotId),
          eq(voterRoll.userId, viewer.id),
          eq(voterRoll.voted, false),
          isNull(voterRoll.recusal),
        ),
      )
      .run();
    if (changed.changes !== 1)
      return refused(
        409,
        entry.voted ? 'You have already voted; a vote is final.' : 'You are already recused.',
      );
    recordAudit(tx, {
      actor: actorOf(viewer),
      action: 'ballot.recuse',
      subjectType: 'ballot',
      subjectId: ballotId,
      details: { reason: form.data.reason },
      at: now,
    });
    return ok(null);
  });
}
