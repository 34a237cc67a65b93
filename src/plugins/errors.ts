// One place that turns failures into pages: 4xx keep their message, 5xx never show internals.
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (message = 'There is nothing at this address, or it is not yours to see.') =>
  new HttpError(404, message);
export const forbidden = (message = 'Your role does not give access to this page.') =>
  new HttpError(403, message);
export const conflict = (message: string) => new HttpError(409, message);

const TITLES: Record<number, string> = {
  400: 'Bad request',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Not possible now',
  413: 'Too large',
  415: 'Unsupported content',
  422: 'Check the form',
  429: 'Too many attempts',
};

export default fp(async function errorPages(app: FastifyInstance) {
  app.setNotFoundHandler((_request, reply) => {
    return reply.page(
      'errors/error',
      { title: TITLES[404], message: 'There is nothing at this address.' },
      404,
    );
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const statusCode = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (statusCode >= 500) request.log.error({ err: error }, 'request failed');
    const message =
      statusCode >= 500
        ? 'Something went wrong on our side. Nothing you sent was lost; please try again in a moment.'
        : error.message;
    if (
      request.headers.accept?.includes('application/json') &&
      !request.headers.accept.includes('text/html')
    ) {
      return reply.code(statusCode).send({ error: message });
    }
    return reply.page('errors/error', { title: TITLES[statusCode] ?? 'Error', message }, statusCode);
  });
});
