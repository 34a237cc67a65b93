// What the app finds about each candidate for a vacancy: eligibility (DESIGN.md's rules: shown,
// never applied by themselves) and the diversity impact on the projected board, both computed by
// the pure domain modules from a fixed number of reads, however many candidates there are.
import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { prepareOnce } from '../../db/per-connection.js';
import { cities, terms } from '../../db/schema.js';
import { regionOf } from '../../domain/countries.js';
import { type IsoDate, maxIsoDate } from '../../domain/dates.js';
import { type BoardMember, type CandidateImpact, candidateImpact } from '../../domain/diversity.js';
import { assessEligibility, type Eligibility } from '../../domain/eligibility.js';
import type { Region } from '../../domain/reference.js';
import { reachesTermLimit, termEndsOn } from '../../domain/terms.js';
import { memberKey } from '../cities/city-identity.js';
import type { Settings } from '../settings/settings.js';
import { asTermSpan } from '../terms/queries.js';
import { asBoardMember, sittingMembers } from '../terms/sitting-members.js';
import type { NominationRecord } from './queries.js';

export interface Assessment {
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

// The city keys travel as one JSON array, so that one prepared statement serves any number.
const termsOfCities = prepareOnce((db) =>
  db
    .select({ term: terms, city: cities })
    .from(terms)
    .innerJoin(cities, eq(cities.id, terms.cityId))
    .where(sql`${cities.cityKey} IN (SELECT value FROM json_each(${sql.placeholder('cityKeys')}))`)
    .prepare(),
);

const termWithCity = prepareOnce((db) =>
  db
    .select({ term: terms, city: cities })
    .from(terms)
    .innerJoin(cities, eq(cities.id, terms.cityId))
    .where(eq(terms.id, sql.placeholder('termId')))
    .prepare(),
);

/** The terms served for these cities, by member: what the term limit counts. */
function historiesOf(db: Db | Tx, cityKeys: string[]) {
  if (cityKeys.length === 0) return [];
  return termsOfCities(db)
    .all({ cityKeys: JSON.stringify([...new Set(cityKeys)]) })
    .map(asTermSpan);
}

export function assessCandidates(
  db: Db | Tx,
  vacancy: VacancyLike,
  list: NominationRecord[],
  today: IsoDate,
  settings: Settings,
): Map<number, Assessment> {
  // The new term starts on the vacancy date, or on the day it is filled if that is later.
  const startsOn = maxIsoDate(vacancy.freeOn, today);
  const endsOn = termEndsOn(startsOn, settings.termLengthMonths);
  const departing = vacancy.termId ? termWithCity(db).get({ termId: vacancy.termId }) : undefined;
  const departingKey = departing ? `term:${departing.term.id}` : null;

  const sittingAtVacancy = sittingMembers(db, startsOn).filter(
    (member) => member.term.id !== departing?.term.id,
  );
  const sitting = sittingAtVacancy.map(asBoardMember);
  if (departing) sitting.push(asBoardMember(departing));
  const sittingCityKeys = sittingAtVacancy.map((member) => member.city.cityKey);
  const histories =
    settings.termLimit === null
      ? []
      : historiesOf(
          db,
          list.map((n) => n.cityKey),
        );

  const result = new Map<number, Assessment>();
  for (const nomination of list) {
    const candidate = candidateAsMember(nomination);
    const member = memberKey(nomination.country, nomination.cityName, nomination.nomineeName);
    result.set(nomination.id, {
      eligibility: assessEligibility({
        nomineeCityKey: nomination.cityKey,
        seatHolderCityKey: departing?.city.cityKey ?? null,
        sittingCityKeys,
        mandateEndsOn: nomination.mandateEndsOn,
        projectedTermEndsOn: endsOn,
        termLimitReached: reachesTermLimit(
          histories.filter((span) => span.memberKey === member),
          member,
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
