// Certifying a ballot's winner (POST /ballots/:id/certify, the secretariat): the winner elected,
// the other candidates not, the vacancy filled and a new term on the seat from the vacancy's date
// (or the day of certification if later), with mail to the candidates' nominators and the board.
// A winner who breaks a diversity rule needs a written override reason (422 without), kept in the
// audit log and on the ballot; under `block` enforcement such a winner cannot be certified (409).
import { and, asc, eq, inArray } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nominationEvents, outbox, terms, users, vacancies } from '../../../src/db/schema.js';
import { DEMO_DOMAIN, demoEmail } from '../../../src/demo/seed-demo.js';
import { createUser } from '../../../src/features/accounts/create-user.js';
import { SYSTEM_ACTOR } from '../../../src/features/audit-log/audit-log.js';
import { certifyBallot } from '../../../src/features/ballots/certify-ballot.js';
import { DEMO_PASSWORD, logInAs, makeTestApp, ORIGIN, type TestApp } from '../../helpers/app.js';
import { nominationRow, vacancyStatus } from '../nominations/nomination-records.js';
import { auditEntries, between, fieldError, textOf, userIdOf } from '../terms/board-records.js';
import {
  ATHENS_VACANCY,
  ballotRow,
  ballotState,
  CANDIDATE,
  castVotes,
  closeEarly,
  diversityForm,
  MEMBERS,
  NOW,
  openAthensBallot,
  viewerOf,
} from './ballot-records.js';

const { montevideo: M, dhakaNorth: D, zurich: Z } = CANDIDATE;
type Browser = Awaited<ReturnType<typeof logInAs>>;

/** A closed single-choice ballot that `winner` won on Amman's one vote. */
async function wonBy(t: TestApp, winner: number) {
  const { ballotId, secretariat } = await openAthensBallot(t, { method: 'single', quorumPercent: '0' });
  await castVotes(t, ballotId, [['mayor.amman', { choice: String(winner) }]]);
  expect((await closeEarly(t, ballotId)).winner).toBe(String(winner));
  return { ballotId, secretariat };
}

/** The e-mail the Montevideo nomination gives for its nominee (seed-demo.ts). */
const MONTEVIDEO_MAYOR = `mayor@montevideo.${DEMO_DOMAIN}`;

/** An account with the given e-mail, made by an operator, as the CLI would. */
async function accountFor(t: TestApp, email: string, role: 'board_member' | 'partner') {
  const result = await createUser(
    t.db,
    role === 'partner'
      ? { email, name: 'Lucía P.', role, partner: 'UNHCR', password: DEMO_PASSWORD }
      : { email, name: 'Lucía P.', role, cityCountry: 'UY', cityName: 'Montevideo', password: DEMO_PASSWORD },
    SYSTEM_ACTOR,
    t.clock.now,
  );
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.value.userId;
}

const certify = (browser: Browser, ballotId: number, overrideReason = '') =>
  browser.post(`/ballots/${ballotId}/certify`, { overrideReason });

function newTerm(t: TestApp) {
  const vacancy = t.db.select().from(vacancies).where(eq(vacancies.id, ATHENS_VACANCY)).get()!;
  return vacancy.filledByTermId
    ? t.db.select().from(terms).where(eq(terms.id, vacancy.filledByTermId)).get()
    : undefined;
}

/** The section of the ballot page after the count: the certify form and what it warns of. */
async function settleSection(browser: Browser, ballotId: number) {
  return between((await browser.get(`/ballots/${ballotId}`)).text, 'id="settle-heading"', '</section>');
}

