// buildApp: the one way to make the app, used by the server, every test and the benchmark.
import crypto from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { type Db, openDatabase } from './db/client.js';
import accountRoutes from './features/accounts/routes.js';
import auditRoutes from './features/audit/routes.js';
import authRoutes from './features/auth/routes.js';
import boardRoutes from './features/board/routes.js';
import healthRoutes from './features/health/routes.js';
import homeRoutes from './features/home/routes.js';
import invitationRoutes from './features/invitations/routes.js';
import nominationRoutes from './features/nominations/routes.js';
import settingsRoutes from './features/settings/routes.js';
import termRoutes from './features/terms/routes.js';
import vacancyRoutes from './features/vacancies/routes.js';
import errorPages from './plugins/errors.js';
import security from './plugins/security.js';
import sessions from './plugins/sessions.js';
import staticFiles from './plugins/static-files.js';
import uploads from './plugins/uploads.js';
import views from './plugins/views.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    /** The current instant; tests pass a fixed clock. */
    clock: () => Date;
  }
}

export interface BuildAppOptions {
  config: Config;
  /** An already-open database (the CLI and tests may share one); else opened from config. */
  db?: Db;
  clock?: () => Date;
  logger?: boolean;
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    logger: options.logger ? { level: config.production ? 'info' : 'warn' } : false,
    // X-Forwarded-For is believed only from proxies the operator names.
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    bodyLimit: 6 * 1024 * 1024,
    // Invitation links carry a 32-character token; leave room for longer route parameters.
    routerOptions: { maxParamLength: 256 },
  });
  const db = options.db ?? openDatabase(config.databasePath);
  app.decorate('config', config);
  app.decorate('db', db);
  app.decorate('clock', options.clock ?? (() => new Date()));
  if (!options.db) app.addHook('onClose', async () => db.$client.close());

  // Infrastructure first, then the features.
  await app.register(security);
  // The cookie secret only signs flash messages, which need not outlive the process.
  await app.register(cookie, { secret: crypto.randomBytes(32).toString('hex') });
  await app.register(formbody);
  await app.register(uploads);
  await app.register(views);
  await app.register(sessions);
  await app.register(errorPages);
  await app.register(staticFiles);

  await app.register(healthRoutes);
  await app.register(homeRoutes);
  await app.register(authRoutes);
  await app.register(accountRoutes);
  await app.register(invitationRoutes);
  await app.register(boardRoutes);
  await app.register(termRoutes);
  await app.register(vacancyRoutes);
  await app.register(nominationRoutes);
  await app.register(settingsRoutes);
  await app.register(auditRoutes);
  return app;
}
