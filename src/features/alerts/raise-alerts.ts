// Raises every alert that is due (DESIGN.md, "Alerts"): a term ending within a threshold (90, 60,
// 30, 7 days by default), a mayoral mandate ending before its term, a vacancy, a nomination
// deadline in 7 and 1 days. Each alert is raised once per (kind, subject, threshold) — a unique
// index, so two runs at once, or twice in a row, never duplicate — and only the tightest
// threshold already crossed: a term 20 days from its end that never had its 30-day alert gets it
// now, not also the 60- and 90-day ones. Recipients: the secretariat always, the member concerned,
// and for vacancies the whole sitting board; each gets the alert in the app and by e-mail.
import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import {
  type AlertKind,
  alertRecipients,
  alerts,
  cities,
  seats,
  terms,
  users,
  vacancies,
} from '../../db/schema.js';
import { daysBetween, type IsoDate } from '../../domain/dates.js';
import { effectiveEnd, mandateEndsFirst } from '../../domain/terms.js';
import { recordAudit, SYSTEM_ACTOR } from '../audit-log/audit-log.js';
import { queueMail } from '../mail/outbox.js';
import { renderMail } from '../mail/templates.js';
import { boardToday, getSettings } from '../settings/settings.js';
import { termActiveOn } from '../terms/term-active.js';

/** An alert the rules call for, before it is known whether it was raised already. */
export interface DueAlert {
  kind: AlertKind;
  subjectType: string;
  subjectId: number;
  threshold: number;
  title: string;
  detail: string;
  action: string;
  link: string;
  dueAt: string;
  /** Besides the secretariat, who always gets it. */
  recipients: number[];
}

