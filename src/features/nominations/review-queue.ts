// A vacancy's nominations as the review queue shows them: filtered by status, region and
// context, sorted, each with what the app finds (eligibility, diversity impact) and the decisions
// the secretariat can record on it now.
import type { Db, Tx } from '../../db/client.js';
import type { IsoDate } from '../../domain/dates.js';
import { type ReviewDecision, reviewDecisions } from '../../domain/nomination-rules.js';
import { isMigrationContext, type NominationStatus, REGIONS } from '../../domain/reference.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import type { Settings } from '../settings/settings.js';
import type { VacancyRecord } from '../vacancies/queries.js';
import { type Assessment, assessCandidates } from './assess-candidates.js';
import { type NominationRecord, nominationsForVacancy } from './queries.js';

export const QUEUE_SORTS = ['submitted', 'nominee', 'city', 'region', 'status'] as const;
type QueueSort = (typeof QUEUE_SORTS)[number];

export interface QueueFilters {
  status?: string;
  region?: string;
  context?: string;
  sort?: string;
}

export interface ReviewRow {
  nomination: NominationRecord;
  assessment: Assessment;
  /** What the viewer may decide on it now (empty for anyone but the secretariat). */
  decisions: ReviewDecision[];
}

export function reviewRow(
  db: Db | Tx,
  viewer: Viewer,
  vacancy: VacancyRecord,
  nomination: NominationRecord,
  today: IsoDate,
  settings: Settings,
): ReviewRow {
  return {
    nomination,
    assessment: assessCandidates(db, vacancy, [nomination], today, settings).get(nomination.id)!,
    decisions: permissions.reviewNominations(viewer)
      ? reviewDecisions(nomination.status, vacancy.status)
      : [],
  };
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function reviewQueue(
  db: Db | Tx,
  viewer: Viewer,
  vacancy: VacancyRecord,
  query: Record<string, unknown>,
  today: IsoDate,
  settings: Settings,
) {
  const filters: QueueFilters = {
    status: text(query.status),
    region: text(query.region),
    context: text(query.context),
    sort: text(query.sort),
  };
  const all = nominationsForVacancy(db, viewer, vacancy.id).map((row) => row.nomination);
  const assessments = assessCandidates(db, vacancy, all, today, settings);
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
  const mayReview = permissions.reviewNominations(viewer);

  const rows: ReviewRow[] = all
    .filter((n) => !status || n.status === status)
    .filter((n) => !region || assessments.get(n.id)!.region === region)
    .filter((n) => !context || n.contexts.includes(context))
    .map((nomination) => ({
      nomination,
      assessment: assessments.get(nomination.id)!,
      decisions: mayReview ? reviewDecisions(nomination.status, vacancy.status) : [],
    }));
  const key = (row: ReviewRow): string => {
    switch (sort) {
      case 'nominee':
        return row.nomination.nomineeName.toLowerCase();
      case 'city':
        return row.nomination.cityName.toLowerCase();
      case 'region':
        return row.assessment.region;
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
