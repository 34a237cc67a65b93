// Closing a ballot and counting it (DESIGN.md, "Ballots"): by itself at its closing time (a page
// read or the job), or early by the secretariat; results hidden from everyone until then; the
// outcomes (winner, no quorum, rejected, tie) and the tie rules (a runoff among the tied, the
// chair's casting vote, a seeded drawing of lots); advisory partner votes counted apart and shown
// only from three; the results page's markers and the recount file.
import crypto from 'node:crypto';
import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { drawOrder } from '../../../src/domain/tally.js';
import { closeBallot } from '../../../src/features/ballots/close-ballot.js';
import { parseRecount, recount } from '../../../src/features/ballots/recount.js';
import { recordCastingVote, startRunoff } from '../../../src/features/ballots/settle-tie.js';
import { advanceStates } from '../../../src/jobs/run-jobs.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { auditEntries, textOf, userIdOf } from '../terms/board-records.js';
import {
  addAccount,
  ballotIdFrom,
  ballotRow,
  ballotState,
  CANDIDATE,
  castVotes,
  closeEarly,
  jobContext,
  MEMBERS,
  NOW,
  openAthensBallot,
  PARTNERS,
  ranking,
  receiptsIn,
  rollNames,
  viewerOf,
  votesIn,
} from './ballot-records.js';

const { montevideo: M, dhakaNorth: D, zurich: Z } = CANDIDATE;
type Form = Record<string, string | string[]>;
const choose = (id: number): Form => ({ choice: String(id) });

/** Montevideo and Zurich two votes each, Dhaka North none: a tie for first. */
const TIED: Array<[string, Form]> = [
  ['mayor.amman', choose(M)],
  ['mayor.bristol', choose(Z)],
  ['mayor.freetown', choose(M)],
  ['mayor.kampala', choose(Z)],
];

describe('closing by itself at its closing time', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId } = await openAthensBallot(t, { method: 'single', quorumPercent: '0' }));
    await castVotes(t, ballotId, [['mayor.amman', choose(M)]]);
  });
  afterEach(async () => t.close());

  it('stays open on a page read a minute before its closing time', async () => {
    t.clock.now = new Date('2026-12-05T16:59:00Z');
    await supertest(t.app.server).get('/');
    expect(ballotRow(t, ballotId)).toMatchObject({ status: 'open', result: null });
  });

  it('closes on any page read at its closing time and is counted; no one closed it, the system audited it', async () => {
    t.clock.now = new Date('2026-12-05T17:00:00Z');
    await supertest(t.app.server).get('/board');
    expect(ballotRow(t, ballotId)).toMatchObject({
      status: 'closed',
      closedAt: '2026-12-05T17:00:00.000Z',
      closedBy: null,
      result: expect.objectContaining({ outcome: 'winner', winner: String(M), cast: 1, eligible: 9 }),
    });
    const [closed] = auditEntries(t, 'ballot.close');
    expect(closed).toMatchObject({ actorLabel: 'system', subjectId: String(ballotId) });
    expect(closed!.details).toMatchObject({ early: false, outcome: 'winner', winner: String(M) });
  });

  it('records its closing time as closed, even when the count comes days later', async () => {
    t.clock.now = new Date('2026-12-07T10:00:00Z');
    await supertest(t.app.server).get('/');
    expect(ballotRow(t, ballotId)).toMatchObject({
      status: 'closed',
      closedAt: '2026-12-05T17:00:00.000Z',
      closedBy: null,
    });
  });

  it('is closed at its time, not early, when the secretariat asks to close it after that time (409, as the system’s)', async () => {
    t.clock.now = new Date('2026-12-06T09:00:00Z');
    const response = await (await logInAs(t, 'secretariat')).post(`/ballots/${ballotId}/close`);
    expect(response.status).toBe(409);
    expect(ballotRow(t, ballotId)).toMatchObject({
      status: 'closed',
      closedAt: '2026-12-05T17:00:00.000Z',
      closedBy: null,
    });
    expect(auditEntries(t, 'ballot.close')[0]).toMatchObject({ actorLabel: 'system' });
  });

  it('is closed by the state job at its closing time, once', async () => {
    const before = await advanceStates(jobContext(t), new Date('2026-12-05T16:00:00Z'));
    expect(before).toMatchObject({ ran: true, result: { ballotsClosed: [] } });
    const due = await advanceStates(jobContext(t), new Date('2026-12-05T17:05:00Z'));
    expect(due).toMatchObject({ ran: true, result: { ballotsClosed: [ballotId] } });
    expect(ballotRow(t, ballotId).status).toBe('closed');
    await advanceStates(jobContext(t), new Date('2026-12-05T18:00:00Z'));
    expect(auditEntries(t, 'ballot.close')).toHaveLength(1);
  });
});

