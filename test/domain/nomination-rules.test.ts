// Specification of what may happen to a nomination in each state: the actions enforce these rules
// and the pages ask them which controls to show. Every status is checked against every vacancy
// status, so a rule cannot quietly widen or narrow.
import { describe, expect, it } from 'vitest';
import {
  canWithdraw,
  REVIEW_DECISIONS,
  REVIEWABLE_STATUSES,
  reviewDecisions,
  SHORTLIST_STATUSES,
  vacancyStillScreening,
  WITHDRAWABLE_STATUSES,
} from '../../src/domain/nomination-rules.js';
import {
  NOMINATION_STATUSES,
  type NominationStatus,
  VACANCY_STATUSES,
  type VacancyStatus,
} from '../../src/domain/reference.js';

const SCREENING_VACANCY_STATUSES: VacancyStatus[] = ['upcoming', 'open', 'screening'];
const SETTLED_VACANCY_STATUSES: VacancyStatus[] = ['balloting', 'filled', 'cancelled'];
const UNDECIDED_STATUSES: NominationStatus[] = [
  'draft',
  'submitted',
  'eligible',
  'ineligible',
  'shortlisted',
];
const DECIDED_STATUSES: NominationStatus[] = ['elected', 'not_elected', 'withdrawn'];

describe('the statuses the rules are checked against', () => {
  it('split every vacancy status into still screening or settled, and every nomination status into undecided or decided', () => {
    expect([...SCREENING_VACANCY_STATUSES, ...SETTLED_VACANCY_STATUSES].sort()).toEqual(
      [...VACANCY_STATUSES].sort(),
    );
    expect([...UNDECIDED_STATUSES, ...DECIDED_STATUSES].sort()).toEqual([...NOMINATION_STATUSES].sort());
  });
});

describe('vacancyStillScreening', () => {
  it('is true while the vacancy is upcoming, open for nominations or in screening', () => {
    for (const vacancy of SCREENING_VACANCY_STATUSES)
      expect(vacancyStillScreening(vacancy), vacancy).toBe(true);
  });

  it('is false once the vacancy goes to a ballot, is filled or is cancelled', () => {
    for (const vacancy of SETTLED_VACANCY_STATUSES)
      expect(vacancyStillScreening(vacancy), vacancy).toBe(false);
  });
});

describe('canWithdraw', () => {
  it('lets a nominator withdraw a nomination nobody has decided on in a ballot yet', () => {
    expect(WITHDRAWABLE_STATUSES).toEqual(UNDECIDED_STATUSES);
  });

  it('allows withdrawing a draft, submitted, eligible, ineligible or shortlisted nomination while the vacancy is screening', () => {
    for (const status of UNDECIDED_STATUSES) {
      for (const vacancy of SCREENING_VACANCY_STATUSES) {
        expect(canWithdraw(status, vacancy), `${status} on a ${vacancy} vacancy`).toBe(true);
      }
    }
  });

  it('never allows withdrawing an elected, not elected or already withdrawn nomination', () => {
    for (const status of DECIDED_STATUSES) {
      for (const vacancy of VACANCY_STATUSES) {
        expect(canWithdraw(status, vacancy), `${status} on a ${vacancy} vacancy`).toBe(false);
      }
    }
  });

  it('allows no withdrawal at all once the vacancy has gone to a ballot, been filled or been cancelled', () => {
    for (const status of NOMINATION_STATUSES) {
      for (const vacancy of SETTLED_VACANCY_STATUSES) {
        expect(canWithdraw(status, vacancy), `${status} on a ${vacancy} vacancy`).toBe(false);
      }
    }
  });
});

describe('reviewDecisions', () => {
  it('offers the secretariat three screening decisions: eligible, ineligible and shortlisted', () => {
    expect(REVIEW_DECISIONS).toEqual(['eligible', 'ineligible', 'shortlisted']);
  });

  it('lets the secretariat review a submitted nomination and revise any screening decision', () => {
    expect(REVIEWABLE_STATUSES).toEqual(['submitted', 'eligible', 'ineligible', 'shortlisted']);
  });

  it('offers every decision for a submitted nomination', () => {
    expect(reviewDecisions('submitted', 'screening')).toEqual(['eligible', 'ineligible', 'shortlisted']);
  });

  it('offers every decision but the current one for a nomination already screened, in either direction', () => {
    expect(reviewDecisions('eligible', 'screening')).toEqual(['ineligible', 'shortlisted']);
    expect(reviewDecisions('ineligible', 'screening')).toEqual(['eligible', 'shortlisted']);
    expect(reviewDecisions('shortlisted', 'screening')).toEqual(['eligible', 'ineligible']);
  });

  it('offers the same decisions while the vacancy is upcoming, open or screening', () => {
    for (const status of REVIEWABLE_STATUSES) {
      for (const vacancy of SCREENING_VACANCY_STATUSES) {
        expect(reviewDecisions(status, vacancy), `${status} on a ${vacancy} vacancy`).toEqual(
          reviewDecisions(status, 'screening'),
        );
      }
    }
  });

  it('offers nothing for a draft, which has not been submitted for screening', () => {
    for (const vacancy of VACANCY_STATUSES) expect(reviewDecisions('draft', vacancy), vacancy).toEqual([]);
  });

  it('offers nothing for an elected, not elected or withdrawn nomination', () => {
    for (const status of DECIDED_STATUSES) {
      for (const vacancy of VACANCY_STATUSES) {
        expect(reviewDecisions(status, vacancy), `${status} on a ${vacancy} vacancy`).toEqual([]);
      }
    }
  });

  it('offers nothing once the vacancy has gone to a ballot, been filled or been cancelled', () => {
    for (const status of NOMINATION_STATUSES) {
      for (const vacancy of SETTLED_VACANCY_STATUSES) {
        expect(reviewDecisions(status, vacancy), `${status} on a ${vacancy} vacancy`).toEqual([]);
      }
    }
  });

  it('returns a fresh list each time, so a page that changes it changes no rule', () => {
    const offered = reviewDecisions('submitted', 'open');
    offered.pop();
    expect(reviewDecisions('submitted', 'open')).toEqual(['eligible', 'ineligible', 'shortlisted']);
    expect(REVIEW_DECISIONS).toHaveLength(3);
  });
});

describe('SHORTLIST_STATUSES', () => {
  it('shows board members and partners the shortlist and what became of it, nothing earlier', () => {
    expect(SHORTLIST_STATUSES).toEqual(['shortlisted', 'elected', 'not_elected']);
  });
});
