// The secretariat's view of outgoing e-mail: what failed, waits or is stuck, with a way to send a
// failed message again. Delivery itself is a job (deliver-outbox.ts), not a page.
import type { FastifyInstance } from 'fastify';
import { answer, withPathId } from '../../plugins/answer.js';
import { MAX_ATTEMPTS } from './deliver-outbox.js';
import { mailQueue, OUTBOX_STATUS_LABELS } from './mail-queue.js';
import { retryMessage } from './retry-message.js';

type IdParams = { Params: { id: string } };

export default async function mailRoutes(app: FastifyInstance) {
  const manageOutbox = { preHandler: app.requirePermission('manageOutbox') };

  app.get('/outbox', manageOutbox, async (_request, reply) =>
    reply.page('mail-queue/page', {
      title: 'Outgoing e-mail',
      ...mailQueue(app.db, app.clock()),
      statusLabels: OUTBOX_STATUS_LABELS,
      maxAttempts: MAX_ATTEMPTS,
    }),
  );

  app.post<IdParams>('/outbox/:id/retry', manageOutbox, async (request, reply) =>
    withPathId(reply, request.params.id, 'message', (id) =>
      answer(reply, retryMessage(app.db, id, request.viewer!, app.clock()), {
        ok: (message) =>
          reply
            .flash(`The message to ${message.recipient} goes out again with the next delivery run.`)
            .seeOther('/outbox'),
      }),
    ),
  );
}
