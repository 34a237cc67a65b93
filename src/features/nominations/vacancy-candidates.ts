// The vacancy page's candidates, handed to the vacancies feature: the review queue for the
// secretariat, the shortlist for board members and partners, nothing for nominators.
import type { Db } from '../../db/client.js';
import { MIGRATION_CONTEXTS, REGIONS } from '../../domain/reference.js';
import { permissions } from '../auth/permissions.js';
import { getSettings } from '../settings/settings.js';
import type { CandidatesSection } from '../vacancies/vacancy-page.js';
import { QUEUE_SORTS, reviewQueue } from './review-queue.js';

export function candidatesSection(db: Db): CandidatesSection {
  return (viewer, vacancy, query, today) => {
    const seesCandidates = permissions.reviewNominations(viewer) || permissions.viewShortlist(viewer);
    return {
      queue: seesCandidates ? reviewQueue(db, viewer, vacancy, query, today, getSettings(db)) : null,
      regions: REGIONS,
      contexts: MIGRATION_CONTEXTS,
      sorts: QUEUE_SORTS,
      review: null,
      // The secretariat's queue records decisions in place with htmx; the layout loads it then only.
      usesHtmx: permissions.reviewNominations(viewer),
    };
  };
}
