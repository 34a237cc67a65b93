import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { cities } from '../../db/schema.js';
import { regionOf } from '../../domain/countries.js';

export type CityRecord = typeof cities.$inferSelect;

/** A city with its region (derived from its country). */
export function cityById(db: Db | Tx, id: number | null) {
  const city = id ? db.select().from(cities).where(eq(cities.id, id)).get() : undefined;
  return city ? { ...city, region: regionOf(city.country) } : null;
}
