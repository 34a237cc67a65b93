// The ballots' alerts (DESIGN.md, "Alerts"): a ballot opened (to its voters), closing within 48
// hours (to the voters who have not voted only), quorum at risk 24 hours before the close (to the
// voters who have not voted), and closed (to its voters). The secretariat gets each one too.
import { and, eq, inArray, isNull, notExists, or } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { alerts, ballots, seats, vacancies, voterRoll } from '../../db/schema.js';
import type { IsoDate } from '../../domain/dates.js';
import { wallClockText } from '../../domain/time-zone.js';
import type { DueAlert } from '../alerts/raise-alerts.js';
import { getSettings } from '../settings/settings.js';
import { turnoutOf } from './queries.js';

const HOUR_MS = 3_600_000;

export function ballotAlerts(tx: Tx, now: Date, _today: IsoDate): DueAlert[] {
  const zone = getSettings(tx).timeZone;
  // Open ballots, and closed ones whose closing alert is still to be raised: not every ballot the
  // board ever held (the alerts_once index finds those already told).
  const rows = tx
    .select({ ballot: ballots, seatNumber: seats.number })
    .from(ballots)
    .innerJoin(vacancies, eq(vacancies.id, ballots.vacancyId))
    .innerJoin(seats, eq(seats.id, vacancies.seatId))
    .where(
      or(
        eq(ballots.status, 'open'),
        and(
          inArray(ballots.status, ['closed', 'certified']),
          notExists(
            tx
              .select({ id: alerts.id })
              .from(alerts)
              .where(
                and(
                  eq(alerts.kind, 'ballot_closed'),
                  eq(alerts.subjectType, 'ballot'),
                  eq(alerts.subjectId, ballots.id),
                  eq(alerts.threshold, 0),
                ),
              ),
          ),
        ),
      ),
    )
    .all();
  const due: DueAlert[] = [];
  for (const { ballot, seatNumber } of rows) {
    const voters = (onlyNotVoted: boolean) =>
      tx
        .select({ userId: voterRoll.userId })
        .from(voterRoll)
        .where(
          and(
            eq(voterRoll.ballotId, ballot.id),
            isNull(voterRoll.recusal),
            onlyNotVoted ? eq(voterRoll.voted, false) : undefined,
          ),
        )
        .all()
        .map((row) => row.userId);
    const closes = `${wallClockText(ballot.closesAt, zone)} (${zone} time)`;
    const base = {
      subjectType: 'ballot',
      subjectId: ballot.id,
      link: `/ballots/${ballot.id}`,
      dueAt: ballot.closesAt,
    };
    if (ballot.status === 'open') {
      due.push({
        ...base,
        kind: 'ballot_opened',
        threshold: 0,
        title: `The ballot for seat ${seatNumber} is open until ${closes}.`,
        detail: 'Read the candidates and cast your vote; a vote is final.',
        action: 'Go to the ballot',
        recipients: voters(false),
      });
      const hoursLeft = (new Date(ballot.closesAt).getTime() - now.getTime()) / HOUR_MS;
      if (hoursLeft <= 48 && hoursLeft > 0) {
        due.push({
          ...base,
          kind: 'ballot_closing',
          threshold: 48,
          title: `The ballot for seat ${seatNumber} closes on ${closes}, and you have not voted yet.`,
          detail: 'Vote, or recuse yourself if you have a conflict of interest.',
          action: 'Go to the ballot',
          recipients: voters(true),
        });
      }
      const turnout = turnoutOf(tx, ballot.id);
      const short = turnout.bindingVoted * 100 < ballot.quorumPercent * turnout.binding;
      if (hoursLeft <= 24 && hoursLeft > 0 && short) {
        due.push({
          ...base,
          kind: 'quorum_at_risk',
          threshold: 24,
          title: `The ballot for seat ${seatNumber} may miss its quorum: ${turnout.bindingVoted} of ${turnout.binding} binding voters have voted, ${ballot.quorumPercent}% are needed by ${closes}.`,
          detail: 'Without its quorum the ballot decides nothing.',
          action: 'Go to the ballot',
          recipients: voters(true),
        });
      }
    } else {
      due.push({
        ...base,
        kind: 'ballot_closed',
        threshold: 0,
        link: `/ballots/${ballot.id}/results`,
        title: `The ballot for seat ${seatNumber} has closed: the results are published.`,
        detail: 'Find your receipt among the counted ballots, and recount them if you wish.',
        action: 'See the results',
        recipients: voters(false),
      });
    }
  }
  return due;
}
