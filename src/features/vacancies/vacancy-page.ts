// What the vacancy page shows: its seat and dates and, below, the candidates the viewer may see.
// The candidates come from the nominations feature, which builds on this one: it hands its
// section in (`CandidatesSection`), so the page is one template whichever route renders it
// (the page itself, or a refused screening decision shown again in place).
import type { Db } from '../../db/client.js';
import { daysBetween, type IsoDate } from '../../domain/dates.js';
import type { FieldErrors, FormValues } from '../../lib/forms.js';
import { canSeeVacancy, type Viewer } from '../auth/permissions.js';
import { type VacancyRecord, type VacancyRow, vacancyById } from './queries.js';

/** The candidates part of the page, supplied by whoever knows about nominations. */
export type CandidatesSection = (
  viewer: Viewer,
  vacancy: VacancyRecord,
  query: Record<string, unknown>,
  today: IsoDate,
) => Record<string, unknown>;

/** Several sections as one: each adds its part of the page (candidates, ballots). */
export function combineSections(...sections: CandidatesSection[]): CandidatesSection {
  return (viewer, vacancy, query, today) =>
    Object.assign({}, ...sections.map((section) => section(viewer, vacancy, query, today)));
}

export interface VacancyPageForm {
  /** The "open nominations" form, shown again with its messages. */
  values?: FormValues;
  errors?: FieldErrors;
}

/** The page's data, or null when there is no such vacancy for this viewer. */
export function vacancyPage(
  db: Db,
  viewer: Viewer,
  vacancyId: number,
  today: IsoDate,
  candidates: CandidatesSection,
  options: { query?: Record<string, unknown>; form?: VacancyPageForm; extra?: Record<string, unknown> } = {},
): ({ row: VacancyRow } & Record<string, unknown>) | null {
  const row = vacancyById(db, vacancyId);
  if (!row || !canSeeVacancy(viewer, row.vacancy.status)) return null;
  return {
    title: `Seat ${row.seatNumber} vacancy`,
    row,
    today,
    daysBetween,
    values: options.form?.values ?? {},
    errors: options.form?.errors ?? {},
    ...candidates(viewer, row.vacancy, options.query ?? {}, today),
    ...options.extra,
  };
}
