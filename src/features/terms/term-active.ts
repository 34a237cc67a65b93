// The SQL twin of domain/terms `isActiveOn`: a term covers startsOn <= day < (endedOn ?? endsOn).
import { and, eq, gt, isNull, lte, or } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { terms } from '../../db/schema.js';
import type { IsoDate } from '../../domain/dates.js';

export function termActiveOn(day: IsoDate) {
  return and(
    lte(terms.startsOn, day),
    or(and(isNull(terms.endedOn), gt(terms.endsOn, day)), gt(terms.endedOn, day)),
  )!;
}

/** Whether this account holds an active term on the day: a sitting member has the board's rights. */
export function isSittingMember(db: Db | Tx, userId: number, day: IsoDate): boolean {
  return Boolean(
    db
      .select({ id: terms.id })
      .from(terms)
      .where(and(eq(terms.userId, userId), termActiveOn(day)))
      .get(),
  );
}

/** The account's term active on the day, if any. */
export function activeTermOf(db: Db | Tx, userId: number, day: IsoDate) {
  return db
    .select()
    .from(terms)
    .where(and(eq(terms.userId, userId), termActiveOn(day)))
    .get();
}
