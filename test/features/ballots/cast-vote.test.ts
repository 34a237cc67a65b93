// Casting a vote (POST /ballots/:id/votes): read by the ballot's method, one per voter and final,
// only while the ballot is open and only from the roll; a secret ballot's vote keeps nothing that
// leads back to the voter, and the voter sees their receipt once. The confirmation step before it
// (POST /ballots/:id/confirm) shows the vote as it will be recorded and stores nothing.
import { like } from 'drizzle-orm';
import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog } from '../../../src/db/schema.js';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { castVote } from '../../../src/features/ballots/cast-vote.js';
import { client, cookieValue, DEMO_PASSWORD, logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { auditEntries, fieldError, termOf, textOf, userIdOf } from '../terms/board-records.js';
import {
  ballotForm,
  ballotIdFrom,
  ballotRow,
  ballotState,
  CANDIDATE,
  castVotes,
  closeEarly,
  MEMBERS,
  NOW,
  openAthensBallot,
  PARTNERS,
  ranking,
  receiptIn,
  rollEntryOf,
  viewerOf,
  vote,
  votesIn,
} from './ballot-records.js';

const { montevideo: M, dhakaNorth: D, zurich: Z } = CANDIDATE;
type Form = Record<string, string | string[]>;

/** A ballot of this method on the Athens candidates (a yes/no ballot on Montevideo alone). */
function ballotOf(t: TestApp, method: 'ranked' | 'approval' | 'single' | 'confirm', overrides: Form = {}) {
  return openAthensBallot(t, {
    method,
    ...(method === 'confirm' ? { candidateIds: [String(M)] } : {}),
    ...overrides,
  });
}

/** Votes as Amman and expects it recorded: 303 to the receipt; returns the stored choices. */
async function recorded(t: TestApp, ballotId: number, form: Form) {
  const before = votesIn(t, ballotId).length;
  const { response } = await vote(t, 'mayor.amman', ballotId, form);
  expect(response.status, response.text.slice(0, 300)).toBe(303);
  expect(response.headers.location).toBe(`/ballots/${ballotId}/receipt`);
  expect(rollEntryOf(t, ballotId, 'mayor.amman')!.voted).toBe(true);
  const all = votesIn(t, ballotId);
  expect(all).toHaveLength(before + 1);
  return all[0]!.choices;
}

/** Votes as Amman and expects 422, nothing stored, the form shown again; returns the page. */
async function refusedVote(t: TestApp, ballotId: number, form: Form) {
  const before = ballotState(t);
  const { response } = await vote(t, 'mayor.amman', ballotId, form);
  expect(response.status, JSON.stringify(form)).toBe(422);
  expect(ballotState(t)).toBe(before);
  expect(response.text).toContain(`action="/ballots/${ballotId}/confirm"`);
  return response.text;
}

describe('a ranked vote', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId } = await ballotOf(t, 'ranked'));
  });
  afterEach(async () => t.close());

  it('records the ranked candidates in rank order, a blank rank leaving a candidate unranked', async () => {
    expect(
      await recorded(t, ballotId, { [`rank_${M}`]: '2', [`rank_${D}`]: '', [`rank_${Z}`]: '1' }),
    ).toEqual([String(Z), String(M)]);
  });

  it('refuses a rank outside 1 to the number of candidates, beside that candidate', async () => {
    for (const rank of ['0', '4', 'first', '1.5']) {
      const html = await refusedVote(t, ballotId, { [`rank_${M}`]: rank, [`rank_${Z}`]: '2' });
      expect(fieldError(html, `rank_${M}`), rank).toBe('Give a rank from 1 to 3, or leave it blank.');
    }
  });

  it('refuses a rank given to two candidates, naming it', async () => {
    const html = await refusedVote(t, ballotId, {
      [`rank_${M}`]: '1',
      [`rank_${Z}`]: '1',
      [`rank_${D}`]: '2',
    });
    expect(fieldError(html, '_vote')).toBe(
      'Give each rank once: rank 1 is given to more than one candidate.',
    );
    // The ranks as they were sent are kept.
    expect(html).toMatch(
      new RegExp(
        `id="rank_${D}" name="rank_${D}"[^>]*>\\s*<option value="">Not ranked</option>\\s*<option value="1">1</option>\\s*<option value="2" selected>`,
      ),
    );
  });

  it('refuses a vote that ranks no one', async () => {
    const html = await refusedVote(t, ballotId, { [`rank_${M}`]: '', [`rank_${Z}`]: '' });
    expect(fieldError(html, '_vote')).toBe('Rank at least one candidate, or tick “I abstain”.');
  });
});

