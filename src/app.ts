// buildApp: the one way to make the app, used by the server, every test and the benchmark. It
// composes the features: infrastructure plugins first (they know no feature; what they need of
// one is passed in here), then each feature's routes.
import crypto from 'node:crypto';
import path from 'node:path';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { type Db, openDatabase } from './db/client.js';
import { databaseVersion } from './db/per-connection.js';
import type { IsoDate } from './domain/dates.js';
import { LABELS } from './domain/labels.js';
import { CONTEXT_LABELS, ROLE_LABELS } from './domain/reference.js';
import accountsRoutes from './features/accounts/routes.js';
import { unacknowledgedCount } from './features/alerts/queries.js';
import alertRoutes from './features/alerts/routes.js';
import auditRoutes from './features/audit/routes.js';
import { permissionsOf } from './features/auth/permissions.js';
import authRoutes from './features/auth/routes.js';
import sessionPlugin from './features/auth/session-plugin.js';
import { keepBallotsCurrent } from './features/ballots/advance-ballots.js';
import ballotRoutes from './features/ballots/routes.js';
import { ballotSection } from './features/ballots/vacancy-ballots.js';
import boardRoutes from './features/board/routes.js';
import calendarRoutes from './features/calendar/routes.js';
import healthRoutes from './features/health/routes.js';
import { navigationFor } from './features/home/navigation.js';
import homeRoutes from './features/home/routes.js';
import mailRoutes from './features/mail/routes.js';
import { MAX_DOCUMENT_BYTES, uploadsFolder } from './features/nominations/documents.js';
import nominationRoutes from './features/nominations/routes.js';
import { candidatesSection } from './features/nominations/vacancy-candidates.js';
import ownAccountRoutes from './features/own-account/routes.js';
import settingsRoutes from './features/settings/routes.js';
import { boardToday, getSettings } from './features/settings/settings.js';
import termRoutes from './features/terms/routes.js';
import { isSittingMember } from './features/terms/term-active.js';
import { keepVacanciesCurrent } from './features/vacancies/advance-vacancies.js';
import vacancyRoutes from './features/vacancies/routes.js';
import { combineSections } from './features/vacancies/vacancy-page.js';
import { startScheduler } from './jobs/scheduler.js';
import { requestForLog } from './lib/log-redaction.js';
import { loadServerSecret } from './lib/server-secret.js';
import bodyParsers from './plugins/body-parsers.js';
import errorPages, { isStorageFailure } from './plugins/errors.js';
import pageCache, { PAGE_COMPRESSION } from './plugins/page-cache.js';
import security from './plugins/security.js';
import staticFiles from './plugins/static-files.js';
import views from './plugins/views.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    /** The current instant; tests pass a fixed clock. Nothing else reads the real clock. */
    clock: () => Date;
    /** The calendar day it is for the board, in its time zone. */
    today: () => IsoDate;
    /** The server's own secret (a file beside the database), from which signing keys are derived. */
    serverSecret: Buffer;
  }
}

export interface BuildAppOptions {
  config: Config;
  /** An already-open database (the CLI and tests may share one); else opened from config. */
  db?: Db;
  clock?: () => Date;
  logger?: boolean;
  /** Run the jobs on a schedule inside this process (the server does; tests do not). */
  scheduler?: boolean;
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    logger: options.logger ? { level: config.logLevel, serializers: { req: requestForLog } } : false,
    // X-Forwarded-For is believed only from proxies the operator names.
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    bodyLimit: 6 * 1024 * 1024,
    // Invitation links and calendar feeds carry tokens; leave room for long route parameters.
    routerOptions: { maxParamLength: 256 },
  });
  const db = options.db ?? openDatabase(config.databasePath);
  const clock = options.clock ?? (() => new Date());
  app.decorate('config', config);
  app.decorate('db', db);
  app.decorate('clock', clock);
  app.decorate('today', () => boardToday(getSettings(db), clock()));
  app.decorate('serverSecret', loadServerSecret(config.dataDir));
  if (!options.db) app.addHook('onClose', async () => db.$client.close());

  await app.register(security);
  // Before compression, so that a page is kept as rendered (its onSend sees the HTML).
  await app.register(pageCache, {
    enabled: config.pageCache,
    version: () => databaseVersion(db),
    today: () => app.today(),
    viewerKey: ({ viewer }) =>
      viewer
        ? `user ${viewer.id} ${viewer.role} ${viewer.sittingMember ? 'sitting' : 'not sitting'}`
        : 'anyone',
    compression: PAGE_COMPRESSION,
  });
  // Pages, stylesheet and scripts go out brotli- or gzip-compressed to browsers that accept it
  // (not zstd, which newer Node versions offer: the static files are kept in brotli and gzip),
  // with the settings the page cache compresses its kept pages by.
  await app.register(compress, PAGE_COMPRESSION);
  // The cookie secret only signs flash messages, which need not outlive the process.
  await app.register(cookie, { secret: crypto.randomBytes(32).toString('hex') });
  await app.register(bodyParsers, { maxFileBytes: MAX_DOCUMENT_BYTES });
  await app.register(views, {
    pageLocals: (request) => ({
      viewer: request.viewer,
      nav: navigationFor(request.viewer, request.viewer ? unacknowledgedCount(db, request.viewer.id) : 0),
      can: permissionsOf(request.viewer),
      labels: LABELS,
      roleLabels: ROLE_LABELS,
      contextLabels: CONTEXT_LABELS,
      asset: app.assetPath,
    }),
  });
  await app.register(sessionPlugin, {
    isSittingMember: (userId, now) => isSittingMember(db, userId, boardToday(getSettings(db), now)),
  });
  await app.register(errorPages);
  await app.register(staticFiles, { cacheFolder: path.join(config.dataDir, 'static-cache') });

  // A page or an action is never behind the clock, even when the scheduler is: every request
  // first advances whatever has fallen due (DESIGN.md, "Jobs"), so that no one closes "early" a
  // ballot already past its time or withdraws from a vacancy already screening. Checking costs one
  // indexed query when nothing is due.
  app.addHook('preHandler', async (request) => {
    if (request.url.startsWith('/static/') || request.url === '/healthz') return;
    try {
      keepVacanciesCurrent(db, clock());
      keepBallotsCurrent(db, clock());
    } catch (error) {
      // A disk that cannot be written must not also stop the board being read.
      if (!isStorageFailure(error)) throw error;
      request.log.warn({ err: error }, 'states not advanced: storage cannot be written');
    }
  });

  await app.register(healthRoutes, { uploadsFolder: uploadsFolder(config.dataDir) });
  await app.register(homeRoutes);
  await app.register(authRoutes);
  await app.register(ownAccountRoutes);
  await app.register(calendarRoutes);
  await app.register(accountsRoutes);
  await app.register(boardRoutes);
  await app.register(termRoutes);
  // The vacancy page gathers what later stages add to it: the candidates, then the ballots.
  const vacancySections = combineSections(candidatesSection(db), ballotSection(db));
  await app.register(vacancyRoutes, { candidates: vacancySections });
  await app.register(nominationRoutes, { vacancySections });
  await app.register(ballotRoutes, { vacancySections });
  await app.register(settingsRoutes);
  await app.register(auditRoutes);
  await app.register(alertRoutes);
  await app.register(mailRoutes);

  if (options.scheduler) {
    const scheduler = startScheduler({ db, config, serverSecret: app.serverSecret }, { clock, log: app.log });
    app.addHook('onClose', async () => scheduler.stop());
  }
  return app;
}
