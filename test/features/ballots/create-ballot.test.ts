// Opening a selection ballot (POST /ballots, the secretariat, from the vacancy's page): the method,
// the candidates from the shortlist, the times read in the board's time zone, the quorum; the
// vacancy goes to `balloting` and the ballot opens at once when its time has come. Refused: other
// roles (403), a vacancy not ready or with a ballot under way (409), a form that does not hold
// together (422, beside the field, the input kept, nothing stored).
import { asc, eq } from 'drizzle-orm';
import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ballotCandidates, ballots } from '../../../src/db/schema.js';
import { createBallot } from '../../../src/features/ballots/create-ballot.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { nominationRow, VACANCY, vacancyStatus } from '../nominations/nomination-records.js';
import { auditEntries, fieldError, fieldsWithErrors, textOf, userIdOf } from '../terms/board-records.js';
import {
  ATHENS_VACANCY,
  ballotForm,
  ballotIdFrom,
  ballotRow,
  ballotState,
  CANDIDATE,
  castVotes,
  closeEarly,
  NOW,
  openAthensBallot,
  rollOf,
  shortlistAll,
  viewerOf,
} from './ballot-records.js';

const { montevideo: M, dhakaNorth: D, zurich: Z } = CANDIDATE;

const candidatesOf = (t: TestApp, ballotId: number) =>
  t.db
    .select()
    .from(ballotCandidates)
    .where(eq(ballotCandidates.ballotId, ballotId))
    .orderBy(asc(ballotCandidates.position))
    .all()
    .map((row) => row.nominationId);

