// Readiness (CONTRACT.md, `GET /healthz`): ok only when the board can do its work — the database
// can be read and a write transaction taken and used, and a file can be stored beside it. A
// monitor learns of a read-only disk here, before a user's change fails.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

export interface HealthOptions {
  /** Where uploaded files are stored. */
  uploadsFolder: string;
}

export default async function healthRoutes(app: FastifyInstance, options: HealthOptions) {
  const sqlite = app.db.$client;
  const read = sqlite.prepare('SELECT count(*) AS n FROM settings');
  // A real write of an existing row, rolled back: it needs the write lock and a writable file.
  const write = sqlite.prepare(
    'UPDATE settings SET value = value WHERE key = (SELECT min(key) FROM settings)',
  );

  function check(what: string, probe: () => void, failures: Record<string, string>) {
    try {
      probe();
    } catch (error) {
      failures[what] = error instanceof Error ? error.message : String(error);
    }
  }

  app.get('/healthz', async (request, reply) => {
    const failures: Record<string, string> = {};
    check('database_read', () => read.get(), failures);
    check(
      'database_write',
      () => {
        sqlite.exec('BEGIN IMMEDIATE');
        try {
          write.run();
        } finally {
          sqlite.exec('ROLLBACK');
        }
      },
      failures,
    );
    check(
      'uploads',
      () => {
        fs.mkdirSync(options.uploadsFolder, { recursive: true });
        const probe = path.join(options.uploadsFolder, `.health-${crypto.randomBytes(6).toString('hex')}`);
        fs.writeFileSync(probe, 'ok', { flag: 'wx' });
        fs.rmSync(probe);
      },
      failures,
    );
    if (Object.keys(failures).length === 0) return { status: 'ok' };
    request.log.error({ failures }, 'health check failed');
    // The reasons go to the log; the answer names only what fails, not the server's paths.
    return reply.code(503).send({ status: 'unavailable', failing: Object.keys(failures) });
  });
}
