// The SQL twin of domain/terms `isActiveOn`: a term covers startsOn <= day < (endedOn ?? endsOn).
import { and, gt, isNull, lte, or } from 'drizzle-orm';
import { terms } from '../../db/schema.js';
import type { IsoDate } from '../../domain/dates.js';

export function termActiveOn(day: IsoDate) {
  return and(
    lte(terms.startsOn, day),
    or(and(isNull(terms.endedOn), gt(terms.endsOn, day)), gt(terms.endedOn, day)),
  )!;
}