describe('opening a ballot (secretariat)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('opens a ballot whose opening time has come at once: 303 to the ballot, the vacancy in balloting, audited as ballot.create and ballot.open', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    await shortlistAll(t, secretariat);
    const response = await secretariat.post('/ballots', ballotForm({ candidateIds: [String(Z), String(M)] }));

    expect(response.status).toBe(303);
    const ballotId = ballotIdFrom(response);
    expect(ballotRow(t, ballotId)).toMatchObject({
      vacancyId: ATHENS_VACANCY,
      method: 'ranked',
      status: 'open',
      opensAt: '2026-11-28T08:00:00.000Z',
      closesAt: '2026-12-05T17:00:00.000Z',
      openedAt: NOW.toISOString(),
      quorumPercent: 50,
      secret: true,
      partnerVotes: 'binding',
      tieRule: 'runoff',
      createdBy: userIdOf(t, 'secretariat'),
    });
    // The candidates in the order the form listed them.
    expect(candidatesOf(t, ballotId)).toEqual([Z, M]);
    expect(vacancyStatus(t, ATHENS_VACANCY)).toBe('balloting');
    expect(rollOf(t, ballotId)).toHaveLength(9);
    const [created, ...more] = auditEntries(t, 'ballot.create');
    expect(more).toHaveLength(0);
    expect(created).toMatchObject({
      subjectId: String(ballotId),
      actorLabel: 'secretariat@demo.mmc.example',
    });
    expect(created!.details).toEqual({
      vacancyId: ATHENS_VACANCY,
      method: 'ranked',
      candidates: [Z, M],
      opensAt: '2026-11-28T08:00:00.000Z',
      closesAt: '2026-12-05T17:00:00.000Z',
      quorumPercent: 50,
      secret: true,
      partnerVotes: 'binding',
      tieRule: 'runoff',
    });
    expect(auditEntries(t, 'ballot.open').map((entry) => entry.subjectId)).toEqual([String(ballotId)]);
    const page = await secretariat.get(response.headers.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-ballot-status="open"');
  });

  it('opens a ballot at once when its opening time is exactly now', async () => {
    const { ballotId } = await openAthensBallot(t, { opensAt: '2026-11-28T09:00' });
    expect(ballotRow(t, ballotId).status).toBe('open');
  });

  it('keeps a ballot that opens later a draft, with no voter roll yet, the vacancy in balloting all the same', async () => {
    const { ballotId } = await openAthensBallot(t, { opensAt: '2026-11-28T09:01' });
    expect(ballotRow(t, ballotId)).toMatchObject({ status: 'draft', openedAt: null });
    expect(rollOf(t, ballotId)).toEqual([]);
    expect(vacancyStatus(t, ATHENS_VACANCY)).toBe('balloting');
    expect(auditEntries(t, 'ballot.create')).toHaveLength(1);
    expect(auditEntries(t, 'ballot.open')).toHaveLength(0);
  });

  it('makes a ballot secret, partners’ votes binding and a tie go to a runoff when the form leaves them out', async () => {
    const form: Record<string, string | string[]> = ballotForm();
    delete form.secret;
    delete form.partnerVotes;
    delete form.tieRule;
    const { ballotId } = await openAthensBallot(t, form);
    expect(ballotRow(t, ballotId)).toMatchObject({
      secret: true,
      partnerVotes: 'binding',
      tieRule: 'runoff',
    });
  });

  it('makes a named ballot with secret=off, and keeps advisory partners and the lot as chosen', async () => {
    const { ballotId } = await openAthensBallot(t, {
      secret: 'off',
      partnerVotes: 'advisory',
      tieRule: 'lot',
    });
    expect(ballotRow(t, ballotId)).toMatchObject({ secret: false, partnerVotes: 'advisory', tieRule: 'lot' });
    // Advisory partners are on the roll, their votes not binding.
    expect(rollOf(t, ballotId).filter((entry) => !entry.binding)).toHaveLength(2);
  });

  it('accepts a quorum of 0 and of 100 percent', async () => {
    const { ballotId } = await openAthensBallot(t, {
      quorumPercent: '0',
      method: 'confirm',
      candidateIds: [String(M)],
    });
    expect(ballotRow(t, ballotId).quorumPercent).toBe(0);
    await closeEarly(t, ballotId);
    const again = await (await logInAs(t, 'secretariat')).post(
      '/ballots',
      ballotForm({ quorumPercent: '100', method: 'confirm', candidateIds: [String(D)] }),
    );
    // The first ballot, with nobody voting, rejected the candidate: another may follow.
    expect(ballotRow(t, ballotId).result!.outcome).toBe('rejected');
    expect(again.status).toBe(303);
    expect(ballotRow(t, ballotIdFrom(again)).quorumPercent).toBe(100);
  });

  it('opens another ballot for the vacancy after a runoff among the tied decided nothing (no quorum)', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t, { method: 'single', quorumPercent: '0' });
    await castVotes(t, ballotId, [
      ['mayor.amman', { choice: String(M) }],
      ['mayor.bristol', { choice: String(Z) }],
    ]);
    expect((await closeEarly(t, ballotId)).outcome).toBe('tie');
    const runoff = ballotIdFrom(await secretariat.post(`/ballots/${ballotId}/runoff`));
    t.db.update(ballots).set({ quorumPercent: 50 }).where(eq(ballots.id, runoff)).run();
    expect((await closeEarly(t, runoff)).outcome).toBe('no_quorum');
    // The tie was settled by the runoff; the runoff decided nothing: the vacancy needs a new ballot.
    const response = await secretariat.post('/ballots', ballotForm({ method: 'single' }));
    expect(response.status, textOf(response.text).slice(0, 400)).toBe(303);
  });

  it('opens another ballot for the vacancy after one that decided nothing (no quorum)', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t);
    expect((await closeEarly(t, ballotId)).outcome).toBe('no_quorum');
    const response = await secretariat.post('/ballots', ballotForm({ method: 'approval' }));
    expect(response.status).toBe(303);
    expect(ballotRow(t, ballotIdFrom(response))).toMatchObject({ method: 'approval', status: 'open' });
  });
});

