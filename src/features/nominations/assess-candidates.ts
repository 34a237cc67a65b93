// What the secretariat sees beside each nomination: computed eligibility (DESIGN.md's rules,
// shown, never applied by themselves) and the candidate's diversity impact on the projected
// board, both computed by the pure domain modules.
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { cities, terms } from '../../db/schema.js';
import { regionOf } from '../../domain/countries.js';
import { type IsoDate, maxIsoDate } from '../../domain/dates.js';
import { type BoardMember, type CandidateImpact, candidateImpact } from '../../domain/diversity.js';
import { assessEligibility, type Eligibility } from '../../domain/eligibility.js';
import type { Region } from '../../domain/reference.js';
import { reachesTermLimit, termEndsOn } from '../../domain/terms.js';
import { asBoardMember, sittingMembers } from '../board/sitting-members.js';
import { getSettings } from '../settings/settings.js';
import { asTermSpan, memberKey, termsWithCities } from '../terms/queries.js';
import type { NominationRecord } from './queries.js';

export interface Screening {
  eligibility: Eligibility;
  impact: CandidateImpact;
  region: Region;
  /** The new term's dates if this candidate is elected. */
  termStartsOn: IsoDate;
  termEndsOn: IsoDate;
}

interface VacancyLike {
  freeOn: IsoDate;
  termId: number | null;
}

export function candidateAsMember(nomination: NominationRecord): BoardMember {
  return {
    key: `nomination:${nomination.id}`,
    cityName: nomination.cityName,
    country: nomination.country,
    region: regionOf(nomination.country) as Region,
    contexts: nomination.contexts,
    secondaryCity: nomination.secondaryCity,
  };
}

export function screenNominations(
  db: Db | Tx,
  vacancy: VacancyLike,
  list: NominationRecord[],
  today: IsoDate,
): Map<number, Screening> {
  const settings = getSettings(db);
  // The new term starts on the vacancy date, or on the day it is filled if that is later.
  const startsOn = maxIsoDate(vacancy.freeOn, today);
  const endsOn = termEndsOn(startsOn, settings.termLengthMonths);
  const departingRow = vacancy.termId
    ? db
        .select({ term: terms, city: cities })
        .from(terms)
        .innerJoin(cities, eq(cities.id, terms.cityId))
        .where(eq(terms.id, vacancy.termId))
        .get()
    : undefined;
  const departingKey = departingRow ? `term:${departingRow.term.id}` : null;

  const sittingAtVacancy = sittingMembers(db, startsOn).filter(
    (member) => member.term.id !== departingRow?.term.id,
  );
  const sitting = sittingAtVacancy.map(asBoardMember);
  if (departingRow) {
    sitting.push({
      key: departingKey!,
      cityName: departingRow.city.name,
      country: departingRow.city.country,
      region: regionOf(departingRow.city.country) as Region,
      contexts: departingRow.city.contexts,
      secondaryCity: departingRow.city.secondaryCity,
    });
  }
  const spans = termsWithCities(db).map(asTermSpan);
  const sittingCityKeys = sittingAtVacancy.map((member) => member.city.cityKey);

  const result = new Map<number, Screening>();
  for (const nomination of list) {
    const candidate = candidateAsMember(nomination);
    result.set(nomination.id, {
      eligibility: assessEligibility({
        nomineeCityKey: nomination.cityKey,
        seatHolderCityKey: departingRow?.city.cityKey ?? null,
        sittingCityKeys,
        mandateEndsOn: nomination.mandateEndsOn,
        projectedTermEndsOn: endsOn,
        termLimitReached: reachesTermLimit(
          spans,
          memberKey(nomination.country, nomination.cityName, nomination.nomineeName),
          startsOn,
          settings.termLimit,
        ),
      }),
      impact: candidateImpact({ sitting, departingKey, candidate, rules: settings.diversity }),
      region: candidate.region,
      termStartsOn: startsOn,
      termEndsOn: endsOn,
    });
  }
  return result;
}
