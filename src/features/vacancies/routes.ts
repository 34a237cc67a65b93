// Vacancies: the list (the secretariat's every unfinished one, everyone else's open ones), a
// vacancy's page, and opening nominations for a seat.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { daysBetween } from '../../domain/dates.js';
import { type FieldErrors, type FormValues, firstValue, idFromPath, keptInput } from '../../lib/forms.js';
import { answer, sendRefusal, withPathId } from '../../plugins/answer.js';
import { permissions } from '../auth/permissions.js';
import { getSettings } from '../settings/settings.js';
import { allSeats } from '../terms/queries.js';
import { openVacancy } from './open-vacancy.js';
import { openVacancies, unfinishedVacancies } from './queries.js';
import { type CandidatesSection, vacancyPage } from './vacancy-page.js';

export interface VacancyRoutesOptions {
  candidates: CandidatesSection;
}

export default async function vacancyRoutes(app: FastifyInstance, options: VacancyRoutesOptions) {
  function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormValues,
    errors: FieldErrors,
    status = 200,
  ) {
    const manage = permissions.manageVacancies(request.viewer!);
    return reply.page(
      'vacancies/list',
      {
        title: 'Vacancies',
        rows: manage ? unfinishedVacancies(app.db) : openVacancies(app.db),
        today: app.today(),
        timeZone: getSettings(app.db).timeZone,
        daysBetween,
        seats: manage ? allSeats(app.db) : [],
        horizonDays: Math.max(...getSettings(app.db).alertThresholdsDays),
        values,
        errors,
      },
      status,
    );
  }

  function showPage(
    request: FastifyRequest,
    reply: FastifyReply,
    vacancyId: number,
    form: { values?: FormValues; errors?: FieldErrors } = {},
    status = 200,
  ) {
    const data = vacancyPage(app.db, request.viewer!, vacancyId, app.today(), options.candidates, {
      query: request.query as Record<string, unknown>,
      form,
      extra: { timeZone: getSettings(app.db).timeZone },
    });
    if (!data)
      return sendRefusal(reply, {
        status: 404,
        message: 'There is no such vacancy, or it is not yours to see.',
      });
    return reply.page('vacancies/show', data, status);
  }

  app.get(
    '/vacancies',
    { preHandler: app.requirePermission('viewVacancies'), config: { pageCache: true } },
    async (request, reply) => listPage(request, reply, {}, {}),
  );

  app.get<{ Params: { id: string } }>(
    '/vacancies/:id',
    { preHandler: app.requirePermission('viewVacancies'), config: { pageCache: true } },
    async (request, reply) =>
      withPathId(reply, request.params.id, 'vacancy', (id) => showPage(request, reply, id)),
  );

  app.post('/vacancies', { preHandler: app.requirePermission('manageVacancies') }, async (request, reply) =>
    answer(reply, openVacancy(app.db, request.body, request.viewer!, app.clock()), {
      ok: ({ vacancyId }) => reply.flash('Nominations are open.').seeOther(`/vacancies/${vacancyId}`),
      invalid: (errors) => {
        // The form on a vacancy's own page names it: show that page again, else the list.
        const values = keptInput(request.body);
        const from = idFromPath(firstValue(values.vacancyId));
        return from !== null
          ? showPage(request, reply, from, { values, errors }, 422)
          : listPage(request, reply, values, errors, 422);
      },
    }),
  );
}
