// The alert job (DESIGN.md, "Alerts"): what it raises on the demo board, to whom, once only, and
// how a missed run catches up with the tightest threshold only.
import { and, asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertRecipients, alerts, outbox, users } from '../../../src/db/schema.js';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { raiseAlerts, tightestCrossed } from '../../../src/features/alerts/raise-alerts.js';
import { runAlertJob, runAlertsNow } from '../../../src/jobs/run-jobs.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { auditEntries, DAY_MS, NOW, SEAT, termOf, vacanciesOnSeat } from '../terms/board-records.js';

const ORIGIN = 'http://localhost:3000';

function alertList(t: TestApp) {
  return t.db
    .select()
    .from(alerts)
    .orderBy(asc(alerts.id))
    .all()
    .map((a) => `${a.kind} ${a.subjectType}:${a.subjectId} ${a.threshold}`);
}

function recipientsOf(t: TestApp, kind: string, subjectId: number) {
  return t.db
    .select({ email: users.email })
    .from(alertRecipients)
    .innerJoin(alerts, eq(alerts.id, alertRecipients.alertId))
    .innerJoin(users, eq(users.id, alertRecipients.userId))
    .where(and(eq(alerts.kind, kind as never), eq(alerts.subjectId, subjectId)))
    .all()
    .map((row) => row.email)
    .sort();
}

const BOARD = ['amman', 'bristol', 'freetown', 'kampala', 'los-angeles', 'milan', 'montreal'].map((c) =>
  demoEmail(`mayor.${c}`),
);

describe('raising alerts on the demo board', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  const run = (at = t.clock.now) => raiseAlerts(t.db, at, { origin: ORIGIN });

  it('raises Bristol’s term ending in 25 days at the 30-day threshold, to the secretariat and Bristol’s mayor', () => {
    run();
    const bristol = termOf(t, 'Bristol');
    expect(alertList(t)).toContain(`term_ending term:${bristol.id} 30`);
    expect(recipientsOf(t, 'term_ending', bristol.id)).toEqual([
      demoEmail('mayor.bristol'),
      demoEmail('secretariat'),
    ]);
    const [alert] = t.db.select().from(alerts).where(eq(alerts.subjectId, bristol.id)).all();
    expect(alert).toMatchObject({ dueAt: bristol.endsOn, link: '/terms' });
    expect(alert!.title).toBe(
      `Eleanor Whitfield’s term for Bristol (seat 3) ends on ${bristol.endsOn}, in 25 days.`,
    );
  });

  it('raises no 60- or 90-day alert for a term already within 30 days: a missed run catches up once', () => {
    run();
    const bristol = termOf(t, 'Bristol');
    expect(alertList(t).filter((a) => a.startsWith(`term_ending term:${bristol.id}`))).toEqual([
      `term_ending term:${bristol.id} 30`,
    ]);
    // 20 days on, five days are left: the 7-day threshold is crossed, and raised on its own.
    t.clock.advance(20 * DAY_MS);
    run();
    expect(alertList(t).filter((a) => a.startsWith(`term_ending term:${bristol.id}`))).toEqual([
      `term_ending term:${bristol.id} 30`,
      `term_ending term:${bristol.id} 7`,
    ]);
  });

  it('warns of Los Angeles’s mandate ending before its term, to the secretariat and its mayor', () => {
    run();
    const la = termOf(t, 'Los Angeles');
    expect(alertList(t)).toContain(`mandate_ending term:${la.id} 0`);
    expect(recipientsOf(t, 'mandate_ending', la.id)).toEqual([
      demoEmail('mayor.los-angeles'),
      demoEmail('secretariat'),
    ]);
  });

  it('tells the whole sitting board and the secretariat of each vacancy', () => {
    run();
    for (const vacancy of [...vacanciesOnSeat(t, SEAT.athens), ...vacanciesOnSeat(t, SEAT.bristol)]) {
      expect(recipientsOf(t, 'vacancy_opened', vacancy.id)).toEqual(
        [...BOARD, demoEmail('secretariat')].sort(),
      );
    }
  });

  it('raises nothing twice: a second run, or two at once, adds no alert, recipient or e-mail', async () => {
    run();
    const counts = () => [
      t.db.select().from(alerts).all().length,
      t.db.select().from(alertRecipients).all().length,
      t.db.select().from(outbox).all().length,
    ];
    const before = counts();
    run();
    const [a, b] = await Promise.all([
      runAlertJob({ db: t.db, config: t.config, serverSecret: Buffer.alloc(32) }, t.clock.now),
      runAlertJob({ db: t.db, config: t.config, serverSecret: Buffer.alloc(32) }, t.clock.now),
    ]);
    // The lease lets one of the two at-once runs through; the other finds the job running.
    expect([a.ran, b.ran].sort()).toEqual([false, true]);
    expect(counts()).toEqual(before);
  });

  it('e-mails each recipient, with a link back to the page concerned, and records each alert in the audit log', () => {
    const raised = run();
    const bristol = termOf(t, 'Bristol');
    const mail = t.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.recipient, demoEmail('mayor.bristol')), eq(outbox.kind, 'alert:term_ending')))
      .get()!;
    expect(mail.subject).toContain('Bristol (seat 3) ends on');
    expect(mail.textBody).toContain(`${ORIGIN}/terms`);
    expect(mail.htmlBody).toContain(`href="${ORIGIN}/terms"`);
    expect(auditEntries(t, 'alert.raise')).toHaveLength(raised.length);
    expect(
      auditEntries(t, 'alert.raise').some(
        (e) => (e.details as { subject: string }).subject === `term:${bristol.id}`,
      ),
    ).toBe(true);
  });

  it('warns of the Athens nomination deadline 7 days and 1 day before, and only the tightest after a missed week', () => {
    run();
    const [athens] = vacanciesOnSeat(t, SEAT.athens);
    const deadlineAlerts = () =>
      alertList(t).filter((a) => a.startsWith(`nomination_deadline vacancy:${athens!.id}`));
    expect(deadlineAlerts()).toEqual([]);
    t.clock.advance(7 * DAY_MS);
    run();
    expect(deadlineAlerts()).toEqual([`nomination_deadline vacancy:${athens!.id} 7`]);
    t.clock.advance(6 * DAY_MS);
    run();
    expect(deadlineAlerts()).toEqual([
      `nomination_deadline vacancy:${athens!.id} 7`,
      `nomination_deadline vacancy:${athens!.id} 1`,
    ]);
  });

  it('picks the tightest threshold crossed, and none before the largest or after the day itself', () => {
    expect(tightestCrossed([90, 60, 30, 7], 91)).toBeNull();
    expect(tightestCrossed([90, 60, 30, 7], 90)).toBe(90);
    expect(tightestCrossed([90, 60, 30, 7], 20)).toBe(30);
    expect(tightestCrossed([90, 60, 30, 7], 7)).toBe(7);
    expect(tightestCrossed([90, 60, 30, 7], 0)).toBe(7);
    expect(tightestCrossed([90, 60, 30, 7], -1)).toBeNull();
  });
});

