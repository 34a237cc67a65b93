// Creates a nomination (nominator) for an open vacancy, as a draft or submitted. Refuses a
// vacancy that is not open or past its deadline (409), a second nomination of the same city
// for the vacancy (409, naming the existing one), and invalid fields (422, nothing stored).
import { and, eq, ne, notInArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { cities, type NominationStatus, nominations, vacancies } from '../../db/schema.js';
import type { IsoDate } from '../../domain/dates.js';
import { cityKey } from '../../domain/eligibility.js';
import { type ActionResult, done, invalid, refused } from '../../lib/action-result.js';
import { parseForm } from '../../lib/forms.js';
import { actorOf } from '../audit/actor.js';
import { recordAudit } from '../audit/audit-log.js';
import type { SessionUser } from '../auth/sessions.js';
import { queueMail } from '../mail/outbox.js';
import { documentProblem, hasDocument, removeDocument, storeDocument } from './documents.js';
import { type NominationFormValues, type NominationInput, nominationSchema } from './nomination-form.js';
import { recordStatusChange } from './queries.js';

export function vacancyRefusal(
  vacancy: typeof vacancies.$inferSelect | undefined,
  vacancyId: number,
  today: IsoDate,
) {
  // To nominators a vacancy not yet opened (or cancelled) does not exist, as on /vacancies.
  if (!vacancy || vacancy.status === 'upcoming' || vacancy.status === 'cancelled') {
    return refused(404, `There is no vacancy ${vacancyId} open for nominations.`);
  }
  if (vacancy.status !== 'open')
    return refused(409, `Nominations for vacancy ${vacancyId} are closed (it is in ${vacancy.status}).`);
  if (vacancy.nominationDeadline && vacancy.nominationDeadline < today) {
    return refused(409, `Nominations for vacancy ${vacancyId} closed on ${vacancy.nominationDeadline}.`);
  }
  return null;
}

export function duplicateRefusal(db: Pick<Db, 'select'>, vacancyId: number, key: string, exceptId?: number) {
  const existing = db
    .select({
      id: nominations.id,
      nomineeName: nominations.nomineeName,
      cityName: nominations.cityName,
      status: nominations.status,
    })
    .from(nominations)
    .where(
      and(
        eq(nominations.vacancyId, vacancyId),
        eq(nominations.cityKey, key),
        notInArray(nominations.status, ['draft', 'withdrawn']),
        exceptId ? ne(nominations.id, exceptId) : undefined,
      ),
    )
    .get();
  if (!existing) return null;
  return refused(
    409,
    `${existing.cityName} is already nominated for this vacancy: nomination ${existing.id} (${existing.nomineeName}, ${existing.status}). A city is nominated once per vacancy.`,
  );
}

export function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    String((error as { code: unknown }).code).startsWith('SQLITE_CONSTRAINT_UNIQUE')
  );
}

export function submissionMail(
  user: SessionUser,
  nominee: string,
  city: string,
  nominationId: number,
  origin: string,
) {
  return {
    to: user.email,
    subject: `Nomination received: ${nominee} (${city})`,
    text: `Dear ${user.displayName},\n\nYour nomination of ${nominee} (${city}) for the Leadership Board has been submitted (nomination ${nominationId}). The secretariat will screen it; you will hear from us when its status changes.\n\nFollow it at ${origin}/nominations/${nominationId}\n\nThe council secretariat`,
  };
}

/**
 * Validation and state checks shared by creating and editing a nomination: the fields, the
 * document, the vacancy still open, and the city not yet nominated (except by `exceptId`).
 */
