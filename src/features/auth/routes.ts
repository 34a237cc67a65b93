// Logging in and out. The login form comes back with 401 (one message for a wrong e-mail or
// password), 422 (a field missing) or 429 (paused after too many failures).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { firstValue, formBody, safeLocalPath } from '../../lib/forms.js';
import { deriveKey } from '../../lib/server-secret.js';
import { answer } from '../../plugins/answer.js';
import { DEVICE_COOKIE_MAX_AGE_SECONDS, deviceCookieName } from './device-cookie.js';
import { logIn } from './log-in.js';
import { logOut } from './log-out.js';

export default async function authRoutes(app: FastifyInstance) {
  const deviceKey = deriveKey(app.serverSecret, 'device-cookie');
  const deviceCookie = deviceCookieName(app.config.production);

  function loginPage(
    reply: FastifyReply,
    values: { email?: string; next: string },
    errors: Record<string, string>,
    formError?: string,
    status = 200,
  ) {
    return reply.page('auth/login', { title: 'Log in', values, errors, formError }, status);
  }

  app.get<{ Querystring: { next?: string } }>('/login', async (request, reply) => {
    const next = safeLocalPath(request.query.next);
    if (request.viewer) return reply.seeOther(next);
    return loginPage(reply, { next }, {});
  });

  app.post('/login', async (request, reply) => {
    const body = formBody(request.body);
    const next = safeLocalPath(firstValue(body.next));
    const values = { email: firstValue(body.email), next };
    const result = await logIn(
      app.db,
      body,
      {
        clientAddress: request.ip,
        deviceCookie: request.cookies[deviceCookie],
        deviceKey,
        previousSessionId: request.session?.id ?? null,
      },
      app.clock(),
    );
    return answer(reply, result, {
      ok: ({ token, deviceCookie: device }) => {
        reply.setSessionCookie(token);
        reply.setCookie(deviceCookie, device, {
          httpOnly: true,
          sameSite: 'strict',
          path: '/',
          secure: app.config.production,
          maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
        });
        return reply.seeOther(next);
      },
      invalid: (errors) => loginPage(reply, values, errors, undefined, 422),
      refused: (refusal) => {
        if (refusal.retryAfterSeconds) reply.header('retry-after', String(refusal.retryAfterSeconds));
        return loginPage(reply, values, {}, refusal.message, refusal.status);
      },
    });
  });

  app.post('/logout', async (request, reply) => {
    const result = logOut(app.db, request.session, request.viewer, app.clock());
    return answer(reply, result, {
      ok: () => {
        reply.clearSessionCookie();
        reply.flash('You are logged out.', 'info');
        return reply.seeOther('/login');
      },
    });
  });
}
