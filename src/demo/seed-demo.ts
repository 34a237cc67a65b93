// The demo board (CONTRACT.md, "Demo data"), with every date relative to the day it is seeded.
// The people are fictional; the cities are the council's founding board.
// Seeded only into an empty database, never in production.
import { count } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { cities, nominationEvents, nominations, seats, terms, users, vacancies } from '../db/schema.js';
import { regionOf } from '../domain/countries.js';
import { addDays, addMonths, type IsoDate } from '../domain/dates.js';
import type { MigrationContext, Region, Role } from '../domain/reference.js';
import { termEndsOn } from '../domain/terms.js';
import { recordAudit, SYSTEM_ACTOR } from '../features/audit-log/audit-log.js';
import { hashPassword } from '../features/auth/passwords.js';
import { cityKey } from '../features/cities/city-identity.js';
import { boardToday, getSettings, saveSettings } from '../features/settings/settings.js';

export const DEMO_DOMAIN = 'demo.mmc.example';

interface DemoCity {
  slug: string;
  name: string;
  country: string;
  contexts: MigrationContext[];
  population?: number;
  secondaryCity?: boolean;
}

const FOUNDING_CITIES: DemoCity[] = [
  {
    slug: 'amman',
    name: 'Amman',
    country: 'JO',
    contexts: ['refugee_hosting', 'protracted_displacement', 'destination'],
    population: 4_061_150,
  },
  {
    slug: 'athens',
    name: 'Athens',
    country: 'GR',
    contexts: ['transit', 'destination', 'refugee_hosting'],
    population: 643_452,
  },
  { slug: 'bristol', name: 'Bristol', country: 'GB', contexts: ['destination'], population: 472_400 },
  {
    slug: 'freetown',
    name: 'Freetown',
    country: 'SL',
    contexts: ['origin', 'rural_urban', 'climate_mobility'],
    population: 1_272_145,
  },
  {
    slug: 'kampala',
    name: 'Kampala',
    country: 'UG',
    contexts: ['refugee_hosting', 'mixed_migration', 'origin'],
    population: 1_680_600,
  },
  {
    slug: 'los-angeles',
    name: 'Los Angeles',
    country: 'US',
    contexts: ['destination'],
    population: 3_820_914,
  },
  {
    slug: 'milan',
    name: 'Milan',
    country: 'IT',
    contexts: ['transit', 'destination'],
    population: 1_371_498,
  },
  { slug: 'montreal', name: 'Montreal', country: 'CA', contexts: ['destination'], population: 1_762_949 },
];

const NOMINATING_CITIES: DemoCity[] = [
  {
    slug: 'montevideo',
    name: 'Montevideo',
    country: 'UY',
    contexts: ['destination', 'return'],
    population: 1_319_108,
  },
  {
    slug: 'dhaka-north',
    name: 'Dhaka North',
    country: 'BD',
    contexts: ['internal_displacement', 'climate_mobility', 'rural_urban'],
    population: 5_970_000,
  },
  { slug: 'zurich', name: 'Zurich', country: 'CH', contexts: ['destination'], population: 447_082 },
  {
    slug: 'bogota',
    name: 'Bogota',
    country: 'CO',
    contexts: ['destination', 'transit', 'internal_displacement'],
    population: 7_907_281,
  },
];

/**
 * Each sitting member: days until the board term ends, and the mayoral mandate's end relative to
 * that. Bristol ends in 25 days; Los Angeles's mandate ends 60 days before its term (a forecast
 * early vacancy); every other mandate outlasts the term.
 */
const SITTING_MEMBERS: Array<{
  slug: string;
  member: string;
  termEndsInDays: number;
  mandateAfterTermDays: number;
  earlierTerms?: number;
}> = [
  { slug: 'amman', member: 'Rania Haddad', termEndsInDays: 410, mandateAfterTermDays: 300, earlierTerms: 1 },
  { slug: 'bristol', member: 'Eleanor Whitfield', termEndsInDays: 25, mandateAfterTermDays: 400 },
  { slug: 'freetown', member: 'Aminata Conteh', termEndsInDays: 530, mandateAfterTermDays: 200 },
  { slug: 'kampala', member: 'Joseph Ssempala', termEndsInDays: 300, mandateAfterTermDays: 120 },
  { slug: 'los-angeles', member: 'Maria Delgado', termEndsInDays: 190, mandateAfterTermDays: -60 },
  { slug: 'milan', member: 'Luca Bernardi', termEndsInDays: 640, mandateAfterTermDays: 90 },
  { slug: 'montreal', member: 'Camille Tremblay', termEndsInDays: 460, mandateAfterTermDays: 700 },
];