describe('closing early (POST /ballots/:id/close)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('closes and counts an open ballot for the secretariat: 303 to the results, closed by them, audited as early', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t, { method: 'single', quorumPercent: '0' });
    await castVotes(t, ballotId, [['mayor.amman', choose(Z)]]);
    const response = await secretariat.post(`/ballots/${ballotId}/close`);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/ballots/${ballotId}/results`);
    expect(ballotRow(t, ballotId)).toMatchObject({
      status: 'closed',
      closedAt: NOW.toISOString(),
      closedBy: userIdOf(t, 'secretariat'),
      result: expect.objectContaining({ outcome: 'winner', winner: String(Z) }),
    });
    const [closed] = auditEntries(t, 'ballot.close');
    expect(closed).toMatchObject({ actorLabel: 'secretariat@demo.mmc.example' });
    expect(closed!.details).toMatchObject({ early: true, outcome: 'winner', cast: 1, eligible: 9 });
  });

  it('answers 403 to a board member, a partner and a nominator, and the ballot stays open', async () => {
    const { ballotId } = await openAthensBallot(t);
    const before = ballotState(t);
    for (const who of ['mayor.amman', 'partner.c40', 'nominator.zurich']) {
      expect((await (await logInAs(t, who)).post(`/ballots/${ballotId}/close`)).status, who).toBe(403);
    }
    expect(ballotState(t)).toBe(before);
    expect(ballotRow(t, ballotId).status).toBe('open');
  });

  it('is refused by the action itself to anyone but the secretariat, whatever route calls it', async () => {
    const { ballotId } = await openAthensBallot(t);
    for (const who of ['mayor.amman', 'partner.c40', 'nominator.zurich'])
      expect(closeBallot(t.db, ballotId, viewerOf(t, who), NOW), who).toMatchObject({
        ok: false,
        status: 403,
      });
    expect(ballotRow(t, ballotId).status).toBe('open');
  });

  it('refuses to close a draft ballot (409)', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t, { opensAt: '2026-11-30T09:00' });
    const before = ballotState(t);
    const response = await secretariat.post(`/ballots/${ballotId}/close`);
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain(`Ballot ${ballotId} is not open, so it cannot be closed.`);
    expect(ballotState(t)).toBe(before);
  });

  it('refuses to close a closed ballot again (409), its count unchanged', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t);
    await closeEarly(t, ballotId);
    const before = ballotState(t);
    expect((await secretariat.post(`/ballots/${ballotId}/close`)).status).toBe(409);
    expect(ballotState(t)).toBe(before);
  });
});

describe('results, hidden until the close', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId } = await openAthensBallot(t, { method: 'single', quorumPercent: '0' }));
    await castVotes(t, ballotId, [['mayor.amman', choose(M)]]);
  });
  afterEach(async () => t.close());

  it('answers 409 for the results and the ballots file while open, to the secretariat and to voters alike', async () => {
    for (const who of ['secretariat', 'mayor.amman', 'partner.uclg']) {
      const browser = await logInAs(t, who);
      const results = await browser.get(`/ballots/${ballotId}/results`);
      expect(results.status, who).toBe(409);
      expect(textOf(results.text)).toContain(
        'The results are shown once the ballot has closed; no one sees them before.',
      );
      expect(results.text).not.toContain('data-outcome');
      expect((await browser.get(`/ballots/${ballotId}/ballots.json`)).status, who).toBe(409);
      const page = await browser.get(`/ballots/${ballotId}`);
      expect(page.text).not.toContain('data-outcome');
      expect(page.text).not.toContain('data-receipt');
    }
  });

  it('shows them the moment the ballot closes', async () => {
    await closeEarly(t, ballotId);
    expect((await (await logInAs(t, 'mayor.amman')).get(`/ballots/${ballotId}/results`)).status).toBe(200);
  });
});

describe('the outcomes', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  const resultsPage = async (ballotId: number) =>
    (await (await logInAs(t, 'secretariat')).get(`/ballots/${ballotId}/results`)).text;

  it('finds no quorum when too few binding voters vote (4 of 9 against 50%), with no rounds and no winner', async () => {
    const { ballotId } = await openAthensBallot(t, { method: 'single', quorumPercent: '50' });
    await castVotes(t, ballotId, [...TIED.slice(0, 3), ['partner.c40', choose(M)]]);
    expect(await closeEarly(t, ballotId)).toMatchObject({
      outcome: 'no_quorum',
      winner: null,
      rounds: [],
      cast: 4,
      eligible: 9,
      quorumMet: false,
    });
    const html = await resultsPage(ballotId);
    expect(html).toContain('data-outcome="no_quorum"');
    expect(html).not.toContain('data-winner');
    expect(textOf(html)).toContain('4 of 9 binding voters voted, and 50% was needed.');
  });

  it('meets the quorum exactly at the percentage: 5 of 10 is 50%', async () => {
    await addAccount(t, { localPart: 'partner.iom', role: 'partner', partner: 'IOM' });
    const { ballotId } = await openAthensBallot(t, { method: 'single', quorumPercent: '50' });
    await castVotes(t, ballotId, [...TIED, ['partner.iom', choose(M)]]);
    expect(await closeEarly(t, ballotId)).toMatchObject({
      outcome: 'winner',
      winner: String(M),
      cast: 5,
      eligible: 10,
    });
  });

  it('elects a confirmed candidate by a majority of the votes cast, abstentions not cast: 2 yes, 1 no, 3 abstain', async () => {
    const { ballotId } = await openAthensBallot(t, {
      method: 'confirm',
      candidateIds: [String(M)],
      quorumPercent: '0',
    });
    await castVotes(t, ballotId, [
      ['mayor.amman', { decision: 'yes' }],
      ['mayor.bristol', { decision: 'yes' }],
      ['mayor.freetown', { decision: 'no' }],
      ['mayor.kampala', { decision: 'abstain' }],
      ['mayor.milan', { abstain: 'on' }],
      ['partner.c40', { decision: 'abstain' }],
    ]);
    expect(await closeEarly(t, ballotId)).toMatchObject({
      outcome: 'winner',
      winner: String(M),
      cast: 6,
      rounds: [{ tally: { yes: 2, no: 1 }, exhausted: 3 }],
    });
  });

  it('rejects a confirmed candidate when yes and no are level', async () => {
    const { ballotId } = await openAthensBallot(t, {
      method: 'confirm',
      candidateIds: [String(M)],
      quorumPercent: '0',
    });
    await castVotes(t, ballotId, [
      ['mayor.amman', { decision: 'yes' }],
      ['mayor.bristol', { decision: 'no' }],
      ['mayor.freetown', { decision: 'abstain' }],
    ]);
    expect(await closeEarly(t, ballotId)).toMatchObject({ outcome: 'rejected', winner: null });
    const html = await resultsPage(ballotId);
    expect(html).toContain('data-outcome="rejected"');
    expect(html).not.toContain('data-winner');
  });

  it('rejects a confirmed candidate when everyone abstains', async () => {
    const { ballotId } = await openAthensBallot(t, {
      method: 'confirm',
      candidateIds: [String(M)],
      quorumPercent: '50',
    });
    await castVotes(
      t,
      ballotId,
      MEMBERS.slice(0, 5).map((who) => [who, { decision: 'abstain' }] as [string, Form]),
    );
    expect(await closeEarly(t, ballotId)).toMatchObject({ outcome: 'rejected', cast: 5, quorumMet: true });
  });

  it('shows the winner, and every counted receipt, on the results page', async () => {
    const { ballotId } = await openAthensBallot(t, { quorumPercent: '0' });
    await castVotes(t, ballotId, [
      ['mayor.amman', ranking(Z, M)],
      ['mayor.bristol', ranking(M)],
      ['mayor.freetown', ranking(M, D)],
      ['partner.c40', { abstain: 'on' }],
    ]);
    await closeEarly(t, ballotId);
    const html = await resultsPage(ballotId);
    expect(html).toContain('data-outcome="winner"');
    expect(html).toContain(`data-winner="${M}"`);
    expect(receiptsIn(html).sort()).toEqual(
      votesIn(t, ballotId)
        .map((v) => v.receipt)
        .sort(),
    );
    expect(textOf(html)).toContain('abstention');
  });
});

describe('a tie under the runoff rule', () => {
  let t: TestApp;
  let ballotId: number;
  let secretariat: Awaited<ReturnType<typeof logInAs>>;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId, secretariat } = await openAthensBallot(t, { method: 'single', quorumPercent: '0' }));
    await castVotes(t, ballotId, TIED);
    await closeEarly(t, ballotId);
  });
  afterEach(async () => t.close());

  it('ends in a tie between the two leaders, shown as such with no winner', async () => {
    expect(ballotRow(t, ballotId).result).toMatchObject({
      outcome: 'tie',
      winner: null,
      tied: [String(M), String(Z)],
    });
    const html = (await secretariat.get(`/ballots/${ballotId}/results`)).text;
    expect(html).toContain('data-outcome="tie"');
    expect(html).not.toContain('data-winner');
    expect((await secretariat.get(`/ballots/${ballotId}`)).text).toContain(
      `action="/ballots/${ballotId}/runoff"`,
    );
  });

  it('opens a new ballot among the tied only, with the same settings and a roll of its own', async () => {
    const response = await secretariat.post(`/ballots/${ballotId}/runoff`);
    expect(response.status).toBe(303);
    const runoffId = ballotIdFrom(response);
    expect(runoffId).not.toBe(ballotId);
    expect(ballotRow(t, runoffId)).toMatchObject({
      runoffOf: ballotId,
      status: 'open',
      method: 'single',
      quorumPercent: 0,
      secret: true,
      tieRule: 'runoff',
      vacancyId: ballotRow(t, ballotId).vacancyId,
      opensAt: NOW.toISOString(),
    });
    const page = await secretariat.get(`/ballots/${runoffId}`);
    expect(page.text).toContain(`id="candidate-${M}"`);
    expect(page.text).toContain(`id="candidate-${Z}"`);
    expect(page.text).not.toContain(`id="candidate-${D}"`);
    expect(rollNames(t, runoffId)).toEqual([...MEMBERS, ...PARTNERS].sort());
    expect(auditEntries(t, 'ballot.runoff')[0]!.details).toEqual({
      runoffOf: ballotId,
      candidates: [String(M), String(Z)],
    });
    // Votes for the tied count; Dhaka North is not on it.
    expect(
      (await (await logInAs(t, 'mayor.amman')).post(`/ballots/${runoffId}/votes`, choose(D))).status,
    ).toBe(422);
    expect(
      (await (await logInAs(t, 'mayor.amman')).post(`/ballots/${runoffId}/votes`, choose(Z))).status,
    ).toBe(303);
  });

  it('opens that new ballot only once (409 the second time)', async () => {
    const first = ballotIdFrom(await secretariat.post(`/ballots/${ballotId}/runoff`));
    const before = ballotState(t);
    const again = await secretariat.post(`/ballots/${ballotId}/runoff`);
    expect(again.status).toBe(409);
    expect(textOf(again.text)).toContain(`The new ballot among the tied is already open: ballot ${first}.`);
    expect(ballotState(t)).toBe(before);
  });

  it('answers 403 to anyone but the secretariat', async () => {
    const before = ballotState(t);
    for (const who of ['mayor.amman', 'partner.c40']) {
      expect((await (await logInAs(t, who)).post(`/ballots/${ballotId}/runoff`)).status, who).toBe(403);
    }
    expect(ballotState(t)).toBe(before);
  });

  it('is refused by the action itself to anyone but the secretariat, whatever route calls it', () => {
    expect(startRunoff(t.db, ballotId, viewerOf(t, 'mayor.amman'), NOW)).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it('refuses a casting vote: the rule is a runoff (409)', async () => {
    const response = await secretariat.post(`/ballots/${ballotId}/casting-vote`, { nominationId: String(M) });
    expect(response.status).toBe(409);
    expect(ballotRow(t, ballotId).result!.outcome).toBe('tie');
  });
});

describe('no runoff without a runoff tie', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('refuses a runoff of a ballot with a winner (409)', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t, { method: 'single', quorumPercent: '0' });
    await castVotes(t, ballotId, [['mayor.amman', choose(M)]]);
    await closeEarly(t, ballotId);
    const response = await secretariat.post(`/ballots/${ballotId}/runoff`);
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain(
      'A new ballot among the tied is for a ballot that ended in a tie under the runoff rule.',
    );
  });

  it('refuses a runoff of a tie under the chair’s rule (409), and of an open ballot', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t, {
      method: 'single',
      quorumPercent: '0',
      tieRule: 'chair',
    });
    expect((await secretariat.post(`/ballots/${ballotId}/runoff`)).status).toBe(409);
    await castVotes(t, ballotId, TIED);
    await closeEarly(t, ballotId);
    expect(ballotRow(t, ballotId).result!.outcome).toBe('tie');
    expect((await secretariat.post(`/ballots/${ballotId}/runoff`)).status).toBe(409);
  });

  it('runs off a two-way approval tie as a single choice', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t, { method: 'approval', quorumPercent: '0' });
    await castVotes(t, ballotId, [
      ['mayor.amman', { approve: [String(M), String(Z)] }],
      ['mayor.bristol', { approve: [String(M), String(Z), String(D)] }],
    ]);
    await closeEarly(t, ballotId);
    const runoffId = ballotIdFrom(await secretariat.post(`/ballots/${ballotId}/runoff`));
    expect(ballotRow(t, runoffId).method).toBe('single');
  });
});

describe('a tie under the chair’s rule (POST /ballots/:id/casting-vote)', () => {
  let t: TestApp;
  let ballotId: number;
  let secretariat: Awaited<ReturnType<typeof logInAs>>;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId, secretariat } = await openAthensBallot(t, {
      method: 'single',
      quorumPercent: '0',
      tieRule: 'chair',
    }));
    await castVotes(t, ballotId, TIED);
    await closeEarly(t, ballotId);
  });
  afterEach(async () => t.close());

  it('records the chair’s casting vote for a tied candidate, who then wins: 303 to the results, audited', async () => {
    expect((await secretariat.get(`/ballots/${ballotId}`)).text).toContain(
      `action="/ballots/${ballotId}/casting-vote"`,
    );
    const response = await secretariat.post(`/ballots/${ballotId}/casting-vote`, { nominationId: String(Z) });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/ballots/${ballotId}/results`);
    expect(ballotRow(t, ballotId)).toMatchObject({
      castingVote: Z,
      result: expect.objectContaining({ outcome: 'winner', winner: String(Z), tied: [String(M), String(Z)] }),
    });
    expect(auditEntries(t, 'ballot.casting_vote')[0]!.details).toEqual({
      nominationId: Z,
      tied: [String(M), String(Z)],
    });
    const html = (await secretariat.get(`/ballots/${ballotId}/results`)).text;
    expect(html).toContain(`data-winner="${Z}"`);
    expect(textOf(html)).toContain('on the chair’s casting vote, after a tie');
  });

  it('is refused by the action itself to anyone but the secretariat, whatever route calls it', () => {
    const attempt = recordCastingVote(
      t.db,
      ballotId,
      { nominationId: String(M) },
      viewerOf(t, 'mayor.amman'),
      NOW,
    );
    expect(attempt).toMatchObject({ ok: false, status: 403 });
    expect(ballotRow(t, ballotId).castingVote).toBeNull();
  });

  it('refuses a casting vote for a candidate who was not tied (422), or for no one', async () => {
    const before = ballotState(t);
    const response = await secretariat.post(`/ballots/${ballotId}/casting-vote`, { nominationId: String(D) });
    expect(response.status).toBe(422);
    expect(textOf(response.text)).toContain('The chair votes for one of the tied candidates.');
    expect((await secretariat.post(`/ballots/${ballotId}/casting-vote`, {})).status).toBe(422);
    expect(ballotState(t)).toBe(before);
  });

  it('refuses a second casting vote (409), the first standing', async () => {
    await secretariat.post(`/ballots/${ballotId}/casting-vote`, { nominationId: String(Z) });
    const before = ballotState(t);
    const response = await secretariat.post(`/ballots/${ballotId}/casting-vote`, { nominationId: String(M) });
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain('The chair’s casting vote is already recorded.');
    expect(ballotState(t)).toBe(before);
    expect(ballotRow(t, ballotId).result!.winner).toBe(String(Z));
  });

  it('answers 403 to anyone but the secretariat', async () => {
    const before = ballotState(t);
    for (const who of ['mayor.amman', 'partner.c40', 'nominator.zurich']) {
      const response = await (await logInAs(t, who)).post(`/ballots/${ballotId}/casting-vote`, {
        nominationId: String(M),
      });
      expect(response.status, who).toBe(403);
    }
    expect(ballotState(t)).toBe(before);
  });
});

