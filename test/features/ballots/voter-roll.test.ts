// The voter roll (DESIGN.md, "Ballots"): fixed when the ballot opens — the members with an active
// term that day and one representative per partner organisation — a draft ballot opening by itself
// at its time, automatic recusal of a member whose own city is a candidate's, and recusal declared
// with a reason; a recused voter cannot vote and leaves the quorum's denominator.
import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../../src/features/audit-log/audit-log.js';
import { insertTerm } from '../../../src/features/terms/start-term.js';
import { advanceStates, runAlertsNow } from '../../../src/jobs/run-jobs.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { bogotaForm, idFromLocation, logInAsNominatorOf } from '../nominations/nomination-records.js';
import { auditEntries, fieldError, textOf } from '../terms/board-records.js';
import {
  addAccount,
  ballotForm,
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
  rollEntryOf,
  rollNames,
  shortlistAll,
  vote,
} from './ballot-records.js';

const { montevideo: M, zurich: Z } = CANDIDATE;
const DEMO_ROLL = [...MEMBERS, ...PARTNERS].sort();

/** The successor on Bristol's seat (3): an account with a term from the day Bristol's ends. */
async function bristolSuccessor(t: TestApp) {
  const userId = await addAccount(t, {
    localPart: 'mayor.manchester',
    role: 'board_member',
    cityCountry: 'GB',
    cityName: 'Manchester',
  });
  t.db.transaction((tx) =>
    insertTerm(
      tx,
      {
        seatId: 3,
        memberName: 'Andy Burnham',
        city: { cityName: 'Manchester', country: 'GB', contexts: ['destination'], secondaryCity: false },
        userId,
        // Bristol's term ends 25 days after the demo's day: 2026-12-23.
        startsOn: '2026-12-23',
        endsOn: '2028-12-23',
        termNumber: 1,
        mandateEndsOn: null,
      },
      SYSTEM_ACTOR,
      NOW,
    ),
  );
}

describe('the roll, fixed on the day the ballot opens', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    await bristolSuccessor(t);
  });
  afterEach(async () => t.close());

  it('holds the seven sitting members and the two partners when it opens today', async () => {
    const { ballotId } = await openAthensBallot(t);
    expect(rollNames(t, ballotId)).toEqual(DEMO_ROLL);
  });

  it('leaves out a member whose term starts after the opening day, and keeps on the member who sits that day', async () => {
    const { ballotId } = await openAthensBallot(t, {
      opensAt: '2026-12-22T09:00',
      closesAt: '2026-12-30T17:00',
    });
    t.clock.now = new Date('2026-12-22T09:00:00Z');
    await supertest(t.app.server).get('/');
    expect(ballotRow(t, ballotId).status).toBe('open');
    expect(rollNames(t, ballotId)).toEqual(DEMO_ROLL);
    expect(rollNames(t, ballotId)).not.toContain('mayor.manchester');
  });

  it('leaves out a member whose term ended before the opening day, and takes in their successor', async () => {
    const { ballotId } = await openAthensBallot(t, {
      opensAt: '2026-12-23T09:00',
      closesAt: '2026-12-30T17:00',
    });
    t.clock.now = new Date('2026-12-23T09:00:00Z');
    await supertest(t.app.server).get('/');
    expect(ballotRow(t, ballotId).status).toBe('open');
    expect(rollNames(t, ballotId)).toEqual(
      [...DEMO_ROLL.filter((name) => name !== 'mayor.bristol'), 'mayor.manchester'].sort(),
    );
  });

  it('is the board of the opening day even when the opening is noticed days later: Bristol, who sat that day, is on it', async () => {
    const { ballotId } = await openAthensBallot(t, {
      opensAt: '2026-12-22T09:00',
      closesAt: '2026-12-30T17:00',
    });
    // Nothing is read until two days after the opening time, when Manchester's term has begun.
    t.clock.now = new Date('2026-12-24T09:00:00Z');
    await supertest(t.app.server).get('/');
    expect(ballotRow(t, ballotId).status).toBe('open');
    expect(rollNames(t, ballotId)).toEqual(DEMO_ROLL);
  });

  it('does not change once open: the member who sat on the opening day still votes after their term ends, the successor cannot even see it (404)', async () => {
    const { ballotId } = await openAthensBallot(t, {
      opensAt: '2026-11-28T09:00',
      closesAt: '2026-12-30T17:00',
    });
    t.clock.now = new Date('2026-12-24T09:00:00Z');
    const successor = await vote(t, 'mayor.manchester', ballotId, { rank_1: '1' });
    expect(successor.response.status).toBe(404);
    expect((await vote(t, 'mayor.bristol', ballotId, { rank_1: '1' })).response.status).toBe(303);
    expect(rollNames(t, ballotId)).toEqual(DEMO_ROLL);
  });
});

