// Specification of the board's diversity rules, computed on the projected board (the sitting
// members, minus the departing one, plus the candidate), using the founding board as the example.
import { describe, expect, it } from 'vitest';
import { regionOf } from '../../src/domain/countries.js';
import {
  type BoardMember,
  candidateImpact,
  composition,
  type DiversityRules,
  defaultDiversityRules,
  projectedBoard,
  RULE_NAMES,
  ruleBreaches,
} from '../../src/domain/diversity.js';
import { MIGRATION_CONTEXTS, type MigrationContext, REGIONS } from '../../src/domain/reference.js';

function city(
  key: string,
  country: string,
  contexts: MigrationContext[],
  options: { secondaryCity?: boolean; cityName?: string } = {},
): BoardMember {
  const region = regionOf(country);
  if (!region) throw new Error(`No region is known for country ${country}.`);
  return {
    key,
    cityName: options.cityName ?? key,
    country,
    region,
    contexts,
    secondaryCity: options.secondaryCity ?? false,
  };
}

const amman = city('amman', 'JO', ['refugee_hosting', 'protracted_displacement', 'destination']);
const athens = city('athens', 'GR', ['transit', 'destination', 'refugee_hosting']);
const bristol = city('bristol', 'GB', ['destination']);
const freetown = city('freetown', 'SL', ['origin', 'rural_urban', 'climate_mobility']);
const kampala = city('kampala', 'UG', ['refugee_hosting', 'mixed_migration', 'origin']);
const losAngeles = city('los-angeles', 'US', ['destination']);
const milan = city('milan', 'IT', ['transit', 'destination']);
const montreal = city('montreal', 'CA', ['destination']);
const foundingBoard = [amman, athens, bristol, freetown, kampala, losAngeles, milan, montreal];

const zurich = city('zurich', 'CH', ['destination']);
const vienna = city('vienna', 'AT', ['destination', 'transit']);
const montevideo = city('montevideo', 'UY', ['origin', 'transit']);
const beirut = city('beirut', 'LB', ['refugee_hosting', 'protracted_displacement']);
const lagos = city('lagos', 'NG', ['origin', 'mixed_migration']);
const johannesburg = city('johannesburg', 'ZA', ['destination']);

const rulesForEight = defaultDiversityRules(8);

function withoutContext(members: BoardMember[], context: MigrationContext): BoardMember[] {
  return members.map((member) => ({
    ...member,
    contexts: member.contexts.filter((held) => held !== context),
  }));
}

describe('defaultDiversityRules', () => {
  it('caps each region at a third of the seats, rounded up: 3 of 8', () => {
    expect(defaultDiversityRules(8).maxSeatsPerRegion).toBe(3);
  });

  it('rounds the regional cap up for other board sizes', () => {
    expect(defaultDiversityRules(9).maxSeatsPerRegion).toBe(3);
    expect(defaultDiversityRules(10).maxSeatsPerRegion).toBe(4);
    expect(defaultDiversityRules(12).maxSeatsPerRegion).toBe(4);
    expect(defaultDiversityRules(5).maxSeatsPerRegion).toBe(2);
  });

  it('requires four regions, the four core contexts and no secondary city', () => {
    expect(defaultDiversityRules(8)).toEqual({
      maxSeatsPerRegion: 3,
      minRegions: 4,
      requiredContexts: ['origin', 'transit', 'destination', 'refugee_hosting'],
      minSecondaryCities: 0,
    });
  });

  it('gives each call its own list of required contexts', () => {
    const first = defaultDiversityRules(8);
    first.requiredContexts.push('return');
    expect(defaultDiversityRules(8).requiredContexts).not.toContain('return');
  });
});

