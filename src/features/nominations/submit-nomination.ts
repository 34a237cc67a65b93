// Nominates a mayor for an open vacancy (a nominator, for their own city): saves a draft or
// submits it to the secretariat. Refuses invalid fields (422, nothing stored), a vacancy that takes
// no nominations (404, or 409 once closed), a second draft of the same nominator for the vacancy
// and a city already nominated (409). One nomination per city and one draft per nominator are
// unique indexes: the database itself settles two submissions at the same instant.
import type { Db } from '../../db/client.js';
import { nominations } from '../../db/schema.js';
import type { NominationStatus } from '../../domain/reference.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { formBody, id, parseForm } from '../../lib/forms.js';
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

export interface NominationContext {
  now: Date;
  dataDir: string;
  origin: string;
}

const vacancyField = id('Choose the seat you nominate for.');

export function submitNomination(
  db: Db,
  input: unknown,
  viewer: Viewer,
  context: NominationContext,
): ActionResult<{ nominationId: number; status: NominationStatus }> {
  if (!permissions.submitNominations(viewer))
    return refused(403, 'Only nominating cities submit nominations.');
  const { now } = context;
  const intent = intentOf(input);
  const status: NominationStatus = intent === 'draft' ? 'draft' : 'submitted';
  const vacancyId = vacancyField.safeParse(formBody(input).vacancyId);
  const document = documentOf(input);

  // The file is written inside the transaction, once the form is valid; if the transaction
  // fails for any reason, the file goes too.
  let stored: string | null = null;
  try {
    return db.transaction((tx) => {
      const today = boardToday(getSettings(tx), now);
      const form = parseForm(nominationSchema(today, intent), input);
      const errors = {
        ...(vacancyId.success ? {} : { vacancyId: 'Choose the seat you nominate for.' }),
        ...(form.ok ? {} : form.errors),
        ...(document.ok ? {} : { document: document.message }),
      };
      if (!vacancyId.success || !form.ok || !document.ok) return invalid(errors);
      const closed = nominationWindowRefusal(vacancyRecord(tx, vacancyId.data), today);
      if (closed) return closed;
      const key = cityKey(form.data.country, form.data.cityName);
      const notOwnCity = ownCityProblem(tx, viewer, key);
      if (notOwnCity) return invalid({ cityName: notOwnCity });
      // A draft beside the city's nomination that counts would only be refused at submission.
      if (status === 'draft' && liveNominationOfCity(tx, vacancyId.data, key))
        return cityAlreadyNominated(tx, viewer, vacancyId.data, key);

      const documentFile = document.file ? storeDocument(context.dataDir, document.file.data) : null;
      stored = documentFile;
      let nominationId: number;
      try {
        nominationId = tx
          .insert(nominations)
          .values({
            vacancyId: vacancyId.data,
            nominatedBy: viewer.id,
            ...nominationColumns(form.data, key),
            documentFile,
            documentName: document.file?.filename ?? null,
            documentSize: document.file?.data.length ?? null,
            status,
            submittedAt: status === 'submitted' ? now.toISOString() : null,
            updatedAt: now.toISOString(),
          })
          .returning({ id: nominations.id })
          .get().id;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        removeDocument(context.dataDir, documentFile);
        stored = null;
        return duplicateRefusal(tx, error, viewer, {
          vacancyId: vacancyId.data,
          cityKey: key,
        });
      }
      recordStatusChange(tx, { nominationId, from: null, to: status, actorId: viewer.id, at: now });
      recordAudit(tx, {
        actor: actorOf(viewer),
        action: status === 'draft' ? 'nomination.draft' : 'nomination.submit',
        subjectType: 'nomination',
        subjectId: nominationId,
        // A draft is private to its nominator: its audit entry names only the vacancy.
        details:
          status === 'draft'
            ? { vacancyId: vacancyId.data }
            : {
                vacancyId: vacancyId.data,
                nominee: form.data.nomineeName,
                city: form.data.cityName,
                country: form.data.country,
                document: Boolean(documentFile),
              },
        at: now,
      });
      if (status === 'submitted')
        queueMail(
          tx,
          submissionMail(viewer, form.data.nomineeName, form.data.cityName, nominationId, context.origin),
          now,
        );
      return ok({ nominationId, status });
    });
  } catch (error) {
    removeDocument(context.dataDir, stored);
    throw error;
  }
}
