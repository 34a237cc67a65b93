// Nominations: the nominator's form (drafts, submission, withdrawal), each nomination's page, the
// list, the secretariat's review (in place with htmx, or a whole page without JavaScript), the
// supporting document, and the review queue's CSV export.
import fs from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { COUNTRIES, regionOf } from '../../domain/countries.js';
import { NOMINATION_STATUS_LABELS } from '../../domain/labels.js';
import { canWithdraw } from '../../domain/nomination-rules.js';
import { MIGRATION_CONTEXTS } from '../../domain/reference.js';
import { wallClockText } from '../../domain/time-zone.js';
import type { Refused } from '../../lib/action-result.js';
import { csvResponse } from '../../lib/csv.js';
import { type FieldErrors, type FormValues, firstValue, idFromPath, keptInput } from '../../lib/forms.js';
import { answer, sendRefusal, withPathId } from '../../plugins/answer.js';
import { canSeeNomination, type Viewer } from '../auth/permissions.js';
import { cityById } from '../cities/queries.js';
import { getSettings } from '../settings/settings.js';
import { openVacancies, type VacancyRecord, vacancyById } from '../vacancies/queries.js';
import { type CandidatesSection, vacancyPage } from '../vacancies/vacancy-page.js';
import { documentPath, downloadName } from './documents.js';
import { nominationWindowRefusal } from './nomination-checks.js';
import { MAX_STATEMENT_LENGTH } from './nomination-form.js';
import {
  type BallotWindow,
  ballotWindowOf,
  draftOf,
  liveNominationOfCity,
  type NominationRecord,
  nominationFor,
  nominationHistory,
  nominationPage,
  nominatorOf,
} from './queries.js';
import { reviewNomination } from './review-nomination.js';
import { reviewQueue, reviewRow } from './review-queue.js';
import { submitNomination } from './submit-nomination.js';
import { updateNomination } from './update-nomination.js';
import { withdrawNomination } from './withdraw-nomination.js';

type IdParams = { Params: { id: string } };

/** When the vacancy's vote opens or closes, for its candidates' nominators; nothing once it is over. */
function voteWindowText(ballot: BallotWindow | undefined, timeZone: string): string {
  if (ballot?.status === 'draft')
    return `The vote opens on ${wallClockText(ballot.opensAt, timeZone)} and closes on ${wallClockText(ballot.closesAt, timeZone)} (${timeZone} time).`;
  if (ballot?.status === 'open')
    return `The vote closes on ${wallClockText(ballot.closesAt, timeZone)} (${timeZone} time).`;
  return '';
}

/** What the nominator can expect next, with dates, in plain words. */
function nextStep(
  nomination: NominationRecord,
  vacancy: VacancyRecord,
  timeZone: string,
  /** The vacancy's ballot, read while the vacancy is balloting. */
  ballot: BallotWindow | undefined,
): string {
  const closes = vacancy.nominationDeadline
    ? `nominations close on ${vacancy.nominationDeadline} (at the end of the day, ${timeZone} time)`
    : 'nominations close';
  switch (nomination.status) {
    case 'draft':
      return `This draft is private to you: the secretariat cannot see it yet. Submit it before ${closes}.`;
    case 'submitted':
      return `The secretariat checks each nomination and decides which go to the board’s vote. This happens after ${closes}. You will get an e-mail each time the status changes.`;
    case 'eligible':
      return 'The secretariat found the nomination eligible. Next, it chooses the candidates for the board’s vote (the shortlist). You will get an e-mail.';
    case 'ineligible':
      return 'The secretariat found the nomination ineligible; the reason is above. If you think this is a mistake, write to the secretariat: the decision can change until the board’s vote opens.';
    case 'shortlisted':
      return vacancy.status === 'balloting'
        ? [
            `${nomination.nomineeName} is a candidate in the board’s vote.`,
            voteWindowText(ballot, timeZone),
            'You will get an e-mail with the result.',
          ]
            .filter(Boolean)
            .join(' ')
        : `${nomination.nomineeName} is on the shortlist. The board members and partner organisations will choose among the shortlisted candidates in a vote. You will get an e-mail when it opens and when the result is certified.`;
    case 'elected':
      return `${nomination.nomineeName} was elected to the board. The term has started on the seat.`;
    case 'not_elected':
      return 'The board chose another candidate for this seat. Thank you for taking part; your city can nominate again when another seat falls vacant.';
    case 'withdrawn':
      return 'You withdrew this nomination. It is no longer considered.';
  }
}

