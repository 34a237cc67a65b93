import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseForm, safeLocalPath } from '../../lib/forms.js';
import { actorOf } from '../audit/actor.js';
import { recordAudit } from '../audit/audit-log.js';
import { logIn } from './log-in.js';
import { invalidateSession } from './sessions.js';

const loginForm = z.object({
  email: z
    .string({ error: 'Enter your e-mail address.' })
    .trim()
    .min(1, 'Enter your e-mail address.')
    .max(254, 'That e-mail address is too long.'),
  password: z
    .string({ error: 'Enter your password.' })
    .min(1, 'Enter your password.')
    .max(1024, 'That password is too long.'),
  next: z.string().optional(),
});

const WRONG_CREDENTIALS =
  'That e-mail address and password do not match an account. Check both and try again.';

export default async function authRoutes(app: FastifyInstance) {
  app.get<{ Querystring: { next?: string } }>('/login', async (request, reply) => {
    if (request.viewer) return reply.seeOther(safeLocalPath(request.query.next));
    return reply.page('auth/login', {
      title: 'Log in',
      values: { next: safeLocalPath(request.query.next) },
      errors: {},
    });
  });

  app.post('/login', async (request, reply) => {
    const form = parseForm(loginForm, request.body);
    if (!form.ok) {
      return reply.page(
        'auth/login',
        { title: 'Log in', values: { ...form.values, password: '' }, errors: form.errors },
        422,
      );
    }
    const next = safeLocalPath(form.data.next);
    const result = await logIn(
      app.db,
      {
        email: form.data.email,
        password: form.data.password,
        clientAddress: request.ip,
        previousSessionId: request.session?.id ?? null,
      },
      app.clock(),
    );
    if (!result.ok) {
      const values = { email: form.data.email, next };
      if (result.reason === 'throttled') {
        const minutes = Math.ceil(result.retryAfterSeconds / 60);
        reply.header('retry-after', String(result.retryAfterSeconds));
        return reply.page(
          'auth/login',
          {
            title: 'Log in',
            values,
            errors: {},
            formError: `Too many failed attempts. For your security, logging in is paused; try again in about ${minutes} minute${minutes === 1 ? '' : 's'}.`,
          },
          429,
        );
      }
      return reply.page(
        'auth/login',
        { title: 'Log in', values, errors: {}, formError: WRONG_CREDENTIALS },
        401,
      );
    }
    reply.setSessionCookie(result.token);
    return reply.seeOther(next);
  });

  app.post('/logout', async (request, reply) => {
    const { user, session } = request;
    if (user && session) {
      app.db.transaction((tx) => {
        invalidateSession(tx, session.id);
        recordAudit(tx, {
          actor: actorOf(user),
          action: 'auth.logout',
          subjectType: 'user',
          subjectId: user.id,
          at: app.clock(),
        });
      });
    }
    reply.clearSessionCookie();
    reply.flash('You are logged out.', 'info');
    return reply.seeOther('/login');
  });
}
