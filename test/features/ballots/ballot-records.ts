// What the ballot tests share: the demo's three Athens candidates shortlisted, a ballot opened on
// them through the real form, each demo voter logged in, and votes cast through the real routes.
import { and, asc, count, eq, notLike } from 'drizzle-orm';
import {
  auditLog,
  ballotCandidates,
  ballots,
  nominations,
  users,
  vacancies,
  voterRoll,
  votes,
} from '../../../src/db/schema.js';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { createUser } from '../../../src/features/accounts/create-user.js';
import { SYSTEM_ACTOR } from '../../../src/features/audit-log/audit-log.js';
import type { Viewer } from '../../../src/features/auth/permissions.js';
import { DEMO_PASSWORD, logInAs, type TestApp } from '../../helpers/app.js';

type Browser = Awaited<ReturnType<typeof logInAs>>;

export const NOW = new Date('2026-11-28T09:00:00Z');
export const ATHENS_VACANCY = 1;
export const CANDIDATE = { montevideo: 1, dhakaNorth: 2, zurich: 3 } as const;
export const MEMBERS = ['amman', 'bristol', 'freetown', 'kampala', 'los-angeles', 'milan', 'montreal'].map(
  (city) => `mayor.${city}`,
);
export const PARTNERS = ['partner.c40', 'partner.uclg'];

export async function shortlistAll(_t: TestApp, secretariat: Browser) {
  for (const id of Object.values(CANDIDATE)) {
    const response = await secretariat.post(`/nominations/${id}/review`, { status: 'shortlisted', note: '' });
    if (response.status !== 303) throw new Error(`shortlisting ${id}: ${response.status}`);
  }
}

export function ballotForm(overrides: Record<string, string | string[]> = {}) {
  return {
    vacancyId: String(ATHENS_VACANCY),
    method: 'ranked',
    candidateIds: Object.values(CANDIDATE).map(String),
    opensAt: '2026-11-28T08:00',
    closesAt: '2026-12-05T17:00',
    quorumPercent: '50',
    secret: 'on',
    partnerVotes: 'binding',
    tieRule: 'runoff',
    ...overrides,
  };
}

/** Sets up the Athens ballot (shortlist, then the form); returns its id. */
export async function openAthensBallot(t: TestApp, overrides: Record<string, string | string[]> = {}) {
  const secretariat = await logInAs(t, 'secretariat');
  await shortlistAll(t, secretariat);
  const response = await secretariat.post('/ballots', ballotForm(overrides));
  if (response.status !== 303)
    throw new Error(`opening the ballot: ${response.status}\n${response.text.slice(0, 2000)}`);
  return { ballotId: Number(response.headers.location!.split('/').pop()), secretariat };
}

/** Casts a vote as this voter through the form (confirmation step skipped: it changes nothing). */
export async function vote(
  t: TestApp,
  who: string,
  ballotId: number,
  form: Record<string, string | string[]>,
) {
  const browser = await logInAs(t, who);
  const response = await browser.post(`/ballots/${ballotId}/votes`, form);
  return { browser, response };
}

/** A ranked ballot in the form's terms: rank_<id> = position. */
export function ranking(...ids: number[]): Record<string, string> {
  return Object.fromEntries(ids.map((id, i) => [`rank_${id}`, String(i + 1)]));
}

export function ballotRow(t: TestApp, id: number) {
  return t.db.select().from(ballots).where(eq(ballots.id, id)).get()!;
}

export function rollOf(t: TestApp, ballotId: number) {
  return t.db
    .select()
    .from(voterRoll)
    .where(eq(voterRoll.ballotId, ballotId))
    .orderBy(asc(voterRoll.userId))
    .all();
}

/** The votes cast in a ballot: its filled rows, not the empty ones made for each voter at opening. */
export function votesIn(t: TestApp, ballotId: number) {
  return t.db
    .select()
    .from(votes)
    .where(eq(votes.ballotId, ballotId))
    .all()
    .filter((vote) => vote.choices !== null);
}

/** The ballot a `POST /ballots` (or a runoff) redirected to. */
export function ballotIdFrom(response: { headers: Record<string, string | undefined> }): number {
  const match = /^\/ballots\/(\d+)$/.exec(response.headers.location ?? '');
  if (!match) throw new Error(`Expected a redirect to a ballot, got ${response.headers.location}`);
  return Number(match[1]);
}

/** The receipt code a page shows (`data-receipt="CODE"`), or undefined. */
export function receiptIn(html: string): string | undefined {
  return /data-receipt="([A-Z0-9-]+)"/.exec(html)?.[1];
}

