// The council's public vocabularies: the World Bank's seven regions and the migration-context
// taxonomy (DESIGN.md, "Reference data"). Everything that lists or validates them imports them here.

export const REGIONS = [
  'East Asia & Pacific',
  'Europe & Central Asia',
  'Latin America & Caribbean',
  'Middle East & North Africa',
  'North America',
  'South Asia',
  'Sub-Saharan Africa',
] as const;
export type Region = (typeof REGIONS)[number];

export const MIGRATION_CONTEXTS = [
  'origin',
  'transit',
  'destination',
  'return',
  'refugee_hosting',
  'protracted_displacement',
  'internal_displacement',
  'rural_urban',
  'climate_mobility',
  'mixed_migration',
] as const;
export type MigrationContext = (typeof MIGRATION_CONTEXTS)[number];

export const CONTEXT_LABELS: Record<MigrationContext, string> = {
  origin: 'Origin',
  transit: 'Transit',
  destination: 'Destination',
  return: 'Return',
  refugee_hosting: 'Refugee hosting',
  protracted_displacement: 'Protracted displacement',
  internal_displacement: 'Internal displacement',
  rural_urban: 'Rural–urban',
  climate_mobility: 'Climate mobility',
  mixed_migration: 'Mixed migration',
};

export function isMigrationContext(value: string): value is MigrationContext {
  return (MIGRATION_CONTEXTS as readonly string[]).includes(value);
}

export const ROLES = ['secretariat', 'board_member', 'partner', 'nominator'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  secretariat: 'Secretariat',
  board_member: 'Board member',
  partner: 'Partner',
  nominator: 'Nominator',
};

export const TERM_END_REASONS = ['resigned', 'left_office', 'removed', 'deceased'] as const;
export type TermEndReason = (typeof TERM_END_REASONS)[number];

export const VACANCY_STATUSES = [
  'upcoming',
  'open',
  'screening',
  'balloting',
  'filled',
  'cancelled',
] as const;
export type VacancyStatus = (typeof VACANCY_STATUSES)[number];
/** Why a seat falls free: its term runs out, ends early, or the seat is new and was never filled. */
export type VacancyReason = 'term_ending' | 'new_seat' | TermEndReason;

export const NOMINATION_STATUSES = [
  'draft',
  'submitted',
  'eligible',
  'ineligible',
  'shortlisted',
  'elected',
  'not_elected',
  'withdrawn',
] as const;
export type NominationStatus = (typeof NOMINATION_STATUSES)[number];