describe('who may open a ballot', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    await shortlistAll(t, await logInAs(t, 'secretariat'));
  });
  afterEach(async () => t.close());

  it('answers 403 to a board member, a partner and a nominator, and stores nothing', async () => {
    const before = ballotState(t);
    for (const account of ['mayor.milan', 'partner.c40', 'nominator.montevideo']) {
      const response = await (await logInAs(t, account)).post('/ballots', ballotForm());
      expect(response.status, account).toBe(403);
    }
    expect(ballotState(t)).toBe(before);
  });

  it('is refused by the action itself to anyone but the secretariat, whatever route calls it', () => {
    const before = ballotState(t);
    for (const who of ['mayor.milan', 'partner.c40', 'nominator.montevideo']) {
      expect(createBallot(t.db, ballotForm(), viewerOf(t, who), NOW), who).toMatchObject({
        ok: false,
        status: 403,
      });
    }
    expect(ballotState(t)).toBe(before);
  });

  it('sends an anonymous visitor to /login, and stores nothing', async () => {
    const before = ballotState(t);
    const response = await supertest(t.app.server)
      .post('/ballots')
      .set('Origin', 'http://localhost:3000')
      .type('form')
      .send(ballotForm());
    expect(response.status).toBe(303);
    expect(response.headers.location).toMatch(/^\/login/);
    expect(ballotState(t)).toBe(before);
  });
});

describe('a vacancy that cannot take a ballot now', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('refuses a ballot for an upcoming vacancy (Bristol’s seat): 409, nothing stored', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    await shortlistAll(t, secretariat);
    const before = ballotState(t);
    const response = await secretariat.post('/ballots', ballotForm({ vacancyId: String(VACANCY.bristol) }));
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain('A ballot cannot be opened for this vacancy: it is upcoming.');
    expect(ballotState(t)).toBe(before);
  });

  it('refuses a second ballot while one is open: 409, nothing stored', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t);
    const before = ballotState(t);
    const response = await secretariat.post('/ballots', ballotForm({ method: 'approval' }));
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain(`This vacancy’s ballot ${ballotId} is still to be settled.`);
    expect(ballotState(t)).toBe(before);
  });

  it('refuses a second ballot while the first is still a draft', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t, { opensAt: '2026-11-30T09:00' });
    const response = await secretariat.post('/ballots', ballotForm());
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain(`ballot ${ballotId} is still to be settled`);
  });

  it('refuses a new ballot while a winner awaits certification', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t, { method: 'single', quorumPercent: '0' });
    await castVotes(t, ballotId, [['mayor.amman', { choice: String(M) }]]);
    expect((await closeEarly(t, ballotId)).outcome).toBe('winner');
    const response = await secretariat.post('/ballots', ballotForm());
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain(`ballot ${ballotId} is still to be settled`);
  });

  it('refuses a ballot for a vacancy filled by a certified winner', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t, { method: 'single', quorumPercent: '0' });
    await castVotes(t, ballotId, [['mayor.amman', { choice: String(M) }]]);
    await closeEarly(t, ballotId);
    expect((await secretariat.post(`/ballots/${ballotId}/certify`, { overrideReason: '' })).status).toBe(303);
    expect(vacancyStatus(t, ATHENS_VACANCY)).toBe('filled');
    const before = ballotState(t);
    const response = await secretariat.post('/ballots', ballotForm({ candidateIds: [String(D), String(Z)] }));
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain('A ballot cannot be opened for this vacancy: it is filled.');
    expect(ballotState(t)).toBe(before);
  });
});

