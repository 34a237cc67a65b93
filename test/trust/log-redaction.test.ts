// The request log never holds a bearer secret: invitation links and private calendar feeds carry
// theirs in the path, and the server at LOG_LEVEL=info logs every request's address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactedUrl } from '../../src/lib/log-redaction.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

const INVITATION = 'k3jq7vyx5bq2m4hnc6wz8tdr2fpa9ksl';
const CALENDAR = 'w7q2zrm5k9x3vbn6c4jt8hdy2pfa5lse';

describe('redactedUrl', () => {
  it('hides the token of an invitation link and of a calendar feed, keeping the rest', () => {
    expect(redactedUrl(`/invitations/${INVITATION}`)).toBe('/invitations/[secret]');
    expect(redactedUrl(`/invitations/${INVITATION}?x=1`)).toBe('/invitations/[secret]?x=1');
    expect(redactedUrl(`/calendar/${CALENDAR}.ics`)).toBe('/calendar/[secret]');
  });

  it('leaves every other address as it is', () => {
    for (const url of ['/ballots/3', '/nominations?page=2', '/account/calendar', '/invitations'])
      expect(redactedUrl(url)).toBe(url);
  });
});

describe('the server’s request log at LOG_LEVEL=info', () => {
  let t: TestApp;
  let server: ServerProcess;
  beforeAll(async () => {
    t = await makeTestApp();
    server = await startServerProcess(t.config.databasePath, { LOG_LEVEL: 'info' });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await t?.close();
  });

  it('logs the requests for an invitation link and a calendar feed without their tokens', async () => {
    await fetch(`${server.url}/invitations/${INVITATION}`);
    await fetch(`${server.url}/calendar/${CALENDAR}.ics`);
    await fetch(`${server.url}/board`);
    // The log is written as the requests are answered; the last one's line shows it is flushed.
    for (let tries = 0; !server.output().includes('"url":"/board"') && tries < 50; tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.output()).toContain('"url":"/invitations/[secret]"');
    expect(server.output()).toContain('"url":"/calendar/[secret]"');
    expect(server.output()).not.toContain(INVITATION);
    expect(server.output()).not.toContain(CALENDAR);
  });
});
