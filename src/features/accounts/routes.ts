// Bringing nominators in: the secretariat's accounts page (invitations, re-sent links, the
// request queue), the public request form, and the page where an invited person sets a password.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { COUNTRIES } from '../../domain/countries.js';
import { type FieldErrors, type FormValues, keptInput } from '../../lib/forms.js';
import { answer, withPathId } from '../../plugins/answer.js';
import { acceptAccountRequest } from './accept-account-request.js';
import { acceptInvitation } from './accept-invitation.js';
import { listAccounts, pendingAccountRequests } from './accounts-overview.js';
import { declineAccountRequest } from './decline-account-request.js';
import { setAccountDisabled } from './disable-account.js';
import { findUsableInvitation, INVITATION_VALID_DAYS } from './invitation-token.js';
import { inviteNominator } from './invite-nominator.js';
import { readableInstant } from './issue-invitation.js';
import { requestAccount } from './request-account.js';
import { resendInvitation } from './resend-invitation.js';

type IdParams = { Params: { id: string } };
type TokenParams = { Params: { token: string } };

export default async function accountsRoutes(app: FastifyInstance) {
  const manageAccounts = { preHandler: app.requirePermission('manageAccounts') };
  const mailOptions = () => ({ publicOrigin: app.config.publicOrigin, now: app.clock() });

  function accountsPage(
    reply: FastifyReply,
    values: FormValues = {},
    errors: FieldErrors = {},
    statusCode = 200,
  ) {
    return reply.page(
      'accounts/accounts',
      {
        title: 'Accounts',
        accounts: listAccounts(app.db, app.clock()),
        requests: pendingAccountRequests(app.db),
        countries: COUNTRIES,
        values,
        errors,
        validDays: INVITATION_VALID_DAYS,
        readableInstant,
      },
      statusCode,
    );
  }

  app.get('/accounts', manageAccounts, async (_request, reply) => accountsPage(reply));

  app.post('/accounts/invitations', manageAccounts, async (request, reply) =>
    answer(reply, inviteNominator(app.db, request.body, request.viewer!, mailOptions()), {
      ok: (invited) =>
        reply
          .flash(
            `Invitation sent to ${invited.email}. The link is valid for ${INVITATION_VALID_DAYS} days and works once.`,
          )
          .seeOther('/accounts'),
      invalid: (errors) => accountsPage(reply, keptInput(request.body), errors, 422),
    }),
  );

  app.post<IdParams>('/accounts/:id/reinvite', manageAccounts, async (request, reply) =>
    withPathId(reply, request.params.id, 'account', (userId) =>
      answer(reply, resendInvitation(app.db, userId, request.viewer!, mailOptions()), {
        ok: (sent) =>
          reply
            .flash(
              `A new invitation is on its way to ${sent.email}; earlier links no longer work. Its link is valid for ${INVITATION_VALID_DAYS} days from when the e-mail is sent.`,
            )
            .seeOther('/accounts'),
      }),
    ),
  );

  for (const [path, disabled] of [
    ['/accounts/:id/disable', true],
    ['/accounts/:id/enable', false],
  ] as const) {
    app.post<IdParams>(path, manageAccounts, async (request, reply) =>
      withPathId(reply, request.params.id, 'account', (userId) =>
        answer(
          reply,
          setAccountDisabled(app.db, userId, disabled, { viewer: request.viewer! }, app.clock()),
          {
            ok: ({ email }) =>
              reply
                .flash(
                  disabled
                    ? `The account of ${email} is disabled: it is logged out everywhere and its links no longer work.`
                    : `The account of ${email} is enabled again.`,
                )
                .seeOther('/accounts'),
          },
        ),
      ),
    );
  }

  app.post<IdParams>('/accounts/requests/:id/accept', manageAccounts, async (request, reply) =>
    withPathId(reply, request.params.id, 'account request', (requestId) =>
      answer(reply, acceptAccountRequest(app.db, requestId, request.viewer!, mailOptions()), {
        ok: (accepted) =>
          reply
            .flash(
              `Request accepted: ${accepted.name} is invited and an invitation is on its way to ${accepted.email}.`,
            )
            .seeOther('/accounts'),
      }),
    ),
  );

  app.post<IdParams>('/accounts/requests/:id/decline', manageAccounts, async (request, reply) =>
    withPathId(reply, request.params.id, 'account request', (requestId) =>
      answer(
        reply,
        declineAccountRequest(app.db, requestId, request.viewer!, app.clock(), app.config.publicOrigin),
        {
          ok: (declined) =>
            reply
              .flash(`Request declined: ${declined.name} is told so by e-mail at ${declined.email}.`, 'info')
              .seeOther('/accounts'),
        },
      ),
    ),
  );

  // The invitation link's token is a secret: its pages are never cached, and the security
  // headers already send no Referer onwards.
  function invalidInvitationPage(reply: FastifyReply) {
    return reply.page('accounts/invalid-link', { title: 'Invitation link not valid' }, 404);
  }

  function setPasswordPage(reply: FastifyReply, token: string, errors: FieldErrors, status = 200) {
    const invitation = findUsableInvitation(app.db, token, app.clock());
    if (!invitation) return invalidInvitationPage(reply);
    return reply.page(
      'accounts/set-password',
      { title: 'Set your password', invitation, token, errors },
      status,
    );
  }

  app.get<TokenParams>('/invitations/:token', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return setPasswordPage(reply, request.params.token, {});
  });

  app.post<TokenParams>('/invitations/:token', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const { token } = request.params;
    const result = await acceptInvitation(app.db, token, request.body, {
      previousSessionId: request.session?.id ?? null,
      now: app.clock(),
    });
    return answer(reply, result, {
      ok: (activated) => {
        reply.setSessionCookie(activated.token);
        reply.flash(`Welcome, ${activated.displayName}. Your password is set and you are logged in.`);
        return reply.seeOther('/');
      },
      invalid: (errors) => setPasswordPage(reply, token, errors, 422),
      refused: (refusal) => (refusal.status === 404 ? invalidInvitationPage(reply) : null),
    });
  });

  function requestPage(reply: FastifyReply, values: FormValues, errors: FieldErrors, statusCode = 200) {
    return reply.page(
      'accounts/request-account',
      { title: 'Request a nominator account', countries: COUNTRIES, values, errors },
      statusCode,
    );
  }

  app.get('/request-account', async (_request, reply) => requestPage(reply, {}, {}));

  app.post('/request-account', async (request, reply) => {
    const result = requestAccount(app.db, request.body, {
      clientAddress: request.ip,
      publicOrigin: app.config.publicOrigin,
      now: app.clock(),
    });
    return answer(reply, result, {
      ok: (received) =>
        reply.page('accounts/request-received', {
          title: 'Request received',
          name: received.name,
          email: received.email,
          validDays: INVITATION_VALID_DAYS,
        }),
      invalid: (errors) => requestPage(reply, keptInput(request.body), errors, 422),
    });
  });
}
