// Server-rendered pages with eta. `reply.page()` renders a whole page in the layout, with what
// every page needs (navigation, the flash message, whatever the app's `pageLocals` adds);
// `reply.fragment()` renders a piece for htmx to swap in, and leaves the flash for the next page.
// The plugin knows no feature: the app passes in what pages need to know about the viewer.
import { fileURLToPath } from 'node:url';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export const VIEWS_FOLDER = fileURLToPath(new URL('../../views', import.meta.url));
/** The signed cookie that carries a flash message to the next page. */
export const FLASH_COOKIE = 'flash';

export interface Flash {
  kind: 'success' | 'info' | 'error';
  text: string;
}

export interface ViewsOptions {
  /** What every page and fragment may use about the request: the viewer, permissions, navigation. */
  pageLocals: (request: FastifyRequest) => Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyReply {
    page(template: string, data?: Record<string, unknown>, statusCode?: number): FastifyReply;
    fragment(template: string, data?: Record<string, unknown>, statusCode?: number): FastifyReply;
    flash(text: string, kind?: Flash['kind']): FastifyReply;
    seeOther(location: string): FastifyReply;
  }
  interface FastifyRequest {
    isHtmx: boolean;
  }
}

function readFlash(request: FastifyRequest, reply: FastifyReply): Flash | null {
  const raw = request.cookies[FLASH_COOKIE];
  if (!raw) return null;
  reply.clearCookie(FLASH_COOKIE, { path: '/' });
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  try {
    const flash = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as Flash;
    return typeof flash.text === 'string' ? flash : null;
  } catch {
    return null;
  }
}

export default fp(async function views(app: FastifyInstance, options: ViewsOptions) {
  const eta = new Eta({
    views: VIEWS_FOLDER,
    cache: app.config.production,
    autoEscape: true,
    autoTrim: [false, 'nl'],
  });
  await app.register(fastifyView, { engine: { eta }, root: VIEWS_FOLDER, production: app.config.production });

  app.decorateRequest('isHtmx', false);
  app.addHook('onRequest', async (request) => {
    request.isHtmx = request.headers['hx-request'] === 'true';
  });

  app.decorateReply('flash', function (this: FastifyReply, text: string, kind: Flash['kind'] = 'success') {
    const value = Buffer.from(JSON.stringify({ kind, text })).toString('base64url');
    this.setCookie(FLASH_COOKIE, value, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      secure: app.config.production,
    });
    return this;
  });

  app.decorateReply('seeOther', function (this: FastifyReply, location: string) {
    return this.code(303).redirect(location);
  });

  function render(
    reply: FastifyReply,
    template: string,
    locals: Record<string, unknown>,
    statusCode: number,
  ) {
    reply.code(statusCode).type('text/html; charset=utf-8');
    return reply.view(`${template}.eta`, locals) as unknown as FastifyReply;
  }

  app.decorateReply(
    'page',
    function (this: FastifyReply, template: string, data: Record<string, unknown> = {}, statusCode = 200) {
      const request = this.request;
      const locals = {
        title: 'Leadership Board',
        currentPath: request.url.split('?')[0],
        flash: readFlash(request, this),
        ...options.pageLocals(request),
        ...data,
      };
      return render(this, template, locals, statusCode);
    },
  );

  app.decorateReply(
    'fragment',
    function (this: FastifyReply, template: string, data: Record<string, unknown> = {}, statusCode = 200) {
      return render(this, template, { ...options.pageLocals(this.request), ...data }, statusCode);
    },
  );
});
