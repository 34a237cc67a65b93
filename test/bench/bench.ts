// The benchmark (`npm run bench`): the real server, in production mode, on a temporary database
// holding the demo board and a large synthetic history (`seed:history`), measured with autocannon
// on loopback, every page side by side in one run against /healthz (the floor, measured again
// beside each page); then what a browser's first view of a page costs on the wire, the tally of a
// large ballot, the jobs on the large history, and the server's memory. It prints a table, writes
// it as JSON under bench-results/, and exits 1 naming each budget missed. It is not a test:
// `npm test` skips it. Pages are requested as a browser asks for them, with Chromium's
// Accept-Encoding, so they travel compressed, as they do to every user.
//
// Options (for a quicker look; the budgets are judged on the defaults):
//   --nominations N --terms N --audit N   the history's size (seed:history's defaults)
//   --duration S                          seconds measured per route and round (default 5)
//   --rounds N                            rounds over every route (default 3; see below)
//   --identity                            ask without Accept-Encoding (autocannon's own way, no
//                                         browser's): pages then travel uncompressed
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { DEFAULT_HISTORY } from '../../src/demo/seed-history.js';
import { type CastBallot, tallyBallot } from '../../src/domain/tally.js';
import { advanceVacancies } from '../../src/features/vacancies/advance-vacancies.js';
import { runAlertsNow } from '../../src/jobs/run-jobs.js';
import { loadServerSecret } from '../../src/lib/server-secret.js';
import { freePort } from '../helpers/server-process.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS_FOLDER = path.join(REPO_ROOT, 'bench-results');
const PASSWORD = 'bench-demo-password';
const CONNECTIONS = 20;

/** The issue's budgets: what "fast on a large history" means, in numbers. */
const BUDGETS = {
  /** Each page's throughput as a share of /healthz's, at 20 connections. */
  minRatio: 0.25,
  p99Ms: 25,
  /** First view of a page: the HTML and everything it loads, as transferred. */
  firstViewBytes: 30_000,
  tallyMs: 1_000,
  alertsMs: 1_000,
  vacancySyncMs: 1_000,
  rssMb: 200,
};

const { values: options } = parseArgs({
  options: {
    nominations: { type: 'string', default: String(DEFAULT_HISTORY.nominations) },
    terms: { type: 'string', default: String(DEFAULT_HISTORY.terms) },
    audit: { type: 'string', default: String(DEFAULT_HISTORY.audit) },
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    identity: { type: 'boolean', default: false },
  },
});
/** What Chromium sends; none with --identity. */
const ACCEPT_ENCODING = options.identity ? undefined : 'gzip, deflate, br, zstd';
const DURATION_S = Number(options.duration);
const FLOOR_S = Math.max(2, Math.round(DURATION_S / 2));
// Every route is measured in several rounds, one after the other over all the routes, and the
// round with the median p99 is the figure (req/s, p50, p99 and the /healthz beside it all from
// that round). On a shared machine a burst of someone else's work can slow every request for a
// moment: it then moves one round, not the figure. Each round's figures are printed and kept.
const ROUNDS = Math.max(1, Number(options.rounds));

interface RouteFigure {
  route: string;
  as: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Bytes of each response on the wire, headers included. */
  bytesPerResponse: number;
  /** /healthz's req/s measured just before this route: what `ratio` divides by. */
  floor: number;
  ratio: number;
  errors: number;
  /** Every round's figures, in the order measured; the fields above are the median round's. */
  rounds?: Array<Pick<RouteFigure, 'requestsPerSecond' | 'p50Ms' | 'p99Ms' | 'floor' | 'ratio' | 'errors'>>;
}

/** The round with the median p99 (the slower of the two middle ones for an even count), every round kept. */
function medianRound(rounds: RouteFigure[]): RouteFigure {
  const sorted = [...rounds].sort((a, b) => a.p99Ms - b.p99Ms);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return {
    ...median,
    errors: rounds.reduce((sum, round) => sum + round.errors, 0),
    rounds: rounds.map(({ requestsPerSecond, p50Ms, p99Ms, floor, ratio, errors }) => ({
      requestsPerSecond,
      p50Ms,
      p99Ms,
      floor,
      ratio,
      errors,
    })),
  };
}

interface FirstView {
  page: string;
  as: string;
  bytes: number;
  files: Array<{ url: string; bytes: number; encoding: string }>;
}

// --- The server and its database ---------------------------------------------------------------

function cli(databasePath: string, args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_PATH: databasePath, DEMO_PASSWORD: PASSWORD, NODE_ENV: 'production' },
    encoding: 'utf8',
  }).trim();
}

