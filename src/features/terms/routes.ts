import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { seats, terms, users } from '../../db/schema.js';
import { COUNTRIES } from '../../domain/countries.js';
import { addDays, addMonths, daysBetween, isIsoDate, todayIso } from '../../domain/dates.js';
import { MIGRATION_CONTEXTS, TERM_END_REASONS } from '../../domain/reference.js';
import { daysLeft, effectiveEnd, mandateEndsFirst, vacancyClusters } from '../../domain/terms.js';
import { formBody } from '../../lib/forms.js';
import { HttpError } from '../../plugins/errors.js';
import { actorOf } from '../audit/actor.js';
import { boardDiversityOn } from '../diversity/board-diversity.js';
import { getSettings } from '../settings/settings.js';
import { unfinishedVacancies } from '../vacancies/queries.js';
import { syncVacancies } from '../vacancies/sync-vacancies.js';
import { endTerm } from './end-term.js';
import { asTermSpan, seatOverview, type TermRow, termsWithCities } from './queries.js';
import { readStartTermForm, startTerm } from './start-term.js';
import { buildTimeline, TIMELINE } from './timeline.js';

export default async function termRoutes(app: FastifyInstance) {
  const today = () => todayIso(app.clock());

  app.get<{ Querystring: { on?: string } }>(
    '/terms',
    { preHandler: app.requirePermission('viewTerms') },
    async (request, reply) => {
      const day = today();
      syncVacancies(app.db, day, app.clock());
      const rows = termsWithCities(app.db);
      const overview = seatOverview(app.db, day, rows);
      const vacancies = unfinishedVacancies(app.db);
      const forecasts = overview.flatMap((entry) =>
        entry.current && mandateEndsFirst(asTermSpan(entry.current)) ? [entry.current] : [],
      );
      const clusters = vacancyClusters(
        rows.filter((row) => effectiveEnd(row.term) > day).map(asTermSpan),
        day,
        addMonths(day, TIMELINE.monthsAfter),
        { includeMandateForecasts: true },
      );
      const on = request.query.on && isIsoDate(request.query.on) ? request.query.on : day;
      const seatNumbers = new Map(overview.map((entry) => [entry.seat.id, entry.seat.number]));
      return reply.page('terms/page', {
        title: 'Seats and terms',
        today: day,
        overview,
        vacancies,
        timeline: buildTimeline(
          overview,
          vacancies.map((v) => v.vacancy),
          day,
        ),
        forecasts,
        clusters: clusters.map((cluster) => ({
          ...cluster,
          seatNumbers: cluster.seatIds.map((id) => seatNumbers.get(id)),
        })),
        diversity: boardDiversityOn(app.db, on),
        onDateInvalid: Boolean(request.query.on) && on !== request.query.on,
        daysBetween,
        termFacts: (row: TermRow) => {
          const span = asTermSpan(row);
          return {
            daysLeft: daysLeft(span, day),
            endsOn: effectiveEnd(span),
            forecastEarly: mandateEndsFirst(span),
          };
        },
        settings: getSettings(app.db),
        timelineMonths: TIMELINE.monthsAfter,
      });
    },
  );

  function startTermPage(
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors: Record<string, string>,
    status = 200,
  ) {
    return reply.page(
      'terms/new',
      {
        title: 'Record a term',
        seats: app.db.select().from(seats).all(),
        boardUsers: app.db.select().from(users).where(eq(users.role, 'board_member')).all(),
        countries: COUNTRIES,
        contexts: MIGRATION_CONTEXTS,
        termLengthMonths: getSettings(app.db).termLengthMonths,
        values,
        errors,
      },
      status,
    );
  }

  app.get<{ Querystring: { seatId?: string } }>(
    '/terms/new',
    { preHandler: app.requirePermission('manageTerms') },
    async (request, reply) => {
      return startTermPage(
        reply,
        { seatId: request.query.seatId ?? '', startsOn: today(), migrationContexts: [] },
        {},
      );
    },
  );

  app.post('/terms', { preHandler: app.requirePermission('manageTerms') }, async (request, reply) => {
    const result = startTerm(app.db, request.body, actorOf(request.user!), app.clock());
    if (!result.ok) {
      if (result.status !== 422) throw new HttpError(result.status, result.message);
      return startTermPage(reply, readStartTermForm(request.body), result.errors, 422);
    }
    reply.flash('The term is recorded.');
    return reply.seeOther('/terms');
  });

  function endTermPage(
    reply: FastifyReply,
    termId: number,
    values: Record<string, unknown>,
    errors: Record<string, string>,
    status = 200,
  ) {
    const row = termsWithCities(app.db).find((r) => r.term.id === termId);
    if (!row) throw new HttpError(404, `There is no term ${termId}.`);
    return reply.page(
      'terms/end',
      {
        title: `End ${row.term.memberName}’s term early`,
        row,
        reasons: TERM_END_REASONS,
        values,
        errors,
        today: today(),
      },
      status,
    );
  }

  app.get<{ Params: { id: string } }>(
    '/terms/:id/end',
    { preHandler: app.requirePermission('manageTerms') },
    async (request, reply) => {
      const termId = Number(request.params.id);
      if (!Number.isInteger(termId)) throw new HttpError(404, 'There is no such term.');
      return endTermPage(reply, termId, { endedOn: today(), nominationDeadline: addDays(today(), 28) }, {});
    },
  );

  app.post<{ Params: { id: string } }>(
    '/terms/:id/end',
    { preHandler: app.requirePermission('manageTerms') },
    async (request, reply) => {
      const termId = Number(request.params.id);
      if (!Number.isInteger(termId)) throw new HttpError(404, 'There is no such term.');
      const result = endTerm(app.db, termId, request.body, actorOf(request.user!), app.clock(), today());
      if (!result.ok) {
        if (result.status !== 422) throw new HttpError(result.status, result.message);
        return endTermPage(reply, termId, formBody(request.body), result.errors, 422);
      }
      const ended = app.db.select().from(terms).where(eq(terms.id, termId)).get()!;
      reply.flash(`${ended.memberName}’s term ends on ${ended.endedOn}. The seat’s vacancy is recorded.`);
      return reply.seeOther(`/vacancies/${result.value.vacancyId}`);
    },
  );
}
