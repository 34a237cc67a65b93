// Selection ballots: opening one from a vacancy's page, the ballot page (each candidate's dossier
// and diversity impact, the vote form, recusal), the confirmation step and the receipt shown once,
// closing early, settling a tie, certifying, the results with every counted receipt, the ballots
// file for a recount, and the meeting's live view.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { daysBetween } from '../../domain/dates.js';
import { wallClockText } from '../../domain/time-zone.js';
import { type FieldErrors, type FormValues, keptInput } from '../../lib/forms.js';
import { deriveKey, sign, signatureMatches } from '../../lib/server-secret.js';
import { answer, sendRefusal, withPathId } from '../../plugins/answer.js';
import { canSeeBallot, permissions, type Viewer } from '../auth/permissions.js';
import { assessCandidates } from '../nominations/assess-candidates.js';
import { getSettings } from '../settings/settings.js';
import { type CandidatesSection, vacancyPage } from '../vacancies/vacancy-page.js';
import { ballotsFile, candidateNames } from './ballots-file.js';
import { castVote, voterMayVote } from './cast-vote.js';
import { certifyBallot, type MemberAccount } from './certify-ballot.js';
import { closeBallot } from './close-ballot.js';
import { createBallot } from './create-ballot.js';
import {
  type BallotRecord,
  ballotById,
  candidatesOf,
  rollEntry,
  turnoutOf,
  vacancyOfBallot,
  voterNames,
  votesOf,
} from './queries.js';
import { recuseFromBallot } from './recuse.js';
import { recordCastingVote, startRunoff } from './settle-tie.js';
import { readVote } from './vote-form.js';

type IdParams = { Params: { id: string } };

const RECEIPT_COOKIE_SECONDS = 10 * 60;

export interface BallotRoutesOptions {
  /** The vacancy page's sections, for showing it again with the ballot form's messages. */
  vacancySections: CandidatesSection;
}

const CERTIFIED_ACCOUNT: Record<MemberAccount, string> = {
  existing: 'Their board member account is linked to the term, so they vote in the next ballot.',
  invited:
    'A board member account was created for them and an invitation e-mailed, so they vote in the next ballot.',
  'other-role':
    'Their e-mail belongs to an account of another role, so the term has no account to vote with: an operator must resolve it.',
};

