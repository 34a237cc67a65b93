// What each role sees first: the work waiting for them, computed from the same queries the
// feature pages use.
import { count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accountRequests, nominations } from '../../db/schema.js';
import { addDays, daysBetween, type IsoDate } from '../../domain/dates.js';
import { effectiveEnd, mandateEndsFirst } from '../../domain/terms.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { ballotsAwaitingVote } from '../ballots/queries.js';
import { ownNominations, shortlistedCandidates } from '../nominations/queries.js';
import { getSettings } from '../settings/settings.js';
import { type SittingMember, sittingMembers } from '../terms/sitting-members.js';
import { activeTermOf } from '../terms/term-active.js';
import { openVacancies, unfinishedVacancies } from '../vacancies/queries.js';

/** One thing coming due, as the secretariat's dashboard lists them: soonest first. */
export interface DueItem {
  on: IsoDate;
  daysLeft: number;
  kind: 'nomination_deadline' | 'term_ending' | 'forecast' | 'upcoming_vacancy';
  text: string;
  link: string;
  /** An upcoming vacancy: its seat, so the dashboard can open nominations in one step. */
  openSeat?: { id: number; number: number };
}

function dueItems(
  today: IsoDate,
  endingSoon: Array<SittingMember & { endsOn: IsoDate }>,
  members: SittingMember[],
  vacancyRows: ReturnType<typeof unfinishedVacancies>,
): DueItem[] {
  const items: DueItem[] = [];
  for (const row of vacancyRows) {
    const v = row.vacancy;
    if (v.status === 'open' && v.nominationDeadline)
      items.push({
        on: v.nominationDeadline,
        daysLeft: daysBetween(today, v.nominationDeadline),
        kind: 'nomination_deadline',
        text: `Nominations for seat ${row.seatNumber} close`,
        link: `/vacancies/${v.id}`,
      });
    if (v.status === 'upcoming')
      items.push({
        on: v.freeOn,
        daysLeft: daysBetween(today, v.freeOn),
        kind: 'upcoming_vacancy',
        text: `Seat ${row.seatNumber}${row.city ? ` (${row.city.name})` : ''} falls vacant; nominations are not open yet`,
        link: `/vacancies/${v.id}`,
        openSeat: { id: v.seatId, number: row.seatNumber },
      });
  }
  // A term whose vacancy is already listed is that vacancy: one line, with its button.
  const termsWithVacancy = new Set(vacancyRows.map((row) => row.vacancy.termId));
  for (const m of endingSoon.filter((member) => !termsWithVacancy.has(member.term.id)))
    items.push({
      on: m.endsOn,
      daysLeft: daysBetween(today, m.endsOn),
      kind: 'term_ending',
      text: `${m.term.memberName}’s term for ${m.city.name} (seat ${m.seatNumber}) ends`,
      link: '/terms',
    });
  for (const m of members)
    if (mandateEndsFirst(m.term) && m.term.mandateEndsOn)
      items.push({
        on: m.term.mandateEndsOn,
        daysLeft: daysBetween(today, m.term.mandateEndsOn),
        kind: 'forecast',
        text: `${m.city.name}’s mayoral mandate ends before its board term: seat ${m.seatNumber} will likely fall vacant early`,
        link: '/terms',
      });
  return items.sort((a, b) => a.daysLeft - b.daysLeft);
}

export function dashboardFor(db: Db, viewer: Viewer, today: IsoDate) {
  const settings = getSettings(db);
  const members = sittingMembers(db, today);
  const horizon = addDays(today, Math.max(...settings.alertThresholdsDays));
  // A term ends on its effective end: an announced early end comes first.
  const endingSoon = members
    .map((m) => ({ ...m, endsOn: effectiveEnd(m.term) }))
    .filter((m) => m.endsOn <= horizon)
    .map((m) => ({ ...m, daysLeft: daysBetween(today, m.endsOn) }));
  const base = {
    memberCount: members.length,
    boardSize: settings.boardSize,
    today,
    timeZone: settings.timeZone,
  };

  if (permissions.reviewNominations(viewer)) {
    const vacancyRows = unfinishedVacancies(db);
    return {
      ...base,
      endingSoon,
      due: dueItems(today, endingSoon, members, vacancyRows),
      defaultDeadline: addDays(today, 28),
      vacancies: vacancyRows,
      awaitingScreening:
        db.select({ n: count() }).from(nominations).where(eq(nominations.status, 'submitted')).get()?.n ?? 0,
      pendingRequests:
        db.select({ n: count() }).from(accountRequests).where(eq(accountRequests.status, 'pending')).get()
          ?.n ?? 0,
    };
  }
  if (permissions.submitNominations(viewer)) {
    return { ...base, vacancies: openVacancies(db), ownNominations: ownNominations(db, viewer) };
  }
  const ownTerm = viewer.role === 'board_member' ? activeTermOf(db, viewer.id, today) : undefined;
  const open = openVacancies(db);
  return {
    ...base,
    awaitingVote: ballotsAwaitingVote(db, viewer.id),
    endingSoon,
    vacancies: open,
    // Soonest first: what an empty shortlist waits for.
    nextToClose: open.find((row) => row.vacancy.nominationDeadline),
    shortlisted: permissions.viewShortlist(viewer) ? shortlistedCandidates(db, viewer) : [],
    ownTerm: ownTerm ? { ...ownTerm, endsOn: effectiveEnd(ownTerm) } : undefined,
  };
}
