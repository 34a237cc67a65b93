// What may happen to a nomination in each state (DESIGN.md, "Domain model"): the actions enforce
// these rules and the pages ask them which controls to show, so the two never disagree.
import type { NominationStatus, VacancyStatus } from './reference.js';

/** The secretariat's screening decisions. */
export const REVIEW_DECISIONS = ['eligible', 'ineligible', 'shortlisted'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** Screening is a judgement that gets revised: any submitted nomination, in any direction. */
export const REVIEWABLE_STATUSES: readonly NominationStatus[] = ['submitted', ...REVIEW_DECISIONS];

/** A nominator may take back a nomination that nobody has decided on in a ballot yet. */
export const WITHDRAWABLE_STATUSES: readonly NominationStatus[] = [
  'draft',
  'submitted',
  'eligible',
  'ineligible',
  'shortlisted',
];

/** What board members and partners may see: the shortlist, and what became of it. */
export const SHORTLIST_STATUSES: readonly NominationStatus[] = ['shortlisted', 'elected', 'not_elected'];

/** Nominations are settled once the vacancy goes to a ballot: no withdrawal, no re-screening. */
export function vacancyStillScreening(vacancyStatus: VacancyStatus): boolean {
  return vacancyStatus === 'upcoming' || vacancyStatus === 'open' || vacancyStatus === 'screening';
}

export function canWithdraw(status: NominationStatus, vacancyStatus: VacancyStatus): boolean {
  return WITHDRAWABLE_STATUSES.includes(status) && vacancyStillScreening(vacancyStatus);
}

/** The decisions the secretariat can record now: every screening status but the current one. */
export function reviewDecisions(status: NominationStatus, vacancyStatus: VacancyStatus): ReviewDecision[] {
  if (!REVIEWABLE_STATUSES.includes(status) || !vacancyStillScreening(vacancyStatus)) return [];
  return REVIEW_DECISIONS.filter((decision) => decision !== status);
}
