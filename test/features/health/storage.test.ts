// Storage that cannot be written: /healthz says so (503, naming what fails) before a user finds
// out; a change that cannot be saved is answered 503 in plain words; and pages can still be read.
import fs from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORAGE_UNAVAILABLE } from '../../../src/plugins/errors.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { allNominations, bogotaForm, NOW, postMultipart, textOf } from '../nominations/nomination-records.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe('/healthz', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('answers 200 {"status":"ok"} when the database can be read and written and a file stored', async () => {
    const response = await supertest(t.app.server).get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('answers 503 naming the database when it cannot be written', async () => {
    t.db.$client.pragma('query_only = ON');
    const response = await supertest(t.app.server).get('/healthz');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: 'unavailable', failing: ['database_write'] });
  });

  it('answers 503 naming the uploads when no file can be stored there, without showing the path', async () => {
    const uploads = path.join(t.dir, 'uploads');
    fs.rmSync(uploads, { recursive: true, force: true });
    fs.writeFileSync(uploads, 'not a folder');
    const response = await supertest(t.app.server).get('/healthz');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: 'unavailable', failing: ['uploads'] });
    expect(response.text).not.toContain(t.dir);
  });
});

describe('a change when storage cannot be written', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => {
    t.db.$client.pragma('query_only = OFF');
    await t.close();
  });

  it('answers 503 “the board can’t save changes right now”, and stores nothing', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    t.db.$client.pragma('query_only = ON');
    const response = await secretariat.post('/vacancies', { seatId: '3', nominationDeadline: '2027-01-31' });
    expect(response.status).toBe(503);
    expect(textOf(response.text)).toContain('The board can’t save changes right now');
    expect(textOf(response.text)).toContain('Your change was not saved');
    expect(STORAGE_UNAVAILABLE).toContain('try again later');
  });

  it('still shows a logged-in user their pages, a minute later too (the session is read, not rewritten)', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    t.db.$client.pragma('query_only = ON');
    t.clock.advance(5 * 60_000);
    for (const page of ['/', '/vacancies', '/terms', '/nominations', '/board']) {
      expect((await secretariat.get(page)).status, page).toBe(200);
    }
  });

  it('answers 503 when the uploads folder cannot take the document, and records no nomination', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const before = allNominations(t).length;
    const uploads = path.join(t.dir, 'uploads');
    fs.rmSync(uploads, { recursive: true, force: true });
    fs.writeFileSync(uploads, 'not a folder');
    const response = await postMultipart(bogota, '/nominations', bogotaForm(), { data: PDF });
    expect(response.status).toBe(503);
    expect(allNominations(t)).toHaveLength(before);
  });
});
