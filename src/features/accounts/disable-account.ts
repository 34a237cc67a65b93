// The secretariat disables an account (a mayor who left office, a staff member who moved on) or
// enables it again. Disabling ends, in the same transaction, every session of the account and its
// unused invitation links: nothing it held still works. The account, its nominations and its
// history stay. Who may: the secretariat, or an operator through the CLI. Refuses: an unknown
// account (404); the secretariat's own account, so that it cannot lock itself out (409); an
// account already in the state asked for (409).
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema.js';
import { type ActionResult, ok, refused } from '../../lib/action-result.js';
import { actorOf } from '../audit-log/actor.js';
import { type Actor, recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { invalidateUserSessions } from '../auth/sessions.js';
import { revokeOpenInvitations } from './invitation-token.js';

/** Who acts: the secretariat through the app, or an operator at the CLI (its actor). */
export type AccountManager = { viewer: Viewer } | { operator: Actor };

export function setAccountDisabled(
  db: Db,
  userId: number,
  disabled: boolean,
  by: AccountManager,
  now: Date,
): ActionResult<{ email: string; sessionsEnded: number }> {
  if ('viewer' in by && !permissions.manageAccounts(by.viewer))
    return refused(403, 'Only the secretariat disables or enables an account.');
  const actor = 'viewer' in by ? actorOf(by.viewer) : by.operator;
  const selfId = 'viewer' in by ? by.viewer.id : null;
  return db.transaction((tx) => {
    const account = tx.select().from(users).where(eq(users.id, userId)).get();
    if (!account) return refused(404, `There is no account ${userId}.`);
    if (disabled && account.id === selfId)
      return refused(409, 'You cannot disable your own account: another secretariat account must do it.');
    if (account.disabled === disabled)
      return refused(409, `The account of ${account.email} is already ${disabled ? 'disabled' : 'enabled'}.`);
    tx.update(users).set({ disabled }).where(eq(users.id, userId)).run();
    let sessionsEnded = 0;
    if (disabled) {
      sessionsEnded = invalidateUserSessions(tx, userId);
      revokeOpenInvitations(tx, userId, now);
    }
    recordAudit(tx, {
      actor,
      action: disabled ? 'account.disable' : 'account.enable',
      subjectType: 'user',
      subjectId: userId,
      details: disabled ? { email: account.email, sessionsEnded } : { email: account.email },
      at: now,
    });
    return ok({ email: account.email, sessionsEnded });
  });
}

/** The account with this e-mail (as stored: lower case), for the CLI. */
export function accountIdByEmail(db: Db, email: string): number | undefined {
  return db.select({ id: users.id }).from(users).where(eq(users.email, email.trim().toLowerCase())).get()?.id;
}
