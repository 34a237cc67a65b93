import type { FastifyInstance } from 'fastify';
import { todayIso } from '../../domain/dates.js';
import { getSettings } from '../settings/settings.js';
import { allSeats } from '../terms/queries.js';
import { openVacancies } from '../vacancies/queries.js';
import { compositionBars } from './composition-chart.js';
import { sittingMembers } from './sitting-members.js';

export default async function boardRoutes(app: FastifyInstance) {
  app.get('/board', async (_request, reply) => {
    const today = todayIso(app.clock());
    const members = sittingMembers(app.db, today);
    const { boardSize } = getSettings(app.db);
    const occupied = new Set(members.map((member) => member.seatNumber));
    const openSeats = openVacancies(app.db);
    const vacantSeats = allSeats(app.db)
      .filter((seat) => !occupied.has(seat.number))
      .map((seat) => ({
        number: seat.number,
        openVacancy: openSeats.find((row) => row.seatNumber === seat.number)?.vacancy ?? null,
      }));
    return reply.page('board/page', {
      title: 'The Leadership Board',
      members,
      vacantSeats,
      boardSize,
      bars: compositionBars(members),
      today,
    });
  });
}
