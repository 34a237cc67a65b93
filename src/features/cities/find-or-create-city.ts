// A city is recorded once, under its key, by whichever form first names it (an invitation, a
// term, an account); later forms find it again however they spell it.
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { cities } from '../../db/schema.js';
import { cityKey } from './city-identity.js';

export function findOrCreateCity(tx: Tx | Db, country: string, name: string): number {
  const key = cityKey(country, name);
  const existing = tx.select({ id: cities.id }).from(cities).where(eq(cities.cityKey, key)).get();
  if (existing) return existing.id;
  return tx.insert(cities).values({ name, country, cityKey: key }).returning({ id: cities.id }).get().id;
}