export interface NominationRoutesOptions {
  /** The vacancy page's sections, for showing it again with a refused decision in place. */
  vacancySections: CandidatesSection;
}

export default async function nominationRoutes(app: FastifyInstance, options: NominationRoutesOptions) {
  const candidates = options.vacancySections;
  const context = () => ({ now: app.clock(), dataDir: app.config.dataDir, origin: app.config.publicOrigin });

  /** A nominator nominates for their own city: the form starts with it filled in. */
  function ownCityValues(viewer: Viewer): FormValues {
    const city = cityById(app.db, viewer.cityId);
    return city
      ? {
          cityName: city.name,
          country: city.country,
          migrationContexts: city.contexts,
          secondaryCity: city.secondaryCity,
        }
      : {};
  }

  function formPage(
    reply: FastifyReply,
    options: {
      vacancyId: number | null;
      nominationId?: number;
      values: FormValues;
      errors: FieldErrors;
      refusal?: Refused;
      status?: number;
    },
  ) {
    const vacancy = options.vacancyId === null ? undefined : vacancyById(app.db, options.vacancyId);
    const values = options.values;
    const ownCity = cityById(app.db, reply.request.viewer?.cityId ?? null);
    const contexts = values.migrationContexts;
    return reply.page(
      'nominations/new',
      {
        title: options.nominationId ? `Edit nomination ${options.nominationId}` : 'Nominate a mayor',
        vacancy: vacancy?.vacancy.status === 'open' || options.nominationId ? vacancy : undefined,
        openVacancies: openVacancies(app.db),
        nominationId: options.nominationId,
        values: {
          ...values,
          migrationContexts: Array.isArray(contexts) ? contexts : contexts ? [contexts] : [],
          secondaryCity: values.secondaryCity === true || values.secondaryCity === 'on',
          consent: values.consent === true || values.consent === 'on',
        },
        errors: options.errors,
        refusal: options.refusal,
        countries: COUNTRIES,
        contexts: MIGRATION_CONTEXTS,
        maxStatement: MAX_STATEMENT_LENGTH,
        termLengthMonths: getSettings(app.db).termLengthMonths,
        region: typeof values.country === 'string' ? regionOf(values.country) : undefined,
        titleExample: ownCity ? `Mayor of ${ownCity.name}` : 'Mayor',
      },
      options.status ?? 200,
    );
  }

  /** After a nomination form is posted: on to the nomination, or the form again with what is wrong. */
  function answerForm(
    request: FastifyRequest,
    reply: FastifyReply,
    result: Parameters<typeof answer<{ nominationId: number; status: string }>>[1],
    page: { vacancyId: number | null; nominationId?: number },
  ) {
    const values = keptInput(request.body);
    return answer(reply, result, {
      ok: ({ nominationId, status }) =>
        reply
          .flash(
            status === 'draft'
              ? 'Your draft is saved. Submit it when the nominee has consented.'
              : 'Your nomination is submitted. The secretariat will screen it.',
          )
          .seeOther(`/nominations/${nominationId}`),
      invalid: (errors) => formPage(reply, { ...page, values, errors, status: 422 }),
      refused: (refusal) =>
        refusal.status === 409 && page.vacancyId !== null
          ? formPage(reply, { ...page, values, errors: {}, refusal, status: 409 })
          : null,
    });
  }

  app.get<{ Querystring: { page?: string } }>(
    '/nominations',
    { preHandler: app.requirePermission('viewNominations'), config: { pageCache: true } },
    async (request, reply) => {
      const page = Math.min(10_000, Math.max(1, Number.parseInt(firstValue(request.query.page), 10) || 1));
      return reply.page('nominations/list', {
        title: 'Nominations',
        ...nominationPage(app.db, request.viewer!, page),
      });
    },
  );

  app.get<{ Querystring: { vacancyId?: string } }>(
    '/nominations/new',
    { preHandler: app.requirePermission('submitNominations') },
    async (request, reply) => {
      const viewer = request.viewer!;
      const vacancyId = idFromPath(firstValue(request.query.vacancyId));
      // Without a vacancy, the form asks which seat the nomination is for.
      if (vacancyId === null)
        return formPage(reply, { vacancyId: null, values: ownCityValues(viewer), errors: {} });
      const vacancy = vacancyById(app.db, vacancyId);
      const closed = nominationWindowRefusal(vacancy?.vacancy, app.today());
      if (closed) return sendRefusal(reply, closed);
      const draft = draftOf(app.db, vacancyId, viewer.id);
      if (draft)
        return reply
          .flash('You have a draft for this seat: here it is.', 'info')
          .seeOther(`/nominations/${draft.id}/edit`);
      const city = cityById(app.db, viewer.cityId);
      const existing = city ? liveNominationOfCity(app.db, vacancyId, city.cityKey) : undefined;
      if (existing) {
        if (canSeeNomination(viewer, existing))
          return reply
            .flash('Your city has already nominated for this seat: here is the nomination.', 'info')
            .seeOther(`/nominations/${existing.id}`);
        return sendRefusal(reply, {
          status: 409,
          message: `Your city, ${city!.name}, already has a nomination for this seat. A city is nominated once per vacancy.`,
        });
      }
      return formPage(reply, {
        vacancyId,
        values: { statement: '', nomineeTitle: '', ...ownCityValues(viewer) },
        errors: {},
      });
    },
  );

  app.post(
    '/nominations',
    { preHandler: app.requirePermission('submitNominations') },
    async (request, reply) => {
      const result = submitNomination(app.db, request.body, request.viewer!, context());
      const vacancyId = idFromPath(firstValue(keptInput(request.body).vacancyId));
      return answerForm(request, reply, result, { vacancyId });
    },
  );

  app.get<IdParams>(
    '/nominations/:id',
    { preHandler: app.requirePermission('viewNominations') },
    async (request, reply) =>
      withPathId(reply, request.params.id, 'nomination', (id) => {
        const viewer = request.viewer!;
        const nomination = nominationFor(app.db, id, viewer);
        if (!nomination)
          return sendRefusal(reply, {
            status: 404,
            message: 'There is no such nomination, or it is not yours to see.',
          });
        const vacancy = vacancyById(app.db, nomination.vacancyId)!;
        const isOwner = nomination.nominatedBy === viewer.id;
        const row =
          viewer.role === 'nominator'
            ? null
            : reviewRow(app.db, viewer, vacancy.vacancy, nomination, app.today(), getSettings(app.db));
        return reply.page('nominations/show', {
          title: `Nomination of ${nomination.nomineeName}`,
          nomination,
          vacancy,
          region: regionOf(nomination.country),
          history: nominationHistory(app.db, nomination.id),
          nominator: nominatorOf(app.db, nomination.nominatedBy),
          assessment: row?.assessment ?? null,
          isOwner,
          nextStep: isOwner
            ? nextStep(
                nomination,
                vacancy.vacancy,
                getSettings(app.db).timeZone,
                vacancy.vacancy.status === 'balloting'
                  ? ballotWindowOf(app.db, vacancy.vacancy.id)
                  : undefined,
              )
            : null,
          decisions: row?.decisions ?? [],
          canWithdraw: isOwner && canWithdraw(nomination.status, vacancy.vacancy.status),
        });
      }),
  );

  app.get<IdParams>(
    '/nominations/:id/edit',
    { preHandler: app.requirePermission('submitNominations') },
    async (request, reply) =>
      withPathId(reply, request.params.id, 'nomination', (id) => {
        const nomination = nominationFor(app.db, id, request.viewer!);
        if (!nomination || nomination.nominatedBy !== request.viewer!.id)
          return sendRefusal(reply, { status: 404, message: 'There is no such nomination of yours.' });
        if (nomination.status !== 'draft')
          return sendRefusal(reply, {
            status: 409,
            message: `Nomination ${nomination.id} is ${NOMINATION_STATUS_LABELS[nomination.status].toLowerCase()}; only a draft can be edited.`,
            link: { href: `/nominations/${nomination.id}`, text: 'See the nomination' },
          });
        return formPage(reply, {
          vacancyId: nomination.vacancyId,
          nominationId: nomination.id,
          values: {
            ...nomination,
            migrationContexts: nomination.contexts,
            vacancyId: String(nomination.vacancyId),
          },
          errors: {},
        });
      }),
  );

  app.post<IdParams>(
    '/nominations/:id',
    { preHandler: app.requirePermission('submitNominations') },
    async (request, reply) =>
      withPathId(reply, request.params.id, 'nomination', (nominationId) => {
        const result = updateNomination(app.db, nominationId, request.body, request.viewer!, context());
        const draft = nominationFor(app.db, nominationId, request.viewer!);
        // A nomination no longer a draft has no form to come back to: the refusal is the page.
        if (!result.ok && result.status === 409 && draft?.status !== 'draft')
          return sendRefusal(reply, result);
        return answerForm(request, reply, result, { vacancyId: draft?.vacancyId ?? null, nominationId });
      }),
  );

  /** The confirmation step before a withdrawal, for a browser without JavaScript. Changes nothing. */
  app.get<IdParams>(
    '/nominations/:id/withdraw',
    { preHandler: app.requirePermission('submitNominations') },
    async (request, reply) =>
      withPathId(reply, request.params.id, 'nomination', (id) => {
        const nomination = nominationFor(app.db, id, request.viewer!);
        if (!nomination || nomination.nominatedBy !== request.viewer!.id)
          return sendRefusal(reply, { status: 404, message: 'There is no such nomination of yours.' });
        const vacancy = vacancyById(app.db, nomination.vacancyId)!;
        if (!canWithdraw(nomination.status, vacancy.vacancy.status))
          return sendRefusal(reply, {
            status: 409,
            message: `Nomination ${id} can no longer be withdrawn.`,
            link: { href: `/nominations/${id}`, text: 'See the nomination' },
          });
        return reply.page('nominations/withdraw', {
          title: `Withdraw the nomination of ${nomination.nomineeName}?`,
          nomination,
          seatNumber: vacancy.seatNumber,
        });
      }),
  );

  app.post<IdParams>(
    '/nominations/:id/withdraw',
    { preHandler: app.requirePermission('submitNominations') },
    async (request, reply) =>
      withPathId(reply, request.params.id, 'nomination', (id) =>
        answer(reply, withdrawNomination(app.db, id, request.viewer!, app.clock()), {
          ok: () => reply.flash('The nomination is withdrawn.', 'info').seeOther(`/nominations/${id}`),
        }),
      ),
  );

  /** The vacancy page again, with a refused or invalid decision shown beside its row. */
  function vacancyPageWithReview(
    request: FastifyRequest,
    reply: FastifyReply,
    vacancy: VacancyRecord,
    review: { nominationId: number; values: FormValues; errors: FieldErrors; refusal?: string },
    status: number,
  ) {
    const data = vacancyPage(app.db, request.viewer!, vacancy.id, app.today(), candidates, {
      extra: { review },
    });
    return reply.page('vacancies/show', data!, status);
  }

  app.post<IdParams>(
    '/nominations/:id/review',
    { preHandler: app.requirePermission('reviewNominations') },
    async (request, reply) =>
      withPathId(reply, request.params.id, 'nomination', (nominationId) => {
        const viewer = request.viewer!;
        const result = reviewNomination(
          app.db,
          nominationId,
          request.body,
          viewer,
          app.clock(),
          app.config.publicOrigin,
        );
        const nomination = nominationFor(app.db, nominationId, viewer);
        if (!nomination)
          return sendRefusal(reply, { status: 404, message: `There is no nomination ${nominationId}.` });
        const vacancy = vacancyById(app.db, nomination.vacancyId)!.vacancy;
        const values = keptInput(request.body);
        if (request.isHtmx) {
          // The row as it now stands, with the decision's outcome or its message in place.
          const row = reviewRow(app.db, viewer, vacancy, nomination, app.today(), getSettings(app.db));
          return reply.fragment(
            'nominations/_review-row',
            {
              row,
              errors: !result.ok && result.status === 422 ? result.errors : {},
              refusal: !result.ok && result.status !== 422 ? result.message : undefined,
              values: result.ok ? {} : values,
              saved: result.ok,
            },
            result.ok ? 200 : result.status,
          );
        }
        return answer(reply, result, {
          ok: ({ status }) =>
            reply
              .flash(`Nomination ${nominationId} is now ${NOMINATION_STATUS_LABELS[status].toLowerCase()}.`)
              .seeOther(`/vacancies/${vacancy.id}#nomination-${nominationId}`),
          invalid: (errors) =>
            vacancyPageWithReview(request, reply, vacancy, { nominationId, values, errors }, 422),
          refused: (refusal) =>
            refusal.status === 409
              ? vacancyPageWithReview(
                  request,
                  reply,
                  vacancy,
                  { nominationId, values, errors: {}, refusal: refusal.message },
                  409,
                )
              : null,
        });
      }),
  );

  app.get<IdParams>(
    '/nominations/:id/document',
    { preHandler: app.requirePermission('viewNominations') },
    async (request, reply) =>
      withPathId(reply, request.params.id, 'nomination', (id) => {
        const nomination = nominationFor(app.db, id, request.viewer!);
        const file = nomination?.documentFile
          ? documentPath(app.config.dataDir, nomination.documentFile)
          : null;
        if (!nomination || !file || !fs.existsSync(file))
          return sendRefusal(reply, {
            status: 404,
            message: 'There is no such document, or it is not yours to see.',
          });
        return reply
          .type('application/pdf')
          .header(
            'content-disposition',
            `attachment; filename="${downloadName(nomination.documentName, nomination.id)}"`,
          )
          .header('x-content-type-options', 'nosniff')
          .send(fs.createReadStream(file));
      }),
  );

  app.get<IdParams>(
    '/vacancies/:id/nominations.csv',
    { preHandler: app.requirePermission('reviewNominations') },
    async (request, reply) =>
      withPathId(reply, request.params.id, 'vacancy', (id) => {
        const vacancy = vacancyById(app.db, id);
        if (!vacancy) return sendRefusal(reply, { status: 404, message: 'There is no such vacancy.' });
        const queue = reviewQueue(
          app.db,
          request.viewer!,
          vacancy.vacancy,
          {},
          app.today(),
          getSettings(app.db),
        );
        return csvResponse(
          reply,
          `vacancy-${vacancy.vacancy.id}-nominations.csv`,
          [
            'id',
            'status',
            'status_note',
            'nominee',
            'title',
            'email',
            'city',
            'country',
            'region',
            'migration_contexts',
            'secondary_city',
            'mandate_ends_on',
            'submitted_at',
            'eligibility',
            'eligibility_findings',
            'diversity_rules_broken',
            'adds',
            'statement',
          ],
          queue.rows.map(({ nomination: n, assessment: a }) => [
            n.id,
            NOMINATION_STATUS_LABELS[n.status],
            n.statusNote,
            n.nomineeName,
            n.nomineeTitle,
            n.nomineeEmail,
            n.cityName,
            n.country,
            a.region,
            n.contexts.join(' '),
            n.secondaryCity ? 'yes' : 'no',
            n.mandateEndsOn,
            n.submittedAt,
            a.eligibility.verdict,
            a.eligibility.findings.map((f) => f.message).join(' | '),
            a.impact.breaches.map((b) => `${b.rule} (${b.effect})`).join(' '),
            [a.impact.adds.region, ...a.impact.adds.contexts].filter(Boolean).join(' '),
            n.statement,
          ]),
        );
      }),
  );
}
