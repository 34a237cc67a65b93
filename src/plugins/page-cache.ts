// Pages that are read far more often than the board changes (the terms, the board, the audit log,
// lists, a ballot and its results) are kept as rendered, per viewer, address and board day, until
// anything a page can show is written to the database by any process: `version()` is the content
// version, which triggers move with every such commit (see content_version in the schema). A
// route opts in with `config: { pageCache: true }`; the lookup is then added after its own
// preHandlers (its permission check), and no other request pays for any of this.
//
// The database version and the board day are read when the request arrives, before the session
// is (this plugin's onRequest hook runs first): the viewer, their role and whether they sit on the
// board today are all read after that moment. A page is served from the cache only if nothing was
// written since the page was kept and nothing since this request arrived; it is kept only if
// nothing was written from the request's arrival to its answer. So a page is never made from a
// viewer read before a change and kept as if after it. The viewer's key holds their role and
// sitting-member flag too.
// Not kept: anything but a 200, a page showing a flash message, an htmx request, and anything
// when disabled. Any change to what a page can show empties the whole cache; a session renewed, a
// failed login, a job's lease or /healthz's rolled-back write probe do not.
import zlib from 'node:zlib';
import { negotiate } from '@fastify/accept-negotiator';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { FLASH_COOKIE } from './views.js';

export interface PageCacheOptions {
  enabled: boolean;
  /** Changes whenever anything a page can show is written, by this process or another. */
  version: () => string;
  /** The board's day: a page's "days left" and "due in" change with it. */
  today: () => string;
  /** Who is asking: pages are kept per viewer (their name, role and alert count are on them). */
  viewerKey: (request: FastifyRequest) => string;
  /** How many pages are kept at most (the oldest go first). */
  maxPages?: number;
  /**
   * How @fastify/compress compresses pages (app.ts gives it these same settings). A kept page is
   * compressed once per encoding asked for, as that plugin would have done it, and kept so too.
   */
  compression?: PageCompression;
}

export type PageEncoding = 'br' | 'gzip';

/** Options of @fastify/compress, which the page cache follows. */
export interface PageCompression {
  /** In order of preference. */
  encodings: PageEncoding[];
  /** Pages smaller than this go out as they are. */
  threshold: number;
  brotliOptions: zlib.BrotliOptions;
}

/** How pages are compressed: brotli at quality 4 (@fastify/compress's own choice), or gzip. */
export const PAGE_COMPRESSION: PageCompression = {
  encodings: ['br', 'gzip'],
  threshold: 1024,
  brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
};

/** A page as rendered, encoded once (UTF-8), and compressed once per encoding a browser asked for. */
interface KeptPage {
  identity: Buffer;
  compressed: Map<PageEncoding, Buffer>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This GET page may be served as it was last rendered (see above). */
    pageCache?: boolean;
  }
  interface FastifyRequest {
    /** The database version and board day as the request arrived; the key once it may be kept. */
    pageCacheEntry: { version: string; day: string; key: string | null } | null;
  }
}

export default fp(async function pageCache(app: FastifyInstance, options: PageCacheOptions) {
  const maxPages = options.maxPages ?? 300;
  const compression = options.compression;
  // Kept as bytes: a hit sends them as they are, without encoding or compressing the page again.
  const pages = new Map<string, KeptPage>();
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
  app.addHook('onRequest', async (request) => {
    if (!options.enabled || request.method !== 'GET' || !request.routeOptions.config.pageCache) return;
    request.pageCacheEntry = { version: currentVersion(), day: options.today(), key: null };
  });

  /** The encoding @fastify/compress would choose for this request, if any. */
  function preferredEncoding(request: FastifyRequest): PageEncoding | undefined {
    const accepted = request.headers['accept-encoding'];
    if (typeof accepted !== 'string' || !compression) return undefined;
    if (request.headers['x-no-compression'] !== undefined) return undefined;
    // As @fastify/compress reads it: x-gzip and the no-preference token (*) stand for gzip.
    const header = accepted.toLowerCase().replace(/\*|x-gzip/g, 'gzip');
    return (negotiate(header, compression.encodings) as PageEncoding | null) ?? undefined;
  }

  /** Serves the kept page, or marks this one to be kept; after the route's own checks. */
  async function lookUp(request: FastifyRequest, reply: FastifyReply) {
    const entry = request.pageCacheEntry;
    if (!entry) return;
    if (request.headers['hx-request'] === 'true' || request.cookies?.[FLASH_COOKIE]) return;
    // Written to since the request arrived (its own due states advanced, say): neither served nor kept.
    if (currentVersion() !== entry.version || options.today() !== entry.day) return;
    const key = `${options.viewerKey(request)}\n${entry.day}\n${request.url}`;
    const page = pages.get(key);
    if (page !== undefined) {
      reply.code(200).type('text/html; charset=utf-8');
      const encoding = preferredEncoding(request);
      if (!compression || !encoding || page.identity.length < compression.threshold)
        return reply.send(page.identity);
      let body = page.compressed.get(encoding);
      if (body === undefined) {
        body =
          encoding === 'br'
            ? zlib.brotliCompressSync(page.identity, compression.brotliOptions)
            : zlib.gzipSync(page.identity);
        page.compressed.set(encoding, body);
      }
      // Marked as compressed already, @fastify/compress passes it on untouched.
      return reply.header('vary', 'accept-encoding').header('content-encoding', encoding).send(body);
    }
    entry.key = key;
  }

  app.addHook('onRoute', (route) => {
    if (!route.config?.pageCache) return;
    route.preHandler = [...[route.preHandler ?? []].flat(), lookUp];
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const entry = request.pageCacheEntry;
    if (!entry?.key || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    // Kept only if nothing was written while it was made: else it may show a state already gone.
    if (currentVersion() !== entry.version || options.today() !== entry.day) return payload;
    if (pages.size >= maxPages) pages.delete(pages.keys().next().value!);
    pages.set(entry.key, { identity: Buffer.from(payload, 'utf8'), compressed: new Map() });
    return payload;
  });
});
