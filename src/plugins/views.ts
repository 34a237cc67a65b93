// Server-rendered pages with eta. `reply.page()` renders a template with what every page needs
// (the viewer, role-aware navigation, the flash message); an htmx request can be given a fragment.
import { fileURLToPath } from 'node:url';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { CONTEXT_LABELS, ROLE_LABELS } from '../domain/reference.js';
import { permissions, type Viewer } from '../features/auth/permissions.js';

export const VIEWS_FOLDER = fileURLToPath(new URL('../../views', import.meta.url));
const FLASH_COOKIE = 'flash';

export interface Flash {
  kind: 'success' | 'info' | 'error';
  text: string;
}

interface NavLink {
  href: string;
  label: string;
}

declare module 'fastify' {
  interface FastifyReply {
    page(template: string, data?: Record<string, unknown>, statusCode?: number): FastifyReply;
    flash(text: string, kind?: Flash['kind']): FastifyReply;
    seeOther(location: string): FastifyReply;
  }
  interface FastifyRequest {
    isHtmx: boolean;
  }
}

function navigationFor(viewer: Viewer | null): NavLink[] {
  const links: NavLink[] = [{ href: '/board', label: 'The board' }];
  if (!viewer) return links;
  links.unshift({ href: '/', label: 'Dashboard' });
  if (permissions.viewTerms(viewer)) links.push({ href: '/terms', label: 'Terms' });
  links.push({ href: '/vacancies', label: 'Vacancies' });
  if (permissions.viewNominations(viewer)) links.push({ href: '/nominations', label: 'Nominations' });
  if (permissions.manageAccounts(viewer)) links.push({ href: '/accounts', label: 'Accounts' });
  if (permissions.manageSettings(viewer)) links.push({ href: '/settings', label: 'Settings' });
  if (permissions.viewAudit(viewer)) links.push({ href: '/audit', label: 'Audit log' });
  links.push({ href: '/account', label: 'Account' });
  return links;
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

export default fp(async function views(app: FastifyInstance) {
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

  app.decorateReply(
    'page',
    function (this: FastifyReply, template: string, data: Record<string, unknown> = {}, statusCode = 200) {
      const request = this.request;
      const viewer = request.viewer;
      const locals = {
        title: 'Leadership Board',
        viewer,
        user: request.user,
        nav: navigationFor(viewer),
        currentPath: request.url.split('?')[0],
        flash: readFlash(request, this),
        roleLabels: ROLE_LABELS,
        contextLabels: CONTEXT_LABELS,
        can: viewer
          ? Object.fromEntries(Object.entries(permissions).map(([name, check]) => [name, check(viewer)]))
          : {},
        ...data,
      };
      this.code(statusCode).type('text/html; charset=utf-8');
      return this.view(`${template}.eta`, locals) as unknown as FastifyReply;
    },
  );
});
