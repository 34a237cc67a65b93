// What the request log may say about a request: never the secret an address carries. Invitation
// links and private calendar feeds are bearer secrets in the path; the log shows that there was
// one, not what it was.
import type { FastifyRequest } from 'fastify';

const SECRET_IN_PATH = /^(\/(?:invitations|calendar)\/)[^/?#]+/;

export function redactedUrl(url: string): string {
  return url.replace(SECRET_IN_PATH, '$1[secret]');
}

/** Fastify's request serializer, as the logger is given it. */
export function requestForLog(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactedUrl(request.url),
    remoteAddress: request.ip,
  };
}
