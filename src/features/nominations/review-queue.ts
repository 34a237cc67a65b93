// A vacancy's nominations as the screening queue shows them: filtered by status, region and
// context, sorted, each with its eligibility and diversity impact.
import type { Db, Tx } from '../../db/client.js';
import type { NominationStatus, vacancies } from '../../db/schema.js';
import type { IsoDate } from '../../domain/dates.js';
import { isMigrationContext, REGIONS } from '../../domain/reference.js';
import type { Viewer } from '../auth/permissions.js';
import { type NominationRecord, nominationList } from './queries.js';
import { type Screening, screenNominations } from './screening.js';

export const QUEUE_SORTS = ['submitted', 'nominee', 'city', 'region', 'status'] as const;
type QueueSort = (typeof QUEUE_SORTS)[number];

export interface QueueFilters {
  status?: string;
  region?: string;
  context?: string;
  sort?: string;
}

type Vacancy = typeof vacancies.$inferSelect;

export function screeningRow(db: Db | Tx, vacancy: Vacancy, nomination: NominationRecord, today: IsoDate) {
  return { nomination, screening: screenNominations(db, vacancy, [nomination], today).get(nomination.id)! };
}

export type ScreeningRow = { nomination: NominationRecord; screening: Screening };

export function screeningQueue(
  db: Db | Tx,
  viewer: Viewer,
  vacancy: Vacancy,
  filters: QueueFilters,
  today: IsoDate,
) {
  const all = nominationList(db, viewer, vacancy.id).map((row) => row.nomination);
  const screenings = screenNominations(db, vacancy, all, today);
  const status =
    filters.status && all.some((n) => n.status === filters.status)
      ? (filters.status as NominationStatus)
      : undefined;
  const region =
    filters.region && (REGIONS as readonly string[]).includes(filters.region) ? filters.region : undefined;
  const context = filters.context && isMigrationContext(filters.context) ? filters.context : undefined;
  const sort: QueueSort = (QUEUE_SORTS as readonly string[]).includes(filters.sort ?? '')
    ? (filters.sort as QueueSort)
    : 'submitted';

  const rows: ScreeningRow[] = all
    .filter((n) => !status || n.status === status)
    .filter((n) => !region || screenings.get(n.id)!.region === region)
    .filter((n) => !context || n.contexts.includes(context))
    .map((nomination) => ({ nomination, screening: screenings.get(nomination.id)! }));
  const key = (row: ScreeningRow): string => {
    switch (sort) {
      case 'nominee':
        return row.nomination.nomineeName.toLowerCase();
      case 'city':
        return row.nomination.cityName.toLowerCase();
      case 'region':
        return row.screening.region;
      case 'status':
        return row.nomination.status;
      default:
        return row.nomination.submittedAt ?? row.nomination.createdAt;
    }
  };
  rows.sort((a, b) => key(a).localeCompare(key(b)) || a.nomination.id - b.nomination.id);
  return {
    rows,
    total: all.length,
    filters: { status, region, context, sort },
    statuses: [...new Set(all.map((n) => n.status))],
  };
}
