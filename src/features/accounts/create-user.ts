// Creates an account with a password (operators, through the CLI).
// Refuses a malformed e-mail, a short password, an unknown role or country, a duplicate e-mail,
// and a nominator or board member without a city, a partner without an organisation.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema.js';
import { countryByCode } from '../../domain/countries.js';
import { ROLES } from '../../domain/reference.js';
import { type ActionResult, invalid, ok } from '../../lib/action-result.js';
import { fieldErrors } from '../../lib/forms.js';
import type { Actor } from '../audit-log/audit-log.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { hashPassword, passwordProblem } from '../auth/passwords.js';
import { findOrCreateCity } from '../cities/find-or-create-city.js';

export const newUserSchema = z
  .object({
    email: z
      .email('Enter a valid e-mail address, such as name@city.gov.')
      .max(254)
      .transform((v) => v.trim().toLowerCase()),
    name: z.string().trim().min(1, 'Enter the person’s name.').max(200, 'Use at most 200 characters.'),
    role: z.enum(ROLES, { error: `The role must be one of: ${ROLES.join(', ')}.` }),
    cityCountry: z
      .string()
      .trim()
      .toUpperCase()
      .refine(
        (code) => Boolean(countryByCode(code)),
        'Unknown country: use an ISO 3166-1 alpha-2 code such as GR.',
      )
      .optional(),
    cityName: z.string().trim().min(1).max(200).optional(),
    partner: z.string().trim().min(1).max(200).optional(),
    password: z.string().optional(),
  })
  .superRefine((input, context) => {
    const needsCity = input.role === 'nominator' || input.role === 'board_member';
    if (needsCity && (!input.cityCountry || !input.cityName)) {
      context.addIssue({
        code: 'custom',
        path: ['cityName'],
        message: `A ${input.role} needs a city: give its country and name.`,
      });
    }
    if (input.role === 'partner' && !input.partner) {
      context.addIssue({
        code: 'custom',
        path: ['partner'],
        message: 'A partner needs the organisation they represent.',
      });
    }
    if (input.password !== undefined) {
      const problem = passwordProblem(input.password);
      if (problem) context.addIssue({ code: 'custom', path: ['password'], message: problem });
    }
  });

export type NewUser = z.infer<typeof newUserSchema>;

export async function createUser(
  db: Db,
  raw: unknown,
  actor: Actor,
  now: Date,
): Promise<ActionResult<{ userId: number }>> {
  const form = newUserSchema.safeParse(raw);
  if (!form.success) return invalid(fieldErrors(form.error));
  const input = form.data;
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  return db.transaction((tx) => {
    if (tx.select({ id: users.id }).from(users).where(eq(users.email, input.email)).get()) {
      return invalid({ email: `An account for ${input.email} already exists.` });
    }
    const cityId =
      input.cityCountry && input.cityName ? findOrCreateCity(tx, input.cityCountry, input.cityName) : null;
    const { id } = tx
      .insert(users)
      .values({
        email: input.email,
        displayName: input.name,
        role: input.role,
        cityId,
        partnerOrganisation: input.partner ?? null,
        passwordHash,
      })
      .returning({ id: users.id })
      .get();
    recordAudit(tx, {
      actor,
      action: 'account.create',
      subjectType: 'user',
      subjectId: id,
      details: { email: input.email, role: input.role, cityId, partner: input.partner ?? null },
      at: now,
    });
    return ok({ userId: id });
  });
}
