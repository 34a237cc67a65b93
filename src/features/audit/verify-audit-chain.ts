// The secretariat walks the whole audit chain on demand and the walk is itself recorded, so the
// log shows who last checked it, when, and what they found. Who may: the secretariat.
import type { Db } from '../../db/client.js';
import { type ActionResult, ok, refused } from '../../lib/action-result.js';
import { actorOf } from '../audit-log/actor.js';
import type { ChainVerdict } from '../audit-log/audit-log.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { verifyWholeChain } from '../audit-log/checkpoint.js';
import { permissions, type Viewer } from '../auth/permissions.js';

export function verifyAuditLog(db: Db, viewer: Viewer, now: Date): ActionResult<ChainVerdict> {
  if (!permissions.viewAudit(viewer)) return refused(403, 'Only the secretariat verifies the audit log.');
  const verdict = verifyWholeChain(db, now);
  db.transaction((tx) => {
    recordAudit(tx, {
      actor: actorOf(viewer),
      action: 'audit.verify',
      subjectType: 'audit_log',
      details: verdict.ok
        ? { result: 'intact', entries: verdict.entries }
        : { result: 'broken', brokenId: verdict.brokenId, problem: verdict.problem },
      at: now,
    });
  });
  return ok(verdict);
}