describe('an approval vote', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId } = await ballotOf(t, 'approval'));
  });
  afterEach(async () => t.close());

  it('records the approved candidates in the ballot’s order, whatever order they were ticked in, each once', async () => {
    expect(await recorded(t, ballotId, { approve: [String(Z), String(M), String(Z)] })).toEqual([
      String(M),
      String(Z),
    ]);
  });

  it('refuses an approval of someone who is not a candidate', async () => {
    const html = await refusedVote(t, ballotId, { approve: [String(M), '99'] });
    expect(fieldError(html, 'approve')).toBe('Approve candidates from the list.');
  });

  it('refuses a vote that approves no one', async () => {
    const html = await refusedVote(t, ballotId, {});
    expect(fieldError(html, '_vote')).toBe('Approve at least one candidate, or tick “I abstain”.');
  });
});

describe('a single-choice vote', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId } = await ballotOf(t, 'single'));
  });
  afterEach(async () => t.close());

  it('records the one candidate chosen', async () => {
    expect(await recorded(t, ballotId, { choice: String(D) })).toEqual([String(D)]);
  });

  it('refuses a vote with no choice, or a choice that is not a candidate', async () => {
    expect(fieldError(await refusedVote(t, ballotId, {}), 'choice')).toBe(
      'Choose one candidate, or tick “I abstain”.',
    );
    expect(fieldError(await refusedVote(t, ballotId, { choice: '99' }), 'choice')).toBe(
      'Choose a candidate from the list.',
    );
  });
});

describe('a yes/no vote on one candidate', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId } = await ballotOf(t, 'confirm'));
  });
  afterEach(async () => t.close());

  it('records yes', async () => {
    expect(await recorded(t, ballotId, { decision: 'yes' })).toEqual(['yes']);
  });

  it('records no', async () => {
    expect(await recorded(t, ballotId, { decision: 'no' })).toEqual(['no']);
  });

  it('records an abstention as an empty choice', async () => {
    expect(await recorded(t, ballotId, { decision: 'abstain' })).toEqual([]);
  });

  it('refuses a vote without a decision, or with another word', async () => {
    expect(fieldError(await refusedVote(t, ballotId, {}), 'decision')).toBe('Choose yes, no or abstain.');
    expect(fieldError(await refusedVote(t, ballotId, { decision: 'maybe' }), 'decision')).toBe(
      'Choose yes, no or abstain.',
    );
  });
});

describe('abstaining with abstain=on', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  const forms: Record<string, Form> = {
    ranked: { abstain: 'on', [`rank_${M}`]: '1' },
    approval: { abstain: 'on', approve: [String(M)] },
    single: { abstain: 'on', choice: String(M) },
    confirm: { abstain: 'on', decision: 'yes' },
  };
  for (const method of ['ranked', 'approval', 'single', 'confirm'] as const) {
    it(`records a blank vote (no choices) in ${method === 'approval' ? 'an' : 'a'} ${method} ballot, whatever else was ticked`, async () => {
      const { ballotId } = await ballotOf(t, method);
      expect(await recorded(t, ballotId, forms[method]!)).toEqual([]);
    });
  }

  it('refuses an abstain box with any value but on', async () => {
    const { ballotId } = await ballotOf(t, 'single');
    const html = await refusedVote(t, ballotId, { abstain: 'yes', choice: String(M) });
    expect(textOf(html)).toContain('Tick the box to abstain, or leave it empty.');
  });
});

