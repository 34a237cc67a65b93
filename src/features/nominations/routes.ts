import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cities, type NominationStatus, users, vacancies } from '../../db/schema.js';
import { COUNTRIES, regionOf } from '../../domain/countries.js';
import { todayIso } from '../../domain/dates.js';
import { MIGRATION_CONTEXTS } from '../../domain/reference.js';
import type { ActionResult } from '../../lib/action-result.js';
import { toCsv } from '../../lib/csv.js';
import { type FieldErrors, formBody } from '../../lib/forms.js';
import { HttpError, notFound } from '../../plugins/errors.js';
import { getSettings } from '../settings/settings.js';
import { vacancyById } from '../vacancies/queries.js';
import { renderVacancyPage } from '../vacancies/routes.js';
import { documentPath, downloadName } from './documents.js';
import { MAX_STATEMENT_LENGTH, type NominationFormValues, readNominationForm } from './nomination-form.js';
import { canSeeNomination, nominationById, nominationHistory, nominationList } from './queries.js';
import { reviewNomination } from './review-nomination.js';
import { screeningQueue, screeningRow } from './screening-queue.js';
import { submitNomination, vacancyRefusal } from './submit-nomination.js';
import { updateNomination } from './update-nomination.js';
import { withdrawNomination } from './withdraw-nomination.js';

function idParam(request: FastifyRequest<{ Params: { id: string } }>): number {
  const id = Number(request.params.id);
  if (!Number.isInteger(id) || id <= 0) throw notFound();
  return id;
}

