// Seats and terms: the terms page (every seat, a timeline, forecasts, the composition on any
// date), recording a term by hand, and ending one early.
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { users } from '../../db/schema.js';
import { COUNTRIES } from '../../domain/countries.js';
import { addDays, addMonths, daysBetween, isIsoDate } from '../../domain/dates.js';
import { MIGRATION_CONTEXTS, TERM_END_REASONS } from '../../domain/reference.js';
import { daysLeft, effectiveEnd, mandateEndsFirst, vacancyClusters } from '../../domain/terms.js';
import { type FieldErrors, type FormValues, firstValue, keptInput } from '../../lib/forms.js';
import { answer, sendRefusal, withPathId } from '../../plugins/answer.js';
import { getSettings } from '../settings/settings.js';
import { boardDiversityOn } from './board-diversity.js';
import { endTerm } from './end-term.js';
import {
  allSeats,
  asTermSpan,
  seatHistoryPage,
  seatOverview,
  seatVacancies,
  type TermRow,
  termById,
} from './queries.js';
import { startTerm } from './start-term.js';
import { buildTimeline, TIMELINE } from './timeline.js';

export default async function termRoutes(app: FastifyInstance) {
  const manageTerms = { preHandler: app.requirePermission('manageTerms') };

  app.get<{ Querystring: { on?: string } }>(
    '/terms',
    { preHandler: app.requirePermission('viewTerms'), config: { pageCache: true } },
    async (request, reply) => {
      const day = app.today();
      // The seats as they stand and what the timeline shows, not every term the board ever had.
      const overview = seatOverview(app.db, day, addMonths(day, -TIMELINE.monthsBefore));
      const vacancies = seatVacancies(app.db);
      const forecasts = overview.flatMap((entry) =>
        entry.current && mandateEndsFirst(asTermSpan(entry.current)) ? [entry.current] : [],
      );
      const clusters = vacancyClusters(
        overview
          .flatMap((entry) => [...(entry.current ? [entry.current] : []), ...entry.future])
          .filter((row) => effectiveEnd(row.term) > day)
          .map(asTermSpan),
        day,
        addMonths(day, TIMELINE.monthsAfter),
        { includeMandateForecasts: true },
      );
      const on = typeof request.query.on === 'string' && isIsoDate(request.query.on) ? request.query.on : day;
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

  app.get<{ Params: { id: string }; Querystring: { page?: string } }>(
    '/terms/seats/:id/history',
    { preHandler: app.requirePermission('viewTerms') },
    async (request, reply) =>
      withPathId(reply, request.params.id, 'seat', (seatId) => {
        const seat = allSeats(app.db).find((candidate) => candidate.id === seatId);
        if (!seat) return sendRefusal(reply, { status: 404, message: `There is no seat ${seatId}.` });
        const page = Math.min(10_000, Math.max(1, Number.parseInt(firstValue(request.query.page), 10) || 1));
        return reply.page('terms/history', {
          title: `Seat ${seat.number}: earlier terms`,
          seat,
          ...seatHistoryPage(app.db, seat.id, app.today(), page),
        });
      }),
  );

  function startTermPage(reply: FastifyReply, values: FormValues, errors: FieldErrors, status = 200) {
    const contexts = values.migrationContexts;
    return reply.page(
      'terms/new',
      {
        title: 'Record a term',
        seats: allSeats(app.db),
        boardUsers: app.db.select().from(users).where(eq(users.role, 'board_member')).all(),
        countries: COUNTRIES,
        contexts: MIGRATION_CONTEXTS,
        termLengthMonths: getSettings(app.db).termLengthMonths,
        values: {
          ...values,
          migrationContexts: Array.isArray(contexts) ? contexts : contexts ? [contexts] : [],
        },
        errors,
      },
      status,
    );
  }

  app.get<{ Querystring: { seatId?: string } }>('/terms/new', manageTerms, async (request, reply) =>
    startTermPage(reply, { seatId: request.query.seatId ?? '', startsOn: app.today() }, {}),
  );

  app.post('/terms', manageTerms, async (request, reply) =>
    answer(reply, startTerm(app.db, request.body, request.viewer!, app.clock()), {
      ok: () => reply.flash('The term is recorded.').seeOther('/terms'),
      invalid: (errors) => startTermPage(reply, keptInput(request.body), errors, 422),
    }),
  );

  function endTermPage(
    reply: FastifyReply,
    termId: number,
    values: FormValues,
    errors: FieldErrors,
    status = 200,
  ) {
    const row = termById(app.db, termId);
    if (!row) return sendRefusal(reply, { status: 404, message: `There is no term ${termId}.` });
    return reply.page(
      'terms/end',
      {
        title: `End ${row.term.memberName}’s term early`,
        row,
        reasons: TERM_END_REASONS,
        values,
        errors,
        today: app.today(),
      },
      status,
    );
  }

  app.get<{ Params: { id: string } }>('/terms/:id/end', manageTerms, async (request, reply) =>
    withPathId(reply, request.params.id, 'term', (termId) => {
      const today = app.today();
      return endTermPage(reply, termId, { endedOn: today, nominationDeadline: addDays(today, 28) }, {});
    }),
  );

  app.post<{ Params: { id: string } }>('/terms/:id/end', manageTerms, async (request, reply) =>
    withPathId(reply, request.params.id, 'term', (termId) =>
      answer(reply, endTerm(app.db, termId, request.body, request.viewer!, app.clock()), {
        ok: (ended) =>
          reply
            .flash(`${ended.memberName}’s term ends on ${ended.endedOn}. The seat’s vacancy is recorded.`)
            .seeOther(`/vacancies/${ended.vacancyId}`),
        invalid: (errors) => endTermPage(reply, termId, keptInput(request.body), errors, 422),
      }),
    ),
  );
}