describe('a draft ballot, opening by itself at its time', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId } = await openAthensBallot(t, { opensAt: '2026-11-30T08:00' }));
  });
  afterEach(async () => t.close());

  it('stays a draft, with no roll, on a page read before its time', async () => {
    t.clock.now = new Date('2026-11-30T07:59:00Z');
    await supertest(t.app.server).get('/');
    expect(ballotRow(t, ballotId).status).toBe('draft');
    expect(rollNames(t, ballotId)).toEqual([]);
  });

  it('opens on any page read at its time, even an anonymous visitor’s, fixing its roll; audited as the system’s', async () => {
    t.clock.now = new Date('2026-11-30T08:00:00Z');
    expect((await supertest(t.app.server).get('/board')).status).toBe(200);
    expect(ballotRow(t, ballotId)).toMatchObject({ status: 'open', openedAt: '2026-11-30T08:00:00.000Z' });
    expect(rollNames(t, ballotId)).toEqual(DEMO_ROLL);
    const [opened, ...more] = auditEntries(t, 'ballot.open');
    expect(more).toHaveLength(0);
    expect(opened).toMatchObject({ actorLabel: 'system', subjectId: String(ballotId) });
    expect(opened!.details).toEqual({ voters: 9, board: 7, partners: 2, recusedAutomatically: 0 });
  });

  it('is opened by the state job (advanceStates) at its time, once', async () => {
    const early = await advanceStates(jobContext(t), new Date('2026-11-30T07:00:00Z'));
    expect(early).toMatchObject({ ran: true, result: { ballotsOpened: [] } });
    const due = await advanceStates(jobContext(t), new Date('2026-11-30T08:30:00Z'));
    expect(due).toMatchObject({ ran: true, result: { ballotsOpened: [ballotId] } });
    expect(ballotRow(t, ballotId).status).toBe('open');
    expect(rollNames(t, ballotId)).toEqual(DEMO_ROLL);
    const again = await advanceStates(jobContext(t), new Date('2026-11-30T09:00:00Z'));
    expect(again).toMatchObject({ ran: true, result: { ballotsOpened: [] } });
    expect(auditEntries(t, 'ballot.open')).toHaveLength(1);
  });

  it('is opened by alerts:run (runAlertsNow), which then raises its ballot_opened alert', async () => {
    const { states, alerts } = await runAlertsNow(jobContext(t), new Date('2026-11-30T08:30:00Z'));
    expect(states).toMatchObject({ ran: true, result: { ballotsOpened: [ballotId] } });
    expect(ballotRow(t, ballotId).status).toBe('open');
    expect(JSON.stringify(alerts)).toContain('"kind":"ballot_opened"');
  });

  it('refuses votes until then (409)', async () => {
    const { response } = await vote(t, 'mayor.amman', ballotId, { rank_1: '1' });
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain('This ballot is not open yet');
  });
});

describe('one representative per partner organisation', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('puts only the organisation’s first account on the roll; a second C40 account cannot vote in it or see it (404)', async () => {
    // The same organisation, written differently: it is still C40.
    await addAccount(t, { localPart: 'partner.c40.second', role: 'partner', partner: 'c40 CITIES ' });
    const { ballotId } = await openAthensBallot(t);
    expect(rollNames(t, ballotId)).toEqual(DEMO_ROLL);
    expect(rollEntryOf(t, ballotId, 'partner.c40')).toMatchObject({ weightClass: 'partner', binding: true });
    const { response } = await vote(t, 'partner.c40.second', ballotId, { rank_1: '1' });
    expect(response.status).toBe(404);
    expect((await vote(t, 'partner.c40', ballotId, { rank_1: '1' })).response.status).toBe(303);
  });

  it('puts a third organisation’s representative on the roll too', async () => {
    await addAccount(t, { localPart: 'partner.iom', role: 'partner', partner: 'IOM' });
    const { ballotId } = await openAthensBallot(t);
    expect(rollNames(t, ballotId)).toEqual([...DEMO_ROLL, 'partner.iom'].sort());
  });
});