/** Every receipt code a page shows, in page order. */
export function receiptsIn(html: string): string[] {
  return [...html.matchAll(/data-receipt="([A-Z0-9-]+)"/g)].map((match) => match[1]!);
}

/** Votes as these voters, each through the form; fails the test setup on anything but a 303. */
export async function castVotes(
  t: TestApp,
  ballotId: number,
  ballotsCast: Array<[string, Record<string, string | string[]>]>,
) {
  for (const [who, form] of ballotsCast) {
    const { response } = await vote(t, who, ballotId, form);
    if (response.status !== 303)
      throw new Error(`${who} voting: ${response.status}\n${response.text.slice(0, 800)}`);
  }
}

/** The secretariat closes the ballot early, and it is counted. */
export async function closeEarly(t: TestApp, ballotId: number) {
  const response = await (await logInAs(t, 'secretariat')).post(`/ballots/${ballotId}/close`);
  if (response.status !== 303) throw new Error(`closing ballot ${ballotId}: ${response.status}`);
  return ballotRow(t, ballotId).result!;
}

/** The voter's line on the ballot's roll, by demo account. */
export function rollEntryOf(t: TestApp, ballotId: number, localPart: string) {
  const user = t.db
    .select()
    .from(users)
    .where(eq(users.email, demoEmail(localPart)))
    .get();
  if (!user) throw new Error(`No account ${localPart}.`);
  return t.db
    .select()
    .from(voterRoll)
    .where(and(eq(voterRoll.ballotId, ballotId), eq(voterRoll.userId, user.id)))
    .get();
}

/** The roll as demo account names (the local part of each e-mail), sorted. */
export function rollNames(t: TestApp, ballotId: number): string[] {
  return t.db
    .select({ email: users.email })
    .from(voterRoll)
    .innerJoin(users, eq(users.id, voterRoll.userId))
    .where(eq(voterRoll.ballotId, ballotId))
    .all()
    .map((row) => row.email.split('@')[0]!)
    .sort();
}

/**
 * Makes an account the way an operator does (`user:create`), with the demo password, so that
 * `logInAs(t, localPart)` logs it in: a second partner of an organisation, a new board member.
 */
export async function addAccount(
  t: TestApp,
  account: {
    localPart: string;
    role: 'partner' | 'board_member' | 'nominator' | 'secretariat';
    partner?: string;
    cityCountry?: string;
    cityName?: string;
  },
): Promise<number> {
  const { localPart, ...rest } = account;
  const result = await createUser(
    t.db,
    { email: demoEmail(localPart), name: localPart, password: DEMO_PASSWORD, ...rest },
    SYSTEM_ACTOR,
    t.clock.now,
  );
  if (!result.ok) throw new Error(`creating ${localPart}: ${JSON.stringify(result)}`);
  return result.value.userId;
}

/** What the jobs (the scheduler, `alerts:run`) are given. */
export function jobContext(t: TestApp) {
  return { db: t.db, config: t.config, serverSecret: t.app.serverSecret };
}

/** The diversity rules as the settings page posts them, the defaults unless overridden. */
export function diversityForm(overrides: Record<string, string | string[]> = {}) {
  return {
    maxSeatsPerRegion: '3',
    minRegions: '4',
    requiredContexts: ['origin', 'transit', 'destination', 'refugee_hosting'],
    minSecondaryCities: '0',
    enforcement: 'warn',
    ...overrides,
  };
}

/** Everything the ballot actions write, to compare before and after a refused request. */
export function ballotState(t: TestApp) {
  return JSON.stringify({
    ballots: t.db.select().from(ballots).orderBy(asc(ballots.id)).all(),
    candidates: t.db.select().from(ballotCandidates).all(),
    roll: t.db.select().from(voterRoll).all(),
    votes: t.db.select().from(votes).orderBy(asc(votes.receipt)).all(),
    vacancies: t.db.select().from(vacancies).orderBy(asc(vacancies.id)).all(),
    nominations: t.db.select().from(nominations).orderBy(asc(nominations.id)).all(),
    audit: t.db.select({ n: count() }).from(auditLog).where(notLike(auditLog.action, 'auth.%')).get()!.n,
  });
}

/** The viewer an action is given for this demo account, as the session would make it. */
export function viewerOf(t: TestApp, localPart: string): Viewer {
  const user = t.db
    .select()
    .from(users)
    .where(eq(users.email, demoEmail(localPart)))
    .get();
  if (!user) throw new Error(`No account ${localPart}.`);
  return {
    id: user.id,
    role: user.role,
    email: user.email,
    displayName: user.displayName,
    cityId: user.cityId,
    partnerOrganisation: user.partnerOrganisation,
    sittingMember: user.role === 'board_member',
  };
}
