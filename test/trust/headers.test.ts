// Security headers and cookies, one test per header: the Content-Security-Policy (and pages that
// need nothing it forbids), HSTS in production only, framing refused, no MIME sniffing, no
// Referer, no-store on every response to a logged-in user and on secret addresses, and each
// cookie's flags in development and in production. The pages checked are every GET cell of the
// authorization matrix, for every role.
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoEmail } from '../../src/demo/seed-demo.js';
import { DEMO_PASSWORD, ORIGIN, type TestApp } from '../helpers/app.js';
import { MATRIX, type MatrixRow, methodOf } from './authorization-matrix.js';
import {
  buildWorld,
  openSnapshot,
  ROLE_NAMES,
  ROLES,
  type Role,
  SharedApps,
  send,
  sessionCookieOf,
  type World,
} from './world.js';

interface Visit {
  what: string;
  row: MatrixRow;
  role: Role;
  response: supertest.Response;
}

let world: World;
let shared: SharedApps;
let production: TestApp;
const visits: Visit[] = [];

beforeAll(async () => {
  world = await buildWorld();
  shared = new SharedApps(world);
  for (const row of MATRIX.filter((candidate) => methodOf(candidate) === 'GET')) {
    const t = await shared.get(row.state);
    const ids = world.snapshots[row.state].ids;
    for (const role of ROLES) {
      const response = await send(t, {
        method: 'GET',
        url: row.url(ids),
        cookies: [...sessionCookieOf(world, role), ...(row.cookies?.(ids) ?? [])],
      });
      visits.push({ what: `${row.url(ids)} as ${ROLE_NAMES[role]}`, row, role, response });
    }
  }
  production = await openSnapshot(world.snapshots.balloting, { NODE_ENV: 'production' });
}, 120_000);
afterAll(async () => {
  await shared?.closeAll();
  await production?.close();
});

function directives(policy: string | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of (policy ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) map.set(name, sources);
  }
  return map;
}

const setCookies = (response: supertest.Response): string[] => [response.headers['set-cookie'] ?? []].flat();
const cookieLine = (response: supertest.Response, name: string) =>
  setCookies(response).find((line) => line.startsWith(`${name}=`));
const attributes = (line: string | undefined) =>
  new Set(
    (line ?? '')
      .split(';')
      .slice(1)
      .map((part) => part.trim().toLowerCase()),
  );

function logIn(t: TestApp, localPart: string) {
  return supertest(t.app.server)
    .post('/login')
    .set('Origin', ORIGIN)
    .type('form')
    .send({ email: demoEmail(localPart), password: DEMO_PASSWORD });
}

describe('Content-Security-Policy', () => {
  it('allows scripts and styles from the app’s own origin only: no unsafe-inline, unsafe-eval, data: or other host', () => {
    const policy = directives(visits[0]!.response.headers['content-security-policy']);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('script-src-attr')).toEqual(["'none'"]);
    expect(visits[0]!.response.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
  });

  it('defaults to the app’s own origin, refuses framing, plugins and a base URL, and posts forms only to itself', () => {
    const policy = directives(visits[0]!.response.headers['content-security-policy']);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('form-action')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('font-src')).toEqual(["'self'"]);
  });

  it('is the same on every response the matrix gets: pages, refusals, redirects, files, feeds', () => {
    const policy = visits[0]!.response.headers['content-security-policy'];
    expect(visits.length).toBeGreaterThan(300);
    expect(
      visits
        .filter((visit) => visit.response.headers['content-security-policy'] !== policy)
        .map((v) => v.what),
    ).toEqual([]);
  });

  it('is needed by no page: none the matrix visits has inline script, an event-handler attribute, a style attribute or element, or a javascript: URL', () => {
    const html = visits.filter((visit) => /text\/html/.test(visit.response.headers['content-type'] ?? ''));
    expect(html.length).toBeGreaterThan(150);
    const offences: string[] = [];
    for (const visit of html) {
      const page = visit.response.text;
      const inline = [
        [...page.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>/gi)].length > 0 && 'an inline <script>',
        /<[a-z][^>]*\son[a-z]+\s*=/i.test(page) && 'an on…= attribute',
        /<[a-z][^>]*\sstyle\s*=/i.test(page) && 'a style= attribute',
        /<style\b/i.test(page) && 'a <style> element',
        /javascript:/i.test(page) && 'a javascript: URL',
      ].filter(Boolean);
      if (inline.length > 0) offences.push(`${visit.what}: ${inline.join(', ')}`);
    }
    expect(offences).toEqual([]);
  });
});

describe('Strict-Transport-Security', () => {
  it('is sent in production, for a year at least, subdomains included', async () => {
    const hsts = (await supertest(production.app.server).get('/')).headers['strict-transport-security'];
    expect(hsts).toMatch(/includeSubDomains/);
    expect(Number(/max-age=(\d+)/.exec(hsts ?? '')?.[1])).toBeGreaterThanOrEqual(31_536_000);
  });

  it('is not sent outside production, where the app is served over plain http', () => {
    expect(
      visits.filter((visit) => visit.response.headers['strict-transport-security'] !== undefined),
    ).toEqual([]);
  });
});

describe('framing', () => {
  it('is refused on every response: frame-ancestors none, and X-Frame-Options for browsers without CSP', () => {
    for (const visit of visits) {
      expect(
        directives(visit.response.headers['content-security-policy']).get('frame-ancestors'),
        visit.what,
      ).toEqual(["'none'"]);
      expect(visit.response.headers['x-frame-options'], visit.what).toBe('DENY');
    }
  });
});

