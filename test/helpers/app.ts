// Builds the real app (the same buildApp as production) on a fresh database file per call,
// seeded with the demo board, and gives tests an HTTP client that behaves like our own pages.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import supertest from 'supertest';
import { buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { type Db, openDatabase } from '../../src/db/client.js';
import { demoEmail, seedDemo } from '../../src/demo/seed-demo.js';

export const DEMO_PASSWORD = 'mmc-demo-password';
export const ORIGIN = 'http://localhost:3000';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  config: Config;
  clock: MutableClock;
  dir: string;
  close(): Promise<void>;
}

export class MutableClock {
  constructor(public now: Date) {}
  advance(milliseconds: number) {
    this.now = new Date(this.now.getTime() + milliseconds);
  }
  readonly read = () => this.now;
}

export async function makeTestApp(
  options: {
    seed?: boolean;
    now?: Date;
    env?: Record<string, string>;
    /** Runs as soon as the database is open, before the seed and the app (to watch its statements). */
    onOpen?: (db: Db) => void;
  } = {},
): Promise<TestApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'board-test-'));
  return appInFolder(dir, options.now ?? new Date(), options.env, async (db, clock) => {
    options.onOpen?.(db);
    if (options.seed !== false) await seedDemo(db, { password: DEMO_PASSWORD, now: clock.now });
  });
}

/** The real app on `dir`/board.db (seeded by `prepare`, if given); closing it removes the folder. */
async function appInFolder(
  dir: string,
  now: Date,
  env: Record<string, string> = {},
  prepare?: (db: Db, clock: MutableClock) => Promise<void>,
): Promise<TestApp> {
  const config = loadConfig({ DATABASE_PATH: path.join(dir, 'board.db'), PORT: '3000', ...env });
  const db = openDatabase(config.databasePath);
  const clock = new MutableClock(now);
  await prepare?.(db, clock);
  const app = await buildApp({ config, db, clock: clock.read });
  await app.ready();
  return {
    app,
    db,
    config,
    clock,
    dir,
    async close() {
      await app.close();
      db.$client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The `n` of a `SELECT count(*) AS n …` on the app's database. */
export function countOf(t: TestApp, sql: string): number {
  return (t.db.$client.prepare(sql).get() as { n: number }).n;
}

/** A state of an app's data folder: its database and every other file (uploads, server secret). */
export interface AppImage {
  image: Buffer;
  files: Map<string, Buffer>;
}

export function imageOf(t: TestApp): AppImage {
  const files = new Map<string, Buffer>();
  for (const entry of fs.readdirSync(t.dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const relative = path.relative(t.dir, path.join(entry.parentPath, entry.name));
    if (!/^board\.db(-wal|-shm)?$/.test(relative))
      files.set(relative, fs.readFileSync(path.join(t.dir, relative)));
  }
  return { image: t.db.$client.serialize(), files };
}

/** A fresh app on a copy of that state (same database, server secret and uploads), its clock at `now`. */
export function openImage(image: AppImage, now: Date, env: Record<string, string> = {}): Promise<TestApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'board-image-'));
  for (const [name, body] of image.files) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), body);
  }
  fs.writeFileSync(path.join(dir, 'board.db'), image.image);
  return appInFolder(dir, now, env);
}

/** A browser-like client: keeps cookies, and posts as a page of the app would (same origin). */
export function client(testApp: TestApp) {
  const agent = supertest.agent(testApp.app.server);
  return {
    agent,
    get: (url: string) => agent.get(url),
    post: (url: string, form: Record<string, string | string[]> = {}) =>
      agent.post(url).set('Origin', ORIGIN).type('form').send(form),
    async logIn(email: string, password = DEMO_PASSWORD) {
      const response = await agent
        .post('/login')
        .set('Origin', ORIGIN)
        .type('form')
        .send({ email, password });
      if (response.status !== 303) throw new Error(`login as ${email} failed with ${response.status}`);
      return response;
    },
  };
}

export async function logInAs(testApp: TestApp, localPart: string) {
  const browser = client(testApp);
  await browser.logIn(demoEmail(localPart));
  return browser;
}

export function cookieValue(setCookie: string[] | string | undefined, name: string): string | undefined {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const line = list.find((entry) => entry.startsWith(`${name}=`));
  return line?.slice(name.length + 1).split(';')[0];
}
