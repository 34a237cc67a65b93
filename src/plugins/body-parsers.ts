// Forms are the only bodies the app reads (CONTRACT.md, "HTTP"): urlencoded, or multipart where a
// file is uploaded. Fastify's JSON and text parsers are removed, so any other body type gets 415.
// Multipart fields land in request.body like a urlencoded form; a file lands as
// { filename, data } or, beyond the size limit, { filename, tooLarge: true }, so that the form can
// say so beside the field (422).
import formbody from '@fastify/formbody';
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface BodyParserOptions {
  /** The largest file a form may carry. */
  maxFileBytes: number;
}

async function readFilePart(part: MultipartFile & { value?: unknown }) {
  const data = await part.toBuffer();
  // With throwFileSizeLimit off, an oversized file arrives cut at the limit and marked truncated.
  part.value = part.file.truncated
    ? { filename: part.filename, tooLarge: true }
    : { filename: part.filename, data };
}

export default fp(async function bodyParsers(app: FastifyInstance, options: BodyParserOptions) {
  app.removeAllContentTypeParsers();
  await app.register(formbody);
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    onFile: readFilePart,
    throwFileSizeLimit: false,
    limits: { fileSize: options.maxFileBytes, files: 1, fields: 60, fieldSize: 64 * 1024, parts: 61 },
  });
});
