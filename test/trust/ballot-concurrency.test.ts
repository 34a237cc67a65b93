// Votes under real concurrency (issue 12, "Concurrency and durability"): every request is sent to
// one of two processes on the same database file before any answer is awaited, so the write lock,
// the roll's guarded claim and the ballot's status check settle each race, not the order in which
// one process happens to serialise them (STYLE.md, "Concurrency is tested across two connections
// or processes"). Voters are partner organisations' representatives, each with a session made
// straight in the database: two hundred argon2 logins would only measure argon2.
import { eq } from 'drizzle-orm';
import supertest, { type Response } from 'supertest';
import { describe, expect, it } from 'vitest';
import { ballots, users } from '../../src/db/schema.js';
import { demoEmail } from '../../src/demo/seed-demo.js';
import { verifyAuditChain } from '../../src/features/audit-log/audit-log.js';
import { createSession } from '../../src/features/auth/sessions.js';
import { ballotWithVoters, statusCounts, votedOnRoll, voteOn, votesOf } from './voters.js';

const VOTERS = 200;
const ROUNDS = 20;
const SUBMISSIONS_PER_ROUND = 50;

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
