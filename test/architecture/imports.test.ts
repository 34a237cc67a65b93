// The shape the code keeps (STYLE.md, "Our shape"): read from the import statements themselves,
// so a change that tangles the features fails here rather than in a review.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(ROOT, 'src');

function sourceFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every project file a file imports (type-only imports included: they tie modules together too). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => path.resolve(path.dirname(file), specifier).replace(/\.js$/, '.ts'));
}

const FILES = sourceFiles(SRC);
const relative = (file: string) => path.relative(SRC, file);
const featureOf = (file: string) => /^features\/([^/]+)\//.exec(relative(file))?.[1] ?? null;
const layerOf = (file: string) => relative(file).split('/')[0]!;

const edges = FILES.flatMap((file) => importsOf(file).map((target) => ({ from: file, to: target })));

describe('the shape of the code', () => {
  it('imports only files that exist (the checks below read real edges)', () => {
    const missing = edges
      .filter((edge) => !fs.existsSync(edge.to))
      .map((e) => `${relative(e.from)} -> ${relative(e.to)}`);
    expect(missing).toEqual([]);
    expect(edges.length).toBeGreaterThan(200);
  });

  it('lets no feature import another feature’s routes', () => {
    const crossRoutes = edges
      .filter(
        (e) =>
          path.basename(e.to) === 'routes.ts' && featureOf(e.to) && featureOf(e.from) !== featureOf(e.to),
      )
      .filter((e) => relative(e.from) !== 'app.ts')
      .map((e) => `${relative(e.from)} -> ${relative(e.to)}`);
    expect(crossRoutes).toEqual([]);
  });

  it('keeps the features free of import loops: dependencies between them run one way', () => {
    const graph = new Map<string, Set<string>>();
    for (const e of edges) {
      const from = featureOf(e.from);
      const to = featureOf(e.to);
      if (from && to && from !== to) graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
    const loops: string[] = [];
    const visit = (feature: string, trail: string[]) => {
      for (const next of graph.get(feature) ?? []) {
        if (trail.includes(next)) loops.push([...trail.slice(trail.indexOf(next)), next].join(' -> '));
        else visit(next, [...trail, next]);
      }
    };
    for (const feature of graph.keys()) visit(feature, [feature]);
    expect([...new Set(loops)]).toEqual([]);
  });

  it('runs the pipeline’s dependencies one way: nominations -> vacancies -> terms -> cities', () => {
    const order = ['nominations', 'vacancies', 'terms', 'cities'];
    const backwards = edges
      .filter((e) => {
        const from = order.indexOf(featureOf(e.from) ?? '');
        const to = order.indexOf(featureOf(e.to) ?? '');
        return from >= 0 && to >= 0 && to < from;
      })
      .map((e) => `${relative(e.from)} -> ${relative(e.to)}`);
    expect(backwards).toEqual([]);
  });

  it('keeps infrastructure (plugins/, db/, lib/) free of any feature, and db/ free of the demo data', () => {
    const offending = edges
      .filter((e) => ['plugins', 'db', 'lib'].includes(layerOf(e.from)))
      .filter((e) => ['features', 'demo', 'jobs'].includes(layerOf(e.to)))
      .map((e) => `${relative(e.from)} -> ${relative(e.to)}`);
    expect(offending).toEqual([]);
  });

  it('keeps the domain pure: it imports nothing but other domain modules', () => {
    const offending = edges
      .filter((e) => layerOf(e.from) === 'domain' && layerOf(e.to) !== 'domain')
      .map((e) => `${relative(e.from)} -> ${relative(e.to)}`);
    expect(offending).toEqual([]);
    for (const file of FILES.filter((f) => layerOf(f) === 'domain')) {
      const text = fs.readFileSync(file, 'utf8');
      expect(text, relative(file)).not.toMatch(/from 'node:(fs|http|net|child_process)'|drizzle-orm|fastify/);
      expect(text, relative(file)).not.toMatch(/new Date\(\)|Date\.now\(\)/);
    }
  });

  it('keeps actions away from HTTP: only routes and plugin files import plugins/ or throw HttpError', () => {
    const actions = FILES.filter(
      (f) => featureOf(f) && path.basename(f) !== 'routes.ts' && !path.basename(f).endsWith('-plugin.ts'),
    );
    const offending = actions.filter(
      (file) =>
        importsOf(file).some((target) => layerOf(target) === 'plugins') ||
        /throw new HttpError|throw (notFound|forbidden|conflict)\(/.test(fs.readFileSync(file, 'utf8')),
    );
    expect(offending.map(relative)).toEqual([]);
  });

  it('reads the real clock in one place only: the app’s clock (and the processes that start it)', () => {
    const readers = FILES.filter((file) =>
      /new Date\(\)|Date\.now\(\)/.test(fs.readFileSync(file, 'utf8')),
    ).map(relative);
    expect(readers.sort()).toEqual(['app.ts', 'cli/run-cli.ts', 'server.ts']);
  });

  it('keeps the status words in one map: no template turns a code into words by itself', () => {
    const templates = fs
      .readdirSync(path.join(ROOT, 'views'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.eta'))
      .map((entry) => path.join(entry.parentPath, entry.name));
    const offending = templates.filter((file) =>
      /\.replace\('_', ' '\)|\.replace\(\/_\/g/.test(fs.readFileSync(file, 'utf8')),
    );
    expect(offending).toEqual([]);
  });
});
