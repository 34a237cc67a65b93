// The secretariat certifies a ballot's winner (DESIGN.md, "Rules"): the winner is checked against
// the diversity rules on the projected board; a winner who breaks a rule needs a written override
// reason, kept in the audit log, and under `block` enforcement cannot be certified at all. Then,
// in one transaction: the winner's nomination `elected`, the other candidates `not_elected`, the
// vacancy `filled`, and a new term on the seat — from the vacancy's date, or today if that is
// later — recording the city as it is now; audit entries and mail to the candidates' nominators
// and the board. Refuses: anyone but the secretariat (403); a ballot without a winner, or already
// certified (409); a winner breaking a rule under `block` (409); no reason when one is needed, or
// a term the seat's rules refuse (422/409).
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import { ballots, nominations, terms, users, vacancies } from '../../db/schema.js';
import { maxIsoDate } from '../../domain/dates.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { optionalText, parseForm } from '../../lib/forms.js';
import { createInvitedAccount } from '../accounts/invite-nominator.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { queueMail } from '../mail/outbox.js';
import { renderMail } from '../mail/templates.js';
import { assessCandidates } from '../nominations/assess-candidates.js';
import { recordStatusChange } from '../nominations/queries.js';
import { boardToday, getSettings } from '../settings/settings.js';
import { checkNewTerm, insertTerm } from '../terms/start-term.js';
import { termActiveOn } from '../terms/term-active.js';
import { candidatesOf } from './queries.js';

const certifyForm = z.object({ overrideReason: optionalText(2000) });

export function certifyBallot(
  db: Db,
  ballotId: number,
  input: unknown,
  viewer: Viewer,
  options: { now: Date; origin: string },
): ActionResult<{ termId: number; nominationId: number; vacancyId: number; account: MemberAccount }> {
  if (!permissions.manageBallots(viewer)) return refused(403, 'Only the secretariat certifies a ballot.');
  const form = parseForm(certifyForm, input);
  if (!form.ok) return invalid(form.errors);
  const { now, origin } = options;
  const actor = actorOf(viewer);

  return db.transaction((tx) => {
    const ballot = tx.select().from(ballots).where(eq(ballots.id, ballotId)).get();
    if (!ballot) return refused(404, 'There is no such ballot.');
    if (ballot.status === 'certified') return refused(409, `Ballot ${ballotId} is already certified.`);
    if (ballot.status !== 'closed' || ballot.result?.outcome !== 'winner' || !ballot.result.winner)
      return refused(409, `Ballot ${ballotId} has no winner to certify.`);
    const candidates = candidatesOf(tx, ballotId);
    const winner = candidates.find((candidate) => String(candidate.id) === ballot.result!.winner)!;
    const vacancy = tx.select().from(vacancies).where(eq(vacancies.id, ballot.vacancyId)).get()!;
    if (vacancy.status !== 'balloting')
      return refused(409, 'The seat’s vacancy is no longer waiting for this ballot.');
    const settings = getSettings(tx);
    const today = boardToday(settings, now);

    const impact = assessCandidates(tx, vacancy, [winner], today, settings).get(winner.id)!.impact;
    const reason = form.data.overrideReason;
    if (impact.breaksAnyRule) {
      const rules = impact.breaches.map((breach) => breach.rule).join(', ');
      if (settings.enforcement === 'block')
        return refused(
          409,
          `${winner.nomineeName} cannot be certified: the board would break its diversity rules (${rules}), and the settings block such a winner.`,
        );
      if (!reason)
        return invalid({
          overrideReason: `${winner.nomineeName} would leave the board breaking its diversity rules (${rules}): write the reason for certifying anyway.`,
        });
    }

    const startsOn = maxIsoDate(vacancy.freeOn, today);
    const account = memberAccount(tx, winner, viewer, { publicOrigin: origin, now });
    const city = {
      cityName: winner.cityName,
      country: winner.country,
      contexts: winner.contexts,
      secondaryCity: winner.secondaryCity,
    };
    const checked = checkNewTerm(tx, {
      seatId: vacancy.seatId,
      startsOn,
      memberName: winner.nomineeName,
      city,
      termLengthMonths: settings.termLengthMonths,
      termLimit: settings.termLimit,
    });
    if (!checked.ok) return refused(409, `The new term cannot start: ${checked.message}`);
    const termId = insertTerm(
      tx,
      {
        seatId: vacancy.seatId,
        memberName: winner.nomineeName,
        city,
        userId: account.userId,
        startsOn,
        endsOn: checked.endsOn,
        termNumber: checked.termNumber,
        mandateEndsOn: winner.mandateEndsOn,
      },
      actor,
      now,
    );
    // The winner is elected; every other nomination still shortlisted for the vacancy is not,
    // whether it stood in this ballot, in an earlier one a runoff narrowed, or in none.
    const shortlisted = tx
      .select({ id: nominations.id, status: nominations.status })
      .from(nominations)
      .where(and(eq(nominations.vacancyId, vacancy.id), eq(nominations.status, 'shortlisted')))
      .all();
    for (const candidate of [winner, ...shortlisted.filter((other) => other.id !== winner.id)]) {
      const status = candidate.id === winner.id ? ('elected' as const) : ('not_elected' as const);
      tx.update(nominations)
        .set({ status, updatedAt: now.toISOString() })
        .where(eq(nominations.id, candidate.id))
        .run();
      recordStatusChange(tx, {
        nominationId: candidate.id,
        from: candidate.status,
        to: status,
        actorId: viewer.id,
        at: now,
      });
    }
    tx.update(vacancies)
      .set({ status: 'filled', filledByTermId: termId })
      .where(eq(vacancies.id, vacancy.id))
      .run();
    tx.update(ballots)
      .set({
        status: 'certified',
        certifiedAt: now.toISOString(),
        certifiedBy: viewer.id,
        overrideReason: impact.breaksAnyRule ? reason : null,
        termId,
      })
      .where(eq(ballots.id, ballotId))
      .run();
    recordAudit(tx, {
      actor,
      action: 'ballot.certify',
      subjectType: 'ballot',
      subjectId: ballotId,
      details: {
        winner: winner.id,
        termId,
        startsOn,
        endsOn: checked.endsOn,
        breaches: impact.breaches.map((breach) => breach.rule),
        overrideReason: impact.breaksAnyRule ? reason : null,
        account: account.how,
      },
      at: now,
    });
    recordAudit(tx, {
      actor,
      action: 'vacancy.fill',
      subjectType: 'vacancy',
      subjectId: vacancy.id,
      details: { termId, ballotId },
      at: now,
    });

    // The candidates' nominators, the board as it sits today, and the candidates.
    const nominators = tx
      .select({ id: users.id, email: users.email, displayName: users.displayName })
      .from(users)
      .where(
        inArray(
          users.id,
          candidates.map((candidate) => candidate.nominatedBy),
        ),
      )
      .all();
    const board = tx
      .select({ id: users.id, email: users.email, displayName: users.displayName })
      .from(terms)
      .innerJoin(users, eq(users.id, terms.userId))
      .where(and(termActiveOn(today), eq(users.disabled, false)))
      .all();
    const title = `${winner.nomineeName} (${winner.cityName}) is elected to the Leadership Board`;
    // The candidates themselves too, each once, by the e-mail their nomination gives.
    const nominees = candidates.map((candidate) => ({
      email: candidate.nomineeEmail,
      displayName: candidate.nomineeName,
    }));
    const seen = new Set<string>();
    for (const person of [...nominators, ...board, ...nominees]) {
      const address = person.email.trim().toLowerCase();
      if (seen.has(address)) continue;
      seen.add(address);
      const mail = renderMail('alert', {
        name: person.displayName,
        title: `${title}.`,
        detail: `The ballot is certified. The new term runs from ${startsOn} to ${checked.endsOn}.`,
        action: 'See the results',
        link: `/ballots/${ballotId}/results`,
        origin,
      });
      queueMail(tx, { to: address, subject: title, kind: 'ballot:certified', ...mail }, now);
    }
    return ok({ termId, nominationId: winner.id, vacancyId: vacancy.id, account: account.how });
  });
}

