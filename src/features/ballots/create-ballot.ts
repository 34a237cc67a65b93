// The secretariat opens a selection ballot for a vacancy among its shortlisted candidates: the
// method, when it opens and closes (wall-clock times in the board's time zone), the quorum, secret
// or named, partners' votes binding or advisory, and the tie rule. The vacancy moves to
// `balloting`, so its nominations can no longer be withdrawn or screened again; a ballot whose
// opening time has come opens at once, fixing its voter roll. Refuses: anyone but the secretariat
// (403); a vacancy that is not open or in screening, or already has a ballot under way (409);
// candidates that are not the vacancy's shortlist, the wrong number of them for the method, times
// in the past or in the wrong order (422).
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { BALLOT_METHODS, ballotCandidates, ballots, TIE_RULES, vacancies } from '../../db/schema.js';
import { VACANCY_STATUS_LABELS } from '../../domain/labels.js';
import { instantOf, isLocalDateTime } from '../../domain/time-zone.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { id, list, parseForm, plainString, wholeNumber } from '../../lib/forms.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { boardToday, getSettings } from '../settings/settings.js';
import { openBallot, shortlistOfVacancy } from './open-ballot.js';
import { ballotsForVacancy, ballotToSettle } from './queries.js';

// Typed as "YYYY-MM-DD HH:MM" (the form's hint) or sent as "YYYY-MM-DDTHH:MM" (CONTRACT.md).
const localTime = (missing: string) =>
  plainString(missing)
    .trim()
    .min(1, missing)
    .transform((text) => text.replace(/^(\d{4}-\d{2}-\d{2})\s+/, '$1T'))
    .refine(isLocalDateTime, 'Enter a date and time as YYYY-MM-DD HH:MM, for example 2027-03-01 09:00.');

export const ballotForm = z.object({
  vacancyId: id('Choose the vacancy.'),
  method: z.enum(BALLOT_METHODS, { error: 'Choose how the board votes.' }),
  candidateIds: list(
    plainString('Choose the candidates.')
      .regex(/^\d{1,12}$/, 'Choose the candidates.')
      .transform(Number),
  ),
  opensAt: localTime('Enter when the ballot opens.'),
  closesAt: localTime('Enter when the ballot closes.'),
  quorumPercent: wholeNumber('the quorum', 0, 100),
  // A secret ballot is the default: only an explicit "off" makes it named.
  secret: z
    .enum(['on', 'off'], { error: 'Choose secret or named.' })
    .optional()
    .transform((value) => value !== 'off'),
  partnerVotes: z
    .enum(['binding', 'advisory'], { error: 'Choose whether partners’ votes bind.' })
    .optional()
    .transform((value) => value ?? 'binding'),
  tieRule: z
    .enum(TIE_RULES, { error: 'Choose how a tie is settled.' })
    .optional()
    .transform((value) => value ?? 'runoff'),
});

export function createBallot(
  db: Db,
  input: unknown,
  viewer: Viewer,
  now: Date,
): ActionResult<{ ballotId: number }> {
  if (!permissions.manageBallots(viewer)) return refused(403, 'Only the secretariat opens ballots.');
  const form = parseForm(ballotForm, input);
  if (!form.ok) return invalid(form.errors);
  const data = form.data;
  const actor = actorOf(viewer);

  return db.transaction((tx) => {
    const settings = getSettings(tx);
    const opensAt = instantOf(data.opensAt, settings.timeZone);
    const closesAt = instantOf(data.closesAt, settings.timeZone);
    const errors: Record<string, string> = {};
    if (closesAt <= opensAt) errors.closesAt = 'The ballot must close after it opens.';
    else if (closesAt <= now) errors.closesAt = 'The closing time has already passed.';
    const vacancy = tx.select().from(vacancies).where(eq(vacancies.id, data.vacancyId)).get();
    if (!vacancy) return refused(404, 'There is no such vacancy.');
    if (vacancy.status !== 'open' && vacancy.status !== 'screening' && vacancy.status !== 'balloting') {
      return refused(
        409,
        `A ballot cannot be opened for this vacancy: it is ${VACANCY_STATUS_LABELS[vacancy.status].toLowerCase()}.`,
      );
    }
    const pending = ballotToSettle(ballotsForVacancy(tx, vacancy.id));
    if (pending) return refused(409, `This vacancy’s ballot ${pending.id} is still to be settled.`);
    const shortlist = new Set(shortlistOfVacancy(tx, vacancy.id).map((n) => n.id));
    const chosen = [...new Set(data.candidateIds)];
    if (chosen.some((candidate) => !shortlist.has(candidate)))
      errors.candidateIds = 'Choose candidates from the vacancy’s shortlist.';
    else if (data.method === 'confirm' && chosen.length !== 1)
      errors.candidateIds = 'A yes/no ballot confirms exactly one candidate.';
    else if (data.method !== 'confirm' && chosen.length < 2)
      errors.candidateIds = 'Choose at least two candidates, or a yes/no ballot for one.';
    if (Object.keys(errors).length > 0) return invalid(errors);

    const { id: ballotId } = tx
      .insert(ballots)
      .values({
        vacancyId: vacancy.id,
        method: data.method,
        opensAt: opensAt.toISOString(),
        closesAt: closesAt.toISOString(),
        quorumPercent: data.quorumPercent,
        secret: data.secret,
        partnerVotes: data.partnerVotes,
        tieRule: data.tieRule,
        status: 'draft',
        createdBy: viewer.id,
        createdAt: now.toISOString(),
      })
      .returning({ id: ballots.id })
      .get();
    chosen.forEach((nominationId, position) => {
      tx.insert(ballotCandidates).values({ ballotId, nominationId, position }).run();
    });
    tx.update(vacancies)
      .set({ status: 'balloting' })
      .where(and(eq(vacancies.id, vacancy.id), inArray(vacancies.status, ['open', 'screening'])))
      .run();
    recordAudit(tx, {
      actor,
      action: 'ballot.create',
      subjectType: 'ballot',
      subjectId: ballotId,
      details: {
        vacancyId: vacancy.id,
        method: data.method,
        candidates: chosen,
        opensAt: opensAt.toISOString(),
        closesAt: closesAt.toISOString(),
        quorumPercent: data.quorumPercent,
        secret: data.secret,
        partnerVotes: data.partnerVotes,
        tieRule: data.tieRule,
      },
      at: now,
    });
    if (opensAt <= now) {
      const ballot = tx.select().from(ballots).where(eq(ballots.id, ballotId)).get()!;
      openBallot(tx, ballot, boardToday(settings, now), now, actor);
    }
    return ok({ ballotId });
  });
}
