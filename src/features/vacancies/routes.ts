import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VacancyStatus } from '../../db/schema.js';
import { daysBetween, todayIso } from '../../domain/dates.js';
import { MIGRATION_CONTEXTS, REGIONS } from '../../domain/reference.js';
import { type FieldErrors, type FormValues, formBody } from '../../lib/forms.js';
import { HttpError, notFound } from '../../plugins/errors.js';
import { actorOf } from '../audit/actor.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { QUEUE_SORTS, type QueueFilters, screeningQueue } from '../nominations/screening-queue.js';
import { getSettings } from '../settings/settings.js';
import { allSeats } from '../terms/queries.js';
import { openVacancy } from './open-vacancy.js';
import { openVacancies, unfinishedVacancies, type VacancyRow, vacancyById } from './queries.js';
import { syncVacancies } from './sync-vacancies.js';

/**
 * The vacancy page: its seat and dates, and the candidates the viewer may see. A refused form on
 * it (opening nominations, a screening decision) re-renders it with the messages in place.
 */
export function renderVacancyPage(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  row: VacancyRow,
  form: {
    values?: FormValues;
    errors?: FieldErrors;
    status?: number;
    review?: { nominationId: number; values: FormValues; errors: FieldErrors };
  },
) {
  const viewer = request.viewer!;
  const today = todayIso(app.clock());
  const seesCandidates = permissions.screenNominations(viewer) || permissions.reviewShortlist(viewer);
  const queue = seesCandidates
    ? screeningQueue(app.db, viewer, row.vacancy, request.query as QueueFilters, today)
    : null;
  return reply.page(
    'vacancies/show',
    {
      title: `Seat ${row.seatNumber} vacancy`,
      row,
      today,
      daysBetween,
      values: form.values ?? {},
      errors: form.errors ?? {},
      review: form.review ?? null,
      queue,
      regions: REGIONS,
      contexts: MIGRATION_CONTEXTS,
      sorts: QUEUE_SORTS,
    },
    form.status ?? 200,
  );
}

/**
 * The secretariat sees every vacancy; board members and partners follow one from its opening
 * through screening to the ballot (the shortlist is decided then); nominators see open ones.
 */
function canSeeVacancy(viewer: Viewer, status: VacancyStatus): boolean {
  if (permissions.manageVacancies(viewer)) return true;
  if (permissions.reviewShortlist(viewer)) return ['open', 'screening', 'balloting'].includes(status);
  return status === 'open';
}

export default async function vacancyRoutes(app: FastifyInstance) {
  const today = () => todayIso(app.clock());
  const upcomingHorizonDays = () => Math.max(...getSettings(app.db).alertThresholdsDays);

  function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormValues,
    errors: FieldErrors,
    status = 200,
  ) {
    const manage = permissions.manageVacancies(request.viewer!);
    const rows = manage ? unfinishedVacancies(app.db) : openVacancies(app.db);
    return reply.page(
      'vacancies/list',
      {
        title: 'Vacancies',
        rows,
        today: today(),
        daysBetween,
        seats: manage ? allSeats(app.db) : [],
        horizonDays: upcomingHorizonDays(),
        values,
        errors,
      },
      status,
    );
  }

  app.get('/vacancies', { preHandler: app.requirePermission('viewVacancies') }, async (request, reply) => {
    syncVacancies(app.db, today(), app.clock());
    return listPage(request, reply, {}, {});
  });

  app.get<{ Params: { id: string } }>(
    '/vacancies/:id',
    { preHandler: app.requirePermission('viewVacancies') },
    async (request, reply) => {
      syncVacancies(app.db, today(), app.clock());
      const row = vacancyById(app.db, Number(request.params.id));
      if (!row || !canSeeVacancy(request.viewer!, row.vacancy.status)) throw notFound();
      return renderVacancyPage(app, request, reply, row, {});
    },
  );

  app.post('/vacancies', { preHandler: app.requirePermission('manageVacancies') }, async (request, reply) => {
    const result = openVacancy(app.db, request.body, actorOf(request.user!), app.clock(), today());
    if (!result.ok) {
      if (result.status !== 422) throw new HttpError(result.status, result.message);
      const values = formBody(request.body);
      const existing = vacancyById(app.db, Number(values.vacancyId));
      if (existing)
        return renderVacancyPage(app, request, reply, existing, {
          values,
          errors: result.errors,
          status: 422,
        });
      return listPage(request, reply, values, result.errors, 422);
    }
    reply.flash('Nominations are open.');
    return reply.seeOther(`/vacancies/${result.value.vacancyId}`);
  });
}