/** The server is started exactly as `npm start` starts it, memory settings included. */
function startArguments(): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const [command, ...args] = manifest.scripts.start.split(/\s+/);
  if (command !== 'node') throw new Error(`npm start runs '${command}', not node: update the bench.`);
  return args;
}

async function startServer(databasePath: string) {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_PATH: databasePath,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
  for (const name of ['PUBLIC_ORIGIN', 'SMTP_URL', 'SEED_DEMO', 'TRUST_PROXY', 'MAIL_FROM']) delete env[name];
  const child = spawn(process.execPath, startArguments(), {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited before answering:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`The server did not start within a minute:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { child, url, output: () => output };
}

async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** The session cookie of a demo account, from a real login (the cookie is Secure; we send it anyway). */
async function logIn(url: string, email: string): Promise<string> {
  const response = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: new URLSearchParams({ email, password: PASSWORD }),
  });
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .find((pair) => pair.startsWith('__Host-session='));
  if (response.status !== 303 || !cookie) throw new Error(`Login as ${email} failed (${response.status}).`);
  return cookie;
}

/** The server's resident memory, sampled from /proc while the run lasts. */
function sampleMemory(pid: number) {
  let peakKb = 0;
  const read = () => {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peakKb = Math.max(peakKb, kb);
    } catch {
      // The process is gone, or this is not Linux: nothing to sample.
    }
  };
  read();
  const timer = setInterval(read, 250);
  return {
    stop: () => {
      clearInterval(timer);
      read();
      return peakKb / 1024;
    },
  };
}

// --- Throughput --------------------------------------------------------------------------------

function load(url: string, cookie: string | undefined, duration: number) {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(ACCEPT_ENCODING ? { 'accept-encoding': ACCEPT_ENCODING } : {}),
    },
  });
}

async function measureRoute(
  base: string,
  route: string,
  as: string,
  cookie: string | undefined,
  seconds = DURATION_S,
) {
  const check = await fetch(base + route, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  if (check.status !== 200) throw new Error(`${route} as ${as} answered ${check.status}, not 200.`);
  await load(base + route, cookie, 1); // warm-up: caches, JIT, the first view's work
  const result = await load(base + route, cookie, seconds);
  return {
    route,
    as,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    bytesPerResponse: result.throughput.total / Math.max(1, result.requests.total),
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

// --- First view on the wire --------------------------------------------------------------------

function fetchAsBrowser(url: string, cookie?: string) {
  return new Promise<{ bytes: number; body: string; encoding: string }>((resolve, reject) => {
    const request = http.get(
      url,
      { headers: { 'accept-encoding': 'br, gzip, deflate', ...(cookie ? { cookie } : {}) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const raw = Buffer.concat(chunks);
          const encoding = String(response.headers['content-encoding'] ?? 'identity');
          // The status line and headers travel too.
          const headerBytes =
            response.rawHeaders.reduce((sum, part) => sum + Buffer.byteLength(part) + 2, 0) + 17;
          let body = '';
          if (String(response.headers['content-type'] ?? '').startsWith('text/html')) {
            body = (
              encoding === 'br'
                ? zlib.brotliDecompressSync(raw)
                : encoding === 'gzip'
                  ? zlib.gunzipSync(raw)
                  : encoding === 'deflate'
                    ? zlib.inflateSync(raw)
                    : raw
            ).toString('utf8');
          }
          resolve({ bytes: raw.length + headerBytes, body, encoding });
        });
      },
    );
    request.on('error', reject);
  });
}

async function firstView(base: string, page: string, as: string, cookie?: string): Promise<FirstView> {
  const html = await fetchAsBrowser(base + page, cookie);
  const files = [{ url: page, bytes: html.bytes, encoding: html.encoding }];
  const assets = [
    ...html.body.matchAll(/<link[^>]+rel="(?:stylesheet|icon)"[^>]+href="([^"]+)"/g),
    ...html.body.matchAll(/<script[^>]+src="([^"]+)"/g),
  ].map((match) => match[1]!);
  for (const asset of assets) {
    const file = await fetchAsBrowser(base + asset);
    files.push({ url: asset, bytes: file.bytes, encoding: file.encoding });
  }
  return { page, as, bytes: files.reduce((sum, file) => sum + file.bytes, 0), files };
}

// --- In-process figures ------------------------------------------------------------------------

function timeTally() {
  const candidates = Array.from({ length: 20 }, (_, i) => `candidate ${i + 1}`);
  let state = 7;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const ballots: CastBallot[] = Array.from({ length: 100_000 }, () => {
    const order = [...candidates];
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    // Most voters rank a few candidates, not all twenty.
    return { choices: order.slice(0, 1 + Math.floor(random() * 8)) };
  });
  const started = performance.now();
  const result = tallyBallot({ method: 'ranked', candidates, ballots });
  return { ms: performance.now() - started, rounds: result.rounds.length };
}

async function timeJobs(databasePath: string) {
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_PATH: databasePath });
  const db = openDatabase(databasePath);
  try {
    // A month on: deadlines pass and terms come within the alert horizon, so the jobs have work.
    const later = new Date(Date.now() + 30 * 86_400_000);
    let started = performance.now();
    const sync = advanceVacancies(db, later);
    const syncMs = performance.now() - started;
    started = performance.now();
    const context = { db, config, serverSecret: loadServerSecret(config.dataDir) };
    const { alerts } = await runAlertsNow(context, later);
    const alertsMs = performance.now() - started;
    // A lease left by the server would make this time a job that did not run.
    if (!alerts.ran) throw new Error(`The alerts job did not run: ${alerts.heldBy} holds its lease.`);
    return {
      syncMs,
      synced: sync.created.length + sync.toScreening.length,
      alertsMs,
      raised: alerts.result.length,
    };
  } finally {
    db.$client.close();
  }
}

// --- The run -----------------------------------------------------------------------------------

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1e9),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

const pad = (text: string | number, width: number) => String(text).padStart(width);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'board-bench-'));
  const databasePath = path.join(dir, 'board.db');
  console.log(`Seeding ${databasePath} …`);
  cli(databasePath, ['seed:demo']);
  const seeded = performance.now();
  console.log(
    cli(databasePath, [
      'seed:history',
      '--nominations',
      options.nominations,
      '--terms',
      options.terms,
      '--audit',
      options.audit,
    ]),
  );
  const seedSeconds = (performance.now() - seeded) / 1000;
  const reader = new Database(databasePath, { readonly: true });
  const ballotId = (
    reader.prepare("SELECT max(id) AS id FROM ballots WHERE status IN ('closed', 'certified')").get() as {
      id: number | null;
    }
  ).id;
  reader.close();
  if (!ballotId) throw new Error('The history holds no closed ballot to measure.');

  const server = await startServer(databasePath);
  const memory = sampleMemory(server.child.pid!);
  const failures: string[] = [];
  const routes: RouteFigure[] = [];
  const views: FirstView[] = [];
  try {
    const secretariat = await logIn(server.url, 'secretariat@demo.mmc.example');
    const pages: Array<[string, string, string | undefined]> = [
      ['/vacancies/1', 'secretariat', secretariat],
      ['/nominations', 'secretariat', secretariat],
      ['/terms', 'secretariat', secretariat],
      ['/audit', 'secretariat', secretariat],
      ['/alerts', 'secretariat', secretariat],
      [`/ballots/${ballotId}`, 'secretariat', secretariat],
      [`/ballots/${ballotId}/results`, 'secretariat', secretariat],
      ['/board', 'anyone', undefined],
    ];
    console.log(
      `Measuring ${pages.length + 1} routes in ${ROUNDS} rounds, ${DURATION_S} s each at ${CONNECTIONS} connections …`,
    );
    const rounds = new Map<string, RouteFigure[]>();
    const keep = (figure: RouteFigure) =>
      rounds.set(figure.route, [...(rounds.get(figure.route) ?? []), figure]);
    for (let round = 1; round <= ROUNDS; round += 1) {
      const floor = await measureRoute(server.url, '/healthz', 'anyone', undefined);
      keep({ ...floor, ratio: 1, floor: floor.requestsPerSecond });
      for (const [route, as, cookie] of pages) {
        // The floor is measured again just before each page: on a shared machine the CPU available
        // drifts over a run, and a ratio is only fair between figures taken side by side.
        const beside = await measureRoute(server.url, '/healthz', 'anyone', undefined, FLOOR_S);
        const figure = await measureRoute(server.url, route, as, cookie);
        keep({
          ...figure,
          floor: beside.requestsPerSecond,
          ratio: figure.requestsPerSecond / beside.requestsPerSecond,
        });
      }
      console.log(`  round ${round} of ${ROUNDS} measured`);
    }
    for (const figures of rounds.values()) routes.push(medianRound(figures));
    views.push(await firstView(server.url, '/', 'anyone'));
    views.push(await firstView(server.url, '/board', 'anyone'));
    views.push(await firstView(server.url, '/vacancies/1', 'secretariat', secretariat));
  } catch (error) {
    console.error(`The server said:\n${server.output()}`);
    throw error;
  } finally {
    await stopServer(server.child);
  }
  const rssMb = memory.stop();
  const tally = timeTally();
  const jobs = await timeJobs(databasePath);
  fs.rmSync(dir, { recursive: true, force: true });

  // --- Budgets ---------------------------------------------------------------------------------
  for (const figure of routes) {
    if (figure.errors > 0) failures.push(`${figure.route}: ${figure.errors} failed or non-2xx responses`);
    if (figure.route === '/healthz') continue;
    if (figure.ratio < BUDGETS.minRatio)
      failures.push(`${figure.route}: ${figure.ratio.toFixed(2)} of /healthz, budget ${BUDGETS.minRatio}`);
    if (figure.p99Ms >= BUDGETS.p99Ms)
      failures.push(`${figure.route}: p99 ${figure.p99Ms} ms, budget under ${BUDGETS.p99Ms} ms`);
  }
  for (const view of views)
    if (view.bytes > BUDGETS.firstViewBytes)
      failures.push(`first view of ${view.page}: ${view.bytes} bytes, budget ${BUDGETS.firstViewBytes}`);
  if (tally.ms >= BUDGETS.tallyMs) failures.push(`tally: ${tally.ms.toFixed(0)} ms, budget under 1 s`);
  if (jobs.alertsMs >= BUDGETS.alertsMs)
    failures.push(`runAlerts: ${jobs.alertsMs.toFixed(0)} ms, budget under 1 s`);
  if (jobs.syncMs >= BUDGETS.vacancySyncMs)
    failures.push(`vacancy sync: ${jobs.syncMs.toFixed(0)} ms, budget under 1 s`);
  if (rssMb >= BUDGETS.rssMb) failures.push(`server RSS: ${rssMb.toFixed(0)} MB, budget under 200 MB`);

  // --- Report ----------------------------------------------------------------------------------
  const host = machine();
  const lines = [
    '',
    `Machine: ${host.cpus} × ${host.model}, ${host.memoryGb} GB, ${host.platform}, Node ${host.node}`,
    `History: ${options.nominations} nominations, ${options.terms} past terms, ${options.audit} audit entries (seeded in ${seedSeconds.toFixed(1)} s)`,
    '',
    `Requests: ${ACCEPT_ENCODING ? `as Chromium asks (Accept-Encoding: ${ACCEPT_ENCODING})` : 'without Accept-Encoding (--identity)'}`,
    '',
    `Each route's figures are from its median round by p99, of ${ROUNDS}; the last column has every round's p99.`,
    '',
    `| route | as | req/s | p50 ms | p99 ms | bytes per response | /healthz beside it, req/s | ratio to /healthz | p99 ms in each round |`,
    `|---|---|--:|--:|--:|--:|--:|--:|--:|`,
    ...routes.map(
      (r) =>
        `| ${r.route} | ${r.as} | ${pad(Math.round(r.requestsPerSecond), 6)} | ${pad(r.p50Ms, 4)} | ${pad(r.p99Ms, 4)} | ${pad(Math.round(r.bytesPerResponse), 6)} | ${pad(Math.round(r.floor), 6)} | ${r.ratio.toFixed(2)} | ${(r.rounds ?? []).map((round) => round.p99Ms).join(' / ')} |`,
    ),
    '',
    '| first view | as | bytes on the wire | files |',
    '|---|---|--:|---|',
    ...views.map(
      (v) =>
        `| ${v.page} | ${v.as} | ${v.bytes} | ${v.files.map((f) => `${f.url.split('/').pop() || '/'} ${f.bytes} (${f.encoding})`).join(', ')} |`,
    ),
    '',
    '| figure | value | budget |',
    '|---|--:|--:|',
    `| tally, 100,000 ranked ballots × 20 candidates (${tally.rounds} rounds) | ${tally.ms.toFixed(0)} ms | < 1000 ms |`,
    `| runAlerts on the large history (${jobs.raised} raised) | ${jobs.alertsMs.toFixed(0)} ms | < 1000 ms |`,
    `| one vacancy sync on the large history (${jobs.synced} changes) | ${jobs.syncMs.toFixed(0)} ms | < 1000 ms |`,
    `| server RSS, peak during the run | ${rssMb.toFixed(0)} MB | < 200 MB |`,
    '',
  ];
  console.log(lines.join('\n'));

  fs.mkdirSync(RESULTS_FOLDER, { recursive: true });
  const file = path.join(RESULTS_FOLDER, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(
    file,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        machine: host,
        history: {
          nominations: options.nominations,
          terms: options.terms,
          audit: options.audit,
          seedSeconds,
        },
        connections: CONNECTIONS,
        acceptEncoding: ACCEPT_ENCODING ?? null,
        durationSeconds: DURATION_S,
        rounds: ROUNDS,
        budgets: BUDGETS,
        routes,
        firstViews: views,
        tally,
        jobs,
        rssMb,
        failures,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`Written to ${path.relative(REPO_ROOT, file)}`);
  if (failures.length > 0) {
    console.error(`\nBudgets missed (${failures.length}):\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log('Every budget is met.');
  }
}

await main();
