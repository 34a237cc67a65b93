// A ballot open to many voters at once, on a database that a second process (the real server)
// serves as well: the shared setup of the concurrency and backup tests. Voters are partner
// organisations' representatives, each with a session made straight in the database: two hundred
// argon2 logins would only measure argon2.
import { eq } from 'drizzle-orm';
import supertest, { type Response } from 'supertest';
import { afterAll, beforeAll } from 'vitest';
import { users, voterRoll, votes } from '../../src/db/schema.js';
import { demoEmail } from '../../src/demo/seed-demo.js';
import { createSession } from '../../src/features/auth/sessions.js';
import { ballotForm, shortlistAll } from '../features/ballots/ballot-records.js';
import { client, makeTestApp, ORIGIN, type TestApp } from '../helpers/app.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

const START_TIMEOUT_MS = 60_000;
export interface Voter {
  userId: number;
  token: string;
}

export interface Race {
  t: TestApp;
  server: ServerProcess;
  ballotId: number;
  voters: Voter[];
}

/**
 * A fresh demo board with `count` more partner organisations, each with one representative and a
 * session, and a single-choice ballot open on the Athens vacancy whose roll holds them all.
 */
export function ballotWithVoters(count: number): Race {
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
export function voteOn(race: Race, here: boolean, voter: Voter, choice: number): Promise<Response> {
  const target = here ? race.t.app.server : race.server.url;
  const origin = here ? ORIGIN : race.server.origin;
  return supertest(target)
    .post(`/ballots/${race.ballotId}/votes`)
    .set('Origin', origin)
    .set('Cookie', `session=${voter.token}`)
    .type('form')
    .send({ choice: String(choice) });
}

export const votesOf = (race: Race) =>
  race.t.db
    .select()
    .from(votes)
    .where(eq(votes.ballotId, race.ballotId))
    .all()
    .filter((vote) => vote.choices !== null);

export const votedOnRoll = (race: Race) =>
  race.t.db
    .select()
    .from(voterRoll)
    .where(eq(voterRoll.ballotId, race.ballotId))
    .all()
    .filter((entry) => entry.voted);

export const statusCounts = (responses: Response[]) =>
  responses.reduce<Record<number, number>>((counts, response) => {
    counts[response.status] = (counts[response.status] ?? 0) + 1;
    return counts;
  }, {});
