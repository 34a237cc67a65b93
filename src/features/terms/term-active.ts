// The SQL twin of domain/terms `isActiveOn`: a term covers startsOn <= day < (endedOn ?? endsOn).
// The effective end is indexed (terms_effective_end), so "who sits on this day" reads the few
// terms that end after it, not every term the board ever had.
import { and, eq, gt, lte, type Placeholder, type SQL, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { prepareOnce } from '../../db/per-connection.js';
import { terms } from '../../db/schema.js';
import type { IsoDate } from '../../domain/dates.js';

/** The term's last day plus one: its early end if it has one. Written as the index is. */
export const termEffectiveEnd: SQL<IsoDate> = sql<IsoDate>`coalesce(${terms.endedOn}, ${terms.endsOn})`;

export function termActiveOn(day: IsoDate | Placeholder) {
  return and(lte(terms.startsOn, day), gt(termEffectiveEnd, day))!;
}

const activeTermOfUser = prepareOnce((db) =>
  db
    .select()
    .from(terms)
    .where(and(eq(terms.userId, sql.placeholder('userId')), termActiveOn(sql.placeholder('day'))))
    .limit(1)
    .prepare(),
);

/** Whether this account holds an active term on the day: a sitting member has the board's rights. */
export function isSittingMember(db: Db | Tx, userId: number, day: IsoDate): boolean {
  return activeTermOfUser(db).get({ userId, day }) !== undefined;
}

/** The account's term active on the day, if any. */
export function activeTermOf(db: Db | Tx, userId: number, day: IsoDate) {
  return activeTermOfUser(db).get({ userId, day });
}
