// The alerts page: the secretariat sees every alert, others their own, unacknowledged first,
// soonest due first; each acknowledged in place (htmx) or by a plain form without JavaScript.
import type { FastifyInstance } from 'fastify';
import { firstValue } from '../../lib/forms.js';
import { answer, withPathId } from '../../plugins/answer.js';
import { acknowledgeAlert } from './acknowledge-alert.js';
import { alertPage, alertRowFor } from './queries.js';

export default async function alertRoutes(app: FastifyInstance) {
  app.get<{ Querystring: { page?: string } }>(
    '/alerts',
    { preHandler: app.requireLogin, config: { pageCache: true } },
    async (request, reply) => {
      const page = Math.min(10_000, Math.max(1, Number.parseInt(firstValue(request.query.page), 10) || 1));
      return reply.page('alerts/page', {
        title: 'Alerts',
        // Alerts are acknowledged in place with htmx.
        usesHtmx: true,
        today: app.today(),
        ...alertPage(app.db, request.viewer!, page),
      });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/alerts/:id/ack',
    { preHandler: app.requireLogin },
    async (request, reply) =>
      withPathId(reply, request.params.id, 'alert', (alertId) =>
        answer(reply, acknowledgeAlert(app.db, alertId, request.body, request.viewer!, app.clock()), {
          ok: () => {
            if (request.isHtmx) {
              const row = alertRowFor(app.db, request.viewer!, alertId);
              return reply.fragment('alerts/_row', { row, today: app.today(), saved: true });
            }
            return reply.flash('The alert is acknowledged.').seeOther('/alerts');
          },
        }),
      ),
  );
}
