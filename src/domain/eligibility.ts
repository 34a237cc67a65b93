// Eligibility screening of a nomination (DESIGN.md, "Rules"): computed findings shown to the
// secretariat, who decide. Nothing here changes a nomination's status by itself.
import { compareIsoDates, type IsoDate } from './dates.js';

export interface EligibilityInput {
  nomineeCityKey: string;
  seatHolderCityKey: string | null; // city of the departing or current holder of this seat
  sittingCityKeys: string[]; // cities holding seats on the vacancy date, without the departing member
  mandateEndsOn: IsoDate | null;
  projectedTermEndsOn: IsoDate;
  termLimitReached: boolean;
}

export type EligibilityFindingCode = 'city_holds_seat' | 'mandate_ends_before_term' | 'term_limit_reached';

export interface EligibilityFinding {
  code: EligibilityFindingCode;
  severity: 'ineligible' | 'warning';
  message: string;
}

export interface Eligibility {
  verdict: 'eligible' | 'ineligible';
  findings: EligibilityFinding[]; // findings that make the nominee ineligible come first
}

export function assessEligibility(input: EligibilityInput): Eligibility {
  const findings: EligibilityFinding[] = [];

  // A city holds at most one seat; the exception is a city renewing the seat it already holds.
  const isRenewalOfOwnSeat = input.nomineeCityKey === input.seatHolderCityKey;
  if (input.sittingCityKeys.includes(input.nomineeCityKey) && !isRenewalOfOwnSeat) {
    findings.push({
      code: 'city_holds_seat',
      severity: 'ineligible',
      message: "The nominee's city already holds a seat on the board, and a city may hold only one.",
    });
  }

  if (input.termLimitReached) {
    findings.push({
      code: 'term_limit_reached',
      severity: 'ineligible',
      message: 'The nominee has already served the limit of consecutive terms and cannot start another now.',
    });
  }

  // Members sit as serving mayors, so a mandate ending mid-term forecasts an early vacancy.
  if (input.mandateEndsOn !== null && compareIsoDates(input.mandateEndsOn, input.projectedTermEndsOn) < 0) {
    findings.push({
      code: 'mandate_ends_before_term',
      severity: 'warning',
      message: `The nominee's mayoral mandate ends on ${input.mandateEndsOn}, before the board term would end on ${input.projectedTermEndsOn}, so the seat would likely fall vacant early.`,
    });
  }

  const verdict = findings.some((finding) => finding.severity === 'ineligible') ? 'ineligible' : 'eligible';
  return { verdict, findings };
}