describe('one vote per voter, final', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId } = await ballotOf(t, 'single'));
  });
  afterEach(async () => t.close());

  it('refuses a second vote (409) and changes nothing: the first choice stands', async () => {
    await castVotes(t, ballotId, [['mayor.amman', { choice: String(M) }]]);
    const before = ballotState(t);
    const { response } = await vote(t, 'mayor.amman', ballotId, { choice: String(Z) });
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain('You have already voted in this ballot; a vote is final.');
    expect(ballotState(t)).toBe(before);
    expect(votesIn(t, ballotId).map((v) => v.choices)).toEqual([[String(M)]]);
  });

  it('records exactly one of 20 submissions sent at once by one voter: one 303, nineteen 409', async () => {
    const amman = await logInAs(t, 'mayor.amman');
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        amman.post(`/ballots/${ballotId}/votes`, { choice: String(i % 2 === 0 ? M : Z) }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([303, ...Array<number>(19).fill(409)]);
    expect(votesIn(t, ballotId)).toHaveLength(1);
    expect(auditEntries(t, 'ballot.vote')).toHaveLength(1);
    expect(rollEntryOf(t, ballotId, 'mayor.amman')!.voted).toBe(true);
  });
});

describe('who may vote, and when', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('refuses a nominator, who cannot see the ballot (404), recording nothing', async () => {
    const { ballotId } = await ballotOf(t, 'single');
    const before = ballotState(t);
    const { response } = await vote(t, 'nominator.montevideo', ballotId, { choice: String(M) });
    expect(response.status).toBe(404);
    expect(ballotState(t)).toBe(before);
  });

  it('refuses the secretariat, who sees the ballot but is not on its roll (403), recording nothing', async () => {
    const { ballotId } = await ballotOf(t, 'single');
    const before = ballotState(t);
    const { response } = await vote(t, 'secretariat', ballotId, { choice: String(M) });
    expect(response.status).toBe(403);
    expect(textOf(response.text)).toContain(
      'You are not on this ballot’s voter roll, so you cannot vote in it.',
    );
    expect(ballotState(t)).toBe(before);
  });

  it('refuses a former member whose term ended before the ballot opened: not on its roll, they cannot see it (404)', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const kampala = termOf(t, 'Kampala');
    const ended = await secretariat.post(`/terms/${kampala.id}/end`, {
      endedOn: '2026-11-27',
      reason: 'left_office',
      nominationDeadline: '',
    });
    expect(ended.status).toBe(303);
    const { ballotId } = await ballotOf(t, 'single');
    const before = ballotState(t);
    const { response } = await vote(t, 'mayor.kampala', ballotId, { choice: String(M) });
    expect(response.status).toBe(404);
    expect(ballotState(t)).toBe(before);
  });

  it('refuses a vote in a draft ballot (409)', async () => {
    const { ballotId } = await ballotOf(t, 'single', { opensAt: '2026-11-29T09:00' });
    const { response } = await vote(t, 'mayor.amman', ballotId, { choice: String(M) });
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain('This ballot is not open yet; you can vote once it opens.');
    expect(votesIn(t, ballotId)).toHaveLength(0);
  });

  it('refuses a vote in a closed ballot (409)', async () => {
    const { ballotId } = await ballotOf(t, 'single');
    await closeEarly(t, ballotId);
    const before = ballotState(t);
    const { response } = await vote(t, 'mayor.amman', ballotId, { choice: String(M) });
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain('This ballot has closed: no more votes are counted.');
    expect(ballotState(t)).toBe(before);
  });

  it('counts a vote a minute before the closing time', async () => {
    const { ballotId } = await ballotOf(t, 'single', { quorumPercent: '0' });
    t.clock.now = new Date('2026-12-05T16:59:00Z');
    expect((await vote(t, 'mayor.amman', ballotId, { choice: String(M) })).response.status).toBe(303);
  });

  it('refuses a vote posted at the closing time with no job run since (409), and does not count it', async () => {
    const { ballotId } = await ballotOf(t, 'single', { quorumPercent: '0' });
    await castVotes(t, ballotId, [['mayor.bristol', { choice: String(Z) }]]);
    // Amman logs in a minute before the closing time (17:00 UTC), which the clock then reaches
    // with no page read and no job run: the vote's own request is the first to see it.
    t.clock.now = new Date('2026-12-05T16:59:00Z');
    const amman = await logInAs(t, 'mayor.amman');
    t.clock.now = new Date('2026-12-05T17:00:00Z');
    expect(ballotRow(t, ballotId).status).toBe('open');
    const response = await amman.post(`/ballots/${ballotId}/votes`, { choice: String(M) });
    expect(response.status).toBe(409);
    expect(votesIn(t, ballotId)).toHaveLength(1);
    expect(rollEntryOf(t, ballotId, 'mayor.amman')!.voted).toBe(false);
    expect(ballotRow(t, ballotId)).toMatchObject({ status: 'closed' });
    expect(ballotRow(t, ballotId).result).toMatchObject({ outcome: 'winner', winner: String(Z), cast: 1 });
  });
});

