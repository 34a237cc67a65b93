// The scheduler inside the server: every minute it asks whether the jobs are due (their interval
// is a setting, read each time, so a change applies without a restart) and runs them in order.
// croner's `protect` keeps a slow run from overlapping the next; the leases keep two servers from
// running the same job at once.
import { Cron } from 'croner';
import type { FastifyBaseLogger } from 'fastify';
import { getSettings } from '../features/settings/settings.js';
import { deliverMail } from './deliver-mail.js';
import { advanceStates, type JobContext, runAlertJob } from './run-jobs.js';

export interface Scheduler {
  stop(): void;
}

export function startScheduler(
  context: JobContext,
  options: { clock: () => Date; log: FastifyBaseLogger },
): Scheduler {
  let lastRun = 0;
  const tick = async () => {
    const now = options.clock();
    const intervalMs = getSettings(context.db).jobIntervalMinutes * 60_000;
    if (now.getTime() - lastRun < intervalMs - 5_000) return;
    lastRun = now.getTime();
    for (const [name, job] of [
      ['advance-states', () => advanceStates(context, now)],
      ['alerts', () => runAlertJob(context, now)],
      ['mail', () => deliverMail(context, options.clock())],
    ] as const) {
      try {
        await job();
      } catch (error) {
        // One job failing (say, the mail server is down) must not stop the others.
        options.log.error({ err: error, job: name }, 'job failed');
      }
    }
  };
  const cron = new Cron('0 * * * * *', { protect: true }, tick);
  // The first run happens at start, not a minute later.
  void tick();
  return { stop: () => cron.stop() };
}
