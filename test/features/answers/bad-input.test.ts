// Honest answers to bad input: a body that is not a form, a malformed one, and a field that is
// not plain text each get a clear answer (415, 400, 422 beside the field), never a 500 and never
// a value stored as '[object Object]'.
import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logInAs, makeTestApp, ORIGIN, type TestApp } from '../../helpers/app.js';
import {
  bogotaForm,
  fieldError,
  fieldsWithErrors,
  NOW,
  nominationState,
  textOf,
  VACANCY,
} from '../nominations/nomination-records.js';

describe('bodies the app does not read', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  const post = (url: string) => supertest(t.app.server).post(url).set('Origin', ORIGIN);

  it('answers a malformed multipart body 400 with a clear message, not 500', async () => {
    const response = await post('/login')
      .set('Content-Type', 'multipart/form-data; boundary=x')
      .send('garbage');
    expect(response.status).toBe(400);
    expect(textOf(response.text)).toContain('The form could not be read');
    expect(response.text).not.toMatch(/at .*\(.*\.js:\d+/);
  });

  it('answers multipart without a boundary 400 (or 415), never 500', async () => {
    const response = await post('/login').set('Content-Type', 'multipart/form-data').send('garbage');
    expect([400, 415]).toContain(response.status);
  });

  it('refuses JSON 415, even a JSON body that tries to pass an object as the e-mail', async () => {
    const response = await post('/login')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ email: { toString: 1 }, password: 'x' }));
    expect(response.status).toBe(415);
    expect(textOf(response.text)).toContain('The app accepts forms only');
  });

  it('refuses a plain-text body 415', async () => {
    const response = await post('/login').set('Content-Type', 'text/plain').send('email=a@b.c');
    expect(response.status).toBe(415);
  });

  it('refuses an e-mail sent twice (an array where one value is) 422 beside the field', async () => {
    const response = await post('/login')
      .type('form')
      .send('email=a%40b.c&email=d%40e.f&password=secret-secret');
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'email')).toBe('Send this field once, as plain text.');
  });

  it('refuses a file part sent where the nominee’s name belongs (422 beside it) and stores nothing', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const before = nominationState(t);
    const form = bogotaForm({ nomineeName: undefined, intent: 'draft', consent: undefined });
    const request = bogota.agent.post('/nominations').set('Origin', ORIGIN);
    for (const [name, value] of Object.entries(form))
      for (const item of Array.isArray(value) ? value : [value]) request.field(name, item);
    request.attach('nomineeName', Buffer.from('not a name'), {
      filename: 'name.txt',
      contentType: 'text/plain',
    });
    const response = await request;
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['nomineeName']);
    expect(fieldError(response.text, 'nomineeName')).toBe('Send this field once, as plain text.');
    expect(response.text).not.toContain('[object Object]');
    expect(nominationState(t)).toBe(before);
  });

  it('refuses a document sent as text rather than as a file (422 beside the document)', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await bogota.post('/nominations', bogotaForm({ document: 'letter.pdf' }));
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'document')).toBe('Attach the letter of support as a PDF file.');
  });
});

describe('a nomination without a vacancy', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('answers 422 on a form where the nominator can choose the seat, keeping what they typed', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const before = nominationState(t);
    const response = await bogota.post('/nominations', bogotaForm({ vacancyId: undefined }));
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['vacancyId']);
    expect(fieldError(response.text, 'vacancyId')).toBe('Choose the seat you nominate for.');
    expect(response.text).toContain(`<option value="${VACANCY.athens}"`);
    expect(response.text).toContain('value="Carlos Fernando Galán"');
    expect(nominationState(t)).toBe(before);
  });

  it('treats a malformed vacancy id the same way (422), never as a server error', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const response = await bogota.post(
      '/nominations',
      bogotaForm({ vacancyId: '1; DROP TABLE nominations' }),
    );
    expect(response.status).toBe(422);
    expect(fieldsWithErrors(response.text)).toEqual(['vacancyId']);
  });
});

describe('a failure on our side', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('says the change was not saved and can be tried again — never that nothing was lost', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const original = t.db.transaction;
    t.db.transaction = (() => {
      throw new TypeError('a bug');
    }) as typeof original;
    try {
      const response = await secretariat.post('/vacancies', {
        seatId: '3',
        nominationDeadline: '2027-01-31',
      });
      expect(response.status).toBe(500);
      const text = textOf(response.text);
      expect(text).toContain('your change was not saved');
      expect(text).toContain('try again');
      expect(text).not.toContain('Nothing you sent was lost');
      expect(text).not.toContain('a bug');
    } finally {
      t.db.transaction = original;
    }
  });
});
