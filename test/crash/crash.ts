// `npm run test:crash`: the server killed (SIGKILL, no chance to finish anything) at random moments
// while a stream of screening decisions, then of votes, is posted to it, at least 100 times; two
// servers on the same database file, killed and restarted in turn, so that one is always writing
// when the other dies. Then, on the file left behind: `PRAGMA integrity_check` is ok, no foreign
// key is broken, every decision and every vote the server acknowledged (303) is there, no vote is
// half-written (the roll's "voted" marks and the filled vote rows agree), and the audit chain
// verifies. Prints the figures; exits 1 on any loss.
//
// CRASH_KILLS (default 100) sets the number of kills; CRASH_SEED a seed for the random moments.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { openDatabase } from '../../src/db/client.js';
import { nominations, users, vacancies } from '../../src/db/schema.js';
import { demoEmail, seedDemo } from '../../src/demo/seed-demo.js';
import { verifyAuditChain } from '../../src/features/audit-log/audit-log.js';
import { createSession } from '../../src/features/auth/sessions.js';
import { freePort } from '../helpers/server-process.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KILLS = Number(process.env.CRASH_KILLS ?? 100);
const VOTERS = 6000;
const NOMINATIONS = [1, 2, 3];
const VOTE_WORKERS = 4;

// A small seeded generator (mulberry32), so that a failing run can be repeated with CRASH_SEED.
let seed = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);
const firstSeed = seed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let value = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
  return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
}
const between = (low: number, high: number) => low + Math.floor(random() * (high - low));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// --- The database: the demo board, four thousand partner representatives, sessions -----------

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'board-crash-'));
const databasePath = path.join(folder, 'board.db');

interface Setup {
  secretariat: string;
  voters: Array<{ userId: number; token: string }>;
}

async function prepare(): Promise<Setup> {
  const db = openDatabase(databasePath);
  const now = new Date();
  await seedDemo(db, { password: 'crash-test-password', now });
  const setup = db.transaction((tx) => {
    // The Athens vacancy's nominations close yesterday: the first request moves it to screening.
    const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
    const athens = tx.select().from(nominations).where(eq(nominations.id, 1)).get()!.vacancyId;
    tx.update(vacancies).set({ nominationDeadline: yesterday }).where(eq(vacancies.id, athens)).run();
    const secretariatId = tx
      .select()
      .from(users)
      .where(eq(users.email, demoEmail('secretariat')))
      .get()!.id;
    const voters = Array.from({ length: VOTERS }, (_, index) => {
      const { id } = tx
        .insert(users)
        .values({
          email: `voter${index}@crash.example`,
          displayName: `Representative ${index}`,
          role: 'partner',
          partnerOrganisation: `Organisation ${index}`,
          passwordHash: null,
        })
        .returning({ id: users.id })
        .get();
      return { userId: id, token: createSession(tx, id, now.getTime()).token };
    });
    return { secretariat: createSession(tx, secretariatId, now.getTime()).token, voters };
  });
  db.$client.close();
  return setup;
}

// --- Two servers on the file, killed and restarted in turn ------------------------------------

interface Slot {
  port: number;
  child: ChildProcess | null;
  alive: boolean;
}

function start(slot: Slot): void {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['NODE_ENV', 'SMTP_URL', 'PUBLIC_ORIGIN', 'TRUST_PROXY']) delete env[name];
  Object.assign(env, {
    DATABASE_PATH: databasePath,
    PORT: String(slot.port),
    HOST: '127.0.0.1',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'error',
  });
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  slot.child = child;
  slot.alive = false;
  child.on('exit', () => {
    if (slot.child === child) slot.alive = false;
  });
}

async function untilAnswering(slot: Slot): Promise<void> {
  for (let tries = 0; tries < 600; tries += 1) {
    try {
      const response = await fetch(`http://127.0.0.1:${slot.port}/healthz`, {
        signal: AbortSignal.timeout(1000),
      });
      if (response.status === 200) {
        slot.alive = true;
        return;
      }
    } catch {
      // Not listening yet.
    }
    await pause(25);
  }
  throw new Error(`The server on port ${slot.port} did not start.`);
}

