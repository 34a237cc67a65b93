// Starts the real server (`node --import tsx src/server.ts`, what `npm start` runs) as a child
// process on a free port and an empty database in a temporary folder, so a browser can drive it
// exactly as a user would. The server seeds the demo board into the empty database itself.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const START_TIMEOUT_MS = 45_000;
const STOP_TIMEOUT_MS = 10_000;

// Variables the server reads that must not leak in from the shell running the tests.
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
];

export interface RunningServer {
  port: number;
  /** The server's SQLite file; the folder beside it holds mail/ and the uploads. */
  databasePath: string;
  /** The origin the browser uses: PUBLIC_ORIGIN's default, http://localhost:<port>. */
  origin: string;
  /** Everything the server printed so far, for failure messages. */
  output(): string;
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

async function isHealthy(url: string): Promise<boolean> {
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

/** The environment of a server (or of an operator command) on this port and database. */
function serverEnvironment(port: number, databasePath: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SERVER_VARIABLES) delete env[name];
  return Object.assign(env, { PORT: String(port), HOST: '127.0.0.1', DATABASE_PATH: databasePath });
}

export async function startServer(): Promise<RunningServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'board-e2e-'));
  const port = await freePort();
  const databasePath = path.join(dir, 'board.db');
  const env = serverEnvironment(port, databasePath);

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const output = () =>
    `--- server stdout ---\n${stdout || '(nothing)'}\n--- server stderr ---\n${stderr || '(nothing)'}`;

  const stop = async () => {
    await stopChild(child);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const healthUrl = `http://127.0.0.1:${port}/healthz`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(
        `The server exited (code ${child.exitCode}, signal ${child.signalCode}) before answering ${healthUrl}.\n${output()}`,
      );
    }
    if (await isHealthy(healthUrl)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `The server did not answer ${healthUrl} with 200 within ${START_TIMEOUT_MS} ms.\n${output()}`,
      );
    }
    // Polling the health check is the one wait on time: the server gives no other signal.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return { port, databasePath, origin: `http://localhost:${port}`, output, stop };
}

/**
 * Runs an operator command against the server's database, as `npm run cli -- <args>` would
 * (CONTRACT.md, "Commands"); resolves with what it printed, rejects when it exits with an error.
 */
export async function runCli(server: RunningServer, args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: serverEnvironment(server.port, server.databasePath),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`npm run cli -- ${args.join(' ')} exited with ${code}:\n${output}`);
  return output;
}
