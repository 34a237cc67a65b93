// The private calendar feed (`GET /calendar/<token>.ics`, CONTRACT.md) and the regeneration of
// its address from the account page. The feed needs no session: calendar apps send no cookie,
// so the signed address is the credential, and the answer sets no cookie either.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { answer } from '../../plugins/answer.js';
import { calendarFeedFor } from './calendar-feed.js';
import { calendarFeedKey, feedHolder } from './feed-token.js';
import { regenerateCalendarFeed } from './regenerate-calendar-feed.js';

// Private to the one holder, and never kept by a shared cache or on disk: a cached copy would
// outlive a regenerated address, and a shared one would hand the dates to others.
function privateAnswer(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'private, no-store').header('x-robots-tag', 'noindex');
}

export default async function calendarRoutes(app: FastifyInstance) {
  const key = calendarFeedKey(app.serverSecret);

  app.get<{ Params: { file: string } }>('/calendar/:file', async (request, reply) => {
    const holder = feedHolder(app.db, key, request.params.file);
    if (!holder) {
      // Plain text, not the app's error page: the reader is usually a calendar app, and the page
      // would bring the layout's session and flash handling to a route that must stay cookie-free.
      // One answer for every way of being wrong, so a guesser learns nothing from it.
      return privateAnswer(reply)
        .code(404)
        .type('text/plain; charset=utf-8')
        .send(
          'There is no calendar feed at this address. If you subscribed to it before, its owner may have made a new address: they find it on their account page.',
        );
    }
    const feed = calendarFeedFor(app.db, holder, { origin: app.config.publicOrigin, now: app.clock() });
    return privateAnswer(reply).type('text/calendar; charset=utf-8').send(feed);
  });

  app.post('/account/calendar', { preHandler: app.requireLogin }, async (request, reply) =>
    answer(reply, regenerateCalendarFeed(app.db, request.viewer!, app.clock()), {
      ok: () =>
        reply
          .flash(
            'Your calendar feed has a new address, shown on this page. The old address stopped working at once: give the new one to your calendar app.',
          )
          .seeOther('/account'),
    }),
  );
}