describe('automatic recusal: a member whose own city is a candidate’s', () => {
  let t: TestApp;
  let ballotId: number;
  let milanNomination: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    const nominator = await logInAsNominatorOf(t, 'Milan');
    const submitted = await nominator.post(
      '/nominations',
      bogotaForm({
        nomineeName: 'Giulia Romano',
        nomineeTitle: 'Deputy Mayor of Milan',
        nomineeEmail: 'giulia.romano@milan.example',
        cityName: 'Milan',
        country: 'IT',
      }),
    );
    expect(submitted.status).toBe(303);
    milanNomination = idFromLocation(submitted.headers.location);
    const secretariat = await logInAs(t, 'secretariat');
    await shortlistAll(t, secretariat);
    expect(
      (await secretariat.post(`/nominations/${milanNomination}/review`, { status: 'shortlisted', note: '' }))
        .status,
    ).toBe(303);
    const created = await secretariat.post(
      '/ballots',
      ballotForm({ candidateIds: [String(M), String(Z), String(milanNomination)] }),
    );
    expect(created.status).toBe(303);
    ballotId = ballotIdFrom(created);
  });
  afterEach(async () => t.close());

  it('recuses Milan’s mayor when the ballot opens, with the reason, and audits the count', () => {
    expect(rollEntryOf(t, ballotId, 'mayor.milan')).toMatchObject({
      recusal: 'automatic',
      recusalReason: 'Your own city, Milan, is a candidate’s city.',
    });
    const others = [...MEMBERS, ...PARTNERS].filter((who) => who !== 'mayor.milan');
    for (const who of others) expect(rollEntryOf(t, ballotId, who)!.recusal, who).toBeNull();
    expect(auditEntries(t, 'ballot.open')[0]!.details).toMatchObject({ voters: 9, recusedAutomatically: 1 });
  });

  it('refuses Milan’s mayor’s vote (403), and shows them why instead of a vote form', async () => {
    const { browser, response } = await vote(t, 'mayor.milan', ballotId, { rank_1: '1' });
    expect(response.status).toBe(403);
    expect(textOf(response.text)).toContain('You are recused from this ballot: Your own city, Milan');
    const page = await browser.get(`/ballots/${ballotId}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(`action="/ballots/${ballotId}/confirm"`);
    expect(textOf(page.text)).toContain('You are recused from this ballot');
  });

  it('leaves Milan out of the quorum’s denominator: 8 binding voters', async () => {
    await castVotes(t, ballotId, [['mayor.amman', { [`rank_${M}`]: '1' }]]);
    const result = await closeEarly(t, ballotId);
    expect(result).toMatchObject({ eligible: 8, cast: 1 });
  });
});

describe('declaring a recusal (POST /ballots/:id/recuse)', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId } = await openAthensBallot(t));
  });
  afterEach(async () => t.close());

  const recuse = async (who: string, reason?: string) => {
    const browser = await logInAs(t, who);
    return {
      browser,
      response: await browser.post(`/ballots/${ballotId}/recuse`, reason === undefined ? {} : { reason }),
    };
  };

  it('recuses a voter who gives a reason: 303 to the ballot, kept on the roll and audited', async () => {
    const { browser, response } = await recuse('mayor.amman', 'My deputy chairs Montevideo’s campaign.');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/ballots/${ballotId}`);
    expect(rollEntryOf(t, ballotId, 'mayor.amman')).toMatchObject({
      recusal: 'declared',
      recusalReason: 'My deputy chairs Montevideo’s campaign.',
      voted: false,
    });
    const [entry] = auditEntries(t, 'ballot.recuse');
    expect(entry).toMatchObject({ actorLabel: 'mayor.amman@demo.mmc.example', subjectId: String(ballotId) });
    expect(entry!.details).toEqual({ reason: 'My deputy chairs Montevideo’s campaign.' });
    const page = await browser.get(`/ballots/${ballotId}`);
    expect(textOf(page.text)).toContain(
      'You are recused from this ballot: My deputy chairs Montevideo’s campaign.',
    );
  });

  it('refuses a recusal without a reason: 422 beside the field, nothing changed', async () => {
    const before = ballotState(t);
    for (const reason of [undefined, '', '   ']) {
      const { response } = await recuse('mayor.amman', reason);
      expect(response.status, JSON.stringify(reason)).toBe(422);
      expect(fieldError(response.text, 'reason')).toBe('Give the reason you recuse yourself.');
    }
    expect(ballotState(t)).toBe(before);
  });

  it('keeps the reason typed when it is refused as too long (422)', async () => {
    const reason = `A candidate is my cousin. ${'x'.repeat(500)}`;
    const { response } = await recuse('mayor.amman', reason);
    expect(response.status).toBe(422);
    expect(response.text).toContain(`>${reason}</textarea>`);
  });

  it('refuses a recusal after voting (409): the vote is final', async () => {
    await castVotes(t, ballotId, [['mayor.amman', { [`rank_${M}`]: '1' }]]);
    const before = ballotState(t);
    const { response } = await recuse('mayor.amman', 'Too late.');
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain('You have already voted; a vote is final.');
    expect(ballotState(t)).toBe(before);
  });

  it('refuses a second recusal (409), keeping the first reason', async () => {
    await recuse('mayor.amman', 'First reason.');
    const { response } = await recuse('mayor.amman', 'Second reason.');
    expect(response.status).toBe(409);
    expect(rollEntryOf(t, ballotId, 'mayor.amman')!.recusalReason).toBe('First reason.');
  });

  it('refuses a recusal once the ballot has closed (409)', async () => {
    await closeEarly(t, ballotId);
    const { response } = await recuse('mayor.amman', 'After the count.');
    expect(response.status).toBe(409);
    expect(rollEntryOf(t, ballotId, 'mayor.amman')!.recusal).toBeNull();
  });

  it('refuses a recusal from someone not on the roll: the secretariat (403), a nominator, who cannot see the ballot (404)', async () => {
    const before = ballotState(t);
    expect((await recuse('secretariat', 'Not mine to vote on.')).response.status).toBe(403);
    expect((await recuse('nominator.zurich', 'Not mine to vote on.')).response.status).toBe(404);
    expect(ballotState(t)).toBe(before);
  });

  it('refuses the vote of a voter who recused (403), and records none', async () => {
    await recuse('mayor.amman', 'A conflict of interest.');
    const { response } = await vote(t, 'mayor.amman', ballotId, { [`rank_${M}`]: '1' });
    expect(response.status).toBe(403);
    expect(textOf(response.text)).toContain('You are recused from this ballot: A conflict of interest.');
    expect(rollEntryOf(t, ballotId, 'mayor.amman')!.voted).toBe(false);
  });
});