describe('a ballot form that does not hold together', () => {
  let t: TestApp;
  let secretariat: Awaited<ReturnType<typeof logInAs>>;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    secretariat = await logInAs(t, 'secretariat');
    await shortlistAll(t, secretariat);
  });
  afterEach(async () => t.close());

  /** Posts the form, expects 422 with one message beside `field`, and that nothing was stored. */
  async function refusedBeside(overrides: Record<string, string | string[]>, field: string) {
    const before = ballotState(t);
    const response = await secretariat.post('/ballots', ballotForm(overrides));
    expect(response.status, JSON.stringify(overrides)).toBe(422);
    expect(fieldsWithErrors(response.text), JSON.stringify(overrides)).toEqual([field]);
    expect(ballotState(t)).toBe(before);
    expect(vacancyStatus(t, ATHENS_VACANCY)).toBe('open');
    return fieldError(response.text, field);
  }

  it('refuses candidates who are not on the vacancy’s shortlist', async () => {
    // Dhaka North goes back to eligible: no longer on the shortlist.
    expect(
      (await secretariat.post(`/nominations/${D}/review`, { status: 'eligible', note: '' })).status,
    ).toBe(303);
    expect(await refusedBeside({ candidateIds: [String(M), String(D)] }, 'candidateIds')).toBe(
      'Choose candidates from the vacancy’s shortlist.',
    );
    expect(await refusedBeside({ candidateIds: [String(M), '999'] }, 'candidateIds')).toBe(
      'Choose candidates from the vacancy’s shortlist.',
    );
  });

  it('refuses a yes/no ballot on two candidates, and one with none', async () => {
    expect(
      await refusedBeside({ method: 'confirm', candidateIds: [String(M), String(Z)] }, 'candidateIds'),
    ).toBe('A yes/no ballot confirms exactly one candidate.');
    expect(await refusedBeside({ method: 'confirm', candidateIds: [] }, 'candidateIds')).toBe(
      'A yes/no ballot confirms exactly one candidate.',
    );
  });

  it('refuses a ranked, approval or single-choice ballot with one candidate, counting a repeated one once', async () => {
    for (const method of ['ranked', 'approval', 'single']) {
      expect(await refusedBeside({ method, candidateIds: [String(M)] }, 'candidateIds')).toBe(
        'Choose at least two candidates, or a yes/no ballot for one.',
      );
    }
    expect(await refusedBeside({ candidateIds: [String(M), String(M)] }, 'candidateIds')).toBe(
      'Choose at least two candidates, or a yes/no ballot for one.',
    );
  });

  it('refuses a closing time before, or at, the opening time', async () => {
    expect(
      await refusedBeside({ opensAt: '2026-11-29T09:00', closesAt: '2026-11-29T08:59' }, 'closesAt'),
    ).toBe('The ballot must close after it opens.');
    expect(
      await refusedBeside({ opensAt: '2026-11-29T09:00', closesAt: '2026-11-29T09:00' }, 'closesAt'),
    ).toBe('The ballot must close after it opens.');
  });

  it('refuses a closing time already past, up to the very minute', async () => {
    expect(
      await refusedBeside({ opensAt: '2026-11-20T09:00', closesAt: '2026-11-27T17:00' }, 'closesAt'),
    ).toBe('The closing time has already passed.');
    expect(
      await refusedBeside({ opensAt: '2026-11-20T09:00', closesAt: '2026-11-28T09:00' }, 'closesAt'),
    ).toBe('The closing time has already passed.');
  });

  it('refuses a time that is not YYYY-MM-DDTHH:MM, or names a day that does not exist', async () => {
    for (const opensAt of ['28/11/2026 09:00', '2026-11-28', '2026-02-30T09:00', '2026-11-28T25:00']) {
      expect(await refusedBeside({ opensAt }, 'opensAt'), opensAt).toMatch(
        /^Enter a date and time .*2027-03-01/,
      );
    }
    expect(await refusedBeside({ closesAt: '' }, 'closesAt')).toBe('Enter when the ballot closes.');
  });

  it('refuses a quorum outside 0–100 percent, or not a whole number', async () => {
    expect(await refusedBeside({ quorumPercent: '101' }, 'quorumPercent')).toBe(
      'The quorum must be at most 100.',
    );
    expect(await refusedBeside({ quorumPercent: '-1' }, 'quorumPercent')).toBe(
      'The quorum must be at least 0.',
    );
    expect(await refusedBeside({ quorumPercent: '50.5' }, 'quorumPercent')).toBe(
      'Enter the quorum as a whole number.',
    );
  });

  it('shows the vacancy’s page again with the form as it was sent and the message beside the field', async () => {
    const response = await secretariat.post(
      '/ballots',
      ballotForm({
        method: 'confirm',
        candidateIds: [String(M), String(Z)],
        opensAt: '2026-12-01T10:30',
        closesAt: '2026-12-08T16:45',
        quorumPercent: '65',
        secret: 'off',
        partnerVotes: 'advisory',
        tieRule: 'chair',
      }),
    );
    expect(response.status).toBe(422);
    const html = response.text;
    expect(html).toContain('<form method="post" action="/ballots"');
    expect(html).toContain(`<input type="hidden" name="vacancyId" value="${ATHENS_VACANCY}">`);
    expect(html).toContain('aria-describedby="candidateIds-error"');
    expect(html).toContain(`name="candidateIds" value="${M}" checked>`);
    expect(html).toContain(`name="candidateIds" value="${Z}" checked>`);
    expect(html).toContain(`name="candidateIds" value="${D}">`);
    expect(html).toContain('<option value="confirm" selected>');
    // The times as typed (the page may show them with a space for the T).
    expect(html).toMatch(/name="opensAt" type="[a-z-]+" value="2026-12-01[T ]10:30"/);
    expect(html).toMatch(/name="closesAt" type="[a-z-]+" value="2026-12-08[T ]16:45"/);
    expect(html).toMatch(/name="quorumPercent" type="number" value="65"/);
    expect(html).toContain('name="secret" value="off" checked>');
    expect(html).toContain('name="partnerVotes" value="advisory" checked>');
    expect(html).toContain('name="tieRule" value="chair" checked>');
  });
});

