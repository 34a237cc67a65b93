// The vacancy page's ballot section, handed to the vacancies feature: the vacancy's ballots, and
// for the secretariat, while the vacancy is open or in screening, the form that opens one among
// the shortlisted candidates.
import type { Db } from '../../db/client.js';
import { addDays } from '../../domain/dates.js';
import { permissions } from '../auth/permissions.js';
import { getSettings } from '../settings/settings.js';
import type { CandidatesSection } from '../vacancies/vacancy-page.js';
import { shortlistOfVacancy } from './open-ballot.js';
import { ballotsForVacancy, ballotToSettle } from './queries.js';

export function ballotSection(db: Db): CandidatesSection {
  return (viewer, vacancy, _query, today) => {
    const manage = permissions.manageBallots(viewer);
    const settings = getSettings(db);
    const list = manage || permissions.takePartInBallots(viewer) ? ballotsForVacancy(db, vacancy.id) : [];
    const settled = ballotToSettle(list) === undefined;
    const mayOpen =
      manage &&
      (vacancy.status === 'open' ||
        vacancy.status === 'screening' ||
        (vacancy.status === 'balloting' && settled));
    return {
      ballots: list,
      ballotSetup: mayOpen
        ? {
            shortlist: shortlistOfVacancy(db, vacancy.id),
            defaults: {
              // Nine in the morning today: past that hour, the ballot opens as soon as it is set up.
              opensAt: `${today}T09:00`,
              closesAt: `${addDays(today, 7)}T17:00`,
              quorumPercent: '50',
            },
            timeZone: settings.timeZone,
          }
        : null,
      ballotForm: { values: {}, errors: {} },
    };
  };
}
