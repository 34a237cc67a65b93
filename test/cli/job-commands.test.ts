// `npm run cli -- alerts:run [--now ISO]` and `outbox:deliver`, the jobs for a system cron, on
// the demo board: what they print, their exit codes, and that running them again does nothing
// twice. (Run in-process: the same program as src/cli.ts; test/cli/cli.test.ts runs the process.)
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { countOf, makeTestApp, type TestApp } from '../helpers/app.js';
import { cliInProcess } from '../helpers/cli.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const cli = (t: TestApp, ...args: string[]) =>
  cliInProcess(args, { ...process.env, DATABASE_PATH: t.config.databasePath, SMTP_URL: '' });

describe('alerts:run', () => {
  it('raises the alerts due on the demo board, names each, and raises none the second time', async () => {
    t = await makeTestApp();
    const now = t.clock.now.toISOString();
    const first = await cli(t, 'alerts:run', '--now', now);
    expect(first.code, first.stderr).toBe(0);
    const raised = countOf(t, 'SELECT count(*) AS n FROM alerts');
    expect(raised).toBeGreaterThan(0);
    expect(first.stdout).toContain(`At ${now}:`);
    expect(first.stdout).toContain(`${raised} alert(s) raised`);
    expect(first.stdout).toMatch(/term_ending term \d+ \(threshold 30\)/);

    const second = await cli(t, 'alerts:run', '--now', now);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('0 alert(s) raised');
    expect(countOf(t, 'SELECT count(*) AS n FROM alerts')).toBe(raised);
  });

  it('moves a vacancy past its nomination deadline to screening when run at a later --now', async () => {
    t = await makeTestApp();
    const later = new Date(t.clock.now.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
    const result = await cli(t, 'alerts:run', '--now', later);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/[1-9]\d* moved to screening/);
    expect(countOf(t, "SELECT count(*) AS n FROM vacancies WHERE status = 'screening'")).toBeGreaterThan(0);
  });

  it('refuses a --now that is not a date (exit 2), having written nothing', async () => {
    t = await makeTestApp();
    const result = await cli(t, 'alerts:run', '--now', 'tomorrow');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--now must be an ISO date or date-time');
    expect(countOf(t, 'SELECT count(*) AS n FROM alerts')).toBe(0);
  });
});

describe('outbox:deliver', () => {
  it('writes each pending message as an .eml file without SMTP_URL, exits 0, and sends nothing twice', async () => {
    t = await makeTestApp();
    await cli(t, 'alerts:run', '--now', t.clock.now.toISOString());
    const pending = countOf(t, "SELECT count(*) AS n FROM outbox WHERE status = 'pending'");
    expect(pending).toBeGreaterThan(0);

    const first = await cli(t, 'outbox:deliver');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`: ${pending} sent, 0 to retry later, 0 failed for good`));
    expect(fs.readdirSync(path.join(t.dir, 'mail')).filter((name) => name.endsWith('.eml'))).toHaveLength(
      pending,
    );

    const second = await cli(t, 'outbox:deliver');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/: 0 sent/);
    expect(countOf(t, "SELECT count(*) AS n FROM outbox WHERE status = 'sent'")).toBe(pending);
  });
});