export function checkNomination(
  db: Db,
  user: SessionUser,
  form: NominationFormValues,
  vacancyId: number,
  today: IsoDate,
  exceptId?: number,
): ActionResult<{ input: NominationInput; key: string }> {
  const parsed = parseForm(nominationSchema(today, form.intent), { ...form, vacancyId });
  const fileProblem = documentProblem(form.document);
  if (!parsed.ok || fileProblem) {
    return invalid({
      ...(parsed.ok ? {} : parsed.errors),
      ...(fileProblem ? { document: fileProblem } : {}),
    });
  }
  const vacancy = db.select().from(vacancies).where(eq(vacancies.id, vacancyId)).get();
  const closed = vacancyRefusal(vacancy, vacancyId, today);
  if (closed) return closed;
  const key = cityKey(parsed.data.country, parsed.data.cityName);
  // Cities nominate their own mayors: a nominator speaks for their city only.
  const ownCity = user.cityId ? db.select().from(cities).where(eq(cities.id, user.cityId)).get() : undefined;
  if (!ownCity || ownCity.cityKey !== key) {
    return invalid({
      cityName: ownCity
        ? `You nominate for your own city, ${ownCity.name} (${ownCity.country}). Ask the secretariat if your account names the wrong city.`
        : 'Your account is not linked to a city; ask the secretariat to link it before nominating.',
    });
  }
  return duplicateRefusal(db, vacancyId, key, exceptId) ?? done({ input: parsed.data, key });
}

/** The columns a nomination's form fills, as stored (text as typed; e-mail lower-cased). */
export function nominationColumns(input: NominationInput, key: string) {
  return {
    nomineeName: input.nomineeName,
    nomineeTitle: input.nomineeTitle,
    nomineeEmail: input.nomineeEmail.toLowerCase(),
    cityName: input.cityName,
    country: input.country,
    cityKey: key,
    contexts: input.migrationContexts,
    secondaryCity: input.secondaryCity,
    mandateEndsOn: input.mandateEndsOn,
    statement: input.statement,
    consent: input.consent,
  };
}

export function submitNomination(
  db: Db,
  user: SessionUser,
  form: NominationFormValues,
  context: { now: Date; today: IsoDate; dataDir: string; origin: string },
): ActionResult<{ nominationId: number; status: NominationStatus }> {
  const checked = checkNomination(db, user, form, Number(form.vacancyId), context.today);
  if (!checked.ok) return checked;
  const { input, key } = checked.value;

  // The file is written before the synchronous transaction and removed again if it fails.
  const documentFile = hasDocument(form.document) ? storeDocument(context.dataDir, form.document.data) : null;
  const status: NominationStatus = form.intent === 'draft' ? 'draft' : 'submitted';
  try {
    return db.transaction((tx) => {
      const { id } = tx
        .insert(nominations)
        .values({
          vacancyId: input.vacancyId,
          nominatedBy: user.id,
          ...nominationColumns(input, key),
          documentFile,
          documentName: documentFile ? form.document!.filename : null,
          documentSize: documentFile ? form.document!.data!.length : null,
          status,
          submittedAt: status === 'submitted' ? context.now.toISOString() : null,
          updatedAt: context.now.toISOString(),
        })
        .returning({ id: nominations.id })
        .get();
      recordStatusChange(tx, { nominationId: id, from: null, to: status, actorId: user.id, at: context.now });
      recordAudit(tx, {
        actor: actorOf(user),
        action: status === 'draft' ? 'nomination.draft' : 'nomination.submit',
        subjectType: 'nomination',
        subjectId: id,
        // A draft is private to its nominator: its audit entry names only the vacancy.
        details:
          status === 'draft'
            ? { vacancyId: input.vacancyId }
            : {
                vacancyId: input.vacancyId,
                nominee: input.nomineeName,
                city: input.cityName,
                country: input.country,
                document: Boolean(documentFile),
              },
        at: context.now,
      });
      if (status === 'submitted')
        queueMail(
          tx,
          submissionMail(user, input.nomineeName, input.cityName, id, context.origin),
          context.now,
        );
      return done({ nominationId: id, status });
    });
  } catch (error) {
    removeDocument(context.dataDir, documentFile);
    // Two submissions of the same city at the same instant: the unique index lets one through.
    if (isUniqueViolation(error))
      return (
        duplicateRefusal(db, input.vacancyId, key) ??
        refused(409, 'This city is already nominated for this vacancy.')
      );
    throw error;
  }
}
