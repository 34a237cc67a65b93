// The few static files the pages need, served from memory: our stylesheet and script, and
// htmx from node_modules (no CDN: the CSP allows scripts from this origin only).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const STATIC_FOLDER = fileURLToPath(new URL('../../static', import.meta.url));
const require = createRequire(import.meta.url);

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
};

function loadFiles(): Map<string, { body: Buffer; type: string }> {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of fs.readdirSync(STATIC_FOLDER)) {
    const type = CONTENT_TYPES[path.extname(name)];
    if (type) files.set(name, { body: fs.readFileSync(path.join(STATIC_FOLDER, name)), type });
  }
  const htmxPath = require.resolve('htmx.org/dist/htmx.min.js');
  files.set('htmx.min.js', { body: fs.readFileSync(htmxPath), type: CONTENT_TYPES['.js']! });
  return files;
}

export default fp(async function staticFiles(app: FastifyInstance) {
  const files = loadFiles();
  app.get<{ Params: { name: string } }>('/static/:name', async (request, reply) => {
    const file = files.get(request.params.name);
    if (!file) return reply.callNotFound();
    return reply.type(file.type).header('cache-control', 'public, max-age=3600').send(file.body);
  });
});