describe('composition', () => {
  it('counts the founding board by region', () => {
    expect(composition(foundingBoard).byRegion).toEqual({
      'East Asia & Pacific': 0,
      'Europe & Central Asia': 3,
      'Latin America & Caribbean': 0,
      'Middle East & North Africa': 1,
      'North America': 2,
      'South Asia': 0,
      'Sub-Saharan Africa': 2,
    });
  });

  it('counts the founding board by migration context, listing contexts nobody holds as zero', () => {
    expect(composition(foundingBoard).byContext).toEqual({
      origin: 2,
      transit: 2,
      destination: 6,
      return: 0,
      refugee_hosting: 3,
      protracted_displacement: 1,
      internal_displacement: 0,
      rural_urban: 1,
      climate_mobility: 1,
      mixed_migration: 1,
    });
  });

  it('counts seats, regions represented and secondary cities', () => {
    const counts = composition(foundingBoard);
    expect(counts.seats).toBe(8);
    expect(counts.regionsRepresented).toBe(4);
    expect(counts.secondaryCities).toBe(0);
  });

  it('counts cities flagged as secondary cities', () => {
    const board = [...foundingBoard, city('mafraq', 'JO', ['refugee_hosting'], { secondaryCity: true })];
    expect(composition(board).secondaryCities).toBe(1);
  });

  it('gives an empty board every region and context with a zero count', () => {
    const counts = composition([]);
    expect(counts.seats).toBe(0);
    expect(Object.keys(counts.byRegion)).toEqual([...REGIONS]);
    expect(Object.values(counts.byRegion).every((count) => count === 0)).toBe(true);
    expect(Object.keys(counts.byContext)).toEqual([...MIGRATION_CONTEXTS]);
    expect(Object.values(counts.byContext).every((count) => count === 0)).toBe(true);
    expect(counts.regionsRepresented).toBe(0);
  });

  it('counts a context once per member even if it is listed twice', () => {
    const doubled = city('bristol', 'GB', ['destination', 'destination']);
    expect(composition([doubled]).byContext.destination).toBe(1);
  });
});

describe('ruleBreaches', () => {
  it('finds nothing wrong with the founding board under the default rules', () => {
    expect(ruleBreaches(foundingBoard, rulesForEight)).toEqual([]);
  });

  it('accepts a region holding exactly the maximum number of seats', () => {
    expect(composition(foundingBoard).byRegion['Europe & Central Asia']).toBe(3);
    expect(ruleBreaches(foundingBoard, rulesForEight).map((breach) => breach.rule)).not.toContain(
      'maxSeatsPerRegion',
    );
  });

  it('reports a region holding one seat more than the maximum', () => {
    expect(ruleBreaches([...foundingBoard, zurich], rulesForEight)).toEqual([
      {
        rule: 'maxSeatsPerRegion',
        message: 'Europe & Central Asia would hold 4 seats; at most 3 are allowed.',
        details: ['Europe & Central Asia'],
      },
    ]);
  });

  it('reports every region over the maximum in one breach, in the order of the regions list', () => {
    const board = [
      ...foundingBoard,
      zurich,
      city('toronto', 'CA', ['destination']),
      city('houston', 'US', []),
    ];
    expect(ruleBreaches(board, rulesForEight)).toEqual([
      {
        rule: 'maxSeatsPerRegion',
        message:
          'Europe & Central Asia would hold 4 seats and North America 4; at most 3 per region are allowed.',
        details: ['Europe & Central Asia', 'North America'],
      },
    ]);
  });

  it('uses the singular for a cap of one seat', () => {
    const rules = { ...rulesForEight, maxSeatsPerRegion: 1 };
    const [breach] = ruleBreaches([bristol, milan], rules);
    expect(breach?.message).toBe('Europe & Central Asia would hold 2 seats; at most 1 is allowed.');
  });

  it('uses the singular for a region holding a single seat over a cap of none', () => {
    const rules = { ...rulesForEight, maxSeatsPerRegion: 0 };
    const [breach] = ruleBreaches([bristol], rules);
    expect(breach?.message).toBe('Europe & Central Asia would hold 1 seat; at most 0 are allowed.');
  });

  it('reports a board spanning fewer regions than required, naming the regions not represented', () => {
    const withoutAmman = foundingBoard.filter((member) => member !== amman);
    expect(ruleBreaches(withoutAmman, rulesForEight)).toEqual([
      {
        rule: 'minRegions',
        message: 'The board would span 3 regions; at least 4 are required.',
        details: [
          'East Asia & Pacific',
          'Latin America & Caribbean',
          'Middle East & North Africa',
          'South Asia',
        ],
      },
    ]);
  });

  it('uses the singular for a board spanning a single region', () => {
    const [breach] = ruleBreaches([bristol, milan], rulesForEight);
    expect(breach).toMatchObject({
      rule: 'minRegions',
      message: 'The board would span 1 region; at least 4 are required.',
    });
  });

  it('accepts a board spanning exactly the required number of regions', () => {
    expect(composition(foundingBoard).regionsRepresented).toBe(rulesForEight.minRegions);
    expect(ruleBreaches(foundingBoard, rulesForEight)).toEqual([]);
  });

  const contextLabels: Array<[MigrationContext, string]> = [
    ['origin', 'Origin'],
    ['transit', 'Transit'],
    ['destination', 'Destination'],
    ['refugee_hosting', 'Refugee hosting'],
  ];
  for (const [context, label] of contextLabels) {
    it(`reports the required ${context} context when no member holds it`, () => {
      expect(ruleBreaches(withoutContext(foundingBoard, context), rulesForEight)).toEqual([
        {
          rule: 'requiredContexts',
          message: `No member would bring the ${label} context, which the board requires.`,
          details: [context],
        },
      ]);
    });
  }

  it('reports several missing contexts in one breach, in the order of the taxonomy', () => {
    const board = withoutContext(withoutContext(foundingBoard, 'refugee_hosting'), 'origin');
    const [breach] = ruleBreaches(withoutContext(board, 'transit'), rulesForEight);
    expect(breach).toEqual({
      rule: 'requiredContexts',
      message:
        'No member would bring the Origin, Transit or Refugee hosting contexts, which the board requires.',
      details: ['origin', 'transit', 'refugee_hosting'],
    });
  });

  it('checks whichever contexts the settings require', () => {
    const requiringClimate = { ...rulesForEight, requiredContexts: ['climate_mobility' as const] };
    expect(ruleBreaches(foundingBoard, requiringClimate)).toEqual([]);
    const requiringReturn = { ...rulesForEight, requiredContexts: ['return' as const] };
    expect(ruleBreaches(foundingBoard, requiringReturn).map((breach) => breach.details)).toEqual([
      ['return'],
    ]);
  });

  it('requires no context when the settings list none', () => {
    const requiringNothing = { ...rulesForEight, requiredContexts: [] };
    expect(ruleBreaches(withoutContext(foundingBoard, 'origin'), requiringNothing)).toEqual([]);
  });

  it('reports too few secondary cities', () => {
    const rules = { ...rulesForEight, minSecondaryCities: 1 };
    expect(ruleBreaches(foundingBoard, rules)).toEqual([
      {
        rule: 'minSecondaryCities',
        message: 'The board would include 0 secondary cities; at least 1 is required.',
        details: [],
      },
    ]);
  });

  it('accepts enough secondary cities, and counts them in the message when short', () => {
    const mafraq = city('mafraq', 'JO', ['refugee_hosting'], { secondaryCity: true });
    const board = [...foundingBoard.filter((member) => member !== amman), mafraq];
    expect(ruleBreaches(board, { ...rulesForEight, minSecondaryCities: 1 })).toEqual([]);
    const [breach] = ruleBreaches(board, { ...rulesForEight, minSecondaryCities: 2 });
    expect(breach?.message).toBe('The board would include 1 secondary city; at least 2 are required.');
  });

  it('reports an empty board as spanning no region and bringing none of the required contexts', () => {
    expect(ruleBreaches([], rulesForEight)).toEqual([
      {
        rule: 'minRegions',
        message: 'The board would span 0 regions; at least 4 are required.',
        details: [...REGIONS],
      },
      {
        rule: 'requiredContexts',
        message:
          'No member would bring the Origin, Transit, Destination or Refugee hosting contexts, which the board requires.',
        details: ['origin', 'transit', 'destination', 'refugee_hosting'],
      },
    ]);
  });

  it('lists breaches in the order of RULE_NAMES', () => {
    const europeOnly = [bristol, milan, athens, zurich];
    const rules: DiversityRules = { ...rulesForEight, minSecondaryCities: 1, requiredContexts: ['origin'] };
    expect(ruleBreaches(europeOnly, rules).map((breach) => breach.rule)).toEqual([...RULE_NAMES]);
  });
});

