// Logs out: ends this session (the user's other sessions stay). Anyone may; without a session
// there is nothing to end and nothing is recorded.
import type { Db } from '../../db/client.js';
import { type ActionResult, ok } from '../../lib/action-result.js';
import { recordAudit } from '../audit-log/audit-log.js';
import type { Viewer } from './permissions.js';
import { invalidateSession } from './sessions.js';

export function logOut(
  db: Db,
  session: { id: string } | null,
  viewer: Viewer | null,
  now: Date,
): ActionResult<null> {
  if (!session || !viewer) return ok(null);
  return db.transaction((tx) => {
    invalidateSession(tx, session.id);
    recordAudit(tx, {
      actor: { id: viewer.id, label: viewer.email },
      action: 'auth.logout',
      subjectType: 'user',
      subjectId: viewer.id,
      at: now,
    });
    return ok(null);
  });
}
