// The secretariat reviews a nomination: moves a submitted nomination between eligible, ineligible
// (a reason is required) and shortlisted, in any direction, until a ballot opens. Each change is
// kept in its history with who, when and why, audited, and mailed to the nominator. The form says
// which status the reviewer saw (`from`): a nomination someone else decided on meanwhile is not
// overruled blindly. Refuses: not the secretariat (403); no such nomination (404); its vacancy
// gone to a ballot, the nomination not under review, already in that status, or changed
// meanwhile (409); no reason for ineligible (422).
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { nominations, users } from '../../db/schema.js';
import { NOMINATION_STATUS_LABELS } from '../../domain/labels.js';
import { REVIEW_DECISIONS, type ReviewDecision, reviewDecisions } from '../../domain/nomination-rules.js';
import { NOMINATION_STATUSES } from '../../domain/reference.js';
import { type ActionResult, invalid, ok, refused } from '../../lib/action-result.js';
import { optionalText, parseForm } from '../../lib/forms.js';
import { actorOf } from '../audit-log/actor.js';
import { recordAudit } from '../audit-log/audit-log.js';
import { permissions, type Viewer } from '../auth/permissions.js';
import { queueMail } from '../mail/outbox.js';
import { renderMail } from '../mail/templates.js';
import { vacancyRecord } from './nomination-checks.js';
import { recordStatusChange } from './queries.js';

const reviewForm = z
  .object({
    status: z.enum(REVIEW_DECISIONS, { error: 'Choose eligible, ineligible or shortlisted.' }),
    note: optionalText(2000),
    from: z.enum(NOMINATION_STATUSES).optional(),
  })
  .refine((form) => form.status !== 'ineligible' || form.note.length > 0, {
    path: ['note'],
    message: 'Give the reason the nomination is ineligible; the nominator will read it.',
  });

const DECISION_WORDS: Record<ReviewDecision, string> = {
  eligible: 'found eligible',
  ineligible: 'found ineligible',
  shortlisted: 'shortlisted for the selection ballot',
};

const label = (status: keyof typeof NOMINATION_STATUS_LABELS) =>
  NOMINATION_STATUS_LABELS[status].toLowerCase();

export function reviewNomination(
  db: Db,
  nominationId: number,
  input: unknown,
  viewer: Viewer,
  now: Date,
  origin: string,
): ActionResult<{ status: ReviewDecision; vacancyId: number }> {
  if (!permissions.reviewNominations(viewer))
    return refused(403, 'Only the secretariat reviews nominations.');
  const form = parseForm(reviewForm, input);
  if (!form.ok) return invalid(form.errors);
  const { status, note, from } = form.data;

  return db.transaction((tx) => {
    const nomination = tx.select().from(nominations).where(eq(nominations.id, nominationId)).get();
    if (!nomination || nomination.submittedAt === null)
      return refused(404, `There is no nomination ${nominationId}.`);
    if (from && from !== nomination.status) {
      return refused(
        409,
        `Nomination ${nominationId} was changed by someone else a moment ago: it is now ${label(nomination.status)}. Your decision was not recorded; look again and decide.`,
      );
    }
    const vacancy = vacancyRecord(tx, nomination.vacancyId)!;
    const allowed = reviewDecisions(nomination.status, vacancy.status);
    if (!allowed.includes(status)) {
      const why =
        nomination.status === status
          ? `it is already ${label(status)}`
          : allowed.length === 0 && vacancy.status === 'balloting'
            ? 'the ballot for its seat has opened'
            : `it is ${label(nomination.status)}`;
      return refused(409, `Nomination ${nominationId} cannot be marked ${label(status)}: ${why}.`);
    }
    tx.update(nominations)
      .set({ status, statusNote: note || null, updatedAt: now.toISOString() })
      .where(eq(nominations.id, nominationId))
      .run();
    recordStatusChange(tx, {
      nominationId,
      from: nomination.status,
      to: status,
      actorId: viewer.id,
      note: note || null,
      at: now,
    });
    recordAudit(tx, {
      actor: actorOf(viewer),
      action: 'nomination.review',
      subjectType: 'nomination',
      subjectId: nominationId,
      details: { from: nomination.status, to: status, note: note || null },
      at: now,
    });
    const nominator = tx.select().from(users).where(eq(users.id, nomination.nominatedBy)).get();
    if (nominator) {
      const subject = `Nomination ${nominationId}: ${nomination.nomineeName} was ${DECISION_WORDS[status]}`;
      const mail = renderMail('nomination-reviewed', {
        subject,
        name: nominator.displayName,
        nominee: nomination.nomineeName,
        city: nomination.cityName,
        decision: DECISION_WORDS[status],
        note,
        nominationId,
        origin,
      });
      queueMail(tx, { to: nominator.email, subject, kind: 'nomination:reviewed', ...mail }, now);
    }
    return ok({ status, vacancyId: nomination.vacancyId });
  });
}
