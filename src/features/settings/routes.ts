import type { FastifyInstance, FastifyReply } from 'fastify';
import { MIGRATION_CONTEXTS } from '../../domain/reference.js';
import { type FieldErrors, type FormValues, keptInput } from '../../lib/forms.js';
import { answer } from '../../plugins/answer.js';
import { getSettings } from './settings.js';
import { updateBoardSettings } from './update-board-settings.js';
import { updateDiversitySettings } from './update-diversity-settings.js';

/** Every IANA zone the runtime knows, UTC first: the board picks one from the list. */
const TIME_ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];

export default async function settingsRoutes(app: FastifyInstance) {
  const manageSettings = { preHandler: app.requirePermission('manageSettings') };

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
      timeZone: settings.timeZone,
      jobIntervalMinutes: settings.jobIntervalMinutes,
    };
    const diversity = forms.diversity ?? { ...settings.diversity, enforcement: settings.enforcement };
    return reply.page(
      'settings/page',
      {
        title: 'Settings',
        board,
        diversity,
        contexts: MIGRATION_CONTEXTS,
        timeZones: TIME_ZONES,
        errors: { board: errors.board ?? {}, diversity: errors.diversity ?? {} },
      },
      status,
    );
  }

  app.get('/settings', manageSettings, async (_request, reply) => settingsPage(reply, {}, {}));

  app.post('/settings/diversity', manageSettings, async (request, reply) =>
    answer(reply, updateDiversitySettings(app.db, request.body, request.viewer!, app.clock()), {
      ok: () => reply.flash('The diversity rules are saved.').seeOther('/settings'),
      invalid: (errors) => {
        const values = keptInput(request.body);
        const contexts = values.requiredContexts;
        values.requiredContexts = Array.isArray(contexts) ? contexts : contexts ? [contexts] : [];
        return settingsPage(reply, { diversity: values }, { diversity: errors }, 422);
      },
    }),
  );

  app.post('/settings/board', manageSettings, async (request, reply) =>
    answer(reply, updateBoardSettings(app.db, request.body, request.viewer!, app.clock()), {
      ok: () => reply.flash('The board settings are saved.').seeOther('/settings'),
      invalid: (errors) => {
        const values = keptInput(request.body);
        values.timeZone ??= getSettings(app.db).timeZone;
        return settingsPage(reply, { board: values }, { board: errors }, 422);
      },
    }),
  );
}
