// The forms that bring a nominator in: the secretariat's invitation and the public request.
// Both name a person and their city; the request also says what the person does at the city.
import { z } from 'zod';
import { plainString, requiredText } from '../../lib/forms.js';
import { cityNameField, countryField } from '../cities/city-fields.js';

export const emailField = plainString('Enter an e-mail address.')
  .trim()
  .toLowerCase()
  .min(1, 'Enter an e-mail address.')
  .max(254, 'That e-mail address is too long.')
  .pipe(z.email('Enter a valid e-mail address, such as name@city.gov.'));

export const inviteNominatorForm = z.object({
  name: requiredText('Enter the person’s name.', 200),
  email: emailField,
  cityName: cityNameField,
  country: countryField,
});
export type InviteNominatorInput = z.infer<typeof inviteNominatorForm>;

export const accountRequestForm = z.object({
  name: requiredText('Enter your name.', 200),
  email: emailField,
  cityName: cityNameField,
  country: countryField,
  roleAtCity: requiredText('Say what you do at the city, such as “Mayor”.', 200),
});
export type AccountRequestInput = z.infer<typeof accountRequestForm>;
