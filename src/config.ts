// The environment, parsed and validated once (CONTRACT.md, "Environment"). A bad value stops
// start-up with a message naming the variable, rather than surfacing later as a strange failure.
import path from 'node:path';
import { z } from 'zod';

export interface Config {
  port: number;
  host: string;
  databasePath: string;
  /** The origin browsers use; every state-changing request must come from it. */
  publicOrigin: string;
  /** Origins accepted besides publicOrigin (the 127.0.0.1 twin when listening on loopback). */
  acceptedOrigins: string[];
  smtpUrl: string | null;
  /** The From of every e-mail, e.g. `Leadership Board <board@board.example.org>`. */
  mailFrom: string;
  seedDemo: boolean;
  /** Run the jobs inside the server (SCHEDULER, default true). */
  scheduler: boolean;
  /** Keep rendered pages until the next write (PAGE_CACHE, default true; src/plugins/page-cache.ts). */
  pageCache: boolean;
  demoPassword: string;
  production: boolean;
  /** Proxy addresses whose X-Forwarded-For is believed; empty means none is. */
  trustProxy: string[];
  /** Folder for mail files, uploads and other files that live beside the database. */
  dataDir: string;
  /** How much the server logs; every request is logged only at 'info' or below. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
}

const booleanText = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => ['true', '1', 'yes'].includes(v));

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('./data/board.db'),
  PUBLIC_ORIGIN: z
    .string()
    .url()
    .refine(
      (value) => /^https?:\/\/[^/]+$/.test(value.replace(/\/$/, '')),
      'must be an origin such as https://board.example.org (no path)',
    )
    .optional(),
  SMTP_URL: z
    .string()
    .refine((value) => /^smtps?:\/\//.test(value), 'must start with smtp:// or smtps://')
    .optional(),
  // The relay must be allowed to send for this address's domain (SPF, DKIM, DMARC), which need not
  // be the domain the app is served from. One address, with or without a display name.
  MAIL_FROM: z
    .string()
    .regex(
      /^(?:[^\r\n<>@",;]+ <[^\s<>@"]+@[^\s<>@"]+>|[^\s<>@"]+@[^\s<>@"]+)$/,
      'must be one address, e.g. board@example.org or Leadership Board <board@example.org>',
    )
    .optional(),
  SEED_DEMO: booleanText.optional(),
  SCHEDULER: booleanText.optional(),
  PAGE_CACHE: booleanText.optional(),
  DEMO_PASSWORD: z.string().min(12, 'must be at least 12 characters').default('mmc-demo-password'),
  NODE_ENV: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('warn'),
  TRUST_PROXY: z
    .string()
    .regex(/^[0-9a-fA-F.:/,\s]*$/, 'must be a comma-separated list of proxy addresses or CIDR ranges')
    .optional(),
});

export class ConfigError extends Error {}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(
    Object.fromEntries(
      Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''),
    ),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const publicOrigin = (env.PUBLIC_ORIGIN ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
  const acceptedOrigins = [publicOrigin];
  if (LOOPBACK_HOSTS.has(env.HOST)) {
    acceptedOrigins.push(`http://127.0.0.1:${env.PORT}`, `http://localhost:${env.PORT}`);
  }
  const databasePath = path.resolve(env.DATABASE_PATH);
  return {
    port: env.PORT,
    host: env.HOST,
    databasePath,
    publicOrigin,
    acceptedOrigins: [...new Set(acceptedOrigins)],
    smtpUrl: env.SMTP_URL ?? null,
    mailFrom: env.MAIL_FROM ?? `Leadership Board <board@${new URL(publicOrigin).hostname}>`,
    // Demo accounts share a published password: never in production, whatever SEED_DEMO says.
    seedDemo: !production && env.SEED_DEMO !== false,
    // Off when a system cron runs `alerts:run` and `outbox:deliver` instead (or a test owns the jobs).
    scheduler: env.SCHEDULER !== false,
    pageCache: env.PAGE_CACHE !== false,
    demoPassword: env.DEMO_PASSWORD,
    production,
    trustProxy: (env.TRUST_PROXY ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
    dataDir: path.dirname(databasePath),
    logLevel: env.LOG_LEVEL,
  };
}
