// The scheduler inside the server (buildApp with `scheduler: true`, as src/server.ts starts it):
// at start, then every interval, it advances what fell due, raises the alerts that are due and
// delivers the outbox, without anyone opening a page or running the CLI.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { countOf, makeTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Waits for a condition the scheduler's first run (started, not awaited, at start) brings about. */
async function until(condition: () => boolean, what: string) {
  for (let waited = 0; waited < 10_000; waited += 25) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`The scheduler did not ${what} within 10 s.`);
}

describe('the scheduler inside the server', () => {
  it('raises the alerts that are due and delivers their e-mail at start, with no page opened (.eml files without SMTP_URL)', async () => {
    t = await makeTestApp();
    expect(countOf(t, 'SELECT count(*) AS n FROM alerts')).toBe(0);
    const server = await buildApp({ config: t.config, db: t.db, clock: t.clock.read, scheduler: true });
    try {
      await until(
        () =>
          countOf(t!, 'SELECT count(*) AS n FROM alerts') > 0 &&
          countOf(t!, "SELECT count(*) AS n FROM outbox WHERE status = 'pending'") === 0 &&
          countOf(t!, "SELECT count(*) AS n FROM outbox WHERE status = 'sent'") > 0,
        'raise alerts and send their mail',
      );
    } finally {
      await server.close();
    }
    // Bristol's term ends in 25 days: its 30-day alert, raised once.
    expect(
      countOf(t, "SELECT count(*) AS n FROM alerts WHERE kind = 'term_ending' AND threshold = 30"),
    ).toBeGreaterThan(0);
    const sent = countOf(t, "SELECT count(*) AS n FROM outbox WHERE status = 'sent'");
    const files = fs.readdirSync(path.join(t.dir, 'mail')).filter((name) => name.endsWith('.eml'));
    expect(files).toHaveLength(sent);
  });

  it('does nothing when the server is built without it (as in these tests): no alert, no mail sent', async () => {
    t = await makeTestApp();
    await t.app.inject({ method: 'GET', url: '/board' });
    expect(countOf(t, 'SELECT count(*) AS n FROM alerts')).toBe(0);
    expect(countOf(t, "SELECT count(*) AS n FROM outbox WHERE status = 'sent'")).toBe(0);
  });
});
