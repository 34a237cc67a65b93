import type { FastifyInstance } from 'fastify';
import { todayIso } from '../../domain/dates.js';
import { sittingMembers } from '../board/sitting-members.js';

export default async function termRoutes(app: FastifyInstance) {
  app.get('/terms', { preHandler: app.requirePermission('viewTerms') }, async (_request, reply) => {
    const today = todayIso(app.clock());
    return reply.page('terms/page', {
      title: 'Seats and terms',
      members: sittingMembers(app.db, today),
      today,
    });
  });
}
