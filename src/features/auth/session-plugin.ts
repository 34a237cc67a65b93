// Reads the session cookie on every request and makes `request.user` and `request.viewer`
// available; also the cookie's settings and the guards routes use (`app.requireRole`).
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { terms } from '../db/schema.js';
import { todayIso } from '../domain/dates.js';
import type { Role } from '../domain/reference.js';
import { type Permission, permissions, type Viewer } from '../features/auth/permissions.js';
import {
  SESSION_ABSOLUTE_MS,
  type SessionUser,
  type ValidSession,
  validateSessionToken,
} from '../features/auth/sessions.js';
import { termActiveOn } from '../features/terms/term-active-sql.js';
import { forbidden } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: SessionUser | null;
    viewer: Viewer | null;
    session: ValidSession | null;
  }
  interface FastifyReply {
    setSessionCookie(token: string): FastifyReply;
    clearSessionCookie(): FastifyReply;
  }
  interface FastifyInstance {
    /** Anonymous -> 303 to /login; logged in without the permission -> 403. */
    requirePermission(permission: Permission): preHandlerAsyncHookHandler;
    requireLogin: preHandlerAsyncHookHandler;
  }
}

export function sessionCookieName(production: boolean): string {
  // The __Host- prefix makes the browser refuse the cookie unless it is Secure, host-only, Path=/.
  return production ? '__Host-session' : 'session';
}

function redirectToLogin(request: FastifyRequest, reply: FastifyReply) {
  const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
  return reply.code(303).redirect(`/login${next}`);
}

export default fp(async function sessionsPlugin(app: FastifyInstance) {
  const cookieName = sessionCookieName(app.config.production);

  app.decorateRequest('user', null);
  app.decorateRequest('viewer', null);
  app.decorateRequest('session', null);

  app.decorateReply('setSessionCookie', function (this: FastifyReply, token: string) {
    this.setCookie(cookieName, token, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: app.config.production,
      // It is set when a session starts, so its life is the session's absolute cap; the idle
      // expiry slides on the server, which the cookie need not know about.
      maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000),
    });
    return this;
  });

  app.decorateReply('clearSessionCookie', function (this: FastifyReply) {
    this.clearCookie(cookieName, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: app.config.production,
    });
    return this;
  });

  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[cookieName];
    if (!token) return;
    const now = app.clock();
    const result = validateSessionToken(app.db, token, now.getTime());
    if (!result) {
      reply.clearSessionCookie();
      return;
    }
    request.session = result.session;
    request.user = result.user;
    const today = todayIso(now);
    const activeTerm =
      result.user.role === 'board_member'
        ? app.db
            .select({ id: terms.id })
            .from(terms)
            .where(and(eq(terms.userId, result.user.id), termActiveOn(today)))
            .get()
        : undefined;
    request.viewer = {
      id: result.user.id,
      role: result.user.role as Role,
      sittingMember: Boolean(activeTerm),
    };
  });

  // Pages for a logged-in user are private: never kept by a browser or a shared cache.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.user) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.decorate('requireLogin', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.viewer) return redirectToLogin(request, reply);
  });

  app.decorate('requirePermission', (permission: Permission) => {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      if (!request.viewer) return redirectToLogin(request, reply);
      if (!permissions[permission](request.viewer)) throw forbidden();
    };
  });
});
