import type { FastifyInstance, FastifyReply } from 'fastify';
import { MIGRATION_CONTEXTS } from '../../domain/reference.js';
import type { FieldErrors, FormValues } from '../../lib/forms.js';
import { formBody } from '../../lib/forms.js';
import { HttpError } from '../../plugins/errors.js';
import { actorOf } from '../audit/actor.js';
import { getSettings } from './settings.js';
import { readDiversityForm, updateBoardSettings, updateDiversitySettings } from './update-settings.js';

export default async function settingsRoutes(app: FastifyInstance) {
  function settingsPage(
    reply: FastifyReply,
    forms: { board?: FormValues; diversity?: FormValues },
    errors: { board?: FieldErrors; diversity?: FieldErrors },
    status = 200,
  ) {
    const settings = getSettings(app.db);
    const board = forms.board ?? {
      boardSize: settings.boardSize,
      termLengthMonths: settings.termLengthMonths,
      termLimit: settings.termLimit ?? '',
      alertThresholdsDays: settings.alertThresholdsDays.join(', '),
    };
    const diversity = forms.diversity ?? { ...settings.diversity, enforcement: settings.enforcement };
    return reply.page(
      'settings/page',
      {
        title: 'Settings',
        board,
        diversity,
        contexts: MIGRATION_CONTEXTS,
        errors: { board: errors.board ?? {}, diversity: errors.diversity ?? {} },
      },
      status,
    );
  }

  app.get('/settings', { preHandler: app.requirePermission('manageSettings') }, async (_request, reply) =>
    settingsPage(reply, {}, {}),
  );

  app.post(
    '/settings/diversity',
    { preHandler: app.requirePermission('manageSettings') },
    async (request, reply) => {
      const result = updateDiversitySettings(app.db, request.body, actorOf(request.user!), app.clock());
      if (!result.ok) {
        if (result.status !== 422) throw new HttpError(result.status, result.message);
        return settingsPage(
          reply,
          { diversity: readDiversityForm(request.body) },
          { diversity: result.errors },
          422,
        );
      }
      reply.flash('The diversity rules are saved.');
      return reply.seeOther('/settings');
    },
  );

  app.post(
    '/settings/board',
    { preHandler: app.requirePermission('manageSettings') },
    async (request, reply) => {
      const result = updateBoardSettings(app.db, request.body, actorOf(request.user!), app.clock());
      if (!result.ok) {
        if (result.status !== 422) throw new HttpError(result.status, result.message);
        return settingsPage(reply, { board: formBody(request.body) }, { board: result.errors }, 422);
      }
      reply.flash('The board settings are saved.');
      return reply.seeOther('/settings');
    },
  );
}
