// Every status and reason as people read it, in one place: templates, e-mails and CSV exports
// take their words from here, never from a code with its underscores replaced.
import type { NominationStatus, TermEndReason, VacancyReason, VacancyStatus } from './reference.js';

export const VACANCY_STATUS_LABELS: Record<VacancyStatus, string> = {
  upcoming: 'Upcoming',
  open: 'Open for nominations',
  screening: 'Screening',
  balloting: 'Ballot',
  filled: 'Filled',
  cancelled: 'Cancelled',
};

export const NOMINATION_STATUS_LABELS: Record<NominationStatus, string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  eligible: 'Eligible',
  ineligible: 'Ineligible',
  shortlisted: 'Shortlisted',
  elected: 'Elected',
  not_elected: 'Not elected',
  withdrawn: 'Withdrawn',
};

export const TERM_END_REASON_LABELS: Record<TermEndReason, string> = {
  resigned: 'Resigned',
  left_office: 'Left office',
  removed: 'Removed',
  deceased: 'Deceased',
};

export const VACANCY_REASON_LABELS: Record<VacancyReason, string> = {
  term_ending: 'Term ending',
  new_seat: 'New seat',
  ...TERM_END_REASON_LABELS,
};

export const ALERT_KIND_LABELS: Record<string, string> = {
  term_ending: 'Term ending',
  mandate_ending: 'Mandate ends first',
  vacancy_opened: 'Vacancy',
  nomination_deadline: 'Nomination deadline',
  ballot_opened: 'Ballot open',
  ballot_closing: 'Ballot closing',
  quorum_at_risk: 'Quorum at risk',
  ballot_closed: 'Ballot closed',
};

export const BALLOT_STATUS_LABELS: Record<string, string> = {
  draft: 'Not open yet',
  open: 'Open',
  closed: 'Closed',
  certified: 'Certified',
  cancelled: 'Cancelled',
};

export const BALLOT_METHOD_LABELS: Record<string, string> = {
  ranked: 'Ranked choice (instant runoff)',
  approval: 'Approval',
  single: 'One choice (plurality)',
  confirm: 'Yes or no on one candidate',
};

export const TIE_RULE_LABELS: Record<string, string> = {
  runoff: 'A new ballot among the tied',
  lot: 'Drawing lots',
  chair: 'The chair’s casting vote',
};

export const OUTCOME_LABELS: Record<string, string> = {
  winner: 'Winner',
  tie: 'Tie',
  no_quorum: 'No quorum',
  rejected: 'Rejected',
};

/** What templates receive as `it.labels`. */
export const LABELS = {
  vacancyStatus: VACANCY_STATUS_LABELS,
  nominationStatus: NOMINATION_STATUS_LABELS,
  termEndReason: TERM_END_REASON_LABELS,
  vacancyReason: VACANCY_REASON_LABELS,
  alertKind: ALERT_KIND_LABELS,
  ballotStatus: BALLOT_STATUS_LABELS,
  ballotMethod: BALLOT_METHOD_LABELS,
  tieRule: TIE_RULE_LABELS,
  outcome: OUTCOME_LABELS,
};
