// The checks and writes that creating a nomination and editing a draft share: the nomination
// window, the nominator's own city, one nomination per city (and one draft per nominator) per
// vacancy, and the columns a form fills.
import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { cities, vacancies } from '../../db/schema.js';
import type { IsoDate } from '../../domain/dates.js';
import { type Refused, refused } from '../../lib/action-result.js';
import { canSeeNomination, type Viewer } from '../auth/permissions.js';
import type { MailMessage } from '../mail/outbox.js';
import { renderMail } from '../mail/templates.js';
import type { NominationInput } from './nomination-form.js';
import { draftOf, liveNominationOfCity } from './queries.js';

/**
 * Whether the vacancy takes nominations today. To nominators a vacancy not yet opened (or
 * cancelled) does not exist (404), as on /vacancies; one past its deadline is closed (409).
 */
export function nominationWindowRefusal(
  vacancy: typeof vacancies.$inferSelect | undefined,
  today: IsoDate,
): Refused | null {
  if (!vacancy || vacancy.status === 'upcoming' || vacancy.status === 'cancelled') {
    return refused(
      404,
      'There is no such vacancy open for nominations. Choose one from the open vacancies.',
      {
        link: { href: '/vacancies', text: 'See the open vacancies' },
      },
    );
  }
  if (vacancy.status !== 'open' || (vacancy.nominationDeadline && vacancy.nominationDeadline < today)) {
    return refused(
      409,
      `Nominations for this seat are closed${vacancy.nominationDeadline ? `: the deadline was ${vacancy.nominationDeadline}` : ''}.`,
      { link: { href: '/vacancies', text: 'See the open vacancies' } },
    );
  }
  return null;
}

export function vacancyRecord(tx: Tx, vacancyId: number) {
  return tx.select().from(vacancies).where(eq(vacancies.id, vacancyId)).get();
}

/** Cities nominate their own mayors: a nominator speaks for their city only. */
export function ownCityProblem(tx: Tx, viewer: Viewer, key: string): string | null {
  const ownCity = viewer.cityId
    ? tx.select().from(cities).where(eq(cities.id, viewer.cityId)).get()
    : undefined;
  if (!ownCity)
    return 'Your account is not linked to a city; ask the secretariat to link it before nominating.';
  if (ownCity.cityKey !== key)
    return `You nominate for your own city, ${ownCity.name} (${ownCity.country}). Ask the secretariat if your account names the wrong city.`;
  return null;
}

export function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    String((error as { code: unknown }).code).startsWith('SQLITE_CONSTRAINT_UNIQUE')
  );
}

/**
 * The refusal for a nomination the unique indexes turned away: the city is nominated already, or
 * the nominator has a draft for this vacancy. It never shows another account's nomination to
 * someone who may not open it.
 */
export function duplicateRefusal(
  tx: Tx,
  error: unknown,
  viewer: Viewer,
  nomination: { vacancyId: number; cityKey: string },
): Refused {
  if (String((error as Error).message).includes('nominated_by')) {
    const draft = draftOf(tx, nomination.vacancyId, viewer.id);
    return refused(
      409,
      'You already have a draft nomination for this seat. Finish that draft instead of starting another.',
      {
        link: draft ? { href: `/nominations/${draft.id}/edit`, text: 'Open your draft' } : undefined,
      },
    );
  }
  return cityAlreadyNominated(tx, viewer, nomination.vacancyId, nomination.cityKey);
}

/** The city counts once per vacancy; the link is offered only to someone who may open it. */
export function cityAlreadyNominated(tx: Tx, viewer: Viewer, vacancyId: number, cityKey: string): Refused {
  const existing = liveNominationOfCity(tx, vacancyId, cityKey);
  const city = viewer.cityId
    ? tx.select({ name: cities.name }).from(cities).where(eq(cities.id, viewer.cityId)).get()
    : undefined;
  return refused(
    409,
    `Your city, ${city?.name ?? 'as named'}, already has a nomination for this seat. A city is nominated once per vacancy.`,
    {
      link:
        existing && canSeeNomination(viewer, existing)
          ? { href: `/nominations/${existing.id}`, text: 'See your city’s nomination' }
          : undefined,
    },
  );
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

/** The nominator's receipt for a submitted nomination, with the link to follow it. */
export function submissionMail(
  viewer: Viewer,
  nominee: string,
  city: string,
  nominationId: number,
  origin: string,
): MailMessage {
  const subject = `Nomination received: ${nominee} (${city})`;
  const parts = renderMail('nomination-submitted', {
    subject,
    name: viewer.displayName,
    nominee,
    city,
    nominationId,
    origin,
  });
  return { to: viewer.email, subject, kind: 'nomination:submitted', ...parts };
}
