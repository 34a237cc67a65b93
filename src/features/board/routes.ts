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
    const openSeats = openVacancies(app.db);
    // Every seat in order: its member, or that it is vacant (and open for nominations until when).
    const seatRows = allSeats(app.db).map((seat) => ({
      number: seat.number,
      member: members.find((member) => member.seatNumber === seat.number) ?? null,
      openVacancy: openSeats.find((row) => row.seatNumber === seat.number)?.vacancy ?? null,
    }));
    return reply.page('board/page', {
      title: 'The Leadership Board',
      members,
      seatRows,
      boardSize,
      bars: compositionBars(members),
      today,
    });
  });
}
