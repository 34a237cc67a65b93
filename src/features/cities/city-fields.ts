// Form fields that describe a city, shared by every form that records one (a nomination, a term,
// an invitation, an account request): the same rules and the same messages everywhere.
import { z } from 'zod';
import { countryByCode } from '../../domain/countries.js';
import { MIGRATION_CONTEXTS } from '../../domain/reference.js';
import { list, plainString, requiredText } from '../../lib/forms.js';

export const cityNameField = requiredText('Enter the city.', 200);

export const countryField = plainString('Choose the country.')
  .trim()
  .toUpperCase()
  .refine((code) => Boolean(countryByCode(code)), 'Choose the country from the list.');

export const migrationContextsField = list(
  z.enum(MIGRATION_CONTEXTS, { error: 'Choose migration contexts from the list.' }),
).refine((contexts) => contexts.length > 0, 'Choose at least one migration context.');
