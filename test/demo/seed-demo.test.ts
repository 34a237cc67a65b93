import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cities, terms, users } from '../../src/db/schema.js';
import { DEMO_ACCOUNTS, demoEmail, seedDemo } from '../../src/demo/seed-demo.js';
import { addDays, daysBetween, todayIso } from '../../src/domain/dates.js';
import { sittingMembers } from '../../src/features/terms/sitting-members.js';
import { DEMO_PASSWORD, logInAs, makeTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let today: string;
beforeAll(async () => {
  t = await makeTestApp({ now: new Date('2026-11-28T09:00:00Z') });
  today = todayIso(t.clock.now);
});
afterAll(async () => t.close());

describe('the demo seed', () => {
  it('seats seven members: Amman, Bristol, Freetown, Kampala, Los Angeles, Milan and Montreal', () => {
    const names = sittingMembers(t.db, today).map((m) => m.city.name);
    expect(names).toEqual(['Amman', 'Bristol', 'Freetown', 'Kampala', 'Los Angeles', 'Milan', 'Montreal']);
  });

  it('ends Bristol’s term in 25 days', () => {
    const bristol = sittingMembers(t.db, today).find((m) => m.city.name === 'Bristol')!;
    expect(bristol.term.endsOn).toBe(addDays(today, 25));
  });

  it('gives every member a mandate end, Los Angeles’s 60 days before its board term ends', () => {
    const members = sittingMembers(t.db, today);
    expect(members.every((m) => m.term.mandateEndsOn)).toBe(true);
    const la = members.find((m) => m.city.name === 'Los Angeles')!;
    expect(daysBetween(la.term.mandateEndsOn!, la.term.endsOn)).toBe(60);
    for (const other of members.filter((m) => m.city.name !== 'Los Angeles')) {
      expect(other.term.mandateEndsOn! >= other.term.endsOn).toBe(true);
    }
  });

  it('records that Athens’s member left office 10 days ago', () => {
    const athens = t.db.select().from(cities).where(eq(cities.name, 'Athens')).get()!;
    const term = t.db.select().from(terms).where(eq(terms.cityId, athens.id)).get()!;
    expect(term.endedOn).toBe(addDays(today, -10));
    expect(term.endReason).toBe('left_office');
  });

  it('creates every demo account with its role, all @demo.mmc.example', () => {
    const rows = t.db.select().from(users).all();
    expect(rows).toHaveLength(14);
    const roleOf = (local: string) => rows.find((u) => u.email === demoEmail(local))?.role;
    expect(roleOf('secretariat')).toBe('secretariat');
    for (const city of ['amman', 'bristol', 'freetown', 'kampala', 'los-angeles', 'milan', 'montreal'])
      expect(roleOf(`mayor.${city}`)).toBe('board_member');
    for (const partner of ['c40', 'uclg']) expect(roleOf(`partner.${partner}`)).toBe('partner');
    for (const city of ['montevideo', 'dhaka-north', 'zurich', 'bogota'])
      expect(roleOf(`nominator.${city}`)).toBe('nominator');
  });

  it('lets each demo account log in with the demo password', async () => {
    for (const account of DEMO_ACCOUNTS) {
      const browser = await logInAs(t, account.email.split('@')[0]!);
      expect((await browser.get('/account')).text).toContain(account.email);
    }
  });

  it('seeds only an empty database', async () => {
    expect(await seedDemo(t.db, { password: DEMO_PASSWORD, now: t.clock.now })).toBe(false);
    expect(t.db.select().from(users).all()).toHaveLength(14);
  });
});

describe('the public board page', () => {
  it('lists each sitting member with city, country, region, contexts and term end, and charts the composition', async () => {
    const response = await (await import('supertest')).default(t.app.server).get('/board');
    expect(response.text).toContain('Kampala');
    expect(response.text).toContain('UG');
    expect(response.text).toContain('Sub-Saharan Africa');
    expect(response.text).toContain('Mixed migration');
    expect(response.text).toContain(addDays(today, 25));
    expect(response.text).toMatch(/<figure class="hbars" aria-labelledby="[^"]+">/);
    expect(response.text).not.toContain('Athens</strong>');
  });
});
