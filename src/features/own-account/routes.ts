// The logged-in user's own account: details, password, and the address of their calendar feed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { deriveKey } from '../../lib/server-secret.js';
import { answer } from '../../plugins/answer.js';
import { deviceCookieName } from '../auth/device-cookie.js';
import { feedContents } from '../calendar/calendar-feed.js';
import { calendarFeedKey, feedUrlOf } from '../calendar/feed-token.js';
import { cityById } from '../cities/queries.js';
import { changePassword } from './change-password.js';

export default async function ownAccountRoutes(app: FastifyInstance) {
  const deviceKey = deriveKey(app.serverSecret, 'device-cookie');
  const calendarKey = calendarFeedKey(app.serverSecret);

  function accountPage(
    request: FastifyRequest,
    reply: FastifyReply,
    errors: Record<string, string> = {},
    status = 200,
  ) {
    const viewer = request.viewer!;
    const calendar = {
      url: feedUrlOf(app.db, calendarKey, app.config.publicOrigin, viewer.id),
      contents: feedContents(viewer),
    };
    return reply.page(
      'own-account/account',
      { title: 'Your account', city: cityById(app.db, viewer.cityId), calendar, errors },
      status,
    );
  }

  app.get('/account', { preHandler: app.requireLogin }, async (request, reply) =>
    accountPage(request, reply),
  );

  app.post('/account/password', { preHandler: app.requireLogin }, async (request, reply) => {
    const result = await changePassword(
      app.db,
      request.body,
      request.viewer!,
      {
        clientAddress: request.ip,
        deviceCookie: request.cookies[deviceCookieName(app.config.production)],
        deviceKey,
      },
      app.clock(),
    );
    return answer(reply, result, {
      ok: ({ token }) => {
        reply.setSessionCookie(token);
        reply.flash('Your password is changed. Every other session of yours has been logged out.');
        return reply.seeOther('/account');
      },
      invalid: (errors) => accountPage(request, reply, errors, 422),
      refused: (refusal) => {
        if (refusal.status !== 429) return null;
        reply.header('retry-after', String(refusal.retryAfterSeconds));
        return accountPage(request, reply, { currentPassword: refusal.message }, 429);
      },
    });
  });
}
