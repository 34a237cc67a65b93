// The one place an action's result becomes a reply (STYLE.md, "One way to do a state change"):
// done -> whatever the route says (usually a flash and a 303); invalid -> the form again, 422,
// with the input kept; refused -> a page with the reason, or, for htmx, the reason shown in the
// page's live region, so a refusal is never swallowed by a swap that did not happen.
import type { FastifyReply } from 'fastify';
import type { ActionResult, Refused } from '../lib/action-result.js';
import { type FieldErrors, idFromPath } from '../lib/forms.js';

export const STATUS_TITLES: Record<number, string> = {
  400: 'Bad request',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Not possible now',
  413: 'Too large',
  415: 'Unsupported content',
  422: 'Check the form',
  429: 'Too many attempts',
  500: 'Something went wrong',
  503: 'Not available right now',
};

type Reply = FastifyReply | Promise<FastifyReply>;

/** A refusal as the user meets it: a page of its own, or a message where they acted (htmx). */
export function sendRefusal(
  reply: FastifyReply,
  refusal: {
    status: number;
    message: string;
    retryAfterSeconds?: number;
    link?: { href: string; text: string };
  },
): FastifyReply {
  if (refusal.retryAfterSeconds) reply.header('retry-after', String(refusal.retryAfterSeconds));
  if (reply.request.isHtmx) {
    // The page keeps what it shows; the message goes into its aria-live region.
    reply.header('hx-retarget', '#htmx-messages').header('hx-reswap', 'innerHTML');
    return reply.fragment(
      'partials/refusal',
      { message: refusal.message, link: refusal.link },
      refusal.status,
    );
  }
  return reply.page(
    'errors/error',
    { title: STATUS_TITLES[refusal.status] ?? 'Not possible', message: refusal.message, link: refusal.link },
    refusal.status,
  );
}

export interface AnswerHandlers<T> {
  ok: (value: T) => Reply;
  /** Shows the form again with the messages beside its fields (the route passes the input back). */
  invalid?: (errors: FieldErrors) => Reply;
  /** A refusal shown somewhere other than its own page (a table row, a form); null for the default. */
  refused?: (refusal: Refused) => Reply | null;
}

export function answer<T>(reply: FastifyReply, result: ActionResult<T>, handlers: AnswerHandlers<T>): Reply {
  if (result.ok) return handlers.ok(result.value);
  if (result.status === 422) {
    if (handlers.invalid) return handlers.invalid(result.errors);
    return sendRefusal(reply, { status: 422, message: Object.values(result.errors).join(' ') });
  }
  return handlers.refused?.(result) ?? sendRefusal(reply, result);
}

/** Runs `then` with the record id the URL names; a URL that names none is a 404 page. */
export function withPathId(
  reply: FastifyReply,
  raw: string,
  what: string,
  then: (id: number) => Reply,
): Reply {
  const id = idFromPath(raw);
  if (id === null)
    return sendRefusal(reply, { status: 404, message: `There is no ${what} ${raw.slice(0, 40)}.` });
  return then(id);
}
