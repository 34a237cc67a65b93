// The ballots' alerts (DESIGN.md, "Alerts"), raised by the alert job with the ballots as a source:
// the ballot opened (to its voters not recused), closing within 48 hours (to those who have not
// voted), quorum at risk within 24 hours when too few have voted, and closed; the secretariat gets
// each one too, and each is raised once however often the job runs.
import { and, asc, eq, like } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertRecipients, alerts, outbox, users } from '../../../src/db/schema.js';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { raiseAlerts } from '../../../src/features/alerts/raise-alerts.js';
import { ballotAlerts } from '../../../src/features/ballots/ballot-alerts.js';
import { logInAs, makeTestApp, ORIGIN, type TestApp } from '../../helpers/app.js';
import {
  CANDIDATE,
  castVotes,
  closeEarly,
  MEMBERS,
  NOW,
  openAthensBallot,
  PARTNERS,
} from './ballot-records.js';

const HOUR_MS = 3_600_000;
/** The demo ballot closes at 2026-12-05 17:00 UTC. */
const CLOSES = new Date('2026-12-05T17:00:00Z').getTime();
const hoursBeforeClose = (hours: number) => new Date(CLOSES - hours * HOUR_MS);

const run = (t: TestApp, at: Date) => raiseAlerts(t.db, at, { origin: ORIGIN, sources: [ballotAlerts] });

function ballotAlertRows(t: TestApp) {
  return t.db
    .select()
    .from(alerts)
    .where(like(alerts.kind, 'ballot_%'))
    .all()
    .concat(t.db.select().from(alerts).where(eq(alerts.kind, 'quorum_at_risk')).all())
    .sort((a, b) => a.id - b.id);
}

const kindsRaised = (t: TestApp) => ballotAlertRows(t).map((alert) => alert.kind);

/** The local parts of the recipients of the ballot's alert of this kind. */
function recipientsOf(t: TestApp, kind: string, ballotId: number) {
  return t.db
    .select({ email: users.email })
    .from(alertRecipients)
    .innerJoin(alerts, eq(alerts.id, alertRecipients.alertId))
    .innerJoin(users, eq(users.id, alertRecipients.userId))
    .where(
      and(eq(alerts.kind, kind as never), eq(alerts.subjectType, 'ballot'), eq(alerts.subjectId, ballotId)),
    )
    .all()
    .map((row) => row.email.split('@')[0]!)
    .sort();
}

const VOTERS = [...MEMBERS, ...PARTNERS];
const { montevideo: M } = CANDIDATE;

describe('the ballot opened', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  it('goes to every voter not recused and to the secretariat, in the app and by e-mail, once', async () => {
    const { ballotId } = await openAthensBallot(t);
    expect(
      (await (await logInAs(t, 'mayor.amman')).post(`/ballots/${ballotId}/recuse`, { reason: 'Conflict.' }))
        .status,
    ).toBe(303);
    run(t, NOW);
    expect(kindsRaised(t)).toEqual(['ballot_opened']);
    const expected = ['secretariat', ...VOTERS.filter((who) => who !== 'mayor.amman')].sort();
    expect(recipientsOf(t, 'ballot_opened', ballotId)).toEqual(expected);
    const [alert] = ballotAlertRows(t);
    expect(alert).toMatchObject({ subjectId: ballotId, link: `/ballots/${ballotId}`, threshold: 0 });
    expect(alert!.title).toBe('The ballot for seat 2 is open until 2026-12-05 17:00 (UTC time).');
    const mail = t.db
      .select()
      .from(outbox)
      .where(eq(outbox.kind, 'alert:ballot_opened'))
      .orderBy(asc(outbox.id))
      .all();
    expect(mail.map((m) => m.recipient).sort()).toEqual(expected.map(demoEmail).sort());
    // Run again: nothing new.
    run(t, new Date(NOW.getTime() + HOUR_MS));
    expect(kindsRaised(t)).toEqual(['ballot_opened']);
  });

  it('is not raised for a ballot still a draft', async () => {
    await openAthensBallot(t, { opensAt: '2026-11-30T09:00' });
    run(t, NOW);
    expect(kindsRaised(t)).toEqual([]);
  });

  it('shows on a voter’s alerts page with its marker', async () => {
    await openAthensBallot(t);
    run(t, NOW);
    const page = await (await logInAs(t, 'partner.uclg')).get('/alerts');
    expect(page.text).toContain('data-alert-kind="ballot_opened"');
  });
});