export default async function ballotRoutes(app: FastifyInstance, options: BallotRoutesOptions) {
  const receiptKey = deriveKey(app.serverSecret, 'vote-receipt');
  const loggedIn = { preHandler: app.requireLogin };
  const cached = { preHandler: app.requireLogin, config: { pageCache: true } };

  /** The ballot if this viewer may see it (the app's preHandler has brought it up to the clock). */
  function visibleBallot(viewer: Viewer, ballotId: number): BallotRecord | null {
    const ballot = ballotById(app.db, ballotId);
    if (!ballot) return null;
    return canSeeBallot(viewer, ballot, Boolean(rollEntry(app.db, ballotId, viewer.id))) ? ballot : null;
  }

  const noSuchBallot = (reply: FastifyReply) =>
    sendRefusal(reply, { status: 404, message: 'There is no such ballot, or it is not yours to see.' });

  function ballotPage(
    request: FastifyRequest,
    reply: FastifyReply,
    ballot: BallotRecord,
    form: {
      values?: FormValues;
      errors?: FieldErrors;
      certify?: { values: FormValues; errors: FieldErrors };
    } = {},
    status = 200,
  ) {
    const viewer = request.viewer!;
    const settings = getSettings(app.db);
    const today = app.today();
    const { vacancy, seatNumber } = vacancyOfBallot(app.db, ballot);
    const candidates = candidatesOf(app.db, ballot.id);
    const assessments = assessCandidates(app.db, vacancy, candidates, today, settings);
    const entry = rollEntry(app.db, ballot.id, viewer.id);
    const open = ballot.status === 'open';
    return reply.page(
      'ballots/show',
      {
        title: `Ballot for seat ${seatNumber}`,
        ballot,
        vacancy,
        seatNumber,
        candidates: candidates.map((nomination) => ({
          nomination,
          assessment: assessments.get(nomination.id)!,
        })),
        entry,
        mayVote: open && entry !== undefined && !entry.voted && !entry.recusal,
        turnout: permissions.manageBallots(viewer) ? turnoutOf(app.db, ballot.id) : null,
        opensAt: wallClockText(ballot.opensAt, settings.timeZone),
        closesAt: wallClockText(ballot.closesAt, settings.timeZone),
        timeZone: settings.timeZone,
        values: form.values ?? {},
        errors: form.errors ?? {},
        certify: form.certify ?? { values: {}, errors: {} },
        winner: ballot.result?.winner
          ? candidates.find((candidate) => String(candidate.id) === ballot.result!.winner)
          : null,
        winnerImpact: ballot.result?.winner ? assessments.get(Number(ballot.result.winner))?.impact : null,
        enforcement: settings.enforcement,
        daysBetween,
        today,
      },
      status,
    );
  }

  // --- Opening a ballot, from the vacancy's page ---------------------------------------------
  app.post('/ballots', { preHandler: app.requirePermission('manageBallots') }, async (request, reply) =>
    answer(reply, createBallot(app.db, request.body, request.viewer!, app.clock()), {
      ok: ({ ballotId }) => reply.flash('The ballot is set up.').seeOther(`/ballots/${ballotId}`),
      invalid: (errors) => {
        const values = keptInput(request.body);
        const vacancyId = Number(values.vacancyId);
        const data = Number.isInteger(vacancyId)
          ? vacancyPage(app.db, request.viewer!, vacancyId, app.today(), options.vacancySections, {
              extra: { ballotForm: { values, errors } },
            })
          : null;
        if (!data) return sendRefusal(reply, { status: 422, message: Object.values(errors).join(' ') });
        return reply.page('vacancies/show', data, 422);
      },
    }),
  );

  // --- The ballot page and voting ---------------------------------------------------------------
  app.get<IdParams>('/ballots/:id', cached, async (request, reply) =>
    withPathId(reply, request.params.id, 'ballot', (id) => {
      const ballot = visibleBallot(request.viewer!, id);
      return ballot ? ballotPage(request, reply, ballot) : noSuchBallot(reply);
    }),
  );

  /** The confirmation step: the choices as read, before the vote is cast. Changes nothing. */
  app.post<IdParams>('/ballots/:id/confirm', loggedIn, async (request, reply) =>
    withPathId(reply, request.params.id, 'ballot', (id) => {
      const ballot = visibleBallot(request.viewer!, id);
      if (!ballot) return noSuchBallot(reply);
      const allowed = voterMayVote(ballot, rollEntry(app.db, id, request.viewer!.id), app.clock());
      if (!allowed.ok)
        return sendRefusal(reply, {
          ...allowed,
          link: { href: `/ballots/${id}`, text: 'Back to the ballot' },
        });
      const candidates = candidatesOf(app.db, id);
      const reading = readVote(
        ballot.method,
        candidates.map((n) => n.id),
        request.body,
      );
      if (!reading.ok)
        return ballotPage(
          request,
          reply,
          ballot,
          { values: keptInput(request.body), errors: reading.errors },
          422,
        );
      const names = candidateNames(app.db, id);
      return reply.page('ballots/confirm', {
        title: 'Check your vote',
        ballot,
        choices: reading.choices.map((choice) => names.get(choice) ?? choice),
        abstain: reading.abstain,
        fields: Object.entries(keptInput(request.body)).flatMap(([name, value]) =>
          (Array.isArray(value) ? value : [value]).map((item) => ({ name, value: String(item) })),
        ),
      });
    }),
  );

  app.post<IdParams>('/ballots/:id/votes', loggedIn, async (request, reply) =>
    withPathId(reply, request.params.id, 'ballot', (id) => {
      if (!visibleBallot(request.viewer!, id)) return noSuchBallot(reply);
      return answer(reply, castVote(app.db, id, request.body, request.viewer!, app.clock()), {
        ok: ({ receipt }) => {
          // The receipt is shown once: it travels to the next page in a short-lived signed cookie
          // and is stored nowhere that leads back to the voter.
          const value = `${receipt}.${sign(receiptKey, `${id}:${request.viewer!.id}:${receipt}`)}`;
          reply.setCookie(`receipt-${id}`, value, {
            path: `/ballots/${id}`,
            httpOnly: true,
            sameSite: 'strict',
            secure: app.config.production,
            maxAge: RECEIPT_COOKIE_SECONDS,
          });
          return reply.seeOther(`/ballots/${id}/receipt`);
        },
        invalid: (errors) => {
          const ballot = ballotById(app.db, id);
          return ballot
            ? ballotPage(request, reply, ballot, { values: keptInput(request.body), errors }, 422)
            : noSuchBallot(reply);
        },
      });
    }),
  );

  app.get<IdParams>('/ballots/:id/receipt', loggedIn, async (request, reply) =>
    withPathId(reply, request.params.id, 'ballot', (id) => {
      const ballot = visibleBallot(request.viewer!, id);
      if (!ballot) return noSuchBallot(reply);
      const entry = rollEntry(app.db, id, request.viewer!.id);
      if (!entry?.voted)
        return sendRefusal(reply, {
          status: entry ? 409 : 403,
          message: entry
            ? 'You have not voted in this ballot, so there is no receipt to show.'
            : 'You are not on this ballot’s voter roll, so there is no receipt to show.',
          link: { href: `/ballots/${id}`, text: 'Back to the ballot' },
        });
      const raw = request.cookies[`receipt-${id}`];
      reply.clearCookie(`receipt-${id}`, { path: `/ballots/${id}` });
      const [receipt, signature] = (raw ?? '').split('.');
      const genuine =
        receipt &&
        signature &&
        signatureMatches(receiptKey, `${id}:${request.viewer!.id}:${receipt}`, signature);
      return reply.page('ballots/receipt', {
        title: 'Your vote is recorded',
        ballot,
        receipt: genuine ? receipt : null,
      });
    }),
  );

  app.post<IdParams>('/ballots/:id/recuse', loggedIn, async (request, reply) =>
    withPathId(reply, request.params.id, 'ballot', (id) => {
      if (!visibleBallot(request.viewer!, id)) return noSuchBallot(reply);
      return answer(reply, recuseFromBallot(app.db, id, request.body, request.viewer!, app.clock()), {
        ok: () => reply.flash('You are recused from this ballot.', 'info').seeOther(`/ballots/${id}`),
        invalid: (errors) => {
          const ballot = ballotById(app.db, id);
          return ballot
            ? ballotPage(request, reply, ballot, { values: keptInput(request.body), errors }, 422)
            : noSuchBallot(reply);
        },
      });
    }),
  );

  // --- The secretariat: closing, ties, certification ----------------------------------------
  const manage = { preHandler: app.requirePermission('manageBallots') };

  app.post<IdParams>('/ballots/:id/close', manage, async (request, reply) =>
    withPathId(reply, request.params.id, 'ballot', (id) =>
      answer(reply, closeBallot(app.db, id, request.viewer!, app.clock()), {
        ok: () => reply.flash('The ballot is closed and counted.').seeOther(`/ballots/${id}/results`),
      }),
    ),
  );

  app.post<IdParams>('/ballots/:id/casting-vote', manage, async (request, reply) =>
    withPathId(reply, request.params.id, 'ballot', (id) =>
      answer(reply, recordCastingVote(app.db, id, request.body, request.viewer!, app.clock()), {
        ok: () => reply.flash('The chair’s casting vote is recorded.').seeOther(`/ballots/${id}/results`),
      }),
    ),
  );

  app.post<IdParams>('/ballots/:id/runoff', manage, async (request, reply) =>
    withPathId(reply, request.params.id, 'ballot', (id) =>
      answer(reply, startRunoff(app.db, id, request.viewer!, app.clock()), {
        ok: ({ ballotId }) =>
          reply.flash('A new ballot among the tied candidates is open.').seeOther(`/ballots/${ballotId}`),
      }),
    ),
  );

  app.post<IdParams>('/ballots/:id/certify', manage, async (request, reply) =>
    withPathId(reply, request.params.id, 'ballot', (id) =>
      answer(
        reply,
        certifyBallot(app.db, id, request.body, request.viewer!, {
          now: app.clock(),
          origin: app.config.publicOrigin,
        }),
        {
          ok: ({ vacancyId, account }) =>
            reply
              .flash(
                `The winner is certified and the new term has started on the seat. ${CERTIFIED_ACCOUNT[account]}`,
              )
              .seeOther(`/vacancies/${vacancyId}`),
          invalid: (errors) => {
            const ballot = ballotById(app.db, id);
            return ballot
              ? ballotPage(
                  request,
                  reply,
                  ballot,
                  { certify: { values: keptInput(request.body), errors } },
                  422,
                )
              : noSuchBallot(reply);
          },
        },
      ),
    ),
  );

  // --- Results, the recount file, the live view ---------------------------------------------
  function closedBallot(
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    then: (ballot: BallotRecord) => FastifyReply,
  ) {
    return withPathId(reply, request.params.id, 'ballot', (id) => {
      const ballot = visibleBallot(request.viewer!, id);
      if (!ballot) return noSuchBallot(reply);
      if (ballot.status !== 'closed' && ballot.status !== 'certified')
        return sendRefusal(reply, {
          status: 409,
          message: 'The results are shown once the ballot has closed; no one sees them before.',
          link: { href: `/ballots/${id}`, text: 'Back to the ballot' },
        });
      return then(ballot);
    });
  }

  app.get<IdParams>('/ballots/:id/results', cached, async (request, reply) =>
    closedBallot(request, reply, (ballot) => {
      const { vacancy, seatNumber } = vacancyOfBallot(app.db, ballot);
      const names = candidateNames(app.db, ballot.id);
      const settings = getSettings(app.db);
      return reply.page('ballots/results', {
        title: `Results of the ballot for seat ${seatNumber}`,
        ballot,
        vacancy,
        seatNumber,
        result: ballot.result!,
        names,
        nameOf: (key: string) => names.get(key) ?? key,
        votes: votesOf(app.db, ballot.id),
        // A named ballot shows who cast each vote; a secret one stores no voter to show.
        voterName: voterNames(app.db, ballot),
        turnout: turnoutOf(app.db, ballot.id),
        closedAt: wallClockText(ballot.closedAt!, settings.timeZone),
        timeZone: settings.timeZone,
      });
    }),
  );

  app.get<IdParams>('/ballots/:id/ballots.json', loggedIn, async (request, reply) =>
    closedBallot(request, reply, (ballot) =>
      reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="ballot-${ballot.id}-ballots.json"`)
        .send(`${JSON.stringify(ballotsFile(app.db, ballot), null, 2)}\n`),
    ),
  );

  function liveData(ballot: BallotRecord) {
    const names = candidateNames(app.db, ballot.id);
    return { ballot, turnout: turnoutOf(app.db, ballot.id), nameOf: (key: string) => names.get(key) ?? key };
  }

  app.get<IdParams>('/ballots/:id/live', loggedIn, async (request, reply) =>
    withPathId(reply, request.params.id, 'ballot', (id) => {
      const ballot = visibleBallot(request.viewer!, id);
      if (!ballot) return noSuchBallot(reply);
      const { seatNumber } = vacancyOfBallot(app.db, ballot);
      return reply.page('ballots/live', {
        title: `Live: the ballot for seat ${seatNumber}`,
        // The turnout refreshes itself with htmx while the ballot is open.
        usesHtmx: true,
        seatNumber,
        ...liveData(ballot),
      });
    }),
  );

  /** What the live view polls: a few hundred bytes, turnout while open, the result once closed. */
  app.get<IdParams>('/ballots/:id/live/status', loggedIn, async (request, reply) =>
    withPathId(reply, request.params.id, 'ballot', (id) => {
      const ballot = visibleBallot(request.viewer!, id);
      if (!ballot) return noSuchBallot(reply);
      return reply.fragment('ballots/_live-status', liveData(ballot));
    }),
  );
}
