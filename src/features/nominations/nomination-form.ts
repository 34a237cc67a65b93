// The nomination form (CONTRACT.md fields): one schema, a message per field. A draft may be saved
// without the nominee's consent; submitting needs it. Every text field must be plain text.
import { z } from 'zod';
import { compareIsoDates, type IsoDate, isIsoDate } from '../../domain/dates.js';
import { checkbox, formBody, plainString, requiredText } from '../../lib/forms.js';
import { cityNameField, countryField, migrationContextsField } from '../cities/city-fields.js';
import { documentProblem, isUploadedFile, type UploadedFile } from './documents.js';

export const MAX_STATEMENT_LENGTH = 5000;

export function nominationSchema(today: IsoDate, intent: 'draft' | 'submit') {
  return z.object({
    nomineeName: requiredText('Enter the nominee’s name.', 200),
    nomineeTitle: requiredText('Enter the nominee’s title, such as “Mayor”.', 200),
    nomineeEmail: plainString('Enter the nominee’s e-mail address, such as mayor@city.gov.')
      .trim()
      .max(254, 'That e-mail address is too long.')
      .pipe(z.email('Enter the nominee’s e-mail address, such as mayor@city.gov.')),
    cityName: cityNameField,
    country: countryField,
    migrationContexts: migrationContextsField,
    secondaryCity: checkbox,
    mandateEndsOn: plainString('Enter the date the mayoral mandate ends.')
      .trim()
      .refine(isIsoDate, 'Enter the mandate end as a date, YYYY-MM-DD.')
      .refine(
        (date) => !isIsoDate(date) || compareIsoDates(date, today) > 0,
        'The mandate must end after today: a nominee must be a serving mayor.',
      ),
    statement: requiredText('Write a statement supporting the nomination.', MAX_STATEMENT_LENGTH),
    consent:
      intent === 'submit'
        ? checkbox.refine((given) => given, 'The nominee’s consent is required to submit the nomination.')
        : checkbox,
  });
}

export type NominationInput = z.infer<ReturnType<typeof nominationSchema>>;

/** Which button was pressed: save a draft, or submit (the default). */
export function intentOf(input: unknown): 'draft' | 'submit' {
  return formBody(input).intent === 'draft' ? 'draft' : 'submit';
}

/**
 * The uploaded document, if any, or the message for the field: not a file at all, too large, or
 * not a PDF. An empty file input (nothing chosen) is no document.
 */
export function documentOf(
  input: unknown,
): { ok: true; file: (UploadedFile & { data: Buffer }) | null } | { ok: false; message: string } {
  const value = formBody(input).document;
  if (value === undefined || value === '') return { ok: true, file: null };
  if (!isUploadedFile(value)) return { ok: false, message: 'Attach the letter of support as a PDF file.' };
  const problem = documentProblem(value);
  if (problem) return { ok: false, message: problem };
  return {
    ok: true,
    file: value.data && value.data.length > 0 ? (value as UploadedFile & { data: Buffer }) : null,
  };
}
