// Reads the session cookie on every request and makes `request.viewer` (who is asking, with their
// role and rights) available; also the cookie's settings and the guards routes use
// (`app.requirePermission`). Whether a board member still sits is asked of the terms feature,
// which the app passes in: auth itself knows nothing of terms.
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { forbidden } from '../../plugins/errors.js';
import { type Permission, permissions, type Viewer } from './permissions.js';
import { SESSION_ABSOLUTE_MS, type ValidSession, validateSessionToken } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null;
    session: ValidSession | null;
  }
  interface FastifyReply {
    setSessionCookie(token: string): FastifyReply;
    clearSessionCookie(): FastifyReply;
  }
  interface FastifyInstance {
    /** Anonymous -> to /login; logged in without the permission -> 403. */
    requirePermission(permission: Permission): preHandlerAsyncHookHandler;
    requireLogin: preHandlerAsyncHookHandler;
  }
}

export interface SessionPluginOptions {
  /** Whether this board member has an active term at this instant. */
  isSittingMember: (userId: number, now: Date) => boolean;
}

export function sessionCookieName(production: boolean): string {
  // The __Host- prefix makes the browser refuse the cookie unless it is Secure, host-only, Path=/.
  return production ? '__Host-session' : 'session';
}

/**
 * Not logged in: a page goes to the login form and comes back afterwards. An htmx request (say a
 * screening decision made after the session expired) must not swap the login page into a table
 * row: it is told to load the login page instead, returning to the page the user was on.
 */
function redirectToLogin(request: FastifyRequest, reply: FastifyReply) {
  if (request.isHtmx) {
    const current = request.headers['hx-current-url'];
    let next = '/';
    if (typeof current === 'string') {
      try {
        const url = new URL(current);
        next = `${url.pathname}${url.search}`;
      } catch {
        next = '/';
      }
    }
    return reply
      .code(401)
      .header('hx-redirect', `/login?next=${encodeURIComponent(next)}`)
      .send();
  }
  const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
  return reply.code(303).redirect(`/login${next}`);
}

export default fp(async function sessionPlugin(app: FastifyInstance, options: SessionPluginOptions) {
  const cookieName = sessionCookieName(app.config.production);

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
    const result = validateSessionToken(app.db, token, now.getTime(), request.log);
    if (!result) {
      reply.clearSessionCookie();
      return;
    }
    const { user } = result;
    request.session = result.session;
    request.viewer = {
      id: user.id,
      role: user.role,
      email: user.email,
      displayName: user.displayName,
      cityId: user.cityId,
      partnerOrganisation: user.partnerOrganisation,
      sittingMember: user.role === 'board_member' && options.isSittingMember(user.id, now),
    };
  });

  // Pages for a logged-in user are private: never kept by a browser or a shared cache.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.viewer) reply.header('cache-control', 'no-store');
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
