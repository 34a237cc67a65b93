// What the real server (a process of its own, at its default LOG_LEVEL) logs when storage fails
// and when a client sends a broken body: a change that cannot be saved is one error line with its
// cause; a malformed multipart body is the client's mistake, answered 400 and not logged as an
// error. (Running as root, a read-only file would still be writable here: the uploads folder
// replaced by a file is storage that fails whoever runs the server.)
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { makeTestApp, type TestApp } from '../../helpers/app.js';
import { browserOn, type ServerProcess, startServerProcess } from '../../helpers/server-process.js';
import { bogotaForm } from '../nominations/nomination-records.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

let t: TestApp;
let server: ServerProcess;
beforeAll(async () => {
  t = await makeTestApp();
  server = await startServerProcess(t.config.databasePath);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await t?.close();
});

/** The server's error-level log lines (pino level 50) so far. */
const errorLines = () =>
  server
    .output()
    .split('\n')
    .filter((line) => line.includes('"level":50'));

/** Waits until the server has logged `count` error lines, or a second has passed. */
async function settled(count: number) {
  for (let waited = 0; waited < 1_000 && errorLines().length < count; waited += 20)
    await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('the server’s log', () => {
  it('logs a nomination that could not be stored once, as an error naming its cause, and answers 503', async () => {
    const bogota = browserOn(server);
    await bogota.logIn(demoEmail('nominator.bogota'));
    const uploads = path.join(t.dir, 'uploads');
    fs.rmSync(uploads, { recursive: true, force: true });
    fs.writeFileSync(uploads, 'not a folder');

    const request = bogota.agent.post('/nominations').set('Origin', server.origin);
    for (const [name, value] of Object.entries(bogotaForm()))
      for (const item of [value].flat())
        if (name !== 'consent' && name !== 'intent') request.field(name, item);
    request.attach('document', PDF, { filename: 'letter.pdf', contentType: 'application/pdf' });
    request.field('consent', 'on').field('intent', 'submit');
    const response = await request;
    expect(response.status).toBe(503);
    expect(response.text).toContain('The board can’t save changes right now');

    await settled(1);
    const lines = errorLines();
    expect(lines, server.output()).toHaveLength(1);
    expect(lines[0]).toContain('storage unavailable');
    expect(lines[0]).toMatch(/ENOTDIR|EEXIST/);
  });

  it('answers a malformed multipart body with 400 and logs no error for it', async () => {
    const before = errorLines().length;
    const response = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { origin: server.origin, 'content-type': 'multipart/form-data; boundary=x' },
      body: 'garbage',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('The form could not be read');
    await settled(before + 1);
    expect(errorLines()).toHaveLength(before);
  });
});