describe('the ballot’s times, read in the board’s time zone', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    const secretariat = await logInAs(t, 'secretariat');
    const zone = await secretariat.post('/settings/board', {
      boardSize: '8',
      termLengthMonths: '24',
      termLimit: '',
      alertThresholdsDays: '90, 60, 30, 7',
      timeZone: 'Europe/Athens',
    });
    expect(zone.status).toBe(303);
  });
  afterEach(async () => t.close());

  it('stores 10:00 in Athens (UTC+2 in winter) as 08:00 UTC, and opens it at once: it is already 11:00 there', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t, {
      opensAt: '2026-11-28T10:00',
      closesAt: '2026-12-05T19:00',
    });
    expect(ballotRow(t, ballotId)).toMatchObject({
      opensAt: '2026-11-28T08:00:00.000Z',
      closesAt: '2026-12-05T17:00:00.000Z',
      status: 'open',
    });
    const page = await secretariat.get(`/ballots/${ballotId}`);
    expect(textOf(page.text)).toContain(
      'Opens 2026-11-28 10:00, closes 2026-12-05 19:00 (Europe/Athens time).',
    );
  });

  it('keeps a ballot set for 11:30 in Athens a draft at 09:00 UTC, though 11:30 UTC would be later still', async () => {
    const { ballotId } = await openAthensBallot(t, { opensAt: '2026-11-28T11:30' });
    expect(ballotRow(t, ballotId)).toMatchObject({ opensAt: '2026-11-28T09:30:00.000Z', status: 'draft' });
  });

  it('refuses a closing time that has passed in Athens though not yet in UTC', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    await shortlistAll(t, secretariat);
    // 10:30 in Athens is 08:30 UTC: already past at 09:00 UTC.
    const response = await secretariat.post(
      '/ballots',
      ballotForm({ opensAt: '2026-11-27T09:00', closesAt: '2026-11-28T10:30' }),
    );
    expect(response.status).toBe(422);
    expect(fieldError(response.text, 'closesAt')).toBe('The closing time has already passed.');
  });
});

describe('the shortlist, frozen once the ballot opens', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('refuses a nominator’s withdrawal of a candidate once the ballot is open (409), the nomination unchanged', async () => {
    await openAthensBallot(t);
    const response = await (await logInAs(t, 'nominator.montevideo')).post(`/nominations/${M}/withdraw`);
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain(
      `Nomination ${M} can no longer be withdrawn: the ballot for its seat has opened.`,
    );
    expect(nominationRow(t, M)!.status).toBe('shortlisted');
  });

  it('refuses the secretariat’s screening of a candidate once the ballot is open (409), in any direction', async () => {
    const { secretariat } = await openAthensBallot(t);
    for (const status of ['eligible', 'ineligible']) {
      const response = await secretariat.post(`/nominations/${Z}/review`, {
        status,
        note: 'Second thoughts.',
      });
      expect(response.status, status).toBe(409);
      expect(textOf(response.text)).toContain('the ballot for its seat has opened');
    }
    expect(nominationRow(t, Z)!.status).toBe('shortlisted');
  });
});
