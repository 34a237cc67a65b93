// Pages that are read far more often than the board changes (the terms, the board, the audit log,
// lists, a ballot and its results) are kept as rendered, per viewer, address and board day, until
// anything is written to the database by any process: `version()` is SQLite's total_changes and
// data_version, which move with every commit of this connection and of every other. A route opts
// in by adding `app.pageCache` after its permission check, so a page is only ever served from the
// cache to the viewer it was rendered for, once that viewer has passed the same check again.
// Not kept: anything but a 200, a page showing a flash message, an htmx request, a page during
// whose making something was written (its own state advanced, say), and anything when disabled.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export interface PageCacheOptions {
  enabled: boolean;
  /** Changes whenever anything is written to the database, by this process or another. */
  version: () => string;
  /** The board's day: a page's "days left" and "due in" change with it. */
  today: () => string;
  /** Who is asking: pages are kept per viewer (their name, role and alert count are on them). */
  viewerKey: (request: FastifyRequest) => string;
  /** How many pages are kept at most (the oldest go first). */
  maxPages?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** A preHandler for GET pages that may be served as they were last rendered (see above). */
    pageCache: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    pageCacheEntry: { key: string; version: string } | null;
  }
}

const FLASH_COOKIE = 'flash';

export default fp(async function pageCache(app: FastifyInstance, options: PageCacheOptions) {
  const maxPages = options.maxPages ?? 300;
  const pages = new Map<string, string>();
  let keptVersion = '';

  /** The database's version now, emptying the cache if anything was written since it was filled. */
  function currentVersion(): string {
    const version = options.version();
    if (version !== keptVersion) {
      pages.clear();
      keptVersion = version;
    }
    return version;
  }

  app.decorateRequest('pageCacheEntry', null);
  app.decorate('pageCache', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!options.enabled || request.method !== 'GET') return;
    if (request.headers['hx-request'] === 'true' || request.cookies?.[FLASH_COOKIE]) return;
    const version = currentVersion();
    const key = `${options.viewerKey(request)}\n${options.today()}\n${request.url}`;
    const page = pages.get(key);
    if (page !== undefined) {
      await reply.code(200).type('text/html; charset=utf-8').send(page);
      return;
    }
    request.pageCacheEntry = { key, version };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const entry = request.pageCacheEntry;
    if (!entry || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    // Kept only if nothing was written while it was made: else it may show a state already gone.
    if (currentVersion() !== entry.version) return payload;
    if (pages.size >= maxPages) pages.delete(pages.keys().next().value!);
    pages.set(entry.key, payload);
    return payload;
  });
});