const ATHENS_NOMINATIONS = [
  {
    slug: 'montevideo',
    nominee: 'Lucía Pereira',
    daysAgo: 6,
    mandateEndsInDays: 1300,
    statement:
      'Montevideo receives growing numbers of people from Venezuela and Cuba and welcomes back Uruguayans returning from abroad. Mayor Pereira has built a city reception service with civil society and would bring Latin America’s voice, and the experience of a city of return, to the board.',
  },
  {
    slug: 'dhaka-north',
    nominee: 'Tanvir Rahman',
    daysAgo: 4,
    mandateEndsInDays: 600,
    statement:
      'Dhaka North absorbs hundreds of thousands of people displaced by river erosion and cyclones every year. Mayor Rahman leads the city’s climate migration programme and would bring South Asia, internal displacement and climate mobility to the board.',
  },
  {
    slug: 'zurich',
    nominee: 'Anna Keller',
    daysAgo: 2,
    mandateEndsInDays: 1100,
    statement:
      'Zurich pioneered a city identity card open to all residents, whatever their status. Mayor Keller would share the city’s experience of inclusive services for newcomers.',
  },
];

export function demoEmail(localPart: string): string {
  return `${localPart}@${DEMO_DOMAIN}`;
}

export const DEMO_ACCOUNTS: Array<{
  email: string;
  role: Role;
  name: string;
  citySlug?: string;
  partner?: string;
}> = [
  { email: demoEmail('secretariat'), role: 'secretariat', name: 'Council Secretariat' },
  ...SITTING_MEMBERS.map((m) => ({
    email: demoEmail(`mayor.${m.slug}`),
    role: 'board_member' as const,
    name: m.member,
    citySlug: m.slug,
  })),
  {
    email: demoEmail('partner.c40'),
    role: 'partner',
    name: 'C40 Cities representative',
    partner: 'C40 Cities',
  },
  {
    email: demoEmail('partner.uclg'),
    role: 'partner',
    name: 'UCLG representative',
    partner: 'United Cities and Local Governments',
  },
  ...NOMINATING_CITIES.map((c) => ({
    email: demoEmail(`nominator.${c.slug}`),
    role: 'nominator' as const,
    name: `${c.name} city hall`,
    citySlug: c.slug,
  })),
];

export function isDatabaseEmpty(db: Db): boolean {
  return (db.select({ n: count() }).from(users).get()?.n ?? 0) === 0;
}

/** What a term records of its city when it starts (history is kept, not rewritten). */
function cityAsRecorded(city: DemoCity) {
  return {
    region: regionOf(city.country) as Region,
    contexts: city.contexts,
    secondaryCity: city.secondaryCity ?? false,
  };
}

function insertCity(tx: Tx, city: DemoCity): number {
  return tx
    .insert(cities)
    .values({
      name: city.name,
      country: city.country,
      cityKey: cityKey(city.country, city.name),
      contexts: city.contexts,
      population: city.population ?? null,
      secondaryCity: city.secondaryCity ?? false,
    })
    .returning({ id: cities.id })
    .get().id;
}

