// The board's diversity rules (DESIGN.md, "Rules"), computed on a projected board: who would sit
// once a seat changes hands. Shows what a candidate adds, costs, causes or mends; decides nothing.
import {
  CONTEXT_LABELS,
  MIGRATION_CONTEXTS,
  type MigrationContext,
  REGIONS,
  type Region,
} from './reference.js';

export const RULE_NAMES = [
  'maxSeatsPerRegion',
  'minRegions',
  'requiredContexts',
  'minSecondaryCities',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export interface DiversityRules {
  maxSeatsPerRegion: number;
  minRegions: number;
  requiredContexts: MigrationContext[];
  minSecondaryCities: number;
}

export interface BoardMember {
  key: string;
  cityName: string;
  country: string;
  region: Region;
  contexts: MigrationContext[];
  secondaryCity: boolean;
  seatId?: number;
}

export interface Composition {
  seats: number;
  byRegion: Record<Region, number>;
  byContext: Record<MigrationContext, number>;
  regionsRepresented: number;
  secondaryCities: number;
}

export interface RuleBreach {
  rule: RuleName;
  message: string;
  details: string[];
}

export type RuleEffect = 'causes' | 'unchanged' | 'mends';

export interface CandidateImpact {
  projected: Composition;
  breaches: Array<RuleBreach & { effect: 'causes' | 'unchanged' }>;
  mended: RuleName[];
  adds: { region: Region | null; contexts: MigrationContext[] };
  costs: { region: Region | null; contexts: MigrationContext[] };
  breaksAnyRule: boolean;
}

// Defaults from the bylaws: no region holds more than a third of the seats (rounded up), at least
// four regions sit, and the four core migration contexts are each represented.
export function defaultDiversityRules(boardSize: number): DiversityRules {
  return {
    maxSeatsPerRegion: Math.ceil(boardSize / 3),
    minRegions: 4,
    requiredContexts: ['origin', 'transit', 'destination', 'refugee_hosting'],
    minSecondaryCities: 0,
  };
}

function zeroCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

export function composition(members: BoardMember[]): Composition {
  const byRegion = zeroCounts(REGIONS);
  const byContext = zeroCounts(MIGRATION_CONTEXTS);
  for (const member of members) {
    byRegion[member.region] += 1;
    // A context listed twice for one city is still one member holding it.
    for (const context of new Set(member.contexts)) byContext[context] += 1;
  }
  return {
    seats: members.length,
    byRegion,
    byContext,
    regionsRepresented: REGIONS.filter((region) => byRegion[region] > 0).length,
    secondaryCities: members.filter((member) => member.secondaryCity).length,
  };
}

function plural(count: number, singular: string, pluralForm: string): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

function isOrAre(count: number): string {
  return count === 1 ? 'is' : 'are';
}

function listInEnglish(items: string[], conjunction: 'and' | 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

function regionCapBreach(counts: Composition, rules: DiversityRules): RuleBreach | null {
  const overCap = REGIONS.filter((region) => counts.byRegion[region] > rules.maxSeatsPerRegion);
  if (overCap.length === 0) return null;
  const holdings = overCap.map((region, index) =>
    index === 0
      ? `${region} would hold ${plural(counts.byRegion[region], 'seat', 'seats')}`
      : `${region} ${counts.byRegion[region]}`,
  );
  const perRegion = overCap.length === 1 ? '' : ' per region';
  return {
    rule: 'maxSeatsPerRegion',
    message: `${listInEnglish(holdings, 'and')}; at most ${rules.maxSeatsPerRegion}${perRegion} ${isOrAre(rules.maxSeatsPerRegion)} allowed.`,
    details: overCap,
  };
}

// Details list the regions not yet represented: a candidate from any of them would help.
function regionSpreadBreach(counts: Composition, rules: DiversityRules): RuleBreach | null {
  if (counts.regionsRepresented >= rules.minRegions) return null;
  return {
    rule: 'minRegions',
    message: `The board would span ${plural(counts.regionsRepresented, 'region', 'regions')}; at least ${rules.minRegions} ${isOrAre(rules.minRegions)} required.`,
    details: REGIONS.filter((region) => counts.byRegion[region] === 0),
  };
}

function requiredContextsBreach(counts: Composition, rules: DiversityRules): RuleBreach | null {
  const missing = MIGRATION_CONTEXTS.filter(
    (context) => rules.requiredContexts.includes(context) && counts.byContext[context] === 0,
  );
  if (missing.length === 0) return null;
  const labels = listInEnglish(
    missing.map((context) => CONTEXT_LABELS[context]),
    'or',
  );
  const noun = missing.length === 1 ? 'context' : 'contexts';
  return {
    rule: 'requiredContexts',
    message: `No member would bring the ${labels} ${noun}, which the board requires.`,
    details: missing,
  };
}

function secondaryCitiesBreach(counts: Composition, rules: DiversityRules): RuleBreach | null {
  if (counts.secondaryCities >= rules.minSecondaryCities) return null;
  return {
    rule: 'minSecondaryCities',
    message: `The board would include ${plural(counts.secondaryCities, 'secondary city', 'secondary cities')}; at least ${rules.minSecondaryCities} ${isOrAre(rules.minSecondaryCities)} required.`,
    details: [],
  };
}

export function ruleBreaches(members: BoardMember[], rules: DiversityRules): RuleBreach[] {
  const counts = composition(members);
  return [
    regionCapBreach(counts, rules),
    regionSpreadBreach(counts, rules),
    requiredContextsBreach(counts, rules),
    secondaryCitiesBreach(counts, rules),
  ].filter((breach): breach is RuleBreach => breach !== null);
}

// The board once the seat changes hands: the departing member leaves and the candidate joins.
// The candidate is never counted twice, even if they are somehow already listed as sitting.
export function projectedBoard(
  sitting: BoardMember[],
  departingKey: string | null,
  candidate: BoardMember | null,
): BoardMember[] {
  const remaining = sitting.filter(
    (member) => member.key !== departingKey && (candidate === null || member.key !== candidate.key),
  );
  return candidate === null ? remaining : [...remaining, candidate];
}

function contextsHeldBy(members: BoardMember[]): Set<MigrationContext> {
  return new Set(members.flatMap((member) => member.contexts));
}

function uniqueContribution(
  member: BoardMember,
  others: BoardMember[],
): { region: Region | null; contexts: MigrationContext[] } {
  const othersContexts = contextsHeldBy(others);
  return {
    region: others.some((other) => other.region === member.region) ? null : member.region,
    contexts: MIGRATION_CONTEXTS.filter(
      (context) => member.contexts.includes(context) && !othersContexts.has(context),
    ),
  };
}

// The candidate is judged against the board with the seat left empty, so a rule already broken
// before they arrive is not laid at their door, and one they repair is credited to them.
export function candidateImpact(input: {
  sitting: BoardMember[];
  departingKey: string | null;
  candidate: BoardMember;
  rules: DiversityRules;
}): CandidateImpact {
  const { sitting, departingKey, candidate, rules } = input;
  const withSeatEmpty = projectedBoard(sitting, departingKey, null);
  const withCandidate = projectedBoard(sitting, departingKey, candidate);
  const brokenWithSeatEmpty = new Set(ruleBreaches(withSeatEmpty, rules).map((breach) => breach.rule));
  const breaches = ruleBreaches(withCandidate, rules).map((breach) => ({
    ...breach,
    effect: brokenWithSeatEmpty.has(breach.rule) ? ('unchanged' as const) : ('causes' as const),
  }));
  const brokenWithCandidate = new Set(breaches.map((breach) => breach.rule));
  const mended = RULE_NAMES.filter((rule) => brokenWithSeatEmpty.has(rule) && !brokenWithCandidate.has(rule));

  const others = withCandidate.filter((member) => member.key !== candidate.key);
  const departing = sitting.find((member) => member.key === departingKey);
  return {
    projected: composition(withCandidate),
    breaches,
    mended,
    adds: uniqueContribution(candidate, others),
    costs: departing ? uniqueContribution(departing, others) : { region: null, contexts: [] },
    breaksAnyRule: breaches.length > 0,
  };
}
