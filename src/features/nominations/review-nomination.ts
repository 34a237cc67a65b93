// Screens a nomination (secretariat): moves a submitted nomination between eligible, ineligible
// (a reason is required) and shortlisted, in any direction, until a ballot opens. Each change is
// kept in its history with who, when and why, audited, and mailed to the nominator.
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { type NominationStatus, nominations, users, vacancies } from '../../db/schema.js';
import { type ActionResult, done, invalid, refused } from '../../lib/action-result.js';
import { parseForm } from '../../lib/forms.js';
import { actorOf } from '../audit/actor.js';
import { recordAudit } from '../audit/audit-log.js';
import type { SessionUser } from '../auth/sessions.js';
import { queueMail } from '../mail/outbox.js';
import { nominationById, recordStatusChange } from './queries.js';

export const SCREENING_STATUSES = ['eligible', 'ineligible', 'shortlisted'] as const;
const REVIEWABLE: NominationStatus[] = ['submitted', ...SCREENING_STATUSES];

const reviewForm = z
  .object({
    status: z.enum(SCREENING_STATUSES, { error: 'Choose eligible, ineligible or shortlisted.' }),
    note: z.string().trim().max(2000, 'Use at most 2000 characters.').optional().default(''),
  })
  .refine((form) => form.status !== 'ineligible' || form.note.length > 0, {
    path: ['note'],
    message: 'Give the reason the nomination is ineligible; the nominator will read it.',
  });

const STATUS_WORDS: Record<string, string> = {
  eligible: 'found eligible',
  ineligible: 'found ineligible',
  shortlisted: 'shortlisted for the selection ballot',
};

export function reviewNomination(
  db: Db,
  reviewer: SessionUser,
  nominationId: number,
  body: unknown,
  now: Date,
  origin: string,
): ActionResult<{ status: NominationStatus }> {
  const nomination = nominationById(db, nominationId);
  if (!nomination) return refused(404, `There is no nomination ${nominationId}.`);
  const form = parseForm(reviewForm, body);
  if (!form.ok) return invalid(form.errors);
  const { status, note } = form.data;
  if (!REVIEWABLE.includes(nomination.status)) {
    return refused(
      409,
      `Nomination ${nominationId} cannot be screened, because it is ${nomination.status.replace('_', ' ')}.`,
    );
  }
  if (nomination.status === status) return refused(409, `Nomination ${nominationId} is already ${status}.`);

  return db.transaction((tx) => {
    const vacancy = tx.select().from(vacancies).where(eq(vacancies.id, nomination.vacancyId)).get()!;
    if (vacancy.status === 'balloting' || vacancy.status === 'filled' || vacancy.status === 'cancelled') {
      return refused(
        409,
        `Nomination ${nominationId} cannot be screened any more, because its vacancy is ${vacancy.status}.`,
      );
    }
    const changed = tx
      .update(nominations)
      .set({ status, statusNote: note || null, updatedAt: now.toISOString() })
      .where(
        and(
          eq(nominations.id, nominationId),
          inArray(nominations.status, REVIEWABLE),
          eq(nominations.status, nomination.status),
        ),
      )
      .run();
    if (changed.changes === 0)
      return refused(
        409,
        `Nomination ${nominationId} was changed by someone else a moment ago; reload the queue.`,
      );
    recordStatusChange(tx, {
      nominationId,
      from: nomination.status,
      to: status,
      actorId: reviewer.id,
      note: note || null,
      at: now,
    });
    recordAudit(tx, {
      actor: actorOf(reviewer),
      action: 'nomination.review',
      subjectType: 'nomination',
      subjectId: nominationId,
      details: { from: nomination.status, to: status, note: note || null },
      at: now,
    });
    const nominator = tx.select().from(users).where(eq(users.id, nomination.nominatedBy)).get();
    if (nominator) {
      queueMail(
        tx,
        {
          to: nominator.email,
          subject: `Nomination ${nominationId}: ${nomination.nomineeName} was ${STATUS_WORDS[status]}`,
          text: `Dear ${nominator.displayName},\n\nYour nomination of ${nomination.nomineeName} (${nomination.cityName}) was ${STATUS_WORDS[status]}.${note ? `\n\nThe secretariat's note: ${note}` : ''}\n\nSee it at ${origin}/nominations/${nominationId}\n\nThe council secretariat`,
        },
        now,
      );
    }
    return done({ status });
  });
}
