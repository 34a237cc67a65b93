import type { FastifyInstance } from 'fastify';
import { daysBetween } from '../../domain/dates.js';
import { getSettings } from '../settings/settings.js';
import { sittingMembers } from '../terms/sitting-members.js';
import { openVacancies } from '../vacancies/queries.js';
import { dashboardFor } from './dashboard.js';

export default async function homeRoutes(app: FastifyInstance) {
  // Browsers ask for /favicon.ico on a first visit whatever the page links: answer, not 404.
  app.get('/favicon.ico', async (_request, reply) => reply.code(301).redirect('/static/favicon.svg'));

  app.get('/', async (request, reply) => {
    const today = app.today();
    if (!request.viewer) {
      const { boardSize, termLengthMonths, timeZone } = getSettings(app.db);
      return reply.page('home/public', {
        title: 'Leadership Board of mayors on migration',
        memberCount: sittingMembers(app.db, today).length,
        boardSize,
        termLengthMonths,
        timeZone,
        today,
        daysBetween,
        openSeats: openVacancies(app.db),
      });
    }
    return reply.page('home/dashboard', {
      title: 'Dashboard',
      daysBetween,
      ...dashboardFor(app.db, request.viewer, today),
    });
  });
}