function kill(slot: Slot): Promise<void> {
  const child = slot.child!;
  slot.alive = false;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

// --- What the clients post, and what the servers acknowledged ---------------------------------

const slots: Slot[] = [];
let phase: 'decisions' | 'votes' | 'done' = 'decisions';
let votingStarted = false;
/** Set while the ballot is opened: a setup step, done once, not the thing under test. */
let holdKills = false;

/** The answer; null when the server died before answering; undefined when none was up to ask. */
async function post(
  token: string,
  url: string,
  form: Record<string, string | string[]>,
): Promise<Response | null | undefined> {
  const live = slots.filter((slot) => slot.alive);
  if (live.length === 0) {
    await pause(20);
    return undefined; // not sent: no server is up
  }
  const slot = live[between(0, live.length)]!;
  const origin = `http://127.0.0.1:${slot.port}`;
  try {
    return await fetch(`${origin}${url}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin, cookie: `session=${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(
        Object.entries(form).flatMap(([name, value]) =>
          (Array.isArray(value) ? value : [value]).map((v) => [name, v]),
        ),
      ),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    return null; // killed while it was being answered: its fate is unknown, and not counted
  }
}

interface Decision {
  nominationId: number;
  to: string;
  note: string;
}
const acknowledgedDecisions: Decision[] = [];
const acknowledgedVotes: Array<{ userId: number; receipt: string }> = [];
let decisionsSent = 0;
let votesSent = 0;
let nextVoter = 0;

/** One nomination's stream of decisions: eligible and ineligible in turn, each with its own note. */
async function decide(nominationId: number, setup: Setup, target: 'flip' | 'shortlisted') {
  let status = 'submitted';
  let count = 0;
  let refusals = 0;
  while (target === 'shortlisted' ? status !== 'shortlisted' : phase === 'decisions') {
    // A nomination is shortlisted from eligible; the stream of decisions flips between the two findings.
    const to =
      target === 'shortlisted'
        ? status === 'eligible'
          ? 'shortlisted'
          : 'eligible'
        : status === 'eligible'
          ? 'ineligible'
          : 'eligible';
    count += 1;
    const note = `decision ${nominationId}.${count}`;
    const response = await post(setup.secretariat, `/nominations/${nominationId}/review`, {
      status: to,
      note,
      from: status,
    });
    if (response !== undefined) decisionsSent += 1;
    if (response?.status === 303) {
      acknowledgedDecisions.push({ nominationId, to, note });
      status = to;
    } else if (response?.status === 409 || !response) {
      if (response && ++refusals > 100)
        throw new Error(
          `Decision on ${nominationId}: refused again and again: ${(await response.text()).slice(0, 300)}`,
        );
      // Changed by a decision whose answer was lost with its server: ask what it is now.
      status = (await currentStatus(nominationId)) ?? status;
    } else if (response) {
      throw new Error(
        `Decision on ${nominationId}: unexpected ${response.status}: ${(await response.text()).slice(0, 300)}`,
      );
    }
  }
}

async function currentStatus(nominationId: number): Promise<string | null> {
  const db = openDatabase(databasePath);
  try {
    return db.select().from(nominations).where(eq(nominations.id, nominationId)).get()?.status ?? null;
  } finally {
    db.$client.close();
  }
}

async function openBallot(setup: Setup): Promise<number> {
  const minute = (date: Date) => date.toISOString().slice(0, 16);
  const now = Date.now();
  for (;;) {
    const response = await post(setup.secretariat, '/ballots', {
      vacancyId: '1',
      method: 'single',
      candidateIds: ['1', '2', '3'],
      opensAt: minute(new Date(now - 3_600_000)),
      closesAt: minute(new Date(now + 7 * 86_400_000)),
      quorumPercent: '0',
      secret: 'on',
      partnerVotes: 'binding',
      tieRule: 'runoff',
    });
    if (response?.status === 303) return Number(response.headers.get('location')!.split('/').pop());
    // A lost answer may have opened it all the same.
    const db = openDatabase(databasePath);
    const ballot = db.$client.prepare('SELECT id FROM ballots WHERE vacancy_id = 1').get() as
      | { id: number }
      | undefined;
    db.$client.close();
    if (ballot) return ballot.id;
    if (response && response.status !== 303)
      throw new Error(`Opening the ballot: ${response.status}: ${(await response.text()).slice(0, 300)}`);
  }
}

async function vote(setup: Setup, ballotId: number) {
  while (phase === 'votes') {
    const voter = setup.voters[nextVoter++];
    if (!voter) throw new Error('Every voter has voted before the kills were done: add voters.');
    let response: Response | null | undefined;
    // No server up: the same voter tries again.
    while (response === undefined && phase === 'votes')
      response = await post(voter.token, `/ballots/${ballotId}/votes`, { choice: String(between(1, 4)) });
    if (response === undefined) break;
    votesSent += 1;
    await pause(between(5, 40));
    if (response?.status === 303) {
      const cookie = response.headers.getSetCookie().find((line) => line.startsWith(`receipt-${ballotId}=`))!;
      const receipt = decodeURIComponent(cookie.split(';')[0]!.split('=')[1]!).split('.')[0]!;
      acknowledgedVotes.push({ userId: voter.userId, receipt });
    } else if (response && response.status !== 409) {
      throw new Error(`Vote: unexpected ${response.status}: ${(await response.text()).slice(0, 300)}`);
    }
  }
}

// --- The run --------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const setup = await prepare();
  for (let index = 0; index < 2; index += 1)
    slots.push({ port: await freePort(), child: null, alive: false });
  for (const slot of slots) start(slot);
  await Promise.all(slots.map(untilAnswering));

  // Each server has its own killer: it dies at a random moment after it starts answering, and is
  // started again, while the other goes on (or is itself starting again). Half the kills fall
  // while decisions are posted, half while votes are; those in between (the shortlist, the
  // ballot's opening) come on top.
  let kills = 0;
  let decisionKills = 0;
  let voteKills = 0;
  const half = Math.ceil(KILLS / 2);
  const killer = Promise.all(
    slots.map(async (slot) => {
      while (decisionKills < half || voteKills < half) {
        await pause(between(80, 700));
        while (holdKills) await pause(50);
        if (decisionKills >= half && voteKills >= half) break;
        const during = phase === 'decisions' ? 'decisions' : votingStarted ? 'votes' : 'between';
        await kill(slot);
        kills += 1;
        if (during === 'decisions') decisionKills += 1;
        if (during === 'votes') voteKills += 1;
        if (decisionKills >= half && phase === 'decisions') phase = 'votes';
        if (kills % 10 === 0)
          console.error(`  … ${kills} kills (${decisionKills} during decisions, ${voteKills} during votes)`);
        start(slot);
        await untilAnswering(slot);
      }
    }),
  ).then(() => {
    phase = 'done';
  });

  await Promise.all(NOMINATIONS.map((id) => decide(id, setup, 'flip')));
  // Between the phases: the three candidates shortlisted, and the ballot opened, through the
  // same crashing servers.
  console.error('  … screening decisions done; shortlisting');
  await Promise.all(NOMINATIONS.map((id) => decide(id, setup, 'shortlisted')));
  console.error('  … shortlisted; opening the ballot (no kills meanwhile)');
  holdKills = true;
  const openingStarted = Date.now();
  const ballotId = await openBallot(setup);
  holdKills = false;
  console.error(`  … opened in ${Date.now() - openingStarted} ms`);
  console.error(`  … ballot ${ballotId} open; voting`);
  votingStarted = true;
  await Promise.all(Array.from({ length: VOTE_WORKERS }, () => vote(setup, ballotId)));
  await killer;
  await Promise.all(slots.map((slot) => kill(slot)));

  // --- What the file holds ---------------------------------------------------------------------
  const db = openDatabase(databasePath);
  const sqlite = db.$client;
  const problems: string[] = [];
  const integrity = sqlite.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
  const brokenKeys = sqlite.pragma('foreign_key_check') as unknown[];
  if (brokenKeys.length > 0) problems.push(`foreign_key_check: ${brokenKeys.length} rows`);

  const event = sqlite.prepare(
    'SELECT 1 FROM nomination_events WHERE nomination_id = ? AND to_status = ? AND note = ?',
  );
  const lostDecisions = acknowledgedDecisions.filter((d) => !event.get(d.nominationId, d.to, d.note));
  if (lostDecisions.length > 0) problems.push(`${lostDecisions.length} acknowledged decisions missing`);

  const filled = sqlite.prepare(
    "SELECT 1 FROM votes WHERE ballot_id = ? AND receipt = ? AND trim(choices) <> 'null'",
  );
  const marked = sqlite.prepare('SELECT voted FROM voter_roll WHERE ballot_id = ? AND user_id = ?');
  const lostVotes = acknowledgedVotes.filter(
    (v) =>
      !filled.get(ballotId, v.receipt) || (marked.get(ballotId, v.userId) as { voted: number })?.voted !== 1,
  );
  if (lostVotes.length > 0) problems.push(`${lostVotes.length} acknowledged votes missing`);
  const { votesStored } = sqlite
    .prepare("SELECT count(*) AS votesStored FROM votes WHERE ballot_id = ? AND trim(choices) <> 'null'")
    .get(ballotId) as { votesStored: number };
  const { rollMarked } = sqlite
    .prepare('SELECT count(*) AS rollMarked FROM voter_roll WHERE ballot_id = ? AND voted = 1')
    .get(ballotId) as { rollMarked: number };
  if (votesStored !== rollMarked)
    problems.push(`${votesStored} votes stored but ${rollMarked} voters marked as having voted`);

  const chain = verifyAuditChain(db);
  if (!chain.ok) problems.push(`audit chain broken at entry ${chain.brokenId}: ${chain.problem}`);
  const { decisionsStored } = sqlite
    .prepare("SELECT count(*) AS decisionsStored FROM nomination_events WHERE note LIKE 'decision %'")
    .get() as { decisionsStored: number };
  sqlite.close();

  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(
    [
      `Crash test (CRASH_SEED=${firstSeed}), ${seconds} s:`,
      `  kills survived: ${kills} (${decisionKills} during screening decisions, ${voteKills} during votes, ${kills - decisionKills - voteKills} in between), two servers on one file`,
      `  screening decisions: ${decisionsSent} sent, ${acknowledgedDecisions.length} acknowledged, ${decisionsStored} stored, ${lostDecisions.length} lost`,
      `  votes: ${votesSent} sent, ${acknowledgedVotes.length} acknowledged, ${votesStored} stored, ${lostVotes.length} lost`,
      `  integrity_check: ${integrity}; foreign keys: ${brokenKeys.length} broken; audit chain: ${chain.ok ? `verified, ${chain.entries} entries` : 'BROKEN'}`,
    ].join('\n'),
  );
  if (problems.length > 0) {
    console.error(`FAILED:\n  ${problems.join('\n  ')}\nThe database is kept in ${folder}.`);
    return 1;
  }
  if (kills < KILLS || acknowledgedDecisions.length === 0 || acknowledgedVotes.length === 0) {
    console.error('FAILED: the run did not kill, decide and vote as planned.');
    return 1;
  }
  fs.rmSync(folder, { recursive: true, force: true });
  return 0;
}

main().then(
  (code) => process.exit(code),
  async (error) => {
    console.error(error);
    for (const slot of slots) slot.child?.kill('SIGKILL');
    process.exit(1);
  },
);
