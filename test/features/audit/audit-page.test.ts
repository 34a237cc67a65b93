import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => t.close());

describe('the audit log page', () => {
  it('shows the secretariat every entry, newest first, with the chain verified', async () => {
    const browser = await logInAs(t, 'secretariat');
    const page = await browser.get('/audit');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Hash chain verified');
    expect(page.text.indexOf('auth.login')).toBeLessThan(page.text.indexOf('demo.seed'));
  });

  it('filters by action and exports the same selection as CSV', async () => {
    const browser = await logInAs(t, 'secretariat');
    const filtered = await browser.get('/audit?action=demo.seed');
    expect(filtered.text).toContain('demo.seed');
    expect(filtered.text).not.toContain('<code>auth.login</code>');
    const csv = await browser.get('/audit.csv?action=auth.login');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('attachment');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,action,subject_type,subject_id,details,prev_hash,hash');
    expect(lines.slice(1).every((line) => line.includes(',auth.login,'))).toBe(true);
  });

  it('answers a repeated filter (action=a&action=b) with the page (200), never 500', async () => {
    const browser = await logInAs(t, 'secretariat');
    const page = await browser.get('/audit?action=demo.seed&action=auth.login');
    expect(page.status).toBe(200);
    expect(page.text).toContain('demo.seed');
    expect((await browser.get('/audit?action=a&action=b')).status).toBe(200);
    const csv = await browser.get('/audit.csv?action=a&action=b');
    expect(csv.status).toBe(200);
  });

  it('is closed to every other role (403) and to anonymous visitors (303)', async () => {
    for (const role of ['mayor.milan', 'partner.c40', 'nominator.bogota']) {
      expect((await (await logInAs(t, role)).get('/audit')).status).toBe(403);
    }
    expect((await supertest(t.app.server).get('/audit')).status).toBe(303);
  });
});
