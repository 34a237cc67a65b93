import type { FastifyInstance } from 'fastify';
import { daysBetween, todayIso } from '../../domain/dates.js';
import { formBody } from '../../lib/forms.js';
import { HttpError, notFound } from '../../plugins/errors.js';
import { actorOf } from '../audit/actor.js';
import { permissions } from '../auth/permissions.js';
import { getSettings } from '../settings/settings.js';
import { allSeats } from '../terms/queries.js';
import { openVacancy } from './open-vacancy.js';
import { openVacancies, unfinishedVacancies, vacancyById } from './queries.js';
import { syncUpcomingVacancies } from './sync-upcoming.js';

export default async function vacancyRoutes(app: FastifyInstance) {
  const today = () => todayIso(app.clock());
  const upcomingHorizonDays = () => Math.max(...getSettings(app.db).alertThresholdsDays);

  app.get('/vacancies', { preHandler: app.requirePermission('viewVacancies') }, async (request, reply) => {
    const viewer = request.viewer!;
    const manage = permissions.manageVacancies(viewer);
    if (manage) syncUpcomingVacancies(app.db, today(), app.clock());
    const rows = manage ? unfinishedVacancies(app.db) : openVacancies(app.db);
    return reply.page('vacancies/list', {
      title: 'Vacancies',
      rows,
      today: today(),
      daysBetween,
      seats: manage ? allSeats(app.db) : [],
      horizonDays: upcomingHorizonDays(),
      values: {},
      errors: {},
    });
  });

  app.get<{ Params: { id: string } }>(
    '/vacancies/:id',
    { preHandler: app.requirePermission('viewVacancies') },
    async (request, reply) => {
      const row = vacancyById(app.db, Number(request.params.id));
      const viewer = request.viewer!;
      // Only the secretariat sees vacancies that are not open for nominations.
      if (!row || (!permissions.manageVacancies(viewer) && row.vacancy.status !== 'open')) throw notFound();
      return reply.page('vacancies/show', {
        title: `Seat ${row.seatNumber} vacancy`,
        row,
        today: today(),
        daysBetween,
        values: {},
        errors: {},
      });
    },
  );

  app.post('/vacancies', { preHandler: app.requirePermission('manageVacancies') }, async (request, reply) => {
    const result = openVacancy(app.db, request.body, actorOf(request.user!), app.clock(), today());
    if (!result.ok) {
      if (result.status !== 422) throw new HttpError(result.status, result.message);
      const values = formBody(request.body);
      const existing = vacancyById(app.db, Number(values.vacancyId));
      if (existing) {
        return reply.page(
          'vacancies/show',
          {
            title: `Seat ${existing.seatNumber} vacancy`,
            row: existing,
            today: today(),
            daysBetween,
            values,
            errors: result.errors,
          },
          422,
        );
      }
      return reply.page(
        'vacancies/list',
        {
          title: 'Vacancies',
          rows: unfinishedVacancies(app.db),
          today: today(),
          daysBetween,
          seats: allSeats(app.db),
          horizonDays: upcomingHorizonDays(),
          values,
          errors: result.errors,
        },
        422,
      );
    }
    reply.flash('Nominations are open.');
    return reply.seeOther(`/vacancies/${result.value.vacancyId}`);
  });
}
