import type { FastifyInstance } from 'fastify';
import { daysBetween } from '../../domain/dates.js';
import { getSettings } from '../settings/settings.js';
import { sittingMembers } from '../terms/sitting-members.js';
import { dashboardFor } from './dashboard.js';

export default async function homeRoutes(app: FastifyInstance) {
  app.get('/', async (request, reply) => {
    const today = app.today();
    if (!request.viewer) {
      const { boardSize, termLengthMonths } = getSettings(app.db);
      return reply.page('home/public', {
        title: 'Leadership Board of mayors on migration',
        memberCount: sittingMembers(app.db, today).length,
        boardSize,
        termLengthMonths,
      });
    }
    return reply.page('home/dashboard', {
      title: 'Dashboard',
      daysBetween,
      ...dashboardFor(app.db, request.viewer, today),
    });
  });
}
