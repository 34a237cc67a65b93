// Votes under real concurrency (issue 12, "Concurrency and durability"): every request is sent to
// one of two processes on the same database file before any answer is awaited, so the write lock,
// the roll's guarded claim and the ballot's status check settle each race, not the order in which
// one process happens to serialise them (STYLE.md, "Concurrency is tested across two connections
// or processes"). Voters are partner organisations' representatives, each with a session made
// straight in the database: two hundred argon2 logins would only measure argon2.
import { eq } from 'drizzle-orm';
import supertest, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ballots, users, voterRoll, votes } from '../../src/db/schema.js';
import { demoEmail } from '../../src/demo/seed-demo.js';
import { verifyAuditChain } from '../../src/features/audit-log/audit-log.js';
import { createSession } from '../../src/features/auth/sessions.js';
import { ballotForm, shortlistAll } from '../features/ballots/ballot-records.js';
import { client, makeTestApp, ORIGIN, type TestApp } from '../helpers/app.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

const START_TIMEOUT_MS = 60_000;
const VOTERS = 200;
const ROUNDS = 20;
const SUBMISSIONS_PER_ROUND = 50;

interface Voter {
  userId: number;
  token: string;
}

interface Race {
  t: TestApp;
  server: ServerProcess;
  ballotId: number;
  voters: Voter[];
}

/**
 * A fresh demo board with `count` more partner organisations, each with one representative and a
 * session, and a single-choice ballot open on the Athens vacancy whose roll holds them all.
 */
function ballotWithVoters(count: number): Race {
  const race = {} as Race;
  beforeAll(async () => {
    race.t = await makeTestApp();
    const now = Date.now();
    race.voters = race.t.db.transaction((tx) =>
      Array.from({ length: count }, (_, index) => {
        const { id } = tx
          .insert(users)
          .values({
            email: demoEmail(`voter${index}`),
            displayName: `Representative ${index}`,
            role: 'partner',
            partnerOrganisation: `Partner organisation ${index}`,
            passwordHash: null,
          })
          .returning({ id: users.id })
          .get();
        return { userId: id, token: createSession(tx, id, now).token };
      }),
    );
    const secretariat = client(race.t);
    await secretariat.logIn(demoEmail('secretariat'));
    await shortlistAll(race.t, secretariat);
    const minute = (date: Date) => date.toISOString().slice(0, 16);
    const created = await secretariat.post(
      '/ballots',
      ballotForm({
        method: 'single',
        quorumPercent: '0',
        opensAt: minute(new Date(now - 3_600_000)),
        closesAt: minute(new Date(now + 7 * 86_400_000)),
      }),
    );
    if (created.status !== 303) throw new Error(`opening the ballot: ${created.status}`);
    race.ballotId = Number(created.headers.location!.split('/').pop());
    race.server = await startServerProcess(race.t.config.databasePath);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await race.server?.stop();
    await race.t?.close();
  });
  return race;
}

/** A vote posted by this voter to one process or the other, as the ballot page's form would. */
function voteOn(race: Race, here: boolean, voter: Voter, choice: number): Promise<Response> {
  const target = here ? race.t.app.server : race.server.url;
  const origin = here ? ORIGIN : race.server.origin;
  return supertest(target)
    .post(`/ballots/${race.ballotId}/votes`)
    .set('Origin', origin)
    .set('Cookie', `session=${voter.token}`)
    .type('form')
    .send({ choice: String(choice) });
}

const votesOf = (race: Race) =>
  race.t.db
    .select()
    .from(votes)
    .where(eq(votes.ballotId, race.ballotId))
    .all()
    .filter((vote) => vote.choices !== null);

const votedOnRoll = (race: Race) =>
  race.t.db
    .select()
    .from(voterRoll)
    .where(eq(voterRoll.ballotId, race.ballotId))
    .all()
    .filter((entry) => entry.voted);

const statusCounts = (responses: Response[]) =>
  responses.reduce<Record<number, number>>((counts, response) => {
    counts[response.status] = (counts[response.status] ?? 0) + 1;
    return counts;
  }, {});

describe('two hundred voters voting at the same moment, across two processes', () => {
  const race = ballotWithVoters(VOTERS);

  it('records all two hundred votes, each with its own receipt, every voter marked once, the audit chain whole', async () => {
    const responses = await Promise.all(
      race.voters.map((voter, index) => voteOn(race, index % 2 === 0, voter, (index % 3) + 1)),
    );
    expect(statusCounts(responses)).toEqual({ 303: VOTERS });
    const recorded = votesOf(race);
    expect(recorded).toHaveLength(VOTERS);
    expect(new Set(recorded.map((vote) => vote.receipt)).size).toBe(VOTERS);
    expect(votedOnRoll(race)).toHaveLength(VOTERS);
    expect(verifyAuditChain(race.t.db)).toMatchObject({ ok: true });
  });
});

describe('one voter submitting fifty times at once, twenty rounds, across two processes', () => {
  const race = ballotWithVoters(ROUNDS);

  it('records exactly one vote per round: one 303 and forty-nine 409s each time', async () => {
    for (const [round, voter] of race.voters.entries()) {
      const responses = await Promise.all(
        Array.from({ length: SUBMISSIONS_PER_ROUND }, (_, index) =>
          voteOn(race, index % 2 === 0, voter, (index % 3) + 1),
        ),
      );
      expect(statusCounts(responses), `round ${round + 1}`).toEqual({
        303: 1,
        409: SUBMISSIONS_PER_ROUND - 1,
      });
      expect(votesOf(race), `round ${round + 1}`).toHaveLength(round + 1);
    }
    expect(votedOnRoll(race)).toHaveLength(ROUNDS);
    expect(verifyAuditChain(race.t.db)).toMatchObject({ ok: true });
  });
});

describe('votes racing the close, across two processes', () => {
  const race = ballotWithVoters(VOTERS);

  it('counts every vote accepted before the close and stores none after it: acknowledged = stored = counted', async () => {
    const secretariatToken = (() => {
      const { id } = race.t.db
        .select()
        .from(users)
        .where(eq(users.email, demoEmail('secretariat')))
        .get()!;
      return createSession(race.t.db, id, Date.now()).token;
    })();
    const close = () =>
      supertest(race.server.url)
        .post(`/ballots/${race.ballotId}/close`)
        .set('Origin', race.server.origin)
        .set('Cookie', `session=${secretariatToken}`)
        .type('form')
        .send({});
    // The close is sent in the middle of the stream of votes, to the other process than most.
    const requests: Promise<Response>[] = [];
    let closing: Promise<Response> | undefined;
    for (const [index, voter] of race.voters.entries()) {
      if (index === VOTERS / 2) closing = close();
      requests.push(voteOn(race, index % 2 === 0, voter, (index % 3) + 1));
    }
    const responses = await Promise.all(requests);
    expect((await closing!).status).toBe(303);

    const accepted = responses.filter((response) => response.status === 303).length;
    const refused = responses.filter((response) => response.status === 409);
    expect(accepted + refused.length).toBe(VOTERS);
    for (const response of refused) expect(response.text).toContain('This ballot has closed');
    const ballot = race.t.db.select().from(ballots).where(eq(ballots.id, race.ballotId)).get()!;
    expect(ballot.status).toBe('closed');
    expect(votesOf(race)).toHaveLength(accepted);
    expect(votedOnRoll(race)).toHaveLength(accepted);
    expect(ballot.result!.cast).toBe(accepted);
    expect(verifyAuditChain(race.t.db)).toMatchObject({ ok: true });
  });
});