/** Seeds the demo board into an empty database; returns false (and changes nothing) otherwise. */
export async function seedDemo(db: Db, options: { password: string; now: Date }): Promise<boolean> {
  if (!isDatabaseEmpty(db)) return false;
  // One hash for every demo account: they share a published password anyway.
  const passwordHash = await hashPassword(options.password);
  return db.transaction((tx) => {
    if (tx.select({ n: count() }).from(users).get()!.n > 0) return false;
    const settings = getSettings(tx);
    const today = boardToday(settings, options.now);
    saveSettings(tx, settings);
    const seatIds = Array.from(
      { length: settings.boardSize },
      (_, index) =>
        tx
          .insert(seats)
          .values({ number: index + 1 })
          .returning({ id: seats.id })
          .get().id,
    );

    const cityIds = new Map<string, number>();
    for (const city of [...FOUNDING_CITIES, ...NOMINATING_CITIES])
      cityIds.set(city.slug, insertCity(tx, city));

    const userIds = new Map<string, number>();
    for (const account of DEMO_ACCOUNTS) {
      const { id } = tx
        .insert(users)
        .values({
          email: account.email,
          displayName: account.name,
          role: account.role,
          passwordHash,
          cityId: account.citySlug ? cityIds.get(account.citySlug)! : null,
          partnerOrganisation: account.partner ?? null,
        })
        .returning({ id: users.id })
        .get();
      userIds.set(account.email, id);
    }

    let athensVacancyId = 0;
    const startFor = (endsOn: IsoDate) => addMonths(endsOn, -settings.termLengthMonths);
    // Seats in founding order: Amman 1, Athens 2, Bristol 3, … Montreal 8.
    FOUNDING_CITIES.forEach((city, index) => {
      const seatId = seatIds[index]!;
      if (city.slug === 'athens') {
        // Athens's mayor left office ten days ago: the term ended early and the seat is free.
        const startsOn = addDays(today, -400);
        const athensTerm = tx
          .insert(terms)
          .values({
            seatId,
            memberName: 'Nikos Papadakis',
            cityId: cityIds.get('athens')!,
            startsOn,
            endsOn: termEndsOn(startsOn, settings.termLengthMonths),
            endedOn: addDays(today, -10),
            endReason: 'left_office',
            mandateEndsOn: addDays(today, -10),
            ...cityAsRecorded(city),
          })
          .returning({ id: terms.id })
          .get();
        athensVacancyId = tx
          .insert(vacancies)
          .values({
            seatId,
            termId: athensTerm.id,
            reason: 'left_office',
            freeOn: addDays(today, -10),
            nominationDeadline: addDays(today, 14),
            status: 'open',
            openedAt: addDays(today, -9),
          })
          .returning({ id: vacancies.id })
          .get().id;
        return;
      }
      const sitting = SITTING_MEMBERS.find((m) => m.slug === city.slug)!;
      const endsOn = addDays(today, sitting.termEndsInDays);
      const startsOn = startFor(endsOn);
      for (let earlier = sitting.earlierTerms ?? 0; earlier >= 1; earlier -= 1) {
        const earlierStart = addMonths(startsOn, -settings.termLengthMonths * earlier);
        tx.insert(terms)
          .values({
            seatId,
            memberName: sitting.member,
            cityId: cityIds.get(city.slug)!,
            userId: userIds.get(demoEmail(`mayor.${city.slug}`))!,
            startsOn: earlierStart,
            endsOn: termEndsOn(earlierStart, settings.termLengthMonths),
            termNumber: (sitting.earlierTerms ?? 0) - earlier + 1,
            mandateEndsOn: addDays(endsOn, sitting.mandateAfterTermDays),
            ...cityAsRecorded(city),
          })
          .run();
      }
      const current = tx
        .insert(terms)
        .values({
          seatId,
          memberName: sitting.member,
          cityId: cityIds.get(city.slug)!,
          userId: userIds.get(demoEmail(`mayor.${city.slug}`))!,
          startsOn,
          // The demo promises these exact end dates (Bristol in 25 days), so they are kept as given.
          endsOn,
          termNumber: (sitting.earlierTerms ?? 0) + 1,
          mandateEndsOn: addDays(endsOn, sitting.mandateAfterTermDays),
          ...cityAsRecorded(city),
        })
        .returning({ id: terms.id })
        .get();
      if (city.slug === 'bristol') {
        // Bristol's term ends within the first alert threshold: its vacancy is already upcoming.
        tx.insert(vacancies)
          .values({ seatId, termId: current.id, reason: 'term_ending', freeOn: endsOn, status: 'upcoming' })
          .run();
      }
    });

    // Three cities have nominated their mayors for the Athens seat.
    for (const nomination of ATHENS_NOMINATIONS) {
      const city = NOMINATING_CITIES.find((c) => c.slug === nomination.slug)!;
      const submittedAt = new Date(options.now.getTime() - nomination.daysAgo * 86_400_000);
      const { id } = tx
        .insert(nominations)
        .values({
          vacancyId: athensVacancyId,
          nominatedBy: userIds.get(demoEmail(`nominator.${city.slug}`))!,
          nomineeName: nomination.nominee,
          nomineeTitle: `Mayor of ${city.name}`,
          nomineeEmail: `mayor@${city.slug}.${DEMO_DOMAIN}`,
          cityName: city.name,
          country: city.country,
          cityKey: cityKey(city.country, city.name),
          contexts: city.contexts,
          secondaryCity: city.secondaryCity ?? false,
          mandateEndsOn: addDays(today, nomination.mandateEndsInDays),
          statement: nomination.statement,
          consent: true,
          status: 'submitted',
          submittedAt: submittedAt.toISOString(),
          updatedAt: submittedAt.toISOString(),
        })
        .returning({ id: nominations.id })
        .get();
      tx.insert(nominationEvents)
        .values({
          nominationId: id,
          fromStatus: null,
          toStatus: 'submitted',
          actorId: userIds.get(demoEmail(`nominator.${city.slug}`))!,
          at: submittedAt.toISOString(),
        })
        .run();
    }

    recordAudit(tx, {
      actor: SYSTEM_ACTOR,
      action: 'demo.seed',
      subjectType: 'database',
      details: { accounts: DEMO_ACCOUNTS.length, seats: seatIds.length, day: today },
      at: options.now,
    });
    return true;
  });
}
