// A second process on the same database: starts the real server (`node --import tsx
// src/server.ts`, what `npm start` runs) as a child on an existing database file, and gives tests
// browsers that post to it as its own pages would. One process serialises its requests, so a race
// inside it never reaches the database; two processes on one file race for real (STYLE.md,
// "Concurrency is tested across two connections or processes").
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import supertest from 'supertest';
import { sessionCookieName } from '../../src/features/auth/session-plugin.js';
import { DEMO_PASSWORD } from './app.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const START_TIMEOUT_MS = 45_000;
const STOP_TIMEOUT_MS = 5_000;

// Variables the server reads that must not leak in from the shell running the tests: the child
// must run on exactly the database and settings the test gives it.
const SERVER_VARIABLES = [
  'PORT',
  'HOST',
  'DATABASE_PATH',
  'PUBLIC_ORIGIN',
  'SMTP_URL',
  'SEED_DEMO',
  'DEMO_PASSWORD',
  'NODE_ENV',
  'TRUST_PROXY',
  'LOG_LEVEL',
  'MAIL_FROM',
  'SCHEDULER',
];

export interface ServerProcess {
  /** Where to send requests: http://127.0.0.1:<port>. */
  url: string;
  port: number;
  /** The origin its pages post from; accepted because the server listens on loopback. */
  origin: string;
  /** Everything the server printed so far, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within a few seconds. */
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port found'))));
    });
  });
}

async function answersHealthCheck(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts the server on an existing (already migrated and seeded) database file and resolves once
 * it answers GET /healthz with 200. It never seeds: the test owns the data. `variables` may set
 * what the server reads (LOG_LEVEL, for one).
 */
export async function startServerProcess(
  databasePath: string,
  variables: Record<string, string> = {},
): Promise<ServerProcess> {
  // A free port may be taken again before the child binds it (by a test's in-process app, which
  // listens on a fresh ephemeral port for each request): then the child cannot listen, and another
  // server would answer on that port. Try another port then.
  for (let attempt = 1; ; attempt += 1) {
    const started = await startOnFreePort(databasePath, variables);
    if (started !== 'port taken') return started;
    if (attempt === 5) throw new Error('No free port could be bound in 5 attempts.');
  }
}

async function startOnFreePort(
  databasePath: string,
  variables: Record<string, string>,
): Promise<ServerProcess | 'port taken'> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SERVER_VARIABLES) delete env[name];
  Object.assign(env, {
    DATABASE_PATH: databasePath,
    PORT: String(port),
    HOST: '127.0.0.1',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    // The test runs the jobs it needs itself, with its own mail transport and clock.
    SCHEDULER: 'false',
    ...variables,
  });

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    printed += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    printed += chunk;
  });
  const output = () => printed || '(the server printed nothing)';
  const stop = () => stopChild(child);

  const healthUrl = `http://127.0.0.1:${port}/healthz`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      if (printed.includes('EADDRINUSE')) return 'port taken';
      throw new Error(
        `The server exited (code ${child.exitCode}, signal ${child.signalCode}) before answering ${healthUrl}.\n${output()}`,
      );
    }
    // Only once the child says it listens is the port its own: before, another may answer there.
    if (printed.includes('app listening on') && (await answersHealthCheck(healthUrl))) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `The server did not answer ${healthUrl} with 200 within ${START_TIMEOUT_MS} ms.\n${output()}`,
      );
    }
    // Polling the health check is the one wait on time: the server gives no other signal.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const url = `http://127.0.0.1:${port}`;
  return { url, port, origin: url, output, stop };
}

/**
 * A browser on the server process: its own cookie jar, and form posts with that server's own
 * origin, as its pages would send them. Sessions live in the database, so `session` (a token a
 * login through the other process gave) logs it in as that same browser would be.
 */
export function browserOn(server: Pick<ServerProcess, 'url' | 'origin'>, options: { session?: string } = {}) {
  const agent = supertest.agent(server.url);
  if (options.session) {
    agent.jar.setCookies(
      [`${sessionCookieName(false)}=${options.session}; Path=/; HttpOnly`],
      new URL(server.url).hostname,
      '/',
    );
  }
  return {
    agent,
    get: (url: string) => agent.get(url),
    post: (url: string, form: Record<string, string | string[]> = {}) =>
      agent.post(url).set('Origin', server.origin).type('form').send(form),
    async logIn(email: string, password = DEMO_PASSWORD) {
      const response = await agent
        .post('/login')
        .set('Origin', server.origin)
        .type('form')
        .send({ email, password });
      if (response.status !== 303) throw new Error(`login as ${email} failed with ${response.status}`);
      return response;
    },
  };
}

export type ProcessBrowser = ReturnType<typeof browserOn>;