describe('a tie under the lot rule', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('draws the winner with a recorded seed, the one drawOrder puts first, and shows the seed', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t, {
      method: 'single',
      quorumPercent: '0',
      tieRule: 'lot',
    });
    await castVotes(t, ballotId, TIED);
    await closeEarly(t, ballotId);
    const ballot = ballotRow(t, ballotId);
    expect(ballot.lotSeed).toMatch(/^[0-9a-f]{32}$/);
    // The draw is over the names ballots.json publishes, stored by nomination id.
    const idOf: Record<string, string> = {
      'Lucía Pereira (Montevideo)': String(M),
      'Anna Keller (Zurich)': String(Z),
    };
    const order = drawOrder(ballot.lotSeed!, Object.keys(idOf)).map((name) => idOf[name]!);
    expect(ballot.result).toMatchObject({
      outcome: 'winner',
      winner: order[0],
      draws: [
        { purpose: 'elect', seed: ballot.lotSeed, tied: [String(M), String(Z)], order, chosen: order[0] },
      ],
    });
    expect(auditEntries(t, 'ballot.close')[0]!.details).toMatchObject({ lotSeed: ballot.lotSeed });
    const html = (await secretariat.get(`/ballots/${ballotId}/results`)).text;
    expect(html).toContain(`<code>${ballot.lotSeed}</code>`);
    expect(html).toContain(`data-winner="${order[0]}"`);
  });

  it('draws the same winner as a recount of its ballots.json with the recorded seed, as the results page promises', async () => {
    // A seed under which a draw over the candidates' ids and one over their names (what the
    // ballots file lists) disagree: the recount must still agree with the count.
    const names = { [String(M)]: 'Lucía Pereira (Montevideo)', [String(Z)]: 'Anna Keller (Zurich)' };
    const byName = (seed: string) => drawOrder(seed, [names[M]!, names[Z]!])[0];
    let seed = '';
    for (let i = 0; !seed; i += 1) {
      const candidate = i.toString(16).padStart(32, '0');
      if (names[drawOrder(candidate, [String(M), String(Z)])[0]!] !== byName(candidate)) seed = candidate;
    }
    const randomBytes = crypto.randomBytes;
    vi.spyOn(crypto, 'randomBytes').mockImplementation(((size: number) =>
      size === 16 ? Buffer.from(seed, 'hex') : randomBytes(size)) as typeof crypto.randomBytes);
    try {
      const { ballotId } = await openAthensBallot(t, {
        method: 'single',
        quorumPercent: '0',
        tieRule: 'lot',
      });
      await castVotes(t, ballotId, TIED);
      await closeEarly(t, ballotId);
      expect(ballotRow(t, ballotId).lotSeed).toBe(seed);
      const file = JSON.parse(
        (await (await logInAs(t, 'mayor.amman')).get(`/ballots/${ballotId}/ballots.json`)).text,
      );
      const parsed = parseRecount(file);
      if (!parsed.ok) throw new Error(parsed.problems.join(' '));
      const recounted = recount(parsed.input, { rule: 'lot', seed });
      expect(recounted.winner).toBe(names[ballotRow(t, ballotId).result!.winner!]);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('draws with a fresh seed for every ballot', async () => {
    const { ballotId } = await openAthensBallot(t, {
      method: 'single',
      quorumPercent: '100',
      tieRule: 'lot',
    });
    await closeEarly(t, ballotId);
    const first = ballotRow(t, ballotId).lotSeed;
    const second = ballotIdFrom(
      await (await logInAs(t, 'secretariat')).post('/ballots', {
        vacancyId: '1',
        method: 'single',
        candidateIds: [String(M), String(Z)],
        opensAt: '2026-11-28T08:00',
        closesAt: '2026-12-05T17:00',
        quorumPercent: '100',
        tieRule: 'lot',
      }),
    );
    await closeEarly(t, second);
    expect(ballotRow(t, second).lotSeed).toMatch(/^[0-9a-f]{32}$/);
    expect(ballotRow(t, second).lotSeed).not.toBe(first);
  });
});

describe('advisory partner votes', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  const members: Array<[string, Form]> = [
    ['mayor.amman', choose(M)],
    ['mayor.bristol', choose(M)],
    ['mayor.freetown', choose(Z)],
  ];

  it('counts two advisory votes apart: the binding count ignores them, the page shows only their number', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t, {
      method: 'single',
      quorumPercent: '0',
      partnerVotes: 'advisory',
    });
    await castVotes(t, ballotId, [...members, ['partner.c40', choose(Z)], ['partner.uclg', choose(Z)]]);
    expect(await closeEarly(t, ballotId)).toMatchObject({
      outcome: 'winner',
      winner: String(M),
      cast: 3,
      eligible: 7,
      rounds: [{ tally: { [M]: 2, [D]: 0, [Z]: 1 } }],
      advisory: { cast: 2, disclosed: false },
    });
    const text = textOf((await secretariat.get(`/ballots/${ballotId}/results`)).text);
    expect(text).toContain(
      '2 advisory votes were cast. Their tally is shown only when at least three are cast',
    );
    expect(text).not.toContain('advisory votes, counted apart');
  });

  it('shows neither the tally nor the choices of fewer than three advisory votes, not even beside their receipts', async () => {
    const { ballotId } = await openAthensBallot(t, {
      method: 'single',
      quorumPercent: '0',
      partnerVotes: 'advisory',
    });
    await castVotes(t, ballotId, [
      ['mayor.amman', choose(M)],
      ['partner.c40', choose(D)],
      ['partner.uclg', choose(Z)],
    ]);
    await closeEarly(t, ballotId);
    // A partner who knows their own vote must not read the other's anywhere on the page.
    const html = (await (await logInAs(t, 'partner.c40')).get(`/ballots/${ballotId}/results`)).text;
    expect(textOf(html)).toContain('2 advisory votes were cast.');
    const advisory = votesIn(t, ballotId).filter((v) => !v.binding);
    expect(advisory).toHaveLength(2);
    for (const { receipt } of advisory) {
      const row = html.split('<tr>').find((r) => r.includes(`data-receipt="${receipt}"`)) ?? '';
      expect(textOf(row)).not.toMatch(/Zurich|Dhaka North/);
    }
  });

  it('shows the tally of three advisory votes (a third organisation), still not counted in the binding result', async () => {
    await addAccount(t, { localPart: 'partner.iom', role: 'partner', partner: 'IOM' });
    const { ballotId, secretariat } = await openAthensBallot(t, {
      method: 'single',
      quorumPercent: '0',
      partnerVotes: 'advisory',
    });
    await castVotes(t, ballotId, [
      ...members,
      ['partner.c40', choose(Z)],
      ['partner.uclg', choose(Z)],
      ['partner.iom', choose(Z)],
    ]);
    expect(await closeEarly(t, ballotId)).toMatchObject({
      outcome: 'winner',
      winner: String(M),
      cast: 3,
      eligible: 7,
      advisory: {
        cast: 3,
        disclosed: true,
        winner: String(Z),
        rounds: [{ tally: { [M]: 0, [D]: 0, [Z]: 3 } }],
      },
    });
    const text = textOf((await secretariat.get(`/ballots/${ballotId}/results`)).text);
    expect(text).toContain('3 advisory votes, counted apart (they do not decide):');
    expect(text).toContain('Anna Keller (Zurich) 3');
  });

  it('leaves advisory partners out of the quorum: 4 of 7 members meet 50%', async () => {
    const { ballotId } = await openAthensBallot(t, {
      method: 'single',
      quorumPercent: '50',
      partnerVotes: 'advisory',
    });
    await castVotes(t, ballotId, [...members, ['mayor.kampala', choose(M)]]);
    expect(await closeEarly(t, ballotId)).toMatchObject({ outcome: 'winner', cast: 4, eligible: 7 });
  });
});

