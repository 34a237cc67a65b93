// Specification of eligibility screening: findings the secretariat sees for each nomination.
// A city holds one seat, a reached term limit bars the nominee, and a short mandate is a warning.
import { describe, expect, it } from 'vitest';
import { assessEligibility, type EligibilityInput } from '../../src/domain/eligibility.js';
import { cityKey } from '../../src/features/cities/city-identity.js';

const foundingCityKeys = [
  cityKey('JO', 'Amman'),
  cityKey('GR', 'Athens'),
  cityKey('GB', 'Bristol'),
  cityKey('SL', 'Freetown'),
  cityKey('UG', 'Kampala'),
  cityKey('US', 'Los Angeles'),
  cityKey('IT', 'Milan'),
  cityKey('CA', 'Montreal'),
];

// Athens's seat falls vacant on 2027-07-01; the sitting cities exclude Athens, the departing member.
function nominationFor(overrides: Partial<EligibilityInput>): EligibilityInput {
  return {
    nomineeCityKey: cityKey('CH', 'Zürich'),
    seatHolderCityKey: cityKey('GR', 'Athens'),
    sittingCityKeys: foundingCityKeys.filter((key) => key !== cityKey('GR', 'Athens')),
    mandateEndsOn: null,
    projectedTermEndsOn: '2029-07-01',
    termLimitReached: false,
    ...overrides,
  };
}

describe('assessEligibility', () => {
  it('finds a nominee from a city without a seat, within mandate and term limit, eligible with no findings', () => {
    expect(assessEligibility(nominationFor({}))).toEqual({ verdict: 'eligible', findings: [] });
  });

  it("finds a nominee ineligible when the nominee's city already holds another seat", () => {
    const assessment = assessEligibility(nominationFor({ nomineeCityKey: cityKey('IT', 'Milan') }));
    expect(assessment.verdict).toBe('ineligible');
    expect(assessment.findings).toEqual([
      {
        code: 'city_holds_seat',
        severity: 'ineligible',
        message: "The nominee's city already holds a seat on the board, and a city may hold only one.",
      },
    ]);
  });

  it('recognises the sitting city however the nomination spells it', () => {
    const assessment = assessEligibility(nominationFor({ nomineeCityKey: cityKey('it', ' MILAN ') }));
    expect(assessment.verdict).toBe('ineligible');
  });

  it('lets a city renew its own seat', () => {
    const renewal = nominationFor({ nomineeCityKey: cityKey('GR', 'Athens') });
    expect(assessEligibility(renewal)).toEqual({ verdict: 'eligible', findings: [] });
  });

  it('lets a city renew its own seat even when its member is still listed among the sitting cities', () => {
    const renewal = nominationFor({
      nomineeCityKey: cityKey('GR', 'Athens'),
      sittingCityKeys: foundingCityKeys,
    });
    expect(assessEligibility(renewal).verdict).toBe('eligible');
  });

  it('does not treat a city as renewing when the seat has no holder', () => {
    const assessment = assessEligibility(
      nominationFor({ nomineeCityKey: cityKey('IT', 'Milan'), seatHolderCityKey: null }),
    );
    expect(assessment.findings.map((finding) => finding.code)).toEqual(['city_holds_seat']);
  });

  it('lets a new city take a seat that has no holder', () => {
    const assessment = assessEligibility(nominationFor({ seatHolderCityKey: null }));
    expect(assessment.verdict).toBe('eligible');
  });

  it('warns, without making the nominee ineligible, when the mandate ends before the board term would', () => {
    const assessment = assessEligibility(nominationFor({ mandateEndsOn: '2028-05-14' }));
    expect(assessment.verdict).toBe('eligible');
    expect(assessment.findings).toEqual([
      {
        code: 'mandate_ends_before_term',
        severity: 'warning',
        message:
          "The nominee's mayoral mandate ends on 2028-05-14, before the board term would end on 2029-07-01, so the seat would likely fall vacant early.",
      },
    ]);
  });

  it('does not warn when the mandate ends on the day the board term ends', () => {
    expect(assessEligibility(nominationFor({ mandateEndsOn: '2029-07-01' })).findings).toEqual([]);
  });

  it('does not warn when the mandate outlasts the board term', () => {
    expect(assessEligibility(nominationFor({ mandateEndsOn: '2030-10-01' })).findings).toEqual([]);
  });

  it('does not warn when the mandate end is unknown', () => {
    expect(assessEligibility(nominationFor({ mandateEndsOn: null })).findings).toEqual([]);
  });

  it('finds a nominee ineligible when they have reached the term limit', () => {
    const assessment = assessEligibility(
      nominationFor({ nomineeCityKey: cityKey('GR', 'Athens'), termLimitReached: true }),
    );
    expect(assessment).toEqual({
      verdict: 'ineligible',
      findings: [
        {
          code: 'term_limit_reached',
          severity: 'ineligible',
          message:
            'The nominee has already served the limit of consecutive terms and cannot start another now.',
        },
      ],
    });
  });

  it('reports every finding at once, those that make the nominee ineligible first', () => {
    const assessment = assessEligibility(
      nominationFor({
        nomineeCityKey: cityKey('IT', 'Milan'),
        mandateEndsOn: '2028-05-14',
        termLimitReached: true,
      }),
    );
    expect(assessment.verdict).toBe('ineligible');
    expect(assessment.findings.map(({ code, severity }) => ({ code, severity }))).toEqual([
      { code: 'city_holds_seat', severity: 'ineligible' },
      { code: 'term_limit_reached', severity: 'ineligible' },
      { code: 'mandate_ends_before_term', severity: 'warning' },
    ]);
  });

  it('writes every finding as a full sentence', () => {
    const assessment = assessEligibility(
      nominationFor({
        nomineeCityKey: cityKey('IT', 'Milan'),
        mandateEndsOn: '2028-05-14',
        termLimitReached: true,
      }),
    );
    for (const finding of assessment.findings) expect(finding.message).toMatch(/^[A-Z].*\.$/);
    expect(assessment.findings).toHaveLength(3);
  });
});