describe('X-Content-Type-Options', () => {
  it('is nosniff on every response, so nothing is read as another type than it is sent as', () => {
    expect(
      visits
        .filter((visit) => visit.response.headers['x-content-type-options'] !== 'nosniff')
        .map((v) => v.what),
    ).toEqual([]);
  });
});

describe('Referrer-Policy', () => {
  it('is no-referrer on every response, so a secret address (an invitation, a calendar feed) never leaks onwards', () => {
    expect(
      visits
        .filter((visit) => visit.response.headers['referrer-policy'] !== 'no-referrer')
        .map((v) => v.what),
    ).toEqual([]);
  });
});

describe('Cache-Control', () => {
  it('is no-store on every response to a logged-in user', () => {
    const loggedIn = visits.filter((visit) => visit.role !== 'anonymous');
    expect(loggedIn.length).toBeGreaterThan(250);
    expect(
      loggedIn
        .filter((visit) => !/\bno-store\b/.test(visit.response.headers['cache-control'] ?? ''))
        .map((v) => v.what),
    ).toEqual([]);
  });

  it('is no-store for anyone on an address that is itself a secret: the invitation link and the calendar feed', () => {
    const secretAddresses = visits.filter((visit) => /^GET \/(invitations|calendar)\//.test(visit.row.route));
    expect(secretAddresses.length).toBeGreaterThanOrEqual(ROLES.length * 2);
    for (const visit of secretAddresses)
      expect(visit.response.headers['cache-control'], visit.what).toMatch(/\bno-store\b/);
  });
});

describe('cookies', () => {
  it('sets the session cookie HttpOnly, SameSite=Lax, Path=/, for 7 days at most, without Secure on plain-http development', async () => {
    const t = await shared.get('screening');
    const line = cookieLine(await logIn(t, 'mayor.milan'), 'session');
    const flags = attributes(line);
    expect(flags).toContain('httponly');
    expect(flags).toContain('samesite=lax');
    expect(flags).toContain('path=/');
    expect(flags).toContain('max-age=604800');
    expect(flags).not.toContain('secure');
    expect([...flags].some((flag) => flag.startsWith('domain='))).toBe(false);
  });

  it('sets the session cookie in production as __Host-session: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain', async () => {
    const response = await logIn(production, 'mayor.milan');
    expect(response.status).toBe(303);
    expect(cookieLine(response, 'session')).toBeUndefined();
    const flags = attributes(cookieLine(response, '__Host-session'));
    expect(flags).toContain('secure');
    expect(flags).toContain('httponly');
    expect(flags).toContain('samesite=lax');
    expect(flags).toContain('path=/');
    expect([...flags].some((flag) => flag.startsWith('domain='))).toBe(false);
  });

  it('sets the device cookie HttpOnly, SameSite=Strict; in production as __Host-device, Secure', async () => {
    const development = attributes(
      cookieLine(await logIn(await shared.get('screening'), 'mayor.kampala'), 'device'),
    );
    expect(development).toContain('httponly');
    expect(development).toContain('samesite=strict');
    expect(development).not.toContain('secure');
    const inProduction = attributes(cookieLine(await logIn(production, 'mayor.kampala'), '__Host-device'));
    expect(inProduction).toContain('secure');
    expect(inProduction).toContain('httponly');
    expect(inProduction).toContain('samesite=strict');
    expect(inProduction).toContain('path=/');
  });

  it('sets the vote receipt cookie HttpOnly, SameSite=Strict, for its ballot’s pages only, Secure in production', async () => {
    const ids = world.snapshots.balloting.ids;
    const vote = await supertest(production.app.server)
      .post(`/ballots/${ids.ballot}/votes`)
      .set('Origin', ORIGIN)
      .set('Cookie', world.sessions.boardMember.replace(/^session=/, '__Host-session='))
      .type('form')
      .send({ rank_1: '1', rank_2: '2', rank_3: '3' });
    expect(vote.status).toBe(303);
    const flags = attributes(cookieLine(vote, `receipt-${ids.ballot}`));
    expect(flags).toContain('httponly');
    expect(flags).toContain('samesite=strict');
    expect(flags).toContain(`path=/ballots/${ids.ballot}`);
    expect(flags).toContain('secure');
  });

  it('signs the flash cookie and sets it HttpOnly: a flash forged or altered in the browser is never shown', async () => {
    const t = await openSnapshot(world.snapshots.screening);
    try {
      const loggedOut = await supertest(t.app.server)
        .post('/logout')
        .set('Origin', ORIGIN)
        .set('Cookie', world.sessions.otherNominator);
      const line = cookieLine(loggedOut, 'flash');
      expect(attributes(line)).toContain('httponly');
      const value = decodeURIComponent(line!.split(';')[0]!.slice('flash='.length));
      const [payload, signature] = value.split('.');
      expect(signature).toMatch(/^[A-Za-z0-9+/_-]{20,}/);
      const shown = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')).text as string;
      const genuine = await supertest(t.app.server)
        .get('/login')
        .set('Cookie', `flash=${encodeURIComponent(value)}`);
      expect(genuine.text).toContain(shown);
      const forged = Buffer.from(JSON.stringify({ kind: 'success', text: 'FORGED MESSAGE' })).toString(
        'base64url',
      );
      for (const cookie of [`flash=${forged}`, `flash=${encodeURIComponent(`${forged}.${signature}`)}`]) {
        const page = await supertest(t.app.server).get('/login').set('Cookie', cookie);
        expect(page.text).not.toContain('FORGED MESSAGE');
      }
    } finally {
      await t.close();
    }
  });
});