export default async function nominationRoutes(app: FastifyInstance) {
  /** A nominator nominates for their own city: the form starts with it filled in. */
  function ownCityValues(cityId: number | null) {
    const city = cityId ? app.db.select().from(cities).where(eq(cities.id, cityId)).get() : undefined;
    return city
      ? {
          cityName: city.name,
          country: city.country,
          migrationContexts: city.contexts,
          secondaryCity: city.secondaryCity,
        }
      : {};
  }

  const today = () => todayIso(app.clock());
  const context = () => ({
    now: app.clock(),
    today: today(),
    dataDir: app.config.dataDir,
    origin: app.config.publicOrigin,
  });

  function formPage(
    reply: FastifyReply,
    options: {
      vacancyId: number;
      nominationId?: number;
      values: Partial<NominationFormValues>;
      errors: FieldErrors;
      status?: number;
      refusal?: string;
    },
  ) {
    const vacancy = vacancyById(app.db, options.vacancyId);
    if (!vacancy) throw notFound();
    return reply.page(
      'nominations/new',
      {
        title: options.nominationId ? `Edit nomination ${options.nominationId}` : 'Nominate a mayor',
        vacancy,
        nominationId: options.nominationId,
        values: options.values,
        errors: options.errors,
        refusal: options.refusal,
        countries: COUNTRIES,
        contexts: MIGRATION_CONTEXTS,
        maxStatement: MAX_STATEMENT_LENGTH,
        termLengthMonths: getSettings(app.db).termLengthMonths,
        region: typeof options.values.country === 'string' ? regionOf(options.values.country) : undefined,
      },
      options.status ?? 200,
    );
  }

  /** After a nomination form is posted: on to the nomination, or the form again with what is wrong. */
  function answerForm(
    reply: FastifyReply,
    result: ActionResult<{ nominationId: number; status: NominationStatus }>,
    page: { vacancyId: number; nominationId?: number; form: NominationFormValues },
  ) {
    if (!result.ok) {
      if (result.status === 404) throw new HttpError(404, result.message);
      return formPage(reply, {
        vacancyId: page.vacancyId,
        nominationId: page.nominationId,
        values: page.form,
        errors: result.status === 422 ? result.errors : {},
        refusal: result.status === 409 ? result.message : undefined,
        status: result.status,
      });
    }
    reply.flash(
      result.value.status === 'draft'
        ? 'Your draft is saved. Submit it when the nominee has consented.'
        : 'Your nomination is submitted. The secretariat will screen it.',
    );
    return reply.seeOther(`/nominations/${result.value.nominationId}`);
  }

  app.get(
    '/nominations',
    { preHandler: app.requirePermission('viewNominations') },
    async (request, reply) => {
      return reply.page('nominations/list', {
        title: 'Nominations',
        rows: nominationList(app.db, request.viewer!),
      });
    },
  );

  app.get<{ Querystring: { vacancyId?: string } }>(
    '/nominations/new',
    { preHandler: app.requirePermission('submitNominations') },
    async (request, reply) => {
      const vacancyId = Number(request.query.vacancyId);
      const vacancy = Number.isInteger(vacancyId)
        ? app.db.select().from(vacancies).where(eq(vacancies.id, vacancyId)).get()
        : undefined;
      // Nominators see open vacancies only; one that is not (yet) open does not exist for them.
      if (!vacancy || (vacancy.status !== 'open' && vacancy.status !== 'screening'))
        throw notFound(
          'There is no such vacancy open for nominations. Choose one from the list of open vacancies.',
        );
      const refusal = vacancyRefusal(vacancy, vacancyId, today());
      if (refusal) throw new HttpError(refusal.status, refusal.message);
      return formPage(reply, {
        vacancyId,
        values: {
          migrationContexts: [],
          statement: '',
          nomineeTitle: '',
          ...ownCityValues(request.user!.cityId),
        },
        errors: {},
      });
    },
  );

  app.post(
    '/nominations',
    { preHandler: app.requirePermission('submitNominations') },
    async (request, reply) => {
      const form = readNominationForm(request.body);
      const result = submitNomination(app.db, request.user!, form, context());
      const vacancyId = Number(form.vacancyId);
      if (!result.ok && result.status === 409 && !vacancyById(app.db, vacancyId))
        throw new HttpError(409, result.message);
      return answerForm(reply, result, { vacancyId, form });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/nominations/:id',
    { preHandler: app.requirePermission('viewNominations') },
    async (request, reply) => {
      const nomination = nominationById(app.db, idParam(request));
      if (!nomination || !canSeeNomination(request.viewer!, nomination)) throw notFound();
      const vacancy = vacancyById(app.db, nomination.vacancyId)!;
      const nominator = app.db
        .select({ displayName: users.displayName, email: users.email })
        .from(users)
        .where(eq(users.id, nomination.nominatedBy))
        .get();
      const screening =
        request.viewer!.role === 'nominator'
          ? null
          : screeningRow(app.db, vacancy.vacancy, nomination, today()).screening;
      return reply.page('nominations/show', {
        title: `Nomination of ${nomination.nomineeName}`,
        nomination,
        vacancy,
        nominator,
        region: regionOf(nomination.country),
        history: nominationHistory(app.db, nomination.id),
        screening,
        isOwner: nomination.nominatedBy === request.viewer!.id,
        errors: {},
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/nominations/:id/edit',
    { preHandler: app.requirePermission('submitNominations') },
    async (request, reply) => {
      const nomination = nominationById(app.db, idParam(request));
      if (!nomination || nomination.nominatedBy !== request.viewer!.id) throw notFound();
      if (nomination.status !== 'draft')
        throw new HttpError(
          409,
          `Nomination ${nomination.id} is ${nomination.status}; only a draft can be edited.`,
        );
      return formPage(reply, {
        vacancyId: nomination.vacancyId,
        nominationId: nomination.id,
        values: {
          ...nomination,
          migrationContexts: nomination.contexts,
          vacancyId: String(nomination.vacancyId),
        } as unknown as Partial<NominationFormValues>,
        errors: {},
      });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/nominations/:id',
    { preHandler: app.requirePermission('submitNominations') },
    async (request, reply) => {
      const nominationId = idParam(request);
      const form = readNominationForm(request.body);
      const result = updateNomination(app.db, request.user!, nominationId, form, context());
      if (!result.ok && result.status === 404) throw new HttpError(404, result.message);
      const existing = nominationById(app.db, nominationId)!;
      // A nomination no longer a draft has no form to come back to: the refusal is the page.
      if (!result.ok && result.status === 409 && existing.status !== 'draft')
        throw new HttpError(409, result.message);
      return answerForm(reply, result, { vacancyId: existing.vacancyId, nominationId, form });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/nominations/:id/withdraw',
    { preHandler: app.requirePermission('submitNominations') },
    async (request, reply) => {
      const nominationId = idParam(request);
      const result = withdrawNomination(app.db, request.user!, nominationId, app.clock());
      if (!result.ok && result.status !== 422) throw new HttpError(result.status, result.message);
      reply.flash('The nomination is withdrawn.', 'info');
      return reply.seeOther(`/nominations/${nominationId}`);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/nominations/:id/review',
    { preHandler: app.requirePermission('screenNominations') },
    async (request, reply) => {
      const nominationId = idParam(request);
      const before = nominationById(app.db, nominationId);
      if (!before || !canSeeNomination(request.viewer!, before)) throw notFound();
      const result = reviewNomination(
        app.db,
        request.user!,
        nominationId,
        request.body,
        app.clock(),
        app.config.publicOrigin,
      );
      if (!result.ok && result.status === 404) throw new HttpError(404, result.message);
      const errors = !result.ok && result.status === 422 ? result.errors : {};
      const refusal = !result.ok && result.status === 409 ? result.message : undefined;
      if (request.isHtmx) {
        // The row as it now stands, with the decision's outcome or its message in place.
        const nomination = nominationById(app.db, nominationId)!;
        const vacancy = app.db.select().from(vacancies).where(eq(vacancies.id, nomination.vacancyId)).get()!;
        return reply.page(
          'nominations/_screening-row',
          {
            row: screeningRow(app.db, vacancy, nomination, today()),
            errors,
            refusal,
            values: formBody(request.body),
            saved: result.ok,
          },
          result.ok ? 200 : result.status,
        );
      }
      if (!result.ok) {
        if (refusal) throw new HttpError(409, refusal);
        return renderVacancyPage(app, request, reply, vacancyById(app.db, before.vacancyId)!, {
          status: 422,
          review: { nominationId, values: formBody(request.body), errors },
        });
      }
      reply.flash(`Nomination ${nominationId} is now ${result.value.status}.`);
      return reply.seeOther(`/vacancies/${before.vacancyId}#nomination-${nominationId}`);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/nominations/:id/document',
    { preHandler: app.requirePermission('viewNominations') },
    async (request, reply) => {
      const nomination = nominationById(app.db, idParam(request));
      if (!nomination || !canSeeNomination(request.viewer!, nomination) || !nomination.documentFile)
        throw notFound();
      const file = documentPath(app.config.dataDir, nomination.documentFile);
      if (!file || !fs.existsSync(file)) throw notFound('The document file is missing.');
      return reply
        .type('application/pdf')
        .header(
          'content-disposition',
          `attachment; filename="${downloadName(nomination.documentName, nomination.id)}"`,
        )
        .header('x-content-type-options', 'nosniff')
        .send(fs.createReadStream(file));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/vacancies/:id/nominations.csv',
    { preHandler: app.requirePermission('screenNominations') },
    async (request, reply) => {
      const vacancy = vacancyById(app.db, idParam(request));
      if (!vacancy) throw notFound();
      const queue = screeningQueue(app.db, request.viewer!, vacancy.vacancy, {}, today());
      const csv = toCsv(
        [
          'id',
          'status',
          'status_note',
          'nominee',
          'title',
          'email',
          'city',
          'country',
          'region',
          'migration_contexts',
          'secondary_city',
          'mandate_ends_on',
          'submitted_at',
          'eligibility',
          'eligibility_findings',
          'diversity_rules_broken',
          'adds',
          'statement',
        ],
        queue.rows.map(({ nomination: n, screening: s }) => [
          n.id,
          n.status,
          n.statusNote,
          n.nomineeName,
          n.nomineeTitle,
          n.nomineeEmail,
          n.cityName,
          n.country,
          s.region,
          n.contexts.join(' '),
          n.secondaryCity ? 'yes' : 'no',
          n.mandateEndsOn,
          n.submittedAt,
          s.eligibility.verdict,
          s.eligibility.findings.map((f) => f.message).join(' | '),
          s.impact.breaches.map((b) => `${b.rule} (${b.effect})`).join(' '),
          [s.impact.adds.region, ...s.impact.adds.contexts].filter(Boolean).join(' '),
          n.statement,
        ]),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="vacancy-${vacancy.vacancy.id}-nominations.csv"`)
        .send(csv);
    },
  );
}
