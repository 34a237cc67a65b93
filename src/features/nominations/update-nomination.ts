// Edits a draft nomination (its nominator) and optionally submits it. Refuses anyone else's
// nomination (404), a nomination no longer a draft — submitted or withdrawn meanwhile, perhaps in
// another tab — or a vacancy no longer open (409), a city already nominated by someone else (409),
// and invalid fields (422, nothing changed).
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { nominations } from '../../db/schema.js';
import { NOMINATION_STATUS_LABELS } from '../../domain/labels.js';
import type { NominationStatus } from '../../domain/reference.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { parseForm } from '../../lib/forms.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { cityKey } from '../cities/city-identity.js';
import { queueMail } from '../mail/outbox.js';
import { boardToday, getSettings } from '../settings/settings.js';
import { removeDocument, storeDocument } from './documents.js';
import {
  cityAlreadyNominated,
  duplicateRefusal,
  isUniqueViolation,
  nominationColumns,
  nominationWindowRefusal,
  ownCityProblem,
  submissionMail,
  vacancyRecord,
} from './nomination-checks.js';
import { documentOf, intentOf, nominationSchema } from './nomination-form.js';
import { liveNominationOfCity, recordStatusChange } from './queries.js';
import type { NominationContext } from './submit-nomination.js';

export function updateNomination(
  db: Db,
  nominationId: number,
  input: unknown,
  viewer: Viewer,
  context: NominationContext,
): ActionResult<{ nominationId: number; status: NominationStatus }> {
  if (!permissions.submitNominations(viewer)) return refused(403, 'Only nominating cities edit nominations.');
  const { now } = context;
  const intent = intentOf(input);
  const status: NominationStatus = intent === 'draft' ? 'draft' : 'submitted';
  const document = documentOf(input);

  // The new file is written inside the transaction; if the transaction fails, the file goes too.
  let stored: string | null = null;
  let result: ReturnType<typeof attempt>;
  const attempt = () =>
    db.transaction((tx) => {
      const existing = tx.select().from(nominations).where(eq(nominations.id, nominationId)).get();
      if (!existing || existing.nominatedBy !== viewer.id)
        return refused(404, `There is no nomination ${nominationId} of yours.`);
      if (existing.status !== 'draft') {
        return refused(
          409,
          `Nomination ${nominationId} is ${NOMINATION_STATUS_LABELS[existing.status].toLowerCase()}, and only a draft can be edited. If you had it open in another tab, it changed there.`,
          { link: { href: `/nominations/${nominationId}`, text: 'See the nomination' } },
        );
      }
      const today = boardToday(getSettings(tx), now);
      const form = parseForm(nominationSchema(today, intent), input);
      if (!form.ok || !document.ok)
        return invalid({
          ...(form.ok ? {} : form.errors),
          ...(document.ok ? {} : { document: document.message }),
        });
      const closed = nominationWindowRefusal(vacancyRecord(tx, existing.vacancyId), today);
      if (closed) return closed;
      const key = cityKey(form.data.country, form.data.cityName);
      const notOwnCity = ownCityProblem(tx, viewer, key);
      if (notOwnCity) return invalid({ cityName: notOwnCity });
      // A draft beside the city's nomination that counts would only be refused at submission.
      if (status === 'draft' && liveNominationOfCity(tx, existing.vacancyId, key))
        return cityAlreadyNominated(tx, viewer, existing.vacancyId, key);

      const newDocument = document.file ? storeDocument(context.dataDir, document.file.data) : null;
      stored = newDocument;
      try {
        tx.update(nominations)
          .set({
            ...nominationColumns(form.data, key),
            ...(newDocument && document.file
              ? {
                  documentFile: newDocument,
                  documentName: document.file.filename,
                  documentSize: document.file.data.length,
                }
              : {}),
            status,
            submittedAt: status === 'submitted' ? now.toISOString() : null,
            updatedAt: now.toISOString(),
          })
          .where(eq(nominations.id, nominationId))
          .run();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        removeDocument(context.dataDir, newDocument);
        stored = null;
        return duplicateRefusal(tx, error, viewer, {
          vacancyId: existing.vacancyId,
          cityKey: key,
        });
      }
      if (status === 'submitted')
        recordStatusChange(tx, { nominationId, from: 'draft', to: 'submitted', actorId: viewer.id, at: now });
      recordAudit(tx, {
        actor: actorOf(viewer),
        action: status === 'submitted' ? 'nomination.submit' : 'nomination.edit',
        subjectType: 'nomination',
        subjectId: nominationId,
        // An edited draft stays private: its audit entry names nothing of the nominee.
        details:
          status === 'submitted'
            ? {
                nominee: form.data.nomineeName,
                city: form.data.cityName,
                country: form.data.country,
                newDocument: Boolean(newDocument),
              }
            : { vacancyId: existing.vacancyId },
        at: now,
      });
      if (status === 'submitted')
        queueMail(
          tx,
          submissionMail(viewer, form.data.nomineeName, form.data.cityName, nominationId, context.origin),
          now,
        );
      return ok({ nominationId, status, replacedDocument: newDocument ? existing.documentFile : null });
    });
  try {
    result = attempt();
  } catch (error) {
    removeDocument(context.dataDir, stored);
    throw error;
  }
  if (!result.ok) return result;
  // The replaced file goes only once the change is committed.
  removeDocument(context.dataDir, result.value.replacedDocument);
  return ok({ nominationId: result.value.nominationId, status: result.value.status });
}
