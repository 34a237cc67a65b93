// Gives the logged-in user's calendar feed a new address, for when the old one was shared or
// leaked: bumping the calendar version changes the signed address, so the old one answers 404 from
// this moment (nothing to revoke: the address is derived, never stored). Anyone logged in may, for
// their own feed only. Refuses an account that is gone or disabled meanwhile (404).
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema.js';
import { type ActionResult, ok, refused } from '../../lib/action-result.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import type { Viewer } from '../auth/permissions.js';

export function regenerateCalendarFeed(
  db: Db,
  viewer: Viewer,
  now: Date,
): ActionResult<{ calendarVersion: number }> {
  return db.transaction((tx) => {
    const user = tx.select().from(users).where(eq(users.id, viewer.id)).get();
    if (!user || user.disabled)
      return refused(404, 'There is no active account of yours to give a new calendar address.');
    // Incremented in SQL, so two regenerations at once each end the address the other saw.
    const { calendarVersion } = tx
      .update(users)
      .set({ calendarVersion: sql`${users.calendarVersion} + 1` })
      .where(eq(users.id, viewer.id))
      .returning({ calendarVersion: users.calendarVersion })
      .get()!;
    recordAudit(tx, {
      actor: actorOf(viewer),
      action: 'account.calendar_regenerate',
      subjectType: 'user',
      subjectId: viewer.id,
      // The version alone opens nothing: the address also needs the server's key.
      details: { calendarVersion },
      at: now,
    });
    return ok({ calendarVersion });
  });
}
