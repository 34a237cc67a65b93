// Drives every cell of the authorization matrix (authorization-matrix.ts) through the real app:
// each role's session, a same-origin request, the status it must get. A cell that changes state
// gets an app of its own (a copy of its state) and must leave an audit entry behind; a refused
// POST must leave the database exactly as it was; a GET must audit nothing. A route the app
// registers without a row in the matrix fails the first test, by name.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cellsOf,
  type Expectation,
  MATRIX,
  type MatrixRow,
  methodOf,
  patternOf,
} from './authorization-matrix.js';
import {
  auditCount,
  buildWorld,
  dumpDatabase,
  openSnapshot,
  ROLE_NAMES,
  ROLES,
  type Role,
  SharedApps,
  STATE_NAMES,
  send,
  sessionCookieOf,
  type World,
} from './world.js';

/**
 * Every route the app registers, as "METHOD /path", read from Fastify's own route tree
 * (`printRoutes` without common prefixes: each line is one path segment under its parent, with
 * the methods that have a handler there).
 */
function registeredRoutes(app: FastifyInstance): Set<string> {
  const routes = new Set<string>();
  const pathAtDepth: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([\s│]*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = (depth === 0 ? '' : pathAtDepth[depth - 1]!) + match[2]!;
    pathAtDepth[depth] = path;
    pathAtDepth.length = depth + 1;
    for (const method of match[3]?.split(', ') ?? []) routes.add(`${method} ${path}`);
  }
  return routes;
}

let world: World;
let shared: SharedApps;
beforeAll(async () => {
  world = await buildWorld();
  shared = new SharedApps(world);
}, 120_000);
afterAll(async () => shared?.closeAll());

function describeExpectation(row: MatrixRow, expectation: Expectation): string {
  if (expectation.location) return `${expectation.status} to ${expectation.location}, nothing changes`;
  if (expectation.changes) return `${expectation.status}, the change is audited`;
  return methodOf(row) === 'POST' ? `${expectation.status}, nothing changes` : String(expectation.status);
}

const excerpt = (text: string) => text.replace(/\s+/g, ' ').slice(0, 400);

async function driveCell(row: MatrixRow, role: Role, expectation: Expectation) {
  const method = methodOf(row);
  const snapshot = world.snapshots[row.state];
  const ids = snapshot.ids;
  const t = expectation.changes ? await openSnapshot(snapshot) : await shared.get(row.state);
  try {
    const before = method === 'POST' && !expectation.changes ? dumpDatabase(t.db) : null;
    const auditBefore = auditCount(t.db);
    const response = await send(t, {
      method,
      url: row.url(ids),
      form: row.form?.(ids, role),
      cookies: [...sessionCookieOf(world, role), ...(row.cookies?.(ids) ?? [])],
    });
    expect(response.status, `${method} ${row.url(ids)}: ${excerpt(response.text ?? '')}`).toBe(
      expectation.status,
    );
    if (expectation.location)
      expect(response.headers.location).toMatch(new RegExp(`^${expectation.location}`));
    for (const reveal of row.reveals ?? []) {
      const text = reveal.text(ids);
      if (reveal.to.includes(role)) expect(response.text, `shows ${text}`).toContain(text);
      if (reveal.never.includes(role)) expect(response.text, `never shows ${text}`).not.toContain(text);
    }
    const audited = auditCount(t.db) - auditBefore;
    if (expectation.changes) expect(audited, 'audit entries written by a change').toBeGreaterThan(0);
    else if (before) expect(dumpDatabase(t.db)).toEqual(before);
    else expect(audited, 'audit entries written by a GET').toBe(0);
  } finally {
    if (expectation.changes) await t.close();
  }
}

describe('the authorization matrix covers the app', () => {
  it('has a row for every route the app registers (HEAD routes Fastify adds for GETs aside), and no row for a route that does not exist', async () => {
    const registered = registeredRoutes((await shared.get('screening')).app);
    expect(registered.size).toBeGreaterThan(40);
    const rows = new Set(MATRIX.map((row) => row.route));
    const withoutRow = [...registered]
      .filter((route) => !(route.startsWith('HEAD ') && registered.has(route.replace(/^HEAD /, 'GET '))))
      .filter((route) => !rows.has(route))
      .sort();
    expect(withoutRow, 'routes without a row in authorization-matrix.ts').toEqual([]);
    const unregistered = [...rows].filter((route) => !registered.has(route)).sort();
    expect(unregistered, 'rows for routes the app does not register').toEqual([]);
  });

  it('gives every row one cell for each of the seven roles, and a method and path', () => {
    for (const row of MATRIX) {
      expect(row.expect, row.route).toHaveLength(ROLES.length);
      expect(['GET', 'POST']).toContain(methodOf(row));
      expect(patternOf(row)).toMatch(/^\//);
    }
  });
});

for (const row of MATRIX) {
  describe(`${row.route}${row.case ? ` — ${row.case}` : ''} (${STATE_NAMES[row.state]})`, () => {
    for (const { role, expectation } of cellsOf(row)) {
      it(`${ROLE_NAMES[role]}: ${describeExpectation(row, expectation)}`, () =>
        driveCell(row, role, expectation));
    }
  });
}

describe('HEAD, which Fastify answers for every GET route, is no way around the matrix', () => {
  for (const row of MATRIX.filter((candidate) => methodOf(candidate) === 'GET')) {
    it(`HEAD ${patternOf(row)}${row.case ? ` — ${row.case}` : ''}: each role gets the GET’s status`, async () => {
      const t = await shared.get(row.state);
      const ids = world.snapshots[row.state].ids;
      for (const { role, expectation } of cellsOf(row)) {
        const response = await send(t, {
          method: 'HEAD',
          url: row.url(ids),
          cookies: [...sessionCookieOf(world, role), ...(row.cookies?.(ids) ?? [])],
        });
        expect(response.status, ROLE_NAMES[role]).toBe(expectation.status);
      }
    });
  }
});