describe('the closing time, in the vote itself', () => {
  let t: TestApp;
  afterEach(async () => t.close());

  it('refuses a vote at the closing time even when nothing has closed the ballot yet (castVote alone, 409)', async () => {
    t = await makeTestApp({ now: NOW });
    const { ballotId } = await ballotOf(t, 'single');
    const viewer = viewerOf(t, 'mayor.amman');
    const late = castVote(t.db, ballotId, { choice: String(M) }, viewer, new Date('2026-12-05T17:00:00Z'));
    expect(late).toMatchObject({ ok: false, status: 409 });
    expect(ballotRow(t, ballotId).status).toBe('open');
    expect(votesIn(t, ballotId)).toHaveLength(0);
    const inTime = castVote(t.db, ballotId, { choice: String(M) }, viewer, new Date('2026-12-05T16:59:59Z'));
    expect(inTime).toMatchObject({ ok: true });
  });
});

describe('what a vote keeps of its voter', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('keeps the voter and the time on a named ballot’s vote (secret=off), and names the voter in the audit log', async () => {
    const { ballotId } = await ballotOf(t, 'single', { secret: 'off' });
    await castVotes(t, ballotId, [['mayor.amman', { choice: String(M) }]]);
    expect(votesIn(t, ballotId)).toEqual([
      expect.objectContaining({
        voterId: userIdOf(t, 'mayor.amman'),
        castAt: NOW.toISOString(),
        choices: [String(M)],
      }),
    ]);
    const [entry] = auditEntries(t, 'ballot.vote');
    expect(entry).toMatchObject({
      actorId: userIdOf(t, 'mayor.amman'),
      actorLabel: 'mayor.amman@demo.mmc.example',
      subjectId: String(ballotId),
    });
    expect(entry!.details).toEqual({ choices: [String(M)] });
  });

  it('keeps neither voter nor time on a secret ballot’s vote; its audit entry says “a voter” and names no receipt or choice', async () => {
    const { ballotId } = await ballotOf(t, 'single');
    const { browser, response } = await vote(t, 'mayor.amman', ballotId, { choice: String(M) });
    const receipt = receiptIn((await browser.get(response.headers.location!)).text)!;
    const [row] = votesIn(t, ballotId);
    expect(row).toMatchObject({ voterId: null, castAt: null, receipt, choices: [String(M)] });
    const [entry, ...more] = auditEntries(t, 'ballot.vote');
    expect(more).toHaveLength(0);
    expect(entry).toMatchObject({
      actorId: null,
      actorLabel: 'a voter',
      subjectType: 'ballot',
      subjectId: String(ballotId),
    });
    expect(entry!.details).toEqual({});
    // Nowhere in the audit log is the receipt.
    expect(
      t.db
        .select()
        .from(auditLog)
        .where(like(auditLog.details, `%${receipt}%`))
        .all(),
    ).toEqual([]);
  });

  it('names each voter beside their vote in a named ballot’s results, and no one in a secret ballot’s', async () => {
    // A named ballot that misses its quorum (it still publishes its receipts), then a secret one.
    const { ballotId: named, secretariat } = await ballotOf(t, 'single', {
      secret: 'off',
      quorumPercent: '100',
    });
    await castVotes(t, named, [['mayor.amman', { choice: String(M) }]]);
    expect((await closeEarly(t, named)).outcome).toBe('no_quorum');
    const amman = viewerOf(t, 'mayor.amman').displayName;
    const namedPage = (await (await logInAs(t, 'mayor.bristol')).get(`/ballots/${named}/results`)).text;
    const row = namedPage
      .split('<tr>')
      .find((r) => r.includes(`data-receipt="${votesIn(t, named)[0]!.receipt}"`));
    expect(textOf(row ?? '')).toContain(amman);
    const secret = ballotIdFrom(
      await secretariat.post('/ballots', ballotForm({ method: 'single', quorumPercent: '0' })),
    );
    await castVotes(t, secret, [['mayor.amman', { choice: String(M) }]]);
    await closeEarly(t, secret);
    const secretPage = (await (await logInAs(t, 'mayor.bristol')).get(`/ballots/${secret}/results`)).text;
    expect(secretPage).toContain(`data-receipt="${votesIn(t, secret)[0]!.receipt}"`);
    expect(textOf(secretPage)).not.toContain(amman);
  });

  it('keeps the votes in a table without rowid, each with its own receipt code', async () => {
    const { ballotId } = await ballotOf(t, 'single', { quorumPercent: '0' });
    await castVotes(
      t,
      ballotId,
      [...MEMBERS, ...PARTNERS].map((who) => [who, { choice: String(M) }] as [string, Form]),
    );
    expect(() => t.db.$client.prepare('SELECT rowid FROM votes').all()).toThrow(/no such column: rowid/);
    const receipts = votesIn(t, ballotId).map((v) => v.receipt);
    expect(receipts).toHaveLength(9);
    expect(new Set(receipts).size).toBe(9);
    for (const receipt of receipts)
      expect(receipt).toMatch(/^[ACDEFGHJKMNPQRTUVWXY234679]{4}(-[ACDEFGHJKMNPQRTUVWXY234679]{4}){2}$/);
  });
});