describe('projectedBoard', () => {
  it('removes the departing member and seats the candidate', () => {
    const projected = projectedBoard(foundingBoard, 'athens', zurich);
    expect(projected.map((member) => member.key)).toEqual([
      'amman',
      'bristol',
      'freetown',
      'kampala',
      'los-angeles',
      'milan',
      'montreal',
      'zurich',
    ]);
  });

  it('only adds the candidate when nobody departs', () => {
    expect(projectedBoard(foundingBoard, null, zurich)).toHaveLength(9);
  });

  it('leaves the seat empty when there is no candidate', () => {
    const projected = projectedBoard(foundingBoard, 'athens', null);
    expect(projected).toHaveLength(7);
    expect(projected).not.toContain(athens);
  });

  it('removes nobody when the departing member is no longer among the sitting members', () => {
    const withoutAthens = foundingBoard.filter((member) => member !== athens);
    expect(projectedBoard(withoutAthens, 'athens', zurich)).toHaveLength(8);
  });

  it('seats a member renewing their own seat once', () => {
    const projected = projectedBoard(foundingBoard, 'athens', athens);
    expect(projected.filter((member) => member.key === 'athens')).toHaveLength(1);
    expect(projected).toHaveLength(8);
  });

  it('never counts a candidate twice, even one already listed as sitting', () => {
    expect(
      projectedBoard(foundingBoard, 'montreal', milan).filter((member) => member.key === 'milan'),
    ).toHaveLength(1);
  });

  it('leaves the list of sitting members untouched', () => {
    const sitting = [...foundingBoard];
    projectedBoard(sitting, 'athens', zurich);
    expect(sitting).toEqual(foundingBoard);
  });
});

