// Bringing nominators in: the secretariat's accounts page (invitations, re-sent links, the
// request queue), the public request form, and the page where an invited person sets a password.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { COUNTRIES } from '../../domain/countries.js';
import type { FieldErrors, FormValues } from '../../lib/forms.js';
import { notFound } from '../../plugins/errors.js';
import { acceptAccountRequest } from './accept-account-request.js';
import { acceptInvitation } from './accept-invitation.js';
import { listAccounts, pendingAccountRequests } from './accounts-overview.js';
import { declineAccountRequest } from './decline-account-request.js';
import { findUsableInvitation, INVITATION_VALID_DAYS } from './invitation-token.js';
import { inviteNominator } from './invite-nominator.js';
import { readableInstant } from './issue-invitation.js';
import { MAX_REQUESTS_PER_ADDRESS, requestAccount } from './request-account.js';
import { resendInvitation } from './resend-invitation.js';

type IdParams = { Params: { id: string } };
type TokenParams = { Params: { token: string } };

function idFrom(raw: string, what: string): number {
  const id = /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
  if (id < 1) throw notFound(`There is no ${what} ${raw}.`);
  return id;
}

export default async function invitationRoutes(app: FastifyInstance) {
  const manageAccounts = { preHandler: app.requirePermission('manageAccounts') };
  const mailOptions = () => ({ publicOrigin: app.config.publicOrigin, now: app.clock() });

  function accountsPage(
    reply: FastifyReply,
    invite: { values: FormValues; errors: FieldErrors } = { values: {}, errors: {} },
    statusCode = 200,
  ) {
    const now = app.clock();
    return reply.page(
      'invitations/accounts',
      {
        title: 'Accounts',
        accounts: listAccounts(app.db, now),
        requests: pendingAccountRequests(app.db),
        countries: COUNTRIES,
        values: invite.values,
        errors: invite.errors,
        validDays: INVITATION_VALID_DAYS,
        readableInstant,
      },
      statusCode,
    );
  }

  app.get('/accounts', manageAccounts, async (_request, reply) => accountsPage(reply));

  app.post('/accounts/invitations', manageAccounts, async (request, reply) => {
    const result = inviteNominator(app.db, request.body, request.user!, mailOptions());
    if (!result.ok) return accountsPage(reply, result, 422);
    reply.flash(
      `Invitation sent to ${result.email}. The link is valid for ${INVITATION_VALID_DAYS} days and works once.`,
    );
    return reply.seeOther('/accounts');
  });

  app.post<IdParams>('/accounts/:id/reinvite', manageAccounts, async (request, reply) => {
    const userId = idFrom(request.params.id, 'account');
    const result = resendInvitation(app.db, userId, request.user!, mailOptions());
    reply.flash(
      `A new invitation is on its way to ${result.email}; earlier links no longer work. It is valid until ${readableInstant(result.expiresAt)}.`,
    );
    return reply.seeOther('/accounts');
  });

  app.post<IdParams>('/accounts/requests/:id/accept', manageAccounts, async (request, reply) => {
    const requestId = idFrom(request.params.id, 'account request');
    const result = acceptAccountRequest(app.db, requestId, request.user!, mailOptions());
    reply.flash(
      `Request accepted: ${result.name} is invited and an invitation is on its way to ${result.email}.`,
    );
    return reply.seeOther('/accounts');
  });

  app.post<IdParams>('/accounts/requests/:id/decline', manageAccounts, async (request, reply) => {
    const requestId = idFrom(request.params.id, 'account request');
    const result = declineAccountRequest(app.db, requestId, request.user!, app.clock());
    reply.flash(`Request declined: ${result.name} is told so by e-mail at ${result.email}.`, 'info');
    return reply.seeOther('/accounts');
  });

  // The invitation link's token is a secret: its pages are never cached, and the security
  // headers already send no Referer onwards.
  function invalidInvitationPage(reply: FastifyReply) {
    return reply.page('invitations/invalid-link', { title: 'Invitation link not valid' }, 404);
  }

  app.get<TokenParams>('/invitations/:token', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const invitation = findUsableInvitation(app.db, request.params.token, app.clock());
    if (!invitation) return invalidInvitationPage(reply);
    return reply.page('invitations/set-password', {
      title: 'Set your password',
      invitation,
      token: request.params.token,
      errors: {},
    });
  });

  app.post<TokenParams>('/invitations/:token', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const { token } = request.params;
    const result = await acceptInvitation(app.db, token, request.body, {
      previousSessionId: request.session?.id ?? null,
      now: app.clock(),
    });
    if (!result.ok && result.reason === 'invalid_link') return invalidInvitationPage(reply);
    if (!result.ok) {
      const invitation = findUsableInvitation(app.db, token, app.clock());
      if (!invitation) return invalidInvitationPage(reply);
      return reply.page(
        'invitations/set-password',
        { title: 'Set your password', invitation, token, errors: result.errors },
        422,
      );
    }
    reply.setSessionCookie(result.token);
    reply.flash(`Welcome, ${result.displayName}. Your password is set and you are logged in.`);
    return reply.seeOther('/');
  });

  function requestPage(reply: FastifyReply, values: FormValues, errors: FieldErrors, statusCode = 200) {
    return reply.page(
      'invitations/request-account',
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
    if (!result.ok && result.reason === 'throttled') {
      const minutes = Math.ceil(result.retryAfterSeconds / 60);
      reply.header('retry-after', String(result.retryAfterSeconds));
      return reply.page(
        'errors/error',
        {
          title: 'Too many requests',
          message: `We have received ${MAX_REQUESTS_PER_ADDRESS} account requests from your network in the past hour, which is as many as we accept. Please try again in about ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        },
        429,
      );
    }
    if (!result.ok) return requestPage(reply, result.values, result.errors, 422);
    return reply.page('invitations/request-received', {
      title: 'Request received',
      name: result.input.name,
      email: result.input.email,
      validDays: INVITATION_VALID_DAYS,
    });
  });
}
