// The forms that bring a nominator in: the secretariat's invitation and the public request.
// Both name a person and their city; the request also says what the person does at the city.
import { z } from 'zod';
import { cityNameField, countryField } from '../../lib/city-fields.js';

function requiredText(missing: string) {
  return z.string({ error: missing }).trim().min(1, missing).max(200, 'Use at most 200 characters.');
}

const email = z
  .string({ error: 'Enter an e-mail address.' })
  .trim()
  .toLowerCase()
  .min(1, 'Enter an e-mail address.')
  .max(254, 'That e-mail address is too long.')
  .pipe(z.email('Enter a valid e-mail address, such as name@city.gov.'));

export const inviteNominatorForm = z.object({
  name: requiredText('Enter the person’s name.'),
  email,
  cityName: cityNameField,
  country: countryField,
});
export type InviteNominatorInput = z.infer<typeof inviteNominatorForm>;

export const accountRequestForm = z.object({
  name: requiredText('Enter your name.'),
  email,
  cityName: cityNameField,
  country: countryField,
  roleAtCity: requiredText('Say what you do at the city, such as “Mayor”.'),
});
export type AccountRequestInput = z.infer<typeof accountRequestForm>;
