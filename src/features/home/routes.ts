import type { FastifyInstance } from 'fastify';
import { daysBetween, todayIso } from '../../domain/dates.js';
import { sittingMembers } from '../board/sitting-members.js';
import { getSettings } from '../settings/settings.js';
import { dashboardFor } from './dashboard.js';

export default async function homeRoutes(app: FastifyInstance) {
  app.get('/', async (request, reply) => {
    const today = todayIso(app.clock());
    const members = sittingMembers(app.db, today);
    if (!request.viewer) {
      return reply.page('home/public', {
        title: 'Leadership Board of mayors on migration',
        memberCount: members.length,
        boardSize: getSettings(app.db).boardSize,
      });
    }
    return reply.page('home/dashboard', {
      title: 'Dashboard',
      daysBetween,
      ...dashboardFor(app.db, request.viewer, today),
    });
  });
}
