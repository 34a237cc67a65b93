// The page cache (src/plugins/page-cache.ts): a page is served as it was last rendered only to the
// same viewer, on the same board day, at the same address, while nothing a page can show has been
// written to the database by any process; a stale page is never shown.

import zlib from 'node:zlib';
import cookie from '@fastify/cookie';
import Database from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { demoEmail } from '../../src/demo/seed-demo.js';
import { takeLease } from '../../src/jobs/lease.js';
import pageCache from '../../src/plugins/page-cache.js';
import {
  client,
  cookieValue,
  DEMO_PASSWORD,
  logInAs,
  makeTestApp,
  ORIGIN,
  type TestApp,
} from '../helpers/app.js';
import { type StatementWatch, watchStatements } from '../helpers/statements.js';

describe('the page cache, on its own', () => {
  let app: FastifyInstance;
  let version = 'v1';
  let today = '2026-12-01';
  let rendered = 0;
  afterEach(async () => app?.close());

  async function appWithCache(enabled = true) {
    rendered = 0;
    app = Fastify();
    await app.register(cookie);
    await app.register(pageCache, {
      enabled,
      version: () => version,
      today: () => today,
      viewerKey: (request) => String(request.headers['x-viewer'] ?? 'anyone'),
    });
    // What may happen after a request arrives, as the session is read: a write elsewhere, midnight.
    app.addHook('onRequest', async (request) => {
      if (request.headers['x-write-after-arrival']) version = `${version}+`;
      if (request.headers['x-midnight']) today = '2026-12-03';
    });
    app.get('/page', { config: { pageCache: true } }, async (request, reply) => {
      rendered += 1;
      const status = request.headers['x-status'] ? Number(request.headers['x-status']) : 200;
      return reply.code(status).type('text/html').send(`page ${rendered}`);
    });
    app.post('/page', { config: { pageCache: true } }, async () => `posted ${++rendered}`);
    return app;
  }
  const get = (headers: Record<string, string> = {}, url = '/page') => app.inject({ url, headers });

  it('serves a page again without making it, while nothing is written', async () => {
    await appWithCache();
    expect((await get()).body).toBe('page 1');
    const again = await get();
    expect(again.body).toBe('page 1');
    expect(again.statusCode).toBe(200);
    expect(again.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(rendered).toBe(1);
  });

  it('makes the page afresh once anything is written (the database version moves)', async () => {
    await appWithCache();
    await get();
    version = 'v2';
    expect((await get()).body).toBe('page 2');
    expect((await get()).body).toBe('page 2');
  });

  it('keeps a page per viewer, per board day and per address', async () => {
    await appWithCache();
    expect((await get({ 'x-viewer': 'user 1' })).body).toBe('page 1');
    expect((await get({ 'x-viewer': 'user 2' })).body).toBe('page 2');
    expect((await get({ 'x-viewer': 'user 1' }, '/page?p=2')).body).toBe('page 3');
    today = '2026-12-02';
    expect((await get({ 'x-viewer': 'user 1' })).body).toBe('page 4');
    expect((await get({ 'x-viewer': 'user 1' })).body).toBe('page 4');
  });

  it('does not keep a refusal, an htmx request, a page with a flash message, or a POST', async () => {
    await appWithCache();
    await get({ 'x-status': '404' });
    expect((await get()).body).toBe('page 2');
    await get({ 'hx-request': 'true' });
    await get({ 'hx-request': 'true' });
    expect(rendered).toBe(4);
    await get({ cookie: 'flash=abc' });
    expect(rendered).toBe(5);
    await app.inject({ method: 'POST', url: '/page' });
    await app.inject({ method: 'POST', url: '/page' });
    expect(rendered).toBe(7);
  });

  it('does not keep a page during whose making something was written', async () => {
    await appWithCache();
    app.addHook('preHandler', async () => {
      version = `${version}+`;
    });
    await get();
    await get();
    expect(rendered).toBe(2);
  });

  it('neither serves nor keeps a page when something was written after the request arrived (its viewer may be read from before the change)', async () => {
    await appWithCache();
    await get();
    expect((await get()).body).toBe('page 1');
    // As the session plugin reads the viewer, another process changes their role.
    expect((await get({ 'x-write-after-arrival': 'yes' })).body).toBe('page 2');
    expect((await get()).body).toBe('page 3');
    expect((await get()).body).toBe('page 3');
  });

  it('neither serves nor keeps a page when the board’s day turns while the request is handled', async () => {
    await appWithCache();
    await get();
    expect((await get({ 'x-midnight': 'yes' })).body).toBe('page 2');
    expect((await get()).body).toBe('page 3');
    expect((await get()).body).toBe('page 3');
  });

  it('keeps nothing when turned off (PAGE_CACHE=false)', async () => {
    await appWithCache(false);
    await get();
    await get();
    expect(rendered).toBe(2);
  });
});

describe('the page cache in the app', () => {
  let t: TestApp;
  afterEach(async () => {
    vi.restoreAllMocks();
    await t?.close();
  });

  /** The real app on a seeded database whose every statement can be watched from the start. */
  async function watchedApp(now = new Date()) {
    let watch: StatementWatch | undefined;
    t = await makeTestApp({
      now,
      onOpen: (db) => {
        watch = watchStatements(db.$client);
      },
    });
    return { watch: watch! };
  }
  const readsTerms = (seen: Array<{ sql: string }>) => seen.some((s) => /from "terms"/i.test(s.sql));

  it('is on for the pages that opt in: /terms read again runs no query of the terms, /account is made afresh', async () => {
    const { watch } = await watchedApp();
    const secretariat = client(t);
    await secretariat.logIn(demoEmail('secretariat'));
    for (const url of ['/terms', '/account']) await secretariat.get(url);
    const terms = await watch.during(async () => expect((await secretariat.get('/terms')).status).toBe(200));
    expect(readsTerms(terms)).toBe(false);
    const account = await watch.during(async () =>
      expect((await secretariat.get('/account')).status).toBe(200),
    );
    expect(account.some((s) => /from "users"/i.test(s.sql))).toBe(true);
  });

  it('keeps pages through what no page shows: a session renewed, a failed login, /healthz, a job’s lease', async () => {
    const { watch } = await watchedApp(new Date('2026-11-28T09:00:00Z'));
    const secretariat = client(t);
    await secretariat.logIn(demoEmail('secretariat'));
    await secretariat.get('/terms');
    t.clock.advance(5 * 60_000);
    const renewed = await watch.during(async () =>
      expect((await secretariat.get('/terms')).status).toBe(200),
    );
    expect(renewed.some((s) => /update "sessions"/i.test(s.sql))).toBe(true);
    expect(readsTerms(renewed)).toBe(false);

    await client(t).post('/login', { email: demoEmail('mayor.amman'), password: 'not the password' });
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect(takeLease(t.db, 'alerts', 'another process', t.clock.now, 60_000)).toBe(true);
    expect(t.db.$client.prepare('SELECT count(*) FROM login_failures').pluck().get()).toBe(1);
    const after = await watch.during(async () => expect((await secretariat.get('/terms')).status).toBe(200));
    expect(readsTerms(after)).toBe(false);
  });

  it('serves a kept page exactly as when it was made: the same headers, and the same page in brotli, in gzip or as it is', async () => {
    t = await makeTestApp();
    const login = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email: demoEmail('secretariat'), password: DEMO_PASSWORD }).toString(),
    });
    const session = `session=${cookieValue(login.headers['set-cookie'], 'session')}`;
    const view = (headers: Record<string, string> = {}) =>
      t.app.inject({ url: '/terms', headers: { cookie: session, ...headers } });
    const decoded = (response: Awaited<ReturnType<typeof view>>) => {
      const body = response.rawPayload;
      const encoding = response.headers['content-encoding'];
      return (
        encoding === 'br'
          ? zlib.brotliDecompressSync(body)
          : encoding === 'gzip'
            ? zlib.gunzipSync(body)
            : body
      ).toString();
    };
    const comparable = (response: Awaited<ReturnType<typeof view>>) => {
      // A page compressed as it is made streams out (no length); a kept one has its length known.
      const {
        date: _date,
        'content-length': length,
        'transfer-encoding': _chunked,
        ...headers
      } = response.headers;
      if (length !== undefined) expect(Number(length)).toBe(response.rawPayload.length);
      return { status: response.statusCode, headers, page: decoded(response) };
    };
    // Every way a page gets compressed: @fastify/compress streams a large page, and the cache
    // compresses a kept one once.
    const compressors = (
      ['brotliCompressSync', 'gzipSync', 'createBrotliCompress', 'createGzip'] as const
    ).map((name) => vi.spyOn(zlib, name));
    const compressions = () => compressors.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
    const asMade = comparable(await view());
    expect(asMade.page).toContain('Seats and terms');
    for (const [headers, expected] of [
      [{ 'accept-encoding': 'gzip, deflate, br, zstd' }, 'br'],
      [{ 'accept-encoding': 'gzip' }, 'gzip'],
      [{ 'accept-encoding': 'br;q=0, gzip' }, 'gzip'],
      [{ 'accept-encoding': 'x-gzip' }, 'gzip'],
      [{ 'accept-encoding': '*' }, 'gzip'],
      [{ 'accept-encoding': 'identity' }, undefined],
      [{ 'accept-encoding': 'br', 'x-no-compression': '1' }, undefined],
      [{}, undefined],
    ] as const) {
      const asked = JSON.stringify(headers);
      // The first view after a write is made and compressed by @fastify/compress; the next are kept.
      t.db.$client.prepare('UPDATE settings SET value = value').run();
      const made = await view(headers);
      const first = await view(headers);
      const compressedSoFar = compressions();
      const kept = [first, await view(headers)];
      // The second view of a kept page compresses nothing: its bytes were kept at the first.
      expect(compressions(), asked).toBe(compressedSoFar);
      expect(made.headers['content-encoding'], asked).toBe(expected);
      for (const again of kept) {
        expect(comparable(again), asked).toEqual(comparable(made));
        expect(comparable(again).page).toBe(asMade.page);
      }
      expect(kept[1]!.rawPayload.equals(kept[0]!.rawPayload)).toBe(true);
    }
  });

  it('shows a change written by another process at the next view of a page already kept', async () => {
    t = await makeTestApp();
    const secretariat = await logInAs(t, 'secretariat');
    expect((await secretariat.get('/terms')).text).toContain('Amman');
    expect((await secretariat.get('/terms')).text).not.toContain('Ammanville');
    const other = new Database(t.config.databasePath);
    other.prepare("UPDATE cities SET name = 'Ammanville' WHERE name = 'Amman'").run();
    other.close();
    expect((await secretariat.get('/terms')).text).toContain('Ammanville');
    expect((await (await logInAs(t, 'mayor.amman')).get('/board')).text).toContain('Ammanville');
  });

  it('never shows one viewer’s page to another: the secretariat’s controls stay the secretariat’s', async () => {
    t = await makeTestApp();
    const secretariat = await logInAs(t, 'secretariat');
    const member = await logInAs(t, 'mayor.amman');
    for (let view = 0; view < 2; view += 1) {
      const own = await secretariat.get('/terms');
      const theirs = await member.get('/terms');
      expect(own.text).toContain('Council Secretariat');
      expect(theirs.text).not.toContain('Council Secretariat');
      expect(theirs.text).toContain('Rania Haddad');
    }
  });

  it('counts the days left afresh when the board’s day changes, with nothing written', async () => {
    t = await makeTestApp({ now: new Date('2026-11-28T09:00:00Z') });
    const board = async () => (await logInAs(t, 'secretariat')).get('/terms');
    expect((await board()).text).toContain('2026-12-23');
    const daysLeft = (text: string) => /Bristol[\s\S]*?(\d+) days? left/.exec(text)?.[1];
    const before = daysLeft((await board()).text);
    t.clock.advance(86_400_000);
    expect(Number(daysLeft((await board()).text))).toBe(Number(before) - 1);
  });
});
