// One place that turns failures into pages: 4xx keep their message, 5xx never show internals, and
// storage that cannot be written (a read-only database, a full disk) is said plainly as 503, once.
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { STATUS_TITLES, sendRefusal } from './answer.js';

/** For route handlers only (actions return refusals): a page that cannot be shown. */
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

export const STORAGE_UNAVAILABLE =
  'The board can’t save changes right now: its storage cannot be written. Your change was not saved. Please try again later; the secretariat has been told by the server’s log.';

const STORAGE_CODES =
  /^(SQLITE_(READONLY|IOERR|FULL|CANTOPEN|CORRUPT|NOTADB|PERM)|EACCES|EROFS|ENOSPC|EPERM|EDQUOT|ENOTDIR|EISDIR|EEXIST)/;

/** A failure of the disk or database underneath, not of the request. */
export function isStorageFailure(error: unknown): boolean {
  return (
    error instanceof Error && 'code' in error && STORAGE_CODES.test(String((error as { code: unknown }).code))
  );
}

// What the body parsers refuse, in words a person can act on.
const BODY_ERRORS: Record<string, { status: number; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    message: 'The app accepts forms only (application/x-www-form-urlencoded or multipart/form-data).',
  },
  FST_INVALID_MULTIPART_CONTENT_TYPE: {
    status: 415,
    message: 'The app accepts forms only (application/x-www-form-urlencoded or multipart/form-data).',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, message: 'What was sent is too large.' },
  FST_REQ_FILE_TOO_LARGE: { status: 413, message: 'The file is too large.' },
  FST_FILES_LIMIT: { status: 413, message: 'Send at most one file.' },
  FST_PARTS_LIMIT: { status: 413, message: 'The form has too many parts.' },
  FST_FIELDS_LIMIT: { status: 413, message: 'The form has too many fields.' },
  FST_PROTO_VIOLATION: { status: 400, message: 'The form could not be read.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, message: 'The form could not be read.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, message: 'The form could not be read.' },
};

// busboy reports a malformed multipart body with a plain Error; it is the client's mistake.
const MALFORMED_MULTIPART =
  /^(Unexpected end of form|Malformed part header|Multipart: Boundary not found|Unexpected end of multipart data|Part terminated early)/;

function classify(error: FastifyError): { status: number; message: string; logAs?: 'error' } {
  if (isStorageFailure(error)) return { status: 503, message: STORAGE_UNAVAILABLE, logAs: 'error' };
  const known = error.code ? BODY_ERRORS[error.code] : undefined;
  if (known) return known;
  if (MALFORMED_MULTIPART.test(error.message ?? ''))
    return { status: 400, message: 'The form could not be read: its multipart body is malformed.' };
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    // Fastify's own messages for other client errors are technical: say what happened plainly.
    const message =
      error instanceof HttpError ? error.message : (STATUS_TITLES[error.statusCode] ?? 'Bad request');
    return { status: error.statusCode, message };
  }
  return {
    status: 500,
    message: 'Something went wrong on our side, and your change was not saved. Please try again in a moment.',
    logAs: 'error',
  };
}

export default fp(async function errorPages(app: FastifyInstance) {
  app.setNotFoundHandler((_request, reply) =>
    sendRefusal(reply, { status: 404, message: 'There is nothing at this address.' }),
  );

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, message, logAs } = classify(error);
    if (logAs === 'error')
      request.log.error({ err: error }, status === 503 ? 'storage unavailable' : 'request failed');
    if (
      request.headers.accept?.includes('application/json') &&
      !request.headers.accept.includes('text/html')
    ) {
      return reply.code(status).send({ error: message });
    }
    return sendRefusal(reply, { status, message });
  });
});
