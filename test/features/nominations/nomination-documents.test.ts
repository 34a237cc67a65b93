import fs from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import {
  bogotaForm,
  FIVE_MB,
  fieldError,
  fieldsWithErrors,
  idFromLocation,
  NOW,
  nominationRow,
  nominationState,
  PDF_BYTES,
  PNG_BYTES,
  pdfOfSize,
  postMultipart,
  type Upload,
  uploadedFiles,
  uploadsFolder,
} from './nomination-records.js';

/** Reads a binary response body into a Buffer, whatever its content type. */
function asBuffer(response: supertest.Response, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('a supporting document (PDF) attached to a nomination', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  async function nominateWithLetter(upload: Upload = { data: PDF_BYTES, filename: 'letter.pdf' }) {
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await postMultipart(bogota, '/nominations', bogotaForm(), upload);
    expect(response.status).toBe(303);
    return { bogota, id: idFromLocation(response.headers.location) };
  }

  it('is stored under the data folder’s uploads with a random name, never the name it was uploaded with', async () => {
    const { id } = await nominateWithLetter();

    const files = uploadedFiles(t);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{32}\.pdf$/);
    expect(files[0]).not.toContain('letter');
    expect(fs.readFileSync(path.join(uploadsFolder(t), files[0]!))).toEqual(PDF_BYTES);
    expect(nominationRow(t, id)).toMatchObject({
      documentFile: files[0],
      documentName: 'letter.pdf',
      documentSize: PDF_BYTES.length,
      status: 'submitted',
    });
  });

  it('is served as an attachment to its nominator and to the secretariat', async () => {
    const { bogota, id } = await nominateWithLetter();
    const page = await bogota.get(`/nominations/${id}`);
    expect(page.text).toContain(`href="/nominations/${id}/document"`);

    for (const viewer of [bogota, await logInAs(t, 'secretariat')]) {
      const response = await viewer.get(`/nominations/${id}/document`).buffer(true).parse(asBuffer);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/pdf/);
      expect(response.headers['content-disposition']).toMatch(/^attachment; filename="letter\.pdf"$/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.body).toEqual(PDF_BYTES);
    }
  });

  it('is hidden (404) from another nominator and from a board member while the nomination is not shortlisted', async () => {
    const { id } = await nominateWithLetter();
    for (const account of ['nominator.zurich', 'mayor.milan']) {
      const response = await (await logInAs(t, account)).get(`/nominations/${id}/document`);
      expect(response.status, account).toBe(404);
      expect(response.text, account).not.toContain('%PDF');
    }
    const anonymous = await supertest(t.app.server).get(`/nominations/${id}/document`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login/);
  });

  it('offers an uploaded file name with path parts and quotes only in a harmless form', async () => {
    const { bogota, id } = await nominateWithLetter({ data: PDF_BYTES, filename: '../../"evil";.pdf' });
    expect(uploadedFiles(t)).toEqual([expect.stringMatching(/^[0-9a-f]{32}\.pdf$/)]);
    expect(fs.existsSync(path.join(t.config.dataDir, '..', 'evil.pdf'))).toBe(false);
    const response = await bogota.get(`/nominations/${id}/document`).buffer(true).parse(asBuffer);
    expect(response.status).toBe(200);
    const disposition = response.headers['content-disposition'] as string;
    expect(disposition).toMatch(/^attachment; filename="[^"/\\]+"$/);
  });

  it('answers 404 for the document of a nomination that has none', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    // A draft without a letter beside the city's nomination with one (a draft is not its nomination).
    const without = await bogota.post('/nominations', bogotaForm({ consent: undefined, intent: 'draft' }));
    expect(without.status).toBe(303);
    await nominateWithLetter();
    expect(uploadedFiles(t)).toHaveLength(1);
    expect((await bogota.get(`${without.headers.location}/document`)).status).toBe(404);
  });

  it('keeps the document of a draft from the secretariat (404) until the draft is submitted', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const draft = await postMultipart(
      bogota,
      '/nominations',
      bogotaForm({ consent: undefined, intent: 'draft' }),
      { data: PDF_BYTES },
    );
    expect(draft.status).toBe(303);
    const id = idFromLocation(draft.headers.location);
    expect((await bogota.get(`/nominations/${id}/document`)).status).toBe(200);
    const secretariat = await logInAs(t, 'secretariat');
    expect((await secretariat.get(`/nominations/${id}/document`)).status).toBe(404);

    expect((await bogota.post(`/nominations/${id}`, bogotaForm())).status).toBe(303);
    const response = await secretariat.get(`/nominations/${id}/document`).buffer(true).parse(asBuffer);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(PDF_BYTES);
  });

  it('refuses a file that is not a PDF, whatever its name and claimed type (422 beside the document), storing nothing', async () => {
    const before = nominationState(t);
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await postMultipart(bogota, '/nominations', bogotaForm(), {
      data: PNG_BYTES,
      filename: 'letter.pdf',
      contentType: 'application/pdf',
    });
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['document']);
    expect(fieldError(response.text, 'document')).toContain('PDF');
    expect(response.text).toContain('value="Carlos Fernando Galán"');
    expect(nominationState(t)).toBe(before);
    expect(uploadedFiles(t)).toEqual([]);
  });

  it('refuses a file over 5 MB (422 beside the document, not 413 or 500), storing nothing', async () => {
    const before = nominationState(t);
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await postMultipart(bogota, '/nominations', bogotaForm(), {
      data: pdfOfSize(FIVE_MB + 1024),
    });
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['document']);
    expect(fieldError(response.text, 'document')).toContain('5 MB');
    expect(response.text).toContain('value="Carlos Fernando Galán"');
    expect(nominationState(t)).toBe(before);
    expect(uploadedFiles(t)).toEqual([]);
  });

  it('refuses a file well over the limit (8 MB) the same way: 422 beside the document', async () => {
    const before = nominationState(t);
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await postMultipart(bogota, '/nominations', bogotaForm(), {
      data: pdfOfSize(8 * 1024 * 1024),
    });
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['document']);
    expect(nominationState(t)).toBe(before);
  });

  it('accepts a PDF of exactly 5 MB', async () => {
    const { id } = await nominateWithLetter({ data: pdfOfSize(FIVE_MB), filename: 'letter.pdf' });
    expect(nominationRow(t, id)!.documentSize).toBe(FIVE_MB);
    expect(uploadedFiles(t)).toHaveLength(1);
  });

  it('stores no file when another field is refused', async () => {
    const before = nominationState(t);
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await postMultipart(bogota, '/nominations', bogotaForm({ nomineeEmail: 'nope' }), {
      data: PDF_BYTES,
    });
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['nomineeEmail']);
    expect(nominationState(t)).toBe(before);
    expect(uploadedFiles(t)).toEqual([]);
  });

  it('stores no file when the city is already nominated (409)', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    expect((await bogota.post('/nominations', bogotaForm())).status).toBe(303);
    const response = await postMultipart(
      bogota,
      '/nominations',
      bogotaForm({ nomineeName: 'Another Nominee' }),
      { data: PDF_BYTES },
    );
    expect(response.status).toBe(409);
    expect(uploadedFiles(t)).toEqual([]);
  });

  it('stores no file when the city is not the nominator’s own (422 beside the city)', async () => {
    const before = nominationState(t);
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await postMultipart(bogota, '/nominations', bogotaForm({ cityName: 'Medellín' }), {
      data: PDF_BYTES,
    });
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['cityName']);
    expect(nominationState(t)).toBe(before);
    expect(uploadedFiles(t)).toEqual([]);
  });
});
