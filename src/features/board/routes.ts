// The public board page: every seat in order, its member or that it is vacant (and open for
// nominations until when), with the composition charts.
import type { FastifyInstance } from 'fastify';
import { getSettings } from '../settings/settings.js';
import { allSeats } from '../terms/queries.js';
import { sittingMembers } from '../terms/sitting-members.js';
import { openVacancies } from '../vacancies/queries.js';
import { compositionBars } from './composition-chart.js';

export default async function boardRoutes(app: FastifyInstance) {
  app.get('/board', { config: { pageCache: true } }, async (_request, reply) => {
    const today = app.today();
    const members = sittingMembers(app.db, today);
    const settings = getSettings(app.db);
    const openSeats = openVacancies(app.db);
    const seatRows = allSeats(app.db).map((seat) => ({
      number: seat.number,
      member: members.find((member) => member.seatNumber === seat.number) ?? null,
      openVacancy: openSeats.find((row) => row.seatNumber === seat.number)?.vacancy ?? null,
    }));
    return reply.page('board/page', {
      title: 'The Leadership Board',
      members,
      seatRows,
      boardSize: settings.boardSize,
      timeZone: settings.timeZone,
      bars: compositionBars(members),
      today,
    });
  });
}