describe('the confirmation step (POST /ballots/:id/confirm)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('shows a ranking in rank order, with the vote to confirm as hidden fields, and stores nothing', async () => {
    const { ballotId } = await ballotOf(t, 'ranked');
    const before = ballotState(t);
    const page = await (await logInAs(t, 'mayor.amman')).post(`/ballots/${ballotId}/confirm`, ranking(Z, M));
    expect(page.status).toBe(200);
    const text = textOf(page.text);
    expect(text).toContain(
      'Your ranking, first choice first: Anna Keller (Zurich) Lucía Pereira (Montevideo)',
    );
    expect(text).not.toContain('Dhaka North');
    expect(page.text).toContain(`<form method="post" action="/ballots/${ballotId}/votes"`);
    expect(page.text).toContain(`<input type="hidden" name="rank_${Z}" value="1">`);
    expect(page.text).toContain(`<input type="hidden" name="rank_${M}" value="2">`);
    expect(ballotState(t)).toBe(before);
    expect(rollEntryOf(t, ballotId, 'mayor.amman')!.voted).toBe(false);
  });

  it('shows a yes/no answer and an abstention as they will be recorded', async () => {
    const { ballotId } = await ballotOf(t, 'confirm');
    const amman = await logInAs(t, 'mayor.amman');
    expect(textOf((await amman.post(`/ballots/${ballotId}/confirm`, { decision: 'no' })).text)).toContain(
      'Your answer: No',
    );
    expect(
      textOf((await amman.post(`/ballots/${ballotId}/confirm`, { decision: 'abstain' })).text),
    ).toContain('You abstain');
    expect(votesIn(t, ballotId)).toHaveLength(0);
  });

  it('shows the vote form again with the message when the vote does not fit (422), storing nothing', async () => {
    const { ballotId } = await ballotOf(t, 'ranked');
    const before = ballotState(t);
    const page = await (await logInAs(t, 'mayor.amman')).post(`/ballots/${ballotId}/confirm`, {
      [`rank_${M}`]: '1',
      [`rank_${Z}`]: '1',
    });
    expect(page.status).toBe(422);
    expect(fieldError(page.text, '_vote')).toBe(
      'Give each rank once: rank 1 is given to more than one candidate.',
    );
    expect(ballotState(t)).toBe(before);
  });

  it('is no one else’s to see: 404 to a nominator', async () => {
    const { ballotId } = await ballotOf(t, 'single');
    const page = await (await logInAs(t, 'nominator.zurich')).post(`/ballots/${ballotId}/confirm`, {
      choice: String(Z),
    });
    expect(page.status).toBe(404);
  });
});

