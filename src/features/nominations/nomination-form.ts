// The nomination form (CONTRACT.md fields): one schema, per-field messages. A draft may be saved
// without the nominee's consent; submitting needs it.
import { z } from 'zod';
import { compareIsoDates, type IsoDate, isIsoDate } from '../../domain/dates.js';
import { cityNameField, countryField, migrationContextsField } from '../../lib/city-fields.js';
import { asList, type FormValues, formBody } from '../../lib/forms.js';
import { isUploadedFile, type UploadedFile } from './documents.js';

export const MAX_STATEMENT_LENGTH = 5000;

const text = (missing: string, max: number) =>
  z.string({ error: missing }).trim().min(1, missing).max(max, `Use at most ${max} characters.`);

export function nominationSchema(today: IsoDate, intent: 'draft' | 'submit') {
  return z.object({
    vacancyId: z.coerce.number({ error: 'Choose the vacancy.' }).int().positive('Choose the vacancy.'),
    nomineeName: text('Enter the nominee’s name.', 200),
    nomineeTitle: text('Enter the nominee’s title, e.g. Mayor of Montevideo.', 200),
    nomineeEmail: z.email('Enter the nominee’s e-mail address, such as mayor@city.gov.').max(254),
    cityName: cityNameField,
    country: countryField,
    migrationContexts: migrationContextsField,
    secondaryCity: z.boolean(),
    mandateEndsOn: z
      .string({ error: 'Enter the date the mayoral mandate ends.' })
      .trim()
      .refine(isIsoDate, 'Enter the mandate end as a date, YYYY-MM-DD.')
      .refine(
        (date) => !isIsoDate(date) || compareIsoDates(date, today) > 0,
        'The mandate must end after today: a nominee must be a serving mayor.',
      ),
    statement: text('Write a statement supporting the nomination.', MAX_STATEMENT_LENGTH),
    consent:
      intent === 'submit'
        ? z.literal(true, { error: 'The nominee’s consent is required to submit the nomination.' })
        : z.boolean(),
  });
}

export type NominationInput = z.infer<ReturnType<typeof nominationSchema>>;

export interface NominationFormValues extends FormValues {
  migrationContexts: string[];
  secondaryCity: boolean;
  consent: boolean;
  document?: UploadedFile;
  intent: 'draft' | 'submit';
}

/** The raw body, urlencoded or multipart, as the schema expects it. */
export function readNominationForm(body: unknown): NominationFormValues {
  const values = formBody(body);
  const single = (name: string) =>
    Array.isArray(values[name]) ? (values[name] as unknown[])[0] : values[name];
  const normalized: FormValues = {};
  for (const name of [
    'vacancyId',
    'nomineeName',
    'nomineeTitle',
    'nomineeEmail',
    'cityName',
    'country',
    'mandateEndsOn',
    'statement',
  ]) {
    const value = single(name);
    normalized[name] = typeof value === 'string' ? value : value === undefined ? undefined : String(value);
  }
  return {
    ...normalized,
    migrationContexts: asList(values.migrationContexts),
    secondaryCity: single('secondaryCity') === 'on',
    consent: single('consent') === 'on',
    document: isUploadedFile(values.document) ? values.document : undefined,
    intent: single('intent') === 'draft' ? 'draft' : 'submit',
  };
}
