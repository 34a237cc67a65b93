import type { FastifyInstance } from 'fastify';
import { todayIso } from '../../domain/dates.js';
import { getSettings } from '../settings/settings.js';
import { compositionBars } from './composition-chart.js';
import { sittingMembers } from './sitting-members.js';

export default async function boardRoutes(app: FastifyInstance) {
  app.get('/board', async (_request, reply) => {
    const today = todayIso(app.clock());
    const members = sittingMembers(app.db, today);
    const { boardSize } = getSettings(app.db);
    return reply.page('board/page', {
      title: 'The Leadership Board',
      members,
      boardSize,
      bars: compositionBars(members),
      today,
    });
  });
}