describe('the receipt, shown once', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId } = await ballotOf(t, 'single'));
  });
  afterEach(async () => t.close());

  /** A fresh login's session token, to send by hand with a chosen receipt cookie. */
  async function sessionOf(localPart: string) {
    const login = await client(t).logIn(demoEmail(localPart), DEMO_PASSWORD);
    return cookieValue(login.headers['set-cookie'], 'session')!;
  }

  const receiptPage = (session: string, cookie: string) =>
    supertest(t.app.server)
      .get(`/ballots/${ballotId}/receipt`)
      .set('Cookie', `session=${session}; receipt-${ballotId}=${cookie}`);

  it('shows the voter their receipt code once, the one stored with the vote; the page again shows none', async () => {
    const { browser, response } = await vote(t, 'mayor.amman', ballotId, { choice: String(M) });
    const first = await browser.get(response.headers.location!);
    expect(first.status).toBe(200);
    const receipt = receiptIn(first.text);
    expect(receipt).toBe(votesIn(t, ballotId)[0]!.receipt);
    expect(first.text.match(/data-receipt=/g)).toHaveLength(1);
    const again = await browser.get(response.headers.location!);
    expect(again.status).toBe(200);
    expect(again.text).not.toContain('data-receipt=');
  });

  it('shows another voter nothing, even holding the voter’s receipt cookie', async () => {
    const { response } = await vote(t, 'mayor.amman', ballotId, { choice: String(M) });
    const cookie = cookieValue(response.headers['set-cookie'], `receipt-${ballotId}`)!;
    expect(cookie).toContain(votesIn(t, ballotId)[0]!.receipt);
    const page = await receiptPage(await sessionOf('mayor.bristol'), cookie);
    expect(page.status).toBe(409);
    expect(page.text).toContain('You have not voted in this ballot');
    expect(page.text).not.toContain('data-receipt=');
    expect(page.text).not.toContain(votesIn(t, ballotId)[0]!.receipt);
    // The same cookie does show it to the voter: the refusal above is about who holds it.
    expect(receiptIn((await receiptPage(await sessionOf('mayor.amman'), cookie)).text)).toBe(
      votesIn(t, ballotId)[0]!.receipt,
    );
  });

  it('shows nothing for a forged receipt cookie: a made-up code, or another code under a genuine signature', async () => {
    const { response } = await vote(t, 'mayor.amman', ballotId, { choice: String(M) });
    const [, signature] = cookieValue(response.headers['set-cookie'], `receipt-${ballotId}`)!.split('.');
    const amman = await sessionOf('mayor.amman');
    for (const forged of ['ACDE-FGHJ-KMNP.forged', `ACDE-FGHJ-KMNP.${signature}`, 'ACDE-FGHJ-KMNP']) {
      const page = await receiptPage(amman, forged);
      expect(page.status).toBe(200);
      expect(page.text, forged).not.toContain('data-receipt=');
    }
  });

  it('refuses the receipt page to a voter who never voted (409) and to the secretariat, who is not on the roll (403)', async () => {
    const page = await (await logInAs(t, 'mayor.bristol')).get(`/ballots/${ballotId}/receipt`);
    expect(page.status).toBe(409);
    expect(page.text).not.toContain('Your vote is recorded');
    const secretariat = await (await logInAs(t, 'secretariat')).get(`/ballots/${ballotId}/receipt`);
    expect(secretariat.status).toBe(403);
  });

  it('refuses the confirmation step to someone who cannot vote: the secretariat (403), a voter who has voted (409)', async () => {
    const secretariat = await (await logInAs(t, 'secretariat')).post(`/ballots/${ballotId}/confirm`, {
      choice: String(M),
    });
    expect(secretariat.status).toBe(403);
    expect(secretariat.text).not.toContain('Check your vote');
    const { browser } = await vote(t, 'mayor.amman', ballotId, { choice: String(M) });
    const again = await browser.post(`/ballots/${ballotId}/confirm`, { choice: String(Z) });
    expect(again.status).toBe(409);
    expect(again.text).toContain('already voted');
  });
});
