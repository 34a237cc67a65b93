// Edits a draft nomination (its nominator) and optionally submits it. Refuses anyone else's
// nomination (404), a nomination no longer a draft or a vacancy no longer open (409), a city
// already nominated by someone else (409), and invalid fields (422, nothing changed).
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type NominationStatus, nominations } from '../../db/schema.js';
import type { IsoDate } from '../../domain/dates.js';
import { type ActionResult, done, refused } from '../../lib/action-result.js';
import { actorOf } from '../audit/actor.js';
import { recordAudit } from '../audit/audit-log.js';
import type { SessionUser } from '../auth/sessions.js';
import { queueMail } from '../mail/outbox.js';
import { hasDocument, removeDocument, storeDocument } from './documents.js';
import type { NominationFormValues } from './nomination-form.js';
import { nominationById, recordStatusChange } from './queries.js';
import {
  checkNomination,
  duplicateRefusal,
  isUniqueViolation,
  nominationColumns,
  submissionMail,
} from './submit-nomination.js';

export function updateNomination(
  db: Db,
  user: SessionUser,
  nominationId: number,
  form: NominationFormValues,
  context: { now: Date; today: IsoDate; dataDir: string; origin: string },
): ActionResult<{ nominationId: number; status: NominationStatus }> {
  const existing = nominationById(db, nominationId);
  if (!existing || existing.nominatedBy !== user.id)
    return refused(404, `There is no nomination ${nominationId} of yours.`);
  if (existing.status !== 'draft')
    return refused(409, `Nomination ${nominationId} is ${existing.status}; only a draft can be edited.`);

  const checked = checkNomination(db, user, form, existing.vacancyId, context.today, nominationId);
  if (!checked.ok) return checked;
  const { input, key } = checked.value;

  const newDocument = hasDocument(form.document) ? storeDocument(context.dataDir, form.document.data) : null;
  const status: NominationStatus = form.intent === 'draft' ? 'draft' : 'submitted';
  try {
    const result = db.transaction((tx) => {
      const changed = tx
        .update(nominations)
        .set({
          ...nominationColumns(input, key),
          ...(newDocument
            ? {
                documentFile: newDocument,
                documentName: form.document!.filename,
                documentSize: form.document!.data!.length,
              }
            : {}),
          status,
          submittedAt: status === 'submitted' ? context.now.toISOString() : null,
          updatedAt: context.now.toISOString(),
        })
        .where(and(eq(nominations.id, nominationId), eq(nominations.status, 'draft')))
        .run();
      if (changed.changes === 0)
        return refused(409, `Nomination ${nominationId} changed while you were editing it; reload it.`);
      if (status === 'submitted')
        recordStatusChange(tx, {
          nominationId,
          from: 'draft',
          to: 'submitted',
          actorId: user.id,
          at: context.now,
        });
      recordAudit(tx, {
        actor: actorOf(user),
        action: status === 'submitted' ? 'nomination.submit' : 'nomination.edit',
        subjectType: 'nomination',
        subjectId: nominationId,
        // An edited draft stays private: its audit entry names nothing of the nominee.
        details:
          status === 'submitted'
            ? {
                nominee: input.nomineeName,
                city: input.cityName,
                country: input.country,
                newDocument: Boolean(newDocument),
              }
            : { vacancyId: existing.vacancyId },
        at: context.now,
      });
      if (status === 'submitted')
        queueMail(
          tx,
          submissionMail(user, input.nomineeName, input.cityName, nominationId, context.origin),
          context.now,
        );
      return done({ nominationId, status });
    });
    if (result.ok && newDocument) removeDocument(context.dataDir, existing.documentFile);
    if (!result.ok) removeDocument(context.dataDir, newDocument);
    return result;
  } catch (error) {
    removeDocument(context.dataDir, newDocument);
    if (isUniqueViolation(error))
      return (
        duplicateRefusal(db, existing.vacancyId, key, nominationId) ??
        refused(409, 'This city is already nominated for this vacancy.')
      );
    throw error;
  }
}
