// multipart/form-data for the forms that carry a file (the nomination's supporting PDF). Fields
// land in request.body like a urlencoded form; a file lands as { filename, data } or, when it
// exceeds the limit, { filename, tooLarge: true }, so the form can say so beside the field (422).
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { MAX_DOCUMENT_BYTES } from '../features/nominations/documents.js';

async function readFilePart(part: MultipartFile & { value?: unknown }) {
  try {
    part.value = { filename: part.filename, data: await part.toBuffer() };
  } catch (error) {
    if ((error as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw error;
    part.value = { filename: part.filename, tooLarge: true };
  }
}

export default fp(async function uploads(app: FastifyInstance) {
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    onFile: readFilePart,
    limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 60, fieldSize: 64 * 1024, parts: 61 },
  });
});
