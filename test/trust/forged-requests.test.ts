// Forged requests (CONTRACT.md, "HTTP"): every state-changing route, posted by a logged-in
// secretariat (the strongest role) with a form that would otherwise be acted on, is refused with
// 403 by the origin check when the request did not come from the app's own pages, and the
// database is byte for byte what it was. The clock is frozen, so not even a session's last-used
// time is refreshed. The control: what Chromium sends on a same-origin form post under
// `Referrer-Policy: no-referrer` (Sec-Fetch-Site: same-origin, Origin: null) is answered as the
// matrix says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN } from '../helpers/app.js';
import { cellsOf, MATRIX, methodOf } from './authorization-matrix.js';
import {
  auditCount,
  buildWorld,
  dumpDatabase,
  openSnapshot,
  ROLE_NAMES,
  SharedApps,
  send,
  sessionCookieOf,
  type World,
} from './world.js';

const ORIGIN_CHECK_REFUSAL = 'did not come from the board application’s own pages';

const FORGERIES: ReadonlyArray<{ name: string; headers: Record<string, string> }> = [
  { name: 'a foreign Origin, no Sec-Fetch-Site', headers: { Origin: 'https://evil.example' } },
  {
    name: 'Sec-Fetch-Site: cross-site, even with our own Origin',
    headers: { 'Sec-Fetch-Site': 'cross-site', Origin: ORIGIN },
  },
  {
    name: 'Sec-Fetch-Site: same-site (a sibling host), with our own Origin',
    headers: { 'Sec-Fetch-Site': 'same-site', Origin: ORIGIN },
  },
  { name: 'Origin: null without Sec-Fetch-Site', headers: { Origin: 'null' } },
  { name: 'neither Origin nor Sec-Fetch-Site', headers: {} },
  {
    name: 'an Origin that only begins like ours',
    headers: { Origin: `${ORIGIN}.evil.example` },
  },
];

/** One row per state-changing route: its first in the matrix, whose form and state are the plainest. */
const stateChangingRoutes = MATRIX.filter(
  (row, index) =>
    methodOf(row) === 'POST' && MATRIX.findIndex((other) => other.route === row.route) === index,
);

let world: World;
let shared: SharedApps;
beforeAll(async () => {
  world = await buildWorld();
  shared = new SharedApps(world);
}, 120_000);
afterAll(async () => shared?.closeAll());

describe('forged requests to every state-changing route', () => {
  it('covers every POST route of the matrix', () => {
    const posts = new Set(MATRIX.filter((row) => methodOf(row) === 'POST').map((row) => row.route));
    expect(stateChangingRoutes.map((row) => row.route).sort()).toEqual([...posts].sort());
    expect(stateChangingRoutes.length).toBeGreaterThanOrEqual(30);
  });

  for (const row of stateChangingRoutes) {
    describe(row.route, () => {
      for (const forgery of FORGERIES) {
        it(`refuses ${forgery.name} with 403, the database byte for byte unchanged`, async () => {
          const t = await shared.get(row.state);
          const ids = world.snapshots[row.state].ids;
          const image = t.db.$client.serialize();
          const dump = dumpDatabase(t.db);
          const response = await send(t, {
            method: 'POST',
            url: row.url(ids),
            form: row.form?.(ids, 'secretariat'),
            cookies: [...sessionCookieOf(world, 'secretariat'), ...(row.cookies?.(ids) ?? [])],
            headers: forgery.headers,
          });
          expect(response.status).toBe(403);
          expect(response.text).toContain(ORIGIN_CHECK_REFUSAL);
          expect(response.headers['set-cookie']).toBeUndefined();
          expect(dumpDatabase(t.db)).toEqual(dump);
          expect(t.db.$client.serialize().equals(image), 'the database file changed').toBe(true);
        });
      }

      // The role for whom the matrix's form does something (else the secretariat).
      const control =
        cellsOf(row).find(({ expectation }) => expectation.changes) ??
        cellsOf(row).find(({ role }) => role === 'secretariat')!;
      it(`answers Sec-Fetch-Site: same-origin with Origin: null (Chromium's form post) as the matrix says: ${ROLE_NAMES[control.role]} gets ${control.expectation.status}`, async () => {
        const t = await openSnapshot(world.snapshots[row.state]);
        try {
          const ids = world.snapshots[row.state].ids;
          const before = auditCount(t.db);
          const response = await send(t, {
            method: 'POST',
            url: row.url(ids),
            form: row.form?.(ids, control.role),
            cookies: [...sessionCookieOf(world, control.role), ...(row.cookies?.(ids) ?? [])],
            headers: { 'Sec-Fetch-Site': 'same-origin', Origin: 'null' },
          });
          expect(response.status).toBe(control.expectation.status);
          if (control.expectation.changes) expect(auditCount(t.db)).toBeGreaterThan(before);
        } finally {
          await t.close();
        }
      });
    });
  }
});
