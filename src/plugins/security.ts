// Security headers (a CSP with no inline script), and the forged-request check: every request
// that can change state must come from the app's own pages, before any handler runs.
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Browsers say where a request comes from in Sec-Fetch-Site; when they send it, it decides.
 * Chromium sends `Origin: null` on same-origin form posts under `Referrer-Policy: no-referrer`,
 * so Origin alone would lock real users out. Clients without Sec-Fetch-Site (scripts, older
 * browsers) must send an Origin equal to ours.
 */
export function isSameOriginRequest(request: FastifyRequest, acceptedOrigins: readonly string[]): boolean {
  const fetchSite = request.headers['sec-fetch-site'];
  if (typeof fetchSite === 'string') return fetchSite === 'same-origin';
  const origin = request.headers.origin;
  return typeof origin === 'string' && acceptedOrigins.includes(origin);
}

export default fp(async function security(app: FastifyInstance) {
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        upgradeInsecureRequests: app.config.production ? [] : null,
      },
    },
    strictTransportSecurity: app.config.production,
    // The same as frame-ancestors 'none', for browsers that read only the older header.
    frameguard: { action: 'deny' },
  });

  app.addHook('onRequest', async (request, reply) => {
    if (SAFE_METHODS.has(request.method)) return;
    if (isSameOriginRequest(request, app.config.acceptedOrigins)) return;
    request.log.warn(
      { origin: request.headers.origin, fetchSite: request.headers['sec-fetch-site'] },
      'cross-origin request refused',
    );
    return reply
      .code(403)
      .type('text/plain; charset=utf-8')
      .send('This request did not come from the board application’s own pages, so it was refused.');
  });
});