describe('the ballot closing within 48 hours', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId } = await openAthensBallot(t, { quorumPercent: '0' }));
    await castVotes(t, ballotId, [['mayor.amman', { [`rank_${M}`]: '1' }]]);
    expect(
      (await (await logInAs(t, 'mayor.bristol')).post(`/ballots/${ballotId}/recuse`, { reason: 'Conflict.' }))
        .status,
    ).toBe(303);
  });
  afterEach(async () => t.close());

  it('is not raised 48 hours and a minute before the close', () => {
    run(t, new Date(CLOSES - 48 * HOUR_MS - 60_000));
    expect(kindsRaised(t)).not.toContain('ballot_closing');
  });

  it('is raised 48 hours before the close, to the voters who have neither voted nor recused, and the secretariat', () => {
    run(t, hoursBeforeClose(48));
    expect(kindsRaised(t)).toContain('ballot_closing');
    expect(recipientsOf(t, 'ballot_closing', ballotId)).toEqual(
      ['secretariat', ...VOTERS.filter((who) => who !== 'mayor.amman' && who !== 'mayor.bristol')].sort(),
    );
    const alert = ballotAlertRows(t).find((a) => a.kind === 'ballot_closing')!;
    expect(alert).toMatchObject({ threshold: 48, dueAt: '2026-12-05T17:00:00.000Z' });
  });

  it('is raised once, however often the job runs before the close', () => {
    for (const hours of [47, 30, 2]) run(t, hoursBeforeClose(hours));
    expect(kindsRaised(t).filter((kind) => kind === 'ballot_closing')).toHaveLength(1);
  });
});

describe('the quorum at risk within 24 hours', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    // 50% of 9: five votes are needed.
    ({ ballotId } = await openAthensBallot(t, { quorumPercent: '50' }));
  });
  afterEach(async () => t.close());

  const castBy = (voters: string[]) =>
    castVotes(
      t,
      ballotId,
      voters.map((who) => [who, { [`rank_${M}`]: '1' }] as [string, Record<string, string>]),
    );

  it('is not raised 25 hours before the close, however short the turnout', async () => {
    run(t, hoursBeforeClose(25));
    expect(kindsRaised(t)).toEqual(['ballot_opened', 'ballot_closing']);
  });

  it('is raised 24 hours before the close when too few have voted (4 of 9), to those who have not, once', async () => {
    await castBy(MEMBERS.slice(0, 4));
    run(t, hoursBeforeClose(24));
    expect(kindsRaised(t)).toContain('quorum_at_risk');
    expect(recipientsOf(t, 'quorum_at_risk', ballotId)).toEqual(
      ['secretariat', ...VOTERS.filter((who) => !MEMBERS.slice(0, 4).includes(who))].sort(),
    );
    const alert = ballotAlertRows(t).find((a) => a.kind === 'quorum_at_risk')!;
    expect(alert.title).toContain('4 of 9 binding voters have voted, 50% are needed');
    run(t, hoursBeforeClose(3));
    expect(kindsRaised(t).filter((kind) => kind === 'quorum_at_risk')).toHaveLength(1);
  });

  it('is not raised when enough have voted (5 of 9)', async () => {
    await castBy(MEMBERS.slice(0, 5));
    run(t, hoursBeforeClose(23));
    expect(kindsRaised(t)).not.toContain('quorum_at_risk');
    expect(kindsRaised(t)).toContain('ballot_closing');
  });
});

describe('the ballot closed', () => {
  let t: TestApp;
  let ballotId: number;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId } = await openAthensBallot(t, { quorumPercent: '0' }));
  });
  afterEach(async () => t.close());

  it('is not raised while the ballot is open', () => {
    run(t, NOW);
    expect(kindsRaised(t)).not.toContain('ballot_closed');
  });

  it('is raised after the close, to the voters not recused and the secretariat, linking the results, once', async () => {
    expect(
      (await (await logInAs(t, 'partner.c40')).post(`/ballots/${ballotId}/recuse`, { reason: 'Conflict.' }))
        .status,
    ).toBe(303);
    await castVotes(t, ballotId, [['mayor.amman', { [`rank_${M}`]: '1' }]]);
    await closeEarly(t, ballotId);
    run(t, NOW);
    expect(kindsRaised(t)).toContain('ballot_closed');
    expect(recipientsOf(t, 'ballot_closed', ballotId)).toEqual(
      ['secretariat', ...VOTERS.filter((who) => who !== 'partner.c40')].sort(),
    );
    expect(ballotAlertRows(t).find((a) => a.kind === 'ballot_closed')).toMatchObject({
      link: `/ballots/${ballotId}/results`,
    });
    run(t, new Date(NOW.getTime() + HOUR_MS));
    expect(kindsRaised(t).filter((kind) => kind === 'ballot_closed')).toHaveLength(1);
    expect(kindsRaised(t)).not.toContain('ballot_closing');
  });
});
