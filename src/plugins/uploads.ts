// multipart/form-data for the forms that carry a file (the nomination's supporting PDF). Fields
// land in request.body like a urlencoded form; a file lands as { filename, data } or, when it
// exceeds the limit, { filename, tooLarge: true }, so the form can say so beside the field (422).
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { MAX_DOCUMENT_BYTES } from '../features/nominations/documents.js';

async function readFilePart(part: MultipartFile & { value?: unknown }) {
  const data = await part.toBuffer();
  // With throwFileSizeLimit off, an oversized file arrives cut at the limit and marked truncated.
  part.value = part.file.truncated
    ? { filename: part.filename, tooLarge: true }
    : { filename: part.filename, data };
}

export default fp(async function uploads(app: FastifyInstance) {
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    onFile: readFilePart,
    throwFileSizeLimit: false,
    limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 60, fieldSize: 64 * 1024, parts: 61 },
  });
});
