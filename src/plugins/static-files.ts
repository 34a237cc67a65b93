// The few static files the pages need: our stylesheet and script, and htmx from node_modules (no
// CDN: the CSP allows scripts from this origin only). Pages link them under content-hashed names
// (`/static/app.1a2b3c4d5e.css`) that browsers keep for a year without asking again: a changed
// file gets a new name. The plain names (`/static/app.css`) still answer, revalidated on each
// use, for anything that links them directly.
//
// @fastify/static serves them, with ETag and Last-Modified, from a cache folder beside the
// database holding each file under its hashed name with brotli and gzip copies made once at the
// highest quality (htmx shrinks to a third): compressing per request would cost CPU on every
// first view, and at a lower quality. A copy is made on the first request for it, off the event
// loop; the hashed name makes the folder safe to share between processes and restarts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const STATIC_FOLDER = fileURLToPath(new URL('../../static', import.meta.url));
const require = createRequire(import.meta.url);
const SERVED = new Set(['.css', '.js', '.svg', '.ico', '.png']);
const YEAR = 365 * 24 * 60 * 60 * 1000;
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

declare module 'fastify' {
  interface FastifyInstance {
    /** The address of a static file under its content-hashed name, for pages to link. */
    assetPath(name: string): string;
  }
}

export interface StaticFilesOptions {
  /** Where the hashed and compressed copies are kept (created if missing). */
  cacheFolder: string;
}

interface StaticFile {
  source: string;
  hashedName: string;
}

/** Every file we serve, by its plain name; the hash is of its contents when the server starts. */
function staticFiles(): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const add = (source: string, name: string) => {
    const hash = crypto.createHash('sha256').update(fs.readFileSync(source)).digest('hex').slice(0, 10);
    const extension = path.extname(name);
    files.set(name, { source, hashedName: `${path.basename(name, extension)}.${hash}${extension}` });
  };
  for (const name of fs.readdirSync(STATIC_FOLDER))
    if (SERVED.has(path.extname(name))) add(path.join(STATIC_FOLDER, name), name);
  add(require.resolve('htmx.org/dist/htmx.min.js'), 'htmx.min.js');
  return files;
}

/** Writes a file by renaming a finished temporary one: a reader never sees half of it. */
async function writeAtomically(file: string, contents: Buffer) {
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  await fs.promises.writeFile(temporary, contents);
  await fs.promises.rename(temporary, file);
}

/** The hashed copy and its compressed twins, made unless an earlier run made them already. */
async function prepareCopies(file: StaticFile, folder: string) {
  const target = path.join(folder, file.hashedName);
  if (fs.existsSync(`${target}.gz`)) return;
  await fs.promises.mkdir(folder, { recursive: true });
  const contents = await fs.promises.readFile(file.source);
  await writeAtomically(target, contents);
  const quality = { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY };
  await writeAtomically(`${target}.br`, await brotli(contents, { params: quality }));
  // Written last: its presence says the copies are complete.
  await writeAtomically(`${target}.gz`, await gzip(contents, { level: zlib.constants.Z_BEST_COMPRESSION }));
}

export default fp(async function staticFilesPlugin(app: FastifyInstance, options: StaticFilesOptions) {
  const files = staticFiles();
  const byHashedName = new Map([...files.values()].map((file) => [file.hashedName, file]));
  const ready = new Map<string, Promise<void>>();
  const copiesOf = (file: StaticFile) => {
    let copies = ready.get(file.hashedName);
    if (!copies) {
      copies = prepareCopies(file, options.cacheFolder);
      // A failure (a full disk) is tried again on the next request rather than remembered.
      copies.catch(() => ready.delete(file.hashedName));
      ready.set(file.hashedName, copies);
    }
    return copies;
  };

  // Only the route below serves files: nothing else in the cache folder is reachable.
  fs.mkdirSync(options.cacheFolder, { recursive: true });
  await app.register(fastifyStatic, { root: options.cacheFolder, serve: false, preCompressed: true });

  app.decorate('assetPath', (name: string) => `/static/${files.get(name)?.hashedName ?? name}`);

  app.get<{ Params: { name: string } }>('/static/:name', async (request, reply) => {
    const hashed = byHashedName.get(request.params.name);
    const file = hashed ?? files.get(request.params.name);
    if (!file) return reply.callNotFound();
    await copiesOf(file);
    return hashed
      ? reply.sendFile(file.hashedName, { maxAge: YEAR, immutable: true })
      : reply.sendFile(file.hashedName, { maxAge: 0 });
  });
});