describe('recused voters and the quorum (50% of binding, non-recused voters)', () => {
  let t: TestApp;
  let ballotId: number;
  const fourVotes: Array<[string, Record<string, string>]> = [
    ['mayor.bristol', { [`rank_${M}`]: '1' }],
    ['mayor.freetown', { [`rank_${M}`]: '1' }],
    ['mayor.kampala', { [`rank_${Z}`]: '1' }],
    ['partner.uclg', { [`rank_${M}`]: '1' }],
  ];
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId } = await openAthensBallot(t, { quorumPercent: '50' }));
  });
  afterEach(async () => t.close());

  it('finds no quorum when 4 of 9 voters vote', async () => {
    await castVotes(t, ballotId, fourVotes);
    expect(await closeEarly(t, ballotId)).toMatchObject({ outcome: 'no_quorum', cast: 4, eligible: 9 });
  });

  it('finds the quorum with the same 4 votes once two voters have recused: 4 of 7', async () => {
    for (const who of ['mayor.amman', 'partner.c40'])
      expect(
        (await (await logInAs(t, who)).post(`/ballots/${ballotId}/recuse`, { reason: 'Conflict.' })).status,
      ).toBe(303);
    await castVotes(t, ballotId, fourVotes);
    expect(await closeEarly(t, ballotId)).toMatchObject({
      outcome: 'winner',
      winner: String(M),
      cast: 4,
      eligible: 7,
    });
  });
});