/** Of the thresholds (in days), the tightest one already crossed, or null when none is. */
export function tightestCrossed(thresholds: readonly number[], daysLeft: number): number | null {
  if (daysLeft < 0) return null;
  const crossed = thresholds.filter((threshold) => daysLeft <= threshold);
  return crossed.length === 0 ? null : Math.min(...crossed);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function sittingBoard(tx: Tx, today: IsoDate): number[] {
  return tx
    .select({ userId: terms.userId })
    .from(terms)
    .innerJoin(users, eq(users.id, terms.userId))
    .where(and(termActiveOn(today), eq(users.disabled, false)))
    .all()
    .map((row) => row.userId!)
    .filter(Boolean);
}

function termAlerts(tx: Tx, today: IsoDate, thresholds: number[]): DueAlert[] {
  const rows = tx
    .select({ term: terms, city: cities, seatNumber: seats.number })
    .from(terms)
    .innerJoin(cities, eq(cities.id, terms.cityId))
    .innerJoin(seats, eq(seats.id, terms.seatId))
    .where(termActiveOn(today))
    .all();
  const due: DueAlert[] = [];
  for (const { term, city, seatNumber } of rows) {
    const endsOn = effectiveEnd(term);
    const daysLeft = daysBetween(today, endsOn);
    const threshold = tightestCrossed(thresholds, daysLeft);
    const member = term.userId ? [term.userId] : [];
    if (threshold !== null) {
      due.push({
        kind: 'term_ending',
        subjectType: 'term',
        subjectId: term.id,
        threshold,
        title: `${term.memberName}’s term for ${city.name} (seat ${seatNumber}) ends on ${endsOn}, in ${plural(daysLeft, 'day')}.`,
        detail: `The seat falls free on ${endsOn}. Its vacancy opens for nominations so that a successor can be chosen in time.`,
        action: 'See the seats and terms',
        link: '/terms',
        dueAt: endsOn,
        recipients: member,
      });
    }
    if (mandateEndsFirst(term) && term.mandateEndsOn) {
      due.push({
        kind: 'mandate_ending',
        subjectType: 'term',
        subjectId: term.id,
        threshold: 0,
        title: `${term.memberName}’s mayoral mandate in ${city.name} ends on ${term.mandateEndsOn}, before the board term ends on ${term.endsOn}.`,
        detail: `Members sit as serving mayors, so seat ${seatNumber} will likely fall vacant early, on ${term.mandateEndsOn}.`,
        action: 'See the forecast on the terms page',
        link: '/terms',
        dueAt: term.mandateEndsOn,
        recipients: member,
      });
    }
  }
  return due;
}

function vacancyAlerts(tx: Tx, today: IsoDate, board: number[]): DueAlert[] {
  const rows = tx
    .select({
      vacancy: vacancies,
      seatNumber: seats.number,
      memberName: terms.memberName,
      cityName: cities.name,
    })
    .from(vacancies)
    .innerJoin(seats, eq(seats.id, vacancies.seatId))
    .leftJoin(terms, eq(terms.id, vacancies.termId))
    .leftJoin(cities, eq(cities.id, terms.cityId))
    .where(inArray(vacancies.status, ['upcoming', 'open', 'screening']))
    .all();
  const due: DueAlert[] = [];
  for (const { vacancy, seatNumber, memberName, cityName } of rows) {
    const who = cityName ? ` (${memberName}, ${cityName})` : '';
    due.push({
      kind: 'vacancy_opened',
      subjectType: 'vacancy',
      subjectId: vacancy.id,
      threshold: 0,
      title: `Seat ${seatNumber}${who} falls vacant on ${vacancy.freeOn}.`,
      detail:
        vacancy.status === 'open'
          ? `Nominations are open until ${vacancy.nominationDeadline}.`
          : 'The secretariat will open nominations for a successor.',
      action: 'See the vacancy',
      link: `/vacancies/${vacancy.id}`,
      dueAt: vacancy.freeOn,
      recipients: board,
    });
    if (vacancy.status === 'open' && vacancy.nominationDeadline) {
      const daysLeft = daysBetween(today, vacancy.nominationDeadline);
      const threshold = tightestCrossed([7, 1], daysLeft);
      if (threshold !== null) {
        due.push({
          kind: 'nomination_deadline',
          subjectType: 'vacancy',
          subjectId: vacancy.id,
          threshold,
          title: `Nominations for seat ${seatNumber} close on ${vacancy.nominationDeadline}, ${daysLeft === 0 ? 'today' : `in ${plural(daysLeft, 'day')}`}.`,
          detail: 'Nominations close at the end of that day in the board’s time zone.',
          action: 'See the vacancy and its nominations',
          link: `/vacancies/${vacancy.id}`,
          dueAt: vacancy.nominationDeadline,
          recipients: board,
        });
      }
    }
  }
  return due;
}

/** Sources of alerts beyond terms and vacancies (the ballots add theirs). */
export type AlertSource = (tx: Tx, now: Date, today: IsoDate) => DueAlert[];

export interface RaisedAlert {
  id: number;
  kind: AlertKind;
  subjectType: string;
  subjectId: number;
  threshold: number;
  recipients: number;
}

/** Writes one alert with its recipients and their e-mails, unless it was raised before. */
function raise(
  tx: Tx,
  alert: DueAlert,
  secretariat: Array<{ id: number }>,
  origin: string,
  now: Date,
): RaisedAlert | null {
  const row = tx
    .insert(alerts)
    .values({
      kind: alert.kind,
      subjectType: alert.subjectType,
      subjectId: alert.subjectId,
      threshold: alert.threshold,
      title: alert.title,
      link: alert.link,
      dueAt: alert.dueAt,
      raisedAt: now.toISOString(),
    })
    .onConflictDoNothing()
    .returning({ id: alerts.id })
    .get();
  if (!row) return null;
  const recipientIds = [...new Set([...secretariat.map((user) => user.id), ...alert.recipients])];
  const people = tx
    .select({ id: users.id, email: users.email, displayName: users.displayName })
    .from(users)
    .where(and(inArray(users.id, recipientIds), eq(users.disabled, false)))
    .all();
  for (const person of people) {
    tx.insert(alertRecipients).values({ alertId: row.id, userId: person.id }).onConflictDoNothing().run();
    const mail = renderMail('alert', {
      name: person.displayName,
      title: alert.title,
      detail: alert.detail,
      action: alert.action,
      link: alert.link,
      origin,
    });
    queueMail(tx, { to: person.email, subject: alert.title, kind: `alert:${alert.kind}`, ...mail }, now);
  }
  recordAudit(tx, {
    actor: SYSTEM_ACTOR,
    action: 'alert.raise',
    subjectType: 'alert',
    subjectId: row.id,
    details: {
      kind: alert.kind,
      subject: `${alert.subjectType}:${alert.subjectId}`,
      threshold: alert.threshold,
      recipients: people.length,
    },
    at: now,
  });
  return { ...alert, id: row.id, recipients: people.length };
}

export function raiseAlerts(
  db: Db,
  now: Date,
  options: { origin: string; sources?: AlertSource[] },
): RaisedAlert[] {
  return db.transaction((tx) => {
    const settings = getSettings(tx);
    const today = boardToday(settings, now);
    const board = sittingBoard(tx, today);
    const secretariat = tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, 'secretariat'), eq(users.disabled, false)))
      .all();
    const due = [
      ...termAlerts(tx, today, settings.alertThresholdsDays),
      ...vacancyAlerts(tx, today, board),
      ...(options.sources ?? []).flatMap((source) => source(tx, now, today)),
    ];
    return due.flatMap((alert) => raise(tx, alert, secretariat, options.origin, now) ?? []);
  });
}
