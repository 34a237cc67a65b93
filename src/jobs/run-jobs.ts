// The jobs (DESIGN.md, "Jobs"): advance vacancy (and ballot) states that fall due, raise alerts,
// deliver the outbox. Each runs under its lease, so two processes (the server's scheduler and a
// system cron calling the CLI) never run the same job at once; each is safe to run twice anyway.
// The clock is a parameter: `alerts:run --now` replays a day.
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { raiseAlerts } from '../features/alerts/raise-alerts.js';
import { advanceBallots } from '../features/ballots/advance-ballots.js';
import { ballotAlerts } from '../features/ballots/ballot-alerts.js';
import { advanceVacancies } from '../features/vacancies/advance-vacancies.js';
import { type LeaseOutcome, withLease } from './lease.js';

/** Longer than any run should take; a holder that crashed frees the job after this. */
export const JOB_LEASE_MS = 10 * 60 * 1000;

export interface JobContext {
  db: Db;
  config: Config;
  serverSecret: Buffer;
}

export interface StateReport {
  vacanciesCreated: number[];
  vacanciesToScreening: number[];
  ballotsOpened: number[];
  ballotsClosed: number[];
}

export function advanceStates(context: JobContext, now: Date): Promise<LeaseOutcome<StateReport>> {
  return withLease(context.db, 'advance-states', { now, ttlMs: JOB_LEASE_MS }, () => {
    const vacancies = advanceVacancies(context.db, now);
    const ballots = advanceBallots(context.db, now);
    return {
      vacanciesCreated: vacancies.created,
      vacanciesToScreening: vacancies.toScreening,
      ballotsOpened: ballots.opened,
      ballotsClosed: ballots.closed,
    };
  });
}

export function runAlertJob(context: JobContext, now: Date) {
  return withLease(context.db, 'alerts', { now, ttlMs: JOB_LEASE_MS }, () =>
    raiseAlerts(context.db, now, { origin: context.config.publicOrigin, sources: [ballotAlerts] }),
  );
}

/** What `alerts:run` does: states first (a vacancy opened today gets its alert today), then alerts. */
export async function runAlertsNow(context: JobContext, now: Date) {
  const states = await advanceStates(context, now);
  const alerts = await runAlertJob(context, now);
  return { states, alerts };
}