describe('candidateImpact', () => {
  it('replacing Athens with Zurich keeps Europe at its cap of 3 and breaks nothing', () => {
    const impact = candidateImpact({
      sitting: foundingBoard,
      departingKey: 'athens',
      candidate: zurich,
      rules: rulesForEight,
    });
    expect(impact.projected.byRegion['Europe & Central Asia']).toBe(3);
    expect(impact.breaches).toEqual([]);
    expect(impact.mended).toEqual([]);
    expect(impact.breaksAnyRule).toBe(false);
  });

  it('Zurich joining while Athens stays puts Europe over its cap, which the candidate causes', () => {
    const impact = candidateImpact({
      sitting: foundingBoard,
      departingKey: null,
      candidate: zurich,
      rules: defaultDiversityRules(9),
    });
    expect(impact.breaches).toEqual([
      {
        rule: 'maxSeatsPerRegion',
        message: 'Europe & Central Asia would hold 4 seats; at most 3 are allowed.',
        details: ['Europe & Central Asia'],
        effect: 'causes',
      },
    ]);
    expect(impact.breaksAnyRule).toBe(true);
  });

  it('replacing Athens with Montevideo adds a region and costs nothing', () => {
    const impact = candidateImpact({
      sitting: foundingBoard,
      departingKey: 'athens',
      candidate: montevideo,
      rules: rulesForEight,
    });
    expect(impact.adds).toEqual({ region: 'Latin America & Caribbean', contexts: [] });
    expect(impact.costs).toEqual({ region: null, contexts: [] });
    expect(impact.projected.regionsRepresented).toBe(5);
    expect(impact.projected.byRegion['Europe & Central Asia']).toBe(2);
    expect(impact.breaksAnyRule).toBe(false);
  });

  it('replacing Amman with Zurich costs a region and a context, causes the cap breach and leaves the region count broken', () => {
    const impact = candidateImpact({
      sitting: foundingBoard,
      departingKey: 'amman',
      candidate: zurich,
      rules: rulesForEight,
    });
    expect(impact.costs).toEqual({
      region: 'Middle East & North Africa',
      contexts: ['protracted_displacement'],
    });
    expect(impact.adds).toEqual({ region: null, contexts: [] });
    expect(impact.breaches.map(({ rule, effect }) => ({ rule, effect }))).toEqual([
      { rule: 'maxSeatsPerRegion', effect: 'causes' },
      { rule: 'minRegions', effect: 'unchanged' },
    ]);
    expect(impact.mended).toEqual([]);
    expect(impact.breaksAnyRule).toBe(true);
  });

  it('replacing Amman with Beirut mends the region count that the empty seat would break', () => {
    const impact = candidateImpact({
      sitting: foundingBoard,
      departingKey: 'amman',
      candidate: beirut,
      rules: rulesForEight,
    });
    expect(impact.mended).toEqual(['minRegions']);
    expect(impact.breaches).toEqual([]);
    expect(impact.adds).toEqual({
      region: 'Middle East & North Africa',
      contexts: ['protracted_displacement'],
    });
    expect(impact.costs).toEqual({
      region: 'Middle East & North Africa',
      contexts: ['protracted_displacement'],
    });
  });

  it('a candidate who brings a missing required context mends that rule; one who does not leaves it broken', () => {
    // Freetown's seat is already vacant and Kampala departs: the board would lose origin and Africa.
    const sitting = foundingBoard.filter((member) => member !== freetown);
    const byLagos = candidateImpact({
      sitting,
      departingKey: 'kampala',
      candidate: lagos,
      rules: rulesForEight,
    });
    expect(byLagos.mended).toEqual(['minRegions', 'requiredContexts']);
    expect(byLagos.breaches).toEqual([]);
    expect(byLagos.adds).toEqual({ region: 'Sub-Saharan Africa', contexts: ['origin', 'mixed_migration'] });
    expect(byLagos.costs).toEqual({ region: 'Sub-Saharan Africa', contexts: ['origin', 'mixed_migration'] });

    const byJohannesburg = candidateImpact({
      sitting,
      departingKey: 'kampala',
      candidate: johannesburg,
      rules: rulesForEight,
    });
    expect(byJohannesburg.mended).toEqual(['minRegions']);
    expect(byJohannesburg.breaches).toEqual([
      {
        rule: 'requiredContexts',
        message: 'No member would bring the Origin context, which the board requires.',
        details: ['origin'],
        effect: 'unchanged',
      },
    ]);
  });

  it('judges the candidate against the empty seat, not the board as it sits today', () => {
    // Europe is over its cap today; Athens leaving would fix it, so a European successor causes it anew.
    const sitting = [...foundingBoard, zurich];
    const impact = candidateImpact({
      sitting,
      departingKey: 'athens',
      candidate: vienna,
      rules: defaultDiversityRules(9),
    });
    expect(ruleBreaches(sitting, defaultDiversityRules(9)).map((breach) => breach.rule)).toEqual([
      'maxSeatsPerRegion',
    ]);
    expect(impact.breaches.map(({ rule, effect }) => ({ rule, effect }))).toEqual([
      { rule: 'maxSeatsPerRegion', effect: 'causes' },
    ]);
  });

  it('reports a rule already broken before the vacancy as unchanged when the candidate neither fixes nor causes it', () => {
    const rules = { ...rulesForEight, minSecondaryCities: 1 };
    const impact = candidateImpact({
      sitting: foundingBoard,
      departingKey: 'athens',
      candidate: zurich,
      rules,
    });
    expect(impact.breaches.map(({ rule, effect }) => ({ rule, effect }))).toEqual([
      { rule: 'minSecondaryCities', effect: 'unchanged' },
    ]);
  });

  it('credits a secondary-city candidate with mending the secondary-city rule', () => {
    const rules = { ...rulesForEight, minSecondaryCities: 1 };
    const thessaloniki = city('thessaloniki', 'GR', ['transit', 'refugee_hosting'], { secondaryCity: true });
    const impact = candidateImpact({
      sitting: foundingBoard,
      departingKey: 'athens',
      candidate: thessaloniki,
      rules,
    });
    expect(impact.mended).toEqual(['minSecondaryCities']);
    expect(impact.breaksAnyRule).toBe(false);
    expect(impact.projected.secondaryCities).toBe(1);
  });

  it('shows a city renewing its own seat as adding what it costs and mending what the empty seat would break', () => {
    const impact = candidateImpact({
      sitting: foundingBoard,
      departingKey: 'amman',
      candidate: amman,
      rules: rulesForEight,
    });
    expect(impact.projected).toEqual(composition(foundingBoard));
    expect(impact.breaches).toEqual([]);
    expect(impact.mended).toEqual(['minRegions']);
    expect(impact.adds).toEqual(impact.costs);
  });

  it('costs nothing when no member departs', () => {
    const impact = candidateImpact({
      sitting: foundingBoard.filter((member) => member !== athens),
      departingKey: null,
      candidate: montevideo,
      rules: rulesForEight,
    });
    expect(impact.costs).toEqual({ region: null, contexts: [] });
  });

  it('costs nothing when the departing member has already left the sitting list', () => {
    const impact = candidateImpact({
      sitting: foundingBoard.filter((member) => member !== amman),
      departingKey: 'amman',
      candidate: beirut,
      rules: rulesForEight,
    });
    expect(impact.costs).toEqual({ region: null, contexts: [] });
    expect(impact.adds.region).toBe('Middle East & North Africa');
  });

  it('lists added contexts in the order of the taxonomy, each once', () => {
    const kyiv = city('kyiv', 'UA', ['return', 'internal_displacement', 'return']);
    const impact = candidateImpact({
      sitting: foundingBoard,
      departingKey: 'milan',
      candidate: kyiv,
      rules: rulesForEight,
    });
    expect(impact.adds.contexts).toEqual(['return', 'internal_displacement']);
  });

  it('judges the first seat on an empty board against no one', () => {
    const impact = candidateImpact({
      sitting: [],
      departingKey: null,
      candidate: amman,
      rules: rulesForEight,
    });
    expect(impact.projected.seats).toBe(1);
    expect(impact.adds).toEqual({
      region: 'Middle East & North Africa',
      contexts: ['destination', 'refugee_hosting', 'protracted_displacement'],
    });
    expect(impact.breaches.map(({ rule, effect }) => ({ rule, effect }))).toEqual([
      { rule: 'minRegions', effect: 'unchanged' },
      { rule: 'requiredContexts', effect: 'unchanged' },
    ]);
    expect(impact.breaches[1]?.details).toEqual(['origin', 'transit']);
    expect(impact.mended).toEqual([]);
  });
});
