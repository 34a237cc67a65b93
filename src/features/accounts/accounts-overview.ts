// What the secretariat's accounts page shows: every account with its status, and the queue of
// pending account requests. Read-only; never selects a password hash into a page.
import { asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accountRequests, cities, invitations, users } from '../../db/schema.js';
import { countryByCode } from '../../domain/countries.js';
import { ROLES, type Role } from '../../domain/reference.js';

export type AccountStatus = 'active' | 'invited' | 'disabled';

export interface AccountRow {
  id: number;
  displayName: string;
  email: string;
  role: Role;
  /** "Amman (JO)" for a city, the organisation for a partner, null otherwise. */
  representing: string | null;
  status: AccountStatus;
  /** For an invited account: whether its latest link has expired, so a new one is needed. */
  invitationExpired: boolean;
  invitationExpiresAt: string | null;
}

export interface PendingRequestRow {
  id: number;
  name: string;
  email: string;
  cityName: string;
  country: string;
  countryName: string;
  roleAtCity: string;
  createdAt: string;
}

export function listAccounts(db: Db, now: Date): AccountRow[] {
  const latestInvitation = db
    .select({
      userId: invitations.userId,
      expiresAt: sql<string>`max(${invitations.expiresAt})`.as('latest_expires_at'),
    })
    .from(invitations)
    .where(isNull(invitations.usedAt))
    .groupBy(invitations.userId)
    .as('latest_invitation');
  const rows = db
    .select({
      id: users.id,
      displayName: users.displayName,
      email: users.email,
      role: users.role,
      disabled: users.disabled,
      invited: sql<number>`${users.passwordHash} IS NULL`,
      cityName: cities.name,
      cityCountry: cities.country,
      partnerOrganisation: users.partnerOrganisation,
      invitationExpiresAt: latestInvitation.expiresAt,
    })
    .from(users)
    .leftJoin(cities, eq(cities.id, users.cityId))
    .leftJoin(latestInvitation, eq(latestInvitation.userId, users.id))
    .orderBy(asc(users.displayName))
    .all();
  const nowIso = now.toISOString();
  return rows
    .map((row): AccountRow => {
      const status: AccountStatus = row.disabled ? 'disabled' : row.invited ? 'invited' : 'active';
      return {
        id: row.id,
        displayName: row.displayName,
        email: row.email,
        role: row.role,
        representing: row.cityName
          ? `${row.cityName} (${row.cityCountry})`
          : (row.partnerOrganisation ?? null),
        status,
        invitationExpiresAt: status === 'invited' ? (row.invitationExpiresAt ?? null) : null,
        invitationExpired:
          status === 'invited' && (!row.invitationExpiresAt || row.invitationExpiresAt <= nowIso),
      };
    })
    .sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role));
}

export function pendingAccountRequests(db: Db): PendingRequestRow[] {
  return db
    .select({
      id: accountRequests.id,
      name: accountRequests.name,
      email: accountRequests.email,
      cityName: accountRequests.cityName,
      country: accountRequests.country,
      roleAtCity: accountRequests.roleAtCity,
      createdAt: accountRequests.createdAt,
    })
    .from(accountRequests)
    .where(eq(accountRequests.status, 'pending'))
    .orderBy(asc(accountRequests.createdAt), asc(accountRequests.id))
    .all()
    .map((row) => ({ ...row, countryName: countryByCode(row.country)?.name ?? row.country }));
}
