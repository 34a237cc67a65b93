import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { cities } from '../../db/schema.js';
import { regionOf } from '../../domain/countries.js';
import { formBody } from '../../lib/forms.js';
import { changePassword } from './change-password.js';

export default async function accountRoutes(app: FastifyInstance) {
  function cityOf(cityId: number | null) {
    const city = cityId ? app.db.select().from(cities).where(eq(cities.id, cityId)).get() : undefined;
    return city ? { ...city, region: regionOf(city.country) } : null;
  }

  app.get('/account', { preHandler: app.requireLogin }, async (request, reply) => {
    const user = request.user!;
    return reply.page('accounts/account', { title: 'Your account', city: cityOf(user.cityId), errors: {} });
  });

  app.post('/account/password', { preHandler: app.requireLogin }, async (request, reply) => {
    const user = request.user!;
    const body = formBody(request.body);
    const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    const result = await changePassword(
      app.db,
      user,
      {
        currentPassword: text('currentPassword'),
        newPassword: text('newPassword'),
        confirmPassword: text('confirmPassword'),
        clientAddress: request.ip,
      },
      app.clock(),
    );
    if (!result.ok && 'throttled' in result) {
      reply.header('retry-after', String(result.retryAfterSeconds));
      return reply.page(
        'accounts/account',
        {
          title: 'Your account',
          city: cityOf(user.cityId),
          errors: {
            currentPassword: 'Too many wrong passwords: for your security, try again in a few minutes.',
          },
        },
        429,
      );
    }
    if (!result.ok) {
      return reply.page(
        'accounts/account',
        { title: 'Your account', city: cityOf(user.cityId), errors: result.errors },
        422,
      );
    }
    reply.setSessionCookie(result.token);
    reply.flash('Your password is changed. Every other session of yours has been logged out.');
    return reply.seeOther('/account');
  });
}
