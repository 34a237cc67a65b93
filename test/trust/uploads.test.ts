// Uploads that are not what they claim, or that try to land somewhere else: each is refused beside
// the document field with nothing stored (no nomination, no file), or stored under a random name
// inside the uploads folder and served only as a PDF attachment (nosniff, a harmless file name),
// only to those who may see the nomination. Bodies are written byte by byte, as a client that is
// not a browser may send them.
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nominations, users } from '../../src/db/schema.js';
import { demoEmail } from '../../src/demo/seed-demo.js';
import {
  bogotaForm,
  FIVE_MB,
  fieldError,
  fieldsWithErrors,
  NOW,
  nominationState,
  PDF_BYTES,
  pdfOfSize,
  uploadedFiles,
  uploadsFolder,
} from '../features/nominations/nomination-records.js';
import { logInAs, makeTestApp, ORIGIN, type TestApp } from '../helpers/app.js';
import { activeMarkup, escapingProblem, PAYLOADS } from './hostile-corpus.js';

type Browser = Awaited<ReturnType<typeof logInAs>>;

interface FilePart {
  field?: string;
  filename: string;
  data: Buffer;
  contentType?: string;
}

const BOUNDARY = '----hostile-upload-7d1f';

// A browser writes a file name inside quotes with `"`, CR and LF percent-encoded (WHATWG, "multipart
// form-data"); the bytes otherwise go as they are: a NUL, a backslash, right-to-left marks.
function quotedName(name: string): string {
  return name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A multipart body: the text fields, then the files, then the consent box and button. */
function multipartBody(form: Record<string, string | string[]>, files: FilePart[]): Buffer {
  const parts: Buffer[] = [];
  const field = (name: string, value: string) =>
    parts.push(
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  const late = ['consent', 'intent'];
  for (const [name, value] of Object.entries(form))
    if (!late.includes(name)) for (const item of Array.isArray(value) ? value : [value]) field(name, item);
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${file.field ?? 'document'}"; filename="${quotedName(file.filename)}"\r\nContent-Type: ${file.contentType ?? 'application/pdf'}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  for (const name of late) if (form[name] !== undefined) field(name, form[name] as string);
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(parts);
}

function postUpload(
  browser: Browser,
  url: string,
  form: Record<string, string | string[]>,
  files: FilePart[],
) {
  return browser.agent
    .post(url)
    .set('Origin', ORIGIN)
    .set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`)
    .send(multipartBody(form, files));
}

/** A download as bytes, with its headers. */
async function download(request: supertest.Test) {
  return request.buffer(true).parse((response, callback) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => callback(null, Buffer.concat(chunks)));
  });
}

/** Every file under the data folder (the database and its journal aside). */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !/^board\.db(-wal|-shm|-journal)?$/.test(entry.name))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

const HTML = Buffer.from('<!doctype html><html><body><script>window.__pwned=1</script></body></html>\n');
const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=1"><script>window.__pwned=1</script></svg>\n',
);
/** Starts as a PDF (so the content check accepts it) and carries a page with a script after. */
const PDF_HTML_POLYGLOT = Buffer.concat([
  PDF_BYTES,
  Buffer.from(
    '<html><body><script>window.__pwned=1</script><img src=x onerror=window.__pwned=1></body></html>\n',
  ),
]);
/** A page first, a PDF after it: browsers sniff it as HTML, PDF readers still find the PDF. */
const HTML_PDF_POLYGLOT = Buffer.concat([HTML, PDF_BYTES]);

/** What Content-Disposition may offer: an attachment with a plain .pdf name, nothing a path or header could use. */
const SAFE_DISPOSITION = /^attachment; filename="(?!\.)[A-Za-z0-9_ .-]{1,80}\.pdf"$/;

describe('uploads that are not a single PDF', () => {
  let t: TestApp;
  let bogota: Browser;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
    bogota = await logInAs(t, 'nominator.bogota');
  });
  afterAll(async () => t.close());

  const refusedAsNotAPdf: Array<[string, FilePart]> = [
    ['an SVG image', { filename: 'letter.svg', data: SVG, contentType: 'image/svg+xml' }],
    ['an SVG image named .pdf, claimed a PDF', { filename: 'letter.pdf', data: SVG }],
    ['an HTML page', { filename: 'letter.html', data: HTML, contentType: 'text/html' }],
    ['an HTML page named x.pdf, claimed a PDF', { filename: 'x.pdf', data: HTML }],
    ['an HTML page with a PDF after it (a polyglot)', { filename: 'letter.pdf', data: HTML_PDF_POLYGLOT }],
    [
      'a PDF behind a byte-order mark',
      { filename: 'letter.pdf', data: Buffer.concat([Buffer.from('\uFEFF'), PDF_BYTES]) },
    ],
    [
      'a PDF behind a blank line',
      { filename: 'letter.pdf', data: Buffer.concat([Buffer.from('\r\n'), PDF_BYTES]) },
    ],
  ];
  for (const [what, file] of refusedAsNotAPdf) {
    it(`refuses ${what}: 422 beside the document, the form kept, nothing stored`, async () => {
      const before = nominationState(t);
      const response = await postUpload(bogota, '/nominations', bogotaForm(), [file]);
      expect(response.status).toBe(422);
      expect(fieldsWithErrors(response.text)).toEqual(['document']);
      expect(fieldError(response.text, 'document')).toContain('PDF');
      expect(response.text).toContain('value="Carlos Fernando Galán"');
      expect(activeMarkup(response.text)).toEqual([]);
      expect(nominationState(t)).toBe(before);
      expect(uploadedFiles(t)).toEqual([]);
    });
  }

  it('refuses a file over 5 MB: 422 beside the document, nothing stored', async () => {
    const before = nominationState(t);
    const response = await postUpload(bogota, '/nominations', bogotaForm(), [
      { filename: 'letter.pdf', data: pdfOfSize(FIVE_MB + 1) },
    ]);
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['document']);
    expect(fieldError(response.text, 'document')).toContain('5 MB');
    expect(nominationState(t)).toBe(before);
    expect(uploadedFiles(t)).toEqual([]);
  });

  // The multipart parser takes one file per form: a second one ends the request before the form is
  // read, as "too large" (413) rather than 422 beside the field. Either way nothing is stored.
  it('refuses two files in the document field, storing nothing', async () => {
    const before = nominationState(t);
    const response = await postUpload(bogota, '/nominations', bogotaForm(), [
      { filename: 'one.pdf', data: PDF_BYTES },
      { filename: 'two.pdf', data: PDF_BYTES },
    ]);
    expect([413, 422]).toContain(response.status);
    expect(nominationState(t)).toBe(before);
    expect(uploadedFiles(t)).toEqual([]);
  });

  it('refuses a second file field, storing nothing', async () => {
    const before = nominationState(t);
    const response = await postUpload(bogota, '/nominations', bogotaForm(), [
      { filename: 'one.pdf', data: PDF_BYTES },
      { field: 'letter2', filename: 'two.pdf', data: PDF_BYTES },
    ]);
    expect([413, 422]).toContain(response.status);
    expect(nominationState(t)).toBe(before);
    expect(uploadedFiles(t)).toEqual([]);
  });

  it('refuses a file where text belongs (the statement): 422 beside that field, nothing stored', async () => {
    const before = nominationState(t);
    const { statement: _statement, ...withoutStatement } = bogotaForm();
    const response = await postUpload(bogota, '/nominations', withoutStatement, [
      { field: 'statement', filename: 'statement.pdf', data: PDF_BYTES },
    ]);
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['statement']);
    expect(nominationState(t)).toBe(before);
    expect(uploadedFiles(t)).toEqual([]);
  });

  // An empty file part is what a browser sends when no file is chosen: the nomination goes in
  // without a document, and no file is written.
  it('stores no file for an empty file part, and the nomination has no document', async () => {
    const response = await postUpload(bogota, '/nominations', bogotaForm(), [
      { filename: 'letter.pdf', data: Buffer.alloc(0) },
    ]);
    expect([303, 422]).toContain(response.status);
    expect(uploadedFiles(t)).toEqual([]);
    const stored = t.db.select().from(nominations).where(eq(nominations.cityName, 'Bogota')).all();
    for (const row of stored)
      expect([row.documentFile, row.documentName, row.documentSize]).toEqual([null, null, null]);
  });
});

describe('uploads stored: a random name inside the uploads folder, served only as a PDF attachment', () => {
  let t: TestApp;
  let bogota: Browser;
  let secretariat: Browser;
  let city = 0;
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
    bogota = await logInAs(t, 'nominator.bogota');
    secretariat = await logInAs(t, 'secretariat');
  });
  afterAll(async () => t.close());

  /**
   * Nominates with the file, for a city of its own: the secretariat invites a nominator for a new
   * city, and Bogota's nominator account is made that city's (a city nominates once per seat).
   */
  async function nominateWith(file: FilePart, intent: 'submit' | 'draft' = 'submit') {
    city += 1;
    const cityName = `Upload City ${city}`;
    const email = `upload${city}@cities.example`;
    const invited = await secretariat.post('/accounts/invitations', {
      name: `Nominator ${city}`,
      email,
      cityName,
      country: 'CO',
    });
    expect(invited.status).toBe(303);
    const { cityId } = t.db.select().from(users).where(eq(users.email, email)).get()!;
    t.db
      .update(users)
      .set({ cityId })
      .where(eq(users.email, demoEmail('nominator.bogota')))
      .run();

    const before = filesUnder(t.config.dataDir);
    const response = await postUpload(bogota, '/nominations', bogotaForm({ cityName, intent }), [file]);
    expect(response.status, response.text.slice(0, 300)).toBe(303);
    const id = Number(/^\/nominations\/(\d+)$/.exec(response.headers.location ?? '')![1]);
    const row = t.db.select().from(nominations).where(eq(nominations.id, id)).get()!;
    // One new file, in the uploads folder, under a random name; nothing anywhere else.
    const added = filesUnder(t.config.dataDir).filter((name) => !before.includes(name));
    expect(added).toEqual([path.join('uploads', row.documentFile!)]);
    expect(row.documentFile).toMatch(/^[0-9a-f]{32}\.pdf$/);
    expect(fs.readFileSync(path.join(uploadsFolder(t), row.documentFile!))).toEqual(file.data);
    return { id, row };
  }

  async function expectServedAsAttachment(browser: Browser, id: number, data: Buffer) {
    const response = await download(browser.get(`/nominations/${id}/document`));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-disposition']).toMatch(SAFE_DISPOSITION);
    expect(response.body).toEqual(data);
    return response;
  }

  it('serves a PDF that carries an HTML page (a polyglot) as a PDF attachment, never as a page, only to those who may see the nomination', async () => {
    const { id } = await nominateWith({
      filename: 'letter.html',
      data: PDF_HTML_POLYGLOT,
      contentType: 'text/html',
    });
    await expectServedAsAttachment(bogota, id, PDF_HTML_POLYGLOT);
    await expectServedAsAttachment(secretariat, id, PDF_HTML_POLYGLOT);
    const page = await bogota.get(`/nominations/${id}`);
    expect(page.text).toContain(`href="/nominations/${id}/document"`);
    expect(activeMarkup(page.text)).toEqual([]);

    // Not shortlisted yet: another city's nominator, a board member, a partner get 404; no one
    // logged out gets anything but the way to the login page.
    for (const account of ['nominator.zurich', 'mayor.amman', 'partner.c40']) {
      const response = await download((await logInAs(t, account)).get(`/nominations/${id}/document`));
      expect(response.status, account).toBe(404);
      expect(response.body.toString('latin1'), account).not.toContain('%PDF');
    }
    const anonymous = await download(supertest(t.app.server).get(`/nominations/${id}/document`));
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login/);
    expect(anonymous.body.toString('latin1')).not.toContain('%PDF');

    // Shortlisted, the voters may read it: still only as an attachment.
    expect(
      (await secretariat.post(`/nominations/${id}/review`, { status: 'shortlisted', note: '' })).status,
    ).toBe(303);
    for (const account of ['mayor.amman', 'partner.c40'])
      await expectServedAsAttachment(await logInAs(t, account), id, PDF_HTML_POLYGLOT);
    const zurich = await download((await logInAs(t, 'nominator.zurich')).get(`/nominations/${id}/document`));
    expect(zurich.status).toBe(404);
  });

  const tricks = [
    '../../etc/passwd.pdf',
    '..\\..\\x.pdf',
    '%2e%2e%2f%2e%2e%2fx.pdf',
    '/etc/cron.d/x.pdf',
    'x\u0000.pdf',
    'a"; filename*=UTF-8\'\'evil.html; x=".pdf',
    'x\r\nContent-Type: text/html\r\n\r\n<script>.pdf',
    `${'a'.repeat(300)}.pdf`,
    'invoice\u202Efdp.exe',
    'report\u202E\u2066gnp.pdf',
    '.htaccess.pdf',
  ];
  it('stores files named with path tricks under a random name in the uploads folder only, and offers a harmless name', async () => {
    for (const filename of tricks) {
      const { id, row } = await nominateWith({ filename, data: PDF_BYTES });
      expect(fs.existsSync(path.resolve(uploadsFolder(t), filename.replace(/\0/g, '')))).toBe(false);
      const served = await expectServedAsAttachment(bogota, id, PDF_BYTES);
      expect(served.headers['content-disposition'], filename).not.toMatch(/[/\\]|\.\./);
      const page = await bogota.get(`/nominations/${id}`);
      expect(activeMarkup(page.text), filename).toEqual([]);
      if (row.documentName) expect(escapingProblem(page.text, row.documentName), filename).toBeNull();
    }
  });

  it('shows a file name made of any hostile payload escaped on the nomination and draft pages, and never offers it in the download header', async () => {
    // A draft, its document replaced by each upload in turn (the replaced file is removed).
    const { id, row: first } = await nominateWith({ filename: 'letter.pdf', data: PDF_BYTES }, 'draft');
    const cityName = first.cityName;
    const problems: string[] = [];
    for (const payload of PAYLOADS) {
      const response = await postUpload(
        bogota,
        `/nominations/${id}`,
        bogotaForm({ cityName, intent: 'draft' }),
        [{ filename: `${payload.text}.pdf`, data: PDF_BYTES }],
      );
      expect(response.status, payload.name).toBe(303);
      const row = t.db.select().from(nominations).where(eq(nominations.id, id)).get()!;
      for (const url of [`/nominations/${id}`, `/nominations/${id}/edit`]) {
        const page = await bogota.get(url);
        expect(page.status, url).toBe(200);
        for (const markup of activeMarkup(page.text)) problems.push(`${payload.name} on ${url}: ${markup}`);
        const problem = escapingProblem(page.text, row.documentName!);
        if (problem) problems.push(`${payload.name} on ${url}: ${problem}`);
      }
      const served = await download(bogota.get(`/nominations/${id}/document`));
      if (!SAFE_DISPOSITION.test(String(served.headers['content-disposition'])))
        problems.push(`${payload.name}: Content-Disposition ${served.headers['content-disposition']}`);
    }
    expect(problems).toEqual([]);
    // Every replaced file is gone: one file per nomination with a document, nothing else.
    const withDocuments = t.db
      .select()
      .from(nominations)
      .all()
      .flatMap((row) => (row.documentFile ? [row.documentFile] : []));
    expect(uploadedFiles(t).sort()).toEqual(withDocuments.sort());
  });
});