describe('certifying a winner (secretariat)', () => {
  let t: TestApp;
  let ballotId: number;
  let secretariat: Browser;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId, secretariat } = await wonBy(t, M));
  });
  afterEach(async () => t.close());

  it('elects the winner and not the others, each change in the nomination’s history; 303 to the vacancy, now filled', async () => {
    const response = await certify(secretariat, ballotId);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/vacancies/${ATHENS_VACANCY}`);
    expect([M, D, Z].map((id) => nominationRow(t, id)!.status)).toEqual([
      'elected',
      'not_elected',
      'not_elected',
    ]);
    const events = t.db
      .select()
      .from(nominationEvents)
      .where(
        and(
          inArray(nominationEvents.nominationId, [M, D, Z]),
          inArray(nominationEvents.toStatus, ['elected', 'not_elected']),
        ),
      )
      .orderBy(asc(nominationEvents.nominationId))
      .all();
    expect(events.map((e) => [e.nominationId, e.fromStatus, e.toStatus, e.actorId, e.at])).toEqual(
      [M, D, Z].map((id) => [
        id,
        'shortlisted',
        id === M ? 'elected' : 'not_elected',
        userIdOf(t, 'secretariat'),
        NOW.toISOString(),
      ]),
    );
    expect(vacancyStatus(t, ATHENS_VACANCY)).toBe('filled');
    expect(ballotRow(t, ballotId)).toMatchObject({
      status: 'certified',
      certifiedAt: NOW.toISOString(),
      certifiedBy: userIdOf(t, 'secretariat'),
      overrideReason: null,
      termId: newTerm(t)!.id,
    });
  });

  it('starts the new term on the seat today, the vacancy’s date (ten days ago) being past', async () => {
    await certify(secretariat, ballotId);
    expect(newTerm(t)).toMatchObject({
      seatId: 2,
      memberName: 'Lucía Pereira',
      startsOn: '2026-11-28',
      endsOn: '2028-11-28',
    });
  });

  it('audits the certification and the vacancy filled', async () => {
    await certify(secretariat, ballotId);
    const term = newTerm(t)!;
    const [certified, ...more] = auditEntries(t, 'ballot.certify');
    expect(more).toHaveLength(0);
    expect(certified).toMatchObject({
      actorLabel: 'secretariat@demo.mmc.example',
      subjectId: String(ballotId),
    });
    expect(certified!.details).toEqual({
      winner: M,
      termId: term.id,
      startsOn: '2026-11-28',
      endsOn: '2028-11-28',
      breaches: [],
      overrideReason: null,
      account: 'invited',
    });
    expect(auditEntries(t, 'vacancy.fill').map((e) => [e.subjectId, e.details])).toEqual([
      [String(ATHENS_VACANCY), { termId: term.id, ballotId }],
    ]);
  });

  it('mails the news once to each candidate, each candidate’s nominator and each sitting member of the board, the new one included', async () => {
    await certify(secretariat, ballotId);
    const mail = t.db.select().from(outbox).where(eq(outbox.kind, 'ballot:certified')).all();
    const expected = ['nominator.montevideo', 'nominator.dhaka-north', 'nominator.zurich', ...MEMBERS].map(
      demoEmail,
    );
    expected.push(MONTEVIDEO_MAYOR, `mayor@dhaka-north.${DEMO_DOMAIN}`, `mayor@zurich.${DEMO_DOMAIN}`);
    expect(mail.map((m) => m.recipient).sort()).toEqual(expected.sort());
    for (const message of mail) {
      expect(message.subject).toBe('Lucía Pereira (Montevideo) is elected to the Leadership Board');
      expect(message.textBody).toContain(`/ballots/${ballotId}/results`);
    }
  });

  it('gives the elected mayor a board member account for their city, invited by e-mail, linked to the new term', async () => {
    await certify(secretariat, ballotId);
    const account = t.db.select().from(users).where(eq(users.email, MONTEVIDEO_MAYOR)).get()!;
    expect(account).toMatchObject({ role: 'board_member', displayName: 'Lucía Pereira', passwordHash: null });
    expect(newTerm(t)!.userId).toBe(account.id);
    const invitation = t.db.select().from(outbox).where(eq(outbox.kind, 'invitation')).all();
    expect(invitation.map((m) => m.recipient)).toEqual([MONTEVIDEO_MAYOR]);
    expect(auditEntries(t, 'account.invite').map((e) => e.subjectId)).toEqual([String(account.id)]);
  });

  it('links the board member account that already has the nominee’s e-mail, inviting no one', async () => {
    const existing = await accountFor(t, MONTEVIDEO_MAYOR, 'board_member');
    await certify(secretariat, ballotId);
    expect(newTerm(t)!.userId).toBe(existing);
    expect(t.db.select().from(outbox).where(eq(outbox.kind, 'invitation')).all()).toHaveLength(0);
  });

  it('links no account when the nominee’s e-mail belongs to another role, and says so', async () => {
    await accountFor(t, MONTEVIDEO_MAYOR, 'partner');
    const response = await certify(secretariat, ballotId);
    expect(response.status).toBe(303);
    expect(newTerm(t)!.userId).toBeNull();
    const page = await secretariat.get(response.headers.location!);
    expect(textOf(page.text)).toContain('belongs to an account of another role');
  });

  it('keeps no override reason for a winner who breaks no rule', async () => {
    expect((await certify(secretariat, ballotId, 'Just in case.')).status).toBe(303);
    expect(ballotRow(t, ballotId).overrideReason).toBeNull();
  });

  it('refuses to certify twice (409), changing nothing', async () => {
    await certify(secretariat, ballotId);
    const before = ballotState(t);
    const again = await certify(secretariat, ballotId);
    expect(again.status).toBe(409);
    expect(textOf(again.text)).toContain(`Ballot ${ballotId} is already certified.`);
    expect(ballotState(t)).toBe(before);
    expect(t.db.select().from(terms).where(eq(terms.seatId, 2)).all()).toHaveLength(2);
  });

  it('is refused by the action itself to anyone but the secretariat, whatever route calls it', () => {
    const before = ballotState(t);
    for (const who of ['mayor.amman', 'partner.c40', 'nominator.montevideo']) {
      const attempt = certifyBallot(t.db, ballotId, { overrideReason: '' }, viewerOf(t, who), {
        now: NOW,
        origin: ORIGIN,
      });
      expect(attempt, who).toMatchObject({ ok: false, status: 403 });
    }
    expect(ballotState(t)).toBe(before);
  });

  it('answers 403 to a board member, a partner and a nominator, and changes nothing', async () => {
    const before = ballotState(t);
    for (const who of ['mayor.amman', 'partner.c40', 'nominator.montevideo']) {
      expect((await certify(await logInAs(t, who), ballotId)).status, who).toBe(403);
    }
    expect(ballotState(t)).toBe(before);
  });
});

describe('when the new term starts', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('starts it on the vacancy’s date when that is still to come', async () => {
    const { ballotId, secretariat } = await wonBy(t, M);
    t.db.update(vacancies).set({ freeOn: '2026-12-05' }).where(eq(vacancies.id, ATHENS_VACANCY)).run();
    expect((await certify(secretariat, ballotId)).status).toBe(303);
    expect(newTerm(t)).toMatchObject({ startsOn: '2026-12-05', endsOn: '2028-12-05' });
  });

  it('starts it on the day of certification when that is later than the vacancy’s date', async () => {
    const { ballotId } = await wonBy(t, M);
    t.db.update(vacancies).set({ freeOn: '2026-12-05' }).where(eq(vacancies.id, ATHENS_VACANCY)).run();
    t.clock.now = new Date('2026-12-09T10:00:00Z');
    expect((await certify(await logInAs(t, 'secretariat'), ballotId)).status).toBe(303);
    expect(newTerm(t)).toMatchObject({ startsOn: '2026-12-09', endsOn: '2028-12-09' });
  });
});

describe('a winner who breaks a diversity rule (at most two seats per region: Zurich is a third European seat)', () => {
  let t: TestApp;
  let ballotId: number;
  let secretariat: Browser;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId, secretariat } = await wonBy(t, Z));
    expect(
      (await secretariat.post('/settings/diversity', diversityForm({ maxSeatsPerRegion: '2' }))).status,
    ).toBe(303);
  });
  afterEach(async () => t.close());

  it('shows the broken rule beside the certify form, with a field for the reason', async () => {
    const section = await settleSection(secretariat, ballotId);
    expect(section).toContain('data-diversity-violation="maxSeatsPerRegion"');
    expect(section).toContain(`action="/ballots/${ballotId}/certify"`);
    expect(section).toContain('name="overrideReason"');
  });

  it('refuses to certify without a written reason (422 beside the field), changing nothing', async () => {
    const before = ballotState(t);
    for (const reason of ['', '   ']) {
      const response = await certify(secretariat, ballotId, reason);
      expect(response.status).toBe(422);
      expect(fieldError(response.text, 'overrideReason')).toBe(
        'Anna Keller would leave the board breaking its diversity rules (maxSeatsPerRegion): write the reason for certifying anyway.',
      );
      expect(response.text).toContain('data-diversity-violation="maxSeatsPerRegion"');
    }
    expect(ballotState(t)).toBe(before);
    expect(newTerm(t)).toBeUndefined();
  });

  it('certifies with a reason, kept on the ballot and in the audit log with the broken rule', async () => {
    const reason = 'The board asked for Zurich’s experience with city ID cards.';
    const response = await certify(secretariat, ballotId, reason);
    expect(response.status).toBe(303);
    expect(nominationRow(t, Z)!.status).toBe('elected');
    expect(ballotRow(t, ballotId).overrideReason).toBe(reason);
    expect(auditEntries(t, 'ballot.certify')[0]!.details).toMatchObject({
      winner: Z,
      breaches: ['maxSeatsPerRegion'],
      overrideReason: reason,
    });
  });

  it('refuses such a winner under block enforcement (409), whatever the reason', async () => {
    expect(
      (
        await secretariat.post(
          '/settings/diversity',
          diversityForm({ maxSeatsPerRegion: '2', enforcement: 'block' }),
        )
      ).status,
    ).toBe(303);
    const section = await settleSection(secretariat, ballotId);
    expect(section).toContain('data-diversity-violation="maxSeatsPerRegion"');
    expect(textOf(section)).toContain('The settings block such a winner: this ballot cannot be certified.');
    const before = ballotState(t);
    for (const reason of ['', 'A very good reason.']) {
      const response = await certify(secretariat, ballotId, reason);
      expect(response.status, reason).toBe(409);
      expect(textOf(response.text)).toContain(
        'Anna Keller cannot be certified: the board would break its diversity rules (maxSeatsPerRegion)',
      );
    }
    expect(ballotState(t)).toBe(before);
  });
});

describe('a ballot with no winner to certify', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('refuses a ballot without quorum (409)', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t);
    expect((await closeEarly(t, ballotId)).outcome).toBe('no_quorum');
    const before = ballotState(t);
    const response = await certify(secretariat, ballotId);
    expect(response.status).toBe(409);
    expect(textOf(response.text)).toContain(`Ballot ${ballotId} has no winner to certify.`);
    expect(ballotState(t)).toBe(before);
  });

  it('refuses an open ballot (409)', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t);
    expect((await certify(secretariat, ballotId)).status).toBe(409);
    expect(ballotRow(t, ballotId).status).toBe('open');
  });

  it('refuses a tie under the chair’s rule until the casting vote, then certifies its winner', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t, {
      method: 'single',
      quorumPercent: '0',
      tieRule: 'chair',
    });
    await castVotes(t, ballotId, [
      ['mayor.amman', { choice: String(M) }],
      ['mayor.bristol', { choice: String(D) }],
    ]);
    expect((await closeEarly(t, ballotId)).outcome).toBe('tie');
    expect((await certify(secretariat, ballotId)).status).toBe(409);
    expect(
      (await secretariat.post(`/ballots/${ballotId}/casting-vote`, { nominationId: String(D) })).status,
    ).toBe(303);
    expect((await certify(secretariat, ballotId)).status).toBe(303);
    expect(nominationRow(t, D)!.status).toBe('elected');
  });
});

describe('a winner of a runoff', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('leaves no candidate shortlisted: the one the first ballot narrowed out is not elected either', async () => {
    const { ballotId, secretariat } = await openAthensBallot(t, { method: 'single', quorumPercent: '0' });
    await castVotes(t, ballotId, [
      ['mayor.amman', { choice: String(M) }],
      ['mayor.bristol', { choice: String(Z) }],
      ['mayor.freetown', { choice: String(D) }],
    ]);
    expect((await closeEarly(t, ballotId)).outcome).toBe('tie');
    const runoff = await secretariat.post(`/ballots/${ballotId}/runoff`);
    const runoffId = Number(runoff.headers.location!.split('/').pop());
    await castVotes(t, runoffId, [['mayor.amman', { choice: String(Z) }]]);
    expect((await closeEarly(t, runoffId)).winner).toBe(String(Z));
    expect((await certify(secretariat, runoffId)).status).toBe(303);
    expect([M, D, Z].map((id) => nominationRow(t, id)!.status)).toEqual([
      'not_elected',
      'not_elected',
      'elected',
    ]);
  });
});
