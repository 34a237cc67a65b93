// What a first view costs on the wire: pages link the stylesheet and scripts under content-hashed
// names that browsers keep for a year, files and pages go out compressed to browsers that accept
// it, the plain names still answer (revalidated by ETag), and htmx loads only on pages that use it.
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logInAs, makeTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({ now: new Date('2026-11-28T09:00:00Z') });
});
afterAll(async () => t.close());

/** The scripts and stylesheet a page links, in order. */
function linkedAssets(html: string): string[] {
  return [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"|<script src="([^"]+)"/g)].map(
    (match) => (match[1] ?? match[2])!,
  );
}

/** The length of a body as sent (the client decompresses what it reads). */
const sentLength = (response: supertest.Response) => Number(response.headers['content-length']);

describe('static files under content-hashed names', () => {
  it('links the stylesheet and script of every page under names that carry their content hash', async () => {
    const page = await supertest(t.app.server).get('/board');
    const assets = linkedAssets(page.text);
    expect(assets).toHaveLength(2);
    for (const asset of assets) expect(asset).toMatch(/^\/static\/app\.[0-9a-f]{10}\.(css|js)$/);
  });

  it('lets browsers keep a hashed file for a year without asking again, and gives it validators', async () => {
    const [stylesheet] = linkedAssets((await supertest(t.app.server).get('/board')).text);
    const response = await supertest(t.app.server).get(stylesheet!);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/css');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers.etag).toBeTruthy();
    expect(response.headers['last-modified']).toBeTruthy();
  });

  it('sends it brotli-compressed to a browser that accepts brotli, gzip to one that accepts only gzip', async () => {
    const [stylesheet] = linkedAssets((await supertest(t.app.server).get('/board')).text);
    const plain = await supertest(t.app.server).get(stylesheet!).set('Accept-Encoding', 'identity');
    const brotli = await supertest(t.app.server).get(stylesheet!).set('Accept-Encoding', 'br, gzip');
    const gzip = await supertest(t.app.server).get(stylesheet!).set('Accept-Encoding', 'gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(sentLength(brotli)).toBeLessThan(sentLength(plain) / 3);
    expect(sentLength(gzip)).toBeLessThan(sentLength(plain) / 3);
    expect(brotli.text).toBe(plain.text);
  });

  it('still serves the plain names, to be revalidated on each use: 304 when unchanged', async () => {
    const first = await supertest(t.app.server).get('/static/app.css');
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('public, max-age=0');
    const again = await supertest(t.app.server)
      .get('/static/app.css')
      .set('If-None-Match', first.headers.etag!);
    expect(again.status).toBe(304);
  });

  it('answers an unknown or made-up name with 404', async () => {
    expect((await supertest(t.app.server).get('/static/app.0000000000.css')).status).toBe(404);
    expect((await supertest(t.app.server).get('/static/..%2Fpackage.json')).status).toBe(404);
  });
});

describe('pages on the wire', () => {
  it('sends pages compressed to browsers that accept it', async () => {
    const page = await supertest(t.app.server).get('/board').set('Accept-Encoding', 'br, gzip');
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers.vary).toMatch(/accept-encoding/i);
  });

  it('loads htmx only on the pages that use it: the secretariat’s screening queue and the alerts', async () => {
    const htmx = (html: string) =>
      linkedAssets(html).some((asset) => /htmx\.min\.[0-9a-f]{10}\.js$/.test(asset));
    expect(htmx((await supertest(t.app.server).get('/board')).text)).toBe(false);
    const secretariat = await logInAs(t, 'secretariat');
    expect(htmx((await secretariat.get('/vacancies/1')).text)).toBe(true);
    expect(htmx((await secretariat.get('/alerts')).text)).toBe(true);
    expect(htmx((await secretariat.get('/terms')).text)).toBe(false);
    const member = await logInAs(t, 'mayor.amman');
    expect(htmx((await member.get('/vacancies/1')).text)).toBe(false);
  });
});