/** How the new term got the account its member votes with. */
export type MemberAccount = 'existing' | 'invited' | 'other-role';

/**
 * The elected mayor's account, for the new term, so that they are on the next ballot's roll: their
 * board member account if one has the nominee's e-mail; none if that e-mail belongs to an account
 * of another role (an operator's decision, not this one's); otherwise a new board member account
 * for their city, invited by e-mail like any other.
 */
function memberAccount(
  tx: Tx,
  winner: typeof nominations.$inferSelect,
  viewer: Viewer,
  options: { publicOrigin: string; now: Date },
): { userId: number | null; how: MemberAccount } {
  const email = winner.nomineeEmail.trim().toLowerCase();
  const existing = tx
    .select({ id: users.id, role: users.role })
    .from(users)
    .where(eq(users.email, email))
    .get();
  if (existing)
    return existing.role === 'board_member'
      ? { userId: existing.id, how: 'existing' }
      : { userId: null, how: 'other-role' };
  const invited = createInvitedAccount(
    tx,
    {
      name: winner.nomineeName,
      email,
      cityName: winner.cityName,
      country: winner.country,
      role: 'board_member',
    },
    viewer,
    options,
  );
  recordAudit(tx, {
    actor: actorOf(viewer),
    action: 'account.invite',
    subjectType: 'user',
    subjectId: invited.userId,
    details: {
      email,
      role: 'board_member',
      cityName: winner.cityName,
      country: winner.country,
      invitationId: invited.invitationId,
      expiresAt: invited.expiresAt,
      nominationId: winner.id,
    },
    at: options.now,
  });
  return { userId: invited.userId, how: 'invited' };
}