describe('the ballots file (GET /ballots/:id/ballots.json)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('holds the binding ballots only, in the recount format, with receipts and no voter, even from a named ballot', async () => {
    const { ballotId } = await openAthensBallot(t, {
      method: 'single',
      quorumPercent: '0',
      partnerVotes: 'advisory',
      secret: 'off',
    });
    await castVotes(t, ballotId, [
      ['mayor.amman', choose(M)],
      ['mayor.bristol', choose(Z)],
      ['mayor.freetown', { abstain: 'on' }],
      ['partner.c40', choose(D)],
      ['partner.uclg', choose(D)],
    ]);
    await closeEarly(t, ballotId);
    const response = await (await logInAs(t, 'mayor.amman')).get(`/ballots/${ballotId}/ballots.json`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const file = JSON.parse(response.text);
    expect(file.method).toBe('single');
    expect(file.candidates).toEqual([
      'Lucía Pereira (Montevideo)',
      'Tanvir Rahman (Dhaka North)',
      'Anna Keller (Zurich)',
    ]);
    const binding = votesIn(t, ballotId).filter((v) => v.binding);
    expect(file.ballots).toHaveLength(3);
    expect(file.ballots.map((b: { receipt: string }) => b.receipt).sort()).toEqual(
      binding.map((v) => v.receipt).sort(),
    );
    expect(file.ballots.map((b: { choices: string[] }) => b.choices).sort()).toEqual(
      [[], ['Anna Keller (Zurich)'], ['Lucía Pereira (Montevideo)']].sort(),
    );
    // No voter, no time: not even the named ballot's.
    expect(response.text).not.toMatch(/voter|castAt|cast_at|mayor\.|partner\.|demo\.mmc/i);
    expect(response.text).not.toContain('Dhaka North)"]');
  });

  it('writes a yes/no ballot as a count between yes and no', async () => {
    const { ballotId } = await openAthensBallot(t, {
      method: 'confirm',
      candidateIds: [String(M)],
      quorumPercent: '0',
    });
    await castVotes(t, ballotId, [
      ['mayor.amman', { decision: 'yes' }],
      ['mayor.bristol', { decision: 'no' }],
    ]);
    await closeEarly(t, ballotId);
    const file = JSON.parse(
      (await (await logInAs(t, 'secretariat')).get(`/ballots/${ballotId}/ballots.json`)).text,
    );
    expect(file).toMatchObject({ method: 'single', candidates: ['yes', 'no'] });
    expect(file.ballots.map((b: { choices: string[] }) => b.choices[0]).sort()).toEqual(['no', 'yes']);
  });
});
