// What each role sees first: the work waiting for them, computed from the same queries the
// feature pages use.
import { count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accountRequests, nominations } from '../../db/schema.js';
import { addDays, daysBetween, type IsoDate } from '../../domain/dates.js';
import { effectiveEnd } from '../../domain/terms.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { ownNominations, shortlistedCandidates } from '../nominations/queries.js';
import { getSettings } from '../settings/settings.js';
import { sittingMembers } from '../terms/sitting-members.js';
import { activeTermOf } from '../terms/term-active.js';
import { openVacancies, unfinishedVacancies } from '../vacancies/queries.js';

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
    return { ...base, vacancies: openVacancies(db), ownNominations: ownNominations(db, viewer) };
  }
  const ownTerm = viewer.role === 'board_member' ? activeTermOf(db, viewer.id, today) : undefined;
  return {
    ...base,
    endingSoon,
    vacancies: openVacancies(db),
    shortlisted: permissions.viewShortlist(viewer) ? shortlistedCandidates(db, viewer) : [],
    ownTerm: ownTerm ? { ...ownTerm, endsOn: effectiveEnd(ownTerm) } : undefined,
  };
}