describe('the jobs through the day', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp({ now: NOW });
  });
  afterEach(async () => t.close());

  const context = () => ({ db: t.db, config: t.config, serverSecret: Buffer.alloc(32) });

  it('raises vacancy_opened for the whole board when a term is ended early', async () => {
    await runAlertsNow(context(), t.clock.now);
    const kampala = termOf(t, 'Kampala');
    const ended = await (await logInAs(t, 'secretariat')).post(`/terms/${kampala.id}/end`, {
      endedOn: '2027-01-15',
      reason: 'resigned',
      nominationDeadline: '',
    });
    expect(ended.status).toBe(303);
    const { alerts: raised } = await runAlertsNow(context(), t.clock.now);
    const [vacancy] = vacanciesOnSeat(t, SEAT.kampala);
    expect(raised.ran && raised.result.map((a) => `${a.kind} ${a.subjectId}`)).toContain(
      `vacancy_opened ${vacancy!.id}`,
    );
    expect(recipientsOf(t, 'vacancy_opened', vacancy!.id)).toEqual(
      [...BOARD, demoEmail('secretariat')].sort(),
    );
  });

  it('moves a vacancy past its deadline into screening with no page view at all', async () => {
    const [athens] = vacanciesOnSeat(t, SEAT.athens);
    const { states } = await runAlertsNow(context(), new Date(NOW.getTime() + 15 * DAY_MS));
    expect(states.ran && states.result.vacanciesToScreening).toEqual([athens!.id]);
    expect(vacanciesOnSeat(t, SEAT.athens)[0]!.status).toBe('screening');
  });
});
