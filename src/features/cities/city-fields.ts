// Form fields that describe a city, shared by every form that records one (a nomination, a term,
// an invitation): the same rules and the same messages everywhere.
import { z } from 'zod';
import { countryByCode } from '../domain/countries.js';
import { MIGRATION_CONTEXTS } from '../domain/reference.js';

export const cityNameField = z
  .string({ error: 'Enter the city.' })
  .trim()
  .min(1, 'Enter the city.')
  .max(200, 'Use at most 200 characters.');

export const countryField = z
  .string({ error: 'Choose the country.' })
  .trim()
  .toUpperCase()
  .refine((code) => Boolean(countryByCode(code)), 'Choose the country from the list.');

export const migrationContextsField = z
  .array(z.enum(MIGRATION_CONTEXTS, { error: 'Choose migration contexts from the list.' }))
  .min(1, 'Choose at least one migration context.');
