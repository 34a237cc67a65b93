// What each role sees first: the work waiting for them, computed from the same queries the
// feature pages use.
import { and, count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accountRequests, nominations, terms } from '../../db/schema.js';
import { addDays, daysBetween, type IsoDate } from '../../domain/dates.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { sittingMembers } from '../board/sitting-members.js';
import { nominationList } from '../nominations/queries.js';
import { getSettings } from '../settings/settings.js';
import { termActiveOn } from '../terms/term-active-sql.js';
import { openVacancies, unfinishedVacancies } from '../vacancies/queries.js';

export function dashboardFor(db: Db, viewer: Viewer, today: IsoDate) {
  const settings = getSettings(db);
  const members = sittingMembers(db, today);
  const horizon = addDays(today, Math.max(...settings.alertThresholdsDays));
  const endingSoon = members
    .filter((m) => m.term.endsOn <= horizon)
    .map((m) => ({ ...m, daysLeft: daysBetween(today, m.term.endsOn) }));
  const base = { memberCount: members.length, boardSize: settings.boardSize, today };

  if (permissions.screenNominations(viewer)) {
    return {
      ...base,
      endingSoon,
      vacancies: unfinishedVacancies(db),
      awaitingScreening:
        db.select({ n: count() }).from(nominations).where(eq(nominations.status, 'submitted')).get()?.n ?? 0,
      pendingRequests:
        db.select({ n: count() }).from(accountRequests).where(eq(accountRequests.status, 'pending')).get()
          ?.n ?? 0,
    };
  }
  if (permissions.submitNominations(viewer)) {
    return { ...base, vacancies: openVacancies(db), ownNominations: nominationList(db, viewer) };
  }
  const ownTerm =
    viewer.role === 'board_member'
      ? db
          .select()
          .from(terms)
          .where(and(eq(terms.userId, viewer.id), termActiveOn(today)))
          .get()
      : undefined;
  return {
    ...base,
    endingSoon,
    vacancies: openVacancies(db),
    shortlisted: permissions.reviewShortlist(viewer)
      ? nominationList(db, viewer).filter((row) => row.nomination.status === 'shortlisted')
      : [],
    ownTerm,
  };
}
