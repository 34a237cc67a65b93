// Settling a tie by the ballot's tie rule (DESIGN.md, "Ballots"): under `chair`, the secretariat
// records the chair's casting vote between the tied candidates; under `runoff`, one click opens a
// new ballot among them with the same settings. Refuses: anyone but the secretariat (403); a
// ballot whose outcome is not a tie under that rule, or already settled (409); a casting vote for
// someone who was not tied (422).
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { ballotCandidates, ballots } from '../../db/schema.js';
import { applyCastingVote } from '../../domain/tally.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { id, parseForm } from '../../lib/forms.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { boardToday, getSettings } from '../settings/settings.js';
import { openBallot } from './open-ballot.js';

const castingVoteForm = z.object({ nominationId: id('Choose the candidate the chair votes for.') });

export function recordCastingVote(
  db: Db,
  ballotId: number,
  input: unknown,
  viewer: Viewer,
  now: Date,
): ActionResult<{ winner: string }> {
  if (!permissions.manageBallots(viewer))
    return refused(403, 'Only the secretariat records the chair’s casting vote.');
  const form = parseForm(castingVoteForm, input);
  if (!form.ok) return invalid(form.errors);
  return db.transaction((tx) => {
    const ballot = tx.select().from(ballots).where(eq(ballots.id, ballotId)).get();
    if (!ballot) return refused(404, 'There is no such ballot.');
    if (ballot.castingVote !== null) return refused(409, 'The chair’s casting vote is already recorded.');
    if (ballot.status !== 'closed' || ballot.result?.outcome !== 'tie' || ballot.tieRule !== 'chair')
      return refused(409, 'There is no tie for the chair to settle on this ballot.');
    const settled = applyCastingVote(
      { ...ballot.result, castingVote: null, draws: ballot.result.draws as never },
      String(form.data.nominationId),
    );
    if (!settled.ok) return invalid({ nominationId: 'The chair votes for one of the tied candidates.' });
    tx.update(ballots)
      .set({
        castingVote: form.data.nominationId,
        result: { ...ballot.result, outcome: 'winner', winner: settled.result.winner },
      })
      .where(eq(ballots.id, ballotId))
      .run();
    recordAudit(tx, {
      actor: actorOf(viewer),
      action: 'ballot.casting_vote',
      subjectType: 'ballot',
      subjectId: ballotId,
      details: { nominationId: form.data.nominationId, tied: ballot.result.tied },
      at: now,
    });
    return ok({ winner: String(form.data.nominationId) });
  });
}

export function startRunoff(
  db: Db,
  ballotId: number,
  viewer: Viewer,
  now: Date,
): ActionResult<{ ballotId: number }> {
  if (!permissions.manageBallots(viewer)) return refused(403, 'Only the secretariat opens a ballot.');
  return db.transaction((tx) => {
    const ballot = tx.select().from(ballots).where(eq(ballots.id, ballotId)).get();
    if (!ballot) return refused(404, 'There is no such ballot.');
    if (ballot.status !== 'closed' || ballot.result?.outcome !== 'tie' || ballot.tieRule !== 'runoff')
      return refused(
        409,
        'A new ballot among the tied is for a ballot that ended in a tie under the runoff rule.',
      );
    const already = tx.select({ id: ballots.id }).from(ballots).where(eq(ballots.runoffOf, ballotId)).get();
    if (already) return refused(409, `The new ballot among the tied is already open: ballot ${already.id}.`);
    // The same settings and the same length of time, from now.
    const length = new Date(ballot.closesAt).getTime() - new Date(ballot.opensAt).getTime();
    const { id: runoffId } = tx
      .insert(ballots)
      .values({
        vacancyId: ballot.vacancyId,
        method: ballot.result.tied.length === 2 && ballot.method === 'approval' ? 'single' : ballot.method,
        opensAt: now.toISOString(),
        closesAt: new Date(now.getTime() + length).toISOString(),
        quorumPercent: ballot.quorumPercent,
        secret: ballot.secret,
        partnerVotes: ballot.partnerVotes,
        tieRule: ballot.tieRule,
        status: 'draft',
        runoffOf: ballotId,
        createdBy: viewer.id,
        createdAt: now.toISOString(),
      })
      .returning({ id: ballots.id })
      .get();
    ballot.result.tied.forEach((nominationId, position) => {
      tx.insert(ballotCandidates)
        .values({ ballotId: runoffId, nominationId: Number(nominationId), position })
        .run();
    });
    recordAudit(tx, {
      actor: actorOf(viewer),
      action: 'ballot.runoff',
      subjectType: 'ballot',
      subjectId: runoffId,
      details: { runoffOf: ballotId, candidates: ballot.result.tied },
      at: now,
    });
    const runoff = tx.select().from(ballots).where(eq(ballots.id, runoffId)).get()!;
    openBallot(tx, runoff, boardToday(getSettings(tx), now), now, actorOf(viewer));
    return ok({ ballotId: runoffId });
  });
}
