// Benchmarks (`npm run bench`): the pure diversity and eligibility rules, and the pages people
// load most, served by the real buildApp in production mode (templates cached) on loopback.
// Numbers are printed, never asserted: a benchmark informs, a test specifies.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { users } from '../../src/db/schema.js';
import { demoEmail, seedDemo } from '../../src/demo/seed-demo.js';
import { regionOf } from '../../src/domain/countries.js';
import { type BoardMember, candidateImpact, defaultDiversityRules } from '../../src/domain/diversity.js';
import { MIGRATION_CONTEXTS, type Region } from '../../src/domain/reference.js';
import { createSession } from '../../src/features/auth/sessions.js';

const REQUESTS_PER_ROUTE = 400;
const CONCURRENCY = 8;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function benchDomain() {
  const countries = [
    'JO',
    'GB',
    'SL',
    'UG',
    'US',
    'IT',
    'CA',
    'GR',
    'UY',
    'BD',
    'CH',
    'CO',
    'IN',
    'KE',
    'MX',
    'JP',
  ];
  const member = (i: number): BoardMember => ({
    key: `m${i}`,
    cityName: `City ${i}`,
    country: countries[i % countries.length]!,
    region: regionOf(countries[i % countries.length]!) as Region,
    contexts: MIGRATION_CONTEXTS.filter((_, c) => (i + c) % 3 === 0),
    secondaryCity: i % 4 === 0,
  });
  const sitting = Array.from({ length: 12 }, (_, i) => member(i));
  const rules = defaultDiversityRules(12);
  const iterations = 20_000;
  const started = performance.now();
  for (let i = 0; i < iterations; i += 1)
    candidateImpact({ sitting, departingKey: 'm3', candidate: member(100 + i), rules });
  const elapsed = performance.now() - started;
  console.log(
    `candidateImpact (12-seat board): ${iterations} runs in ${elapsed.toFixed(0)} ms, ${((elapsed / iterations) * 1000).toFixed(1)} µs each`,
  );
}

async function benchRoutes() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'board-bench-'));
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_PATH: path.join(dir, 'board.db'), PORT: '0' });
  const db = openDatabase(config.databasePath);
  await seedDemo(db, { password: 'bench-password-long', now: new Date() });
  const app = await buildApp({ config, db });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const secretariat = db
    .select()
    .from(users)
    .where(eq(users.email, demoEmail('secretariat')))
    .get()!;
  const { token } = createSession(db, secretariat.id, Date.now());
  const cookie = `__Host-session=${token}`;

  const routes: Array<{ path: string; auth: boolean }> = [
    { path: '/board', auth: false },
    { path: '/', auth: true },
    { path: '/terms', auth: true },
    { path: '/vacancies/1', auth: true },
    { path: '/nominations', auth: true },
  ];
  console.log(
    `\n${REQUESTS_PER_ROUTE} requests per page, ${CONCURRENCY} at a time (NODE_ENV=production, loopback):`,
  );
  for (const route of routes) {
    const headers = route.auth ? { cookie } : undefined;
    for (let i = 0; i < 20; i += 1) await (await fetch(base + route.path, { headers })).text();
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS_PER_ROUTE) {
          next += 1;
          const t0 = performance.now();
          const response = await fetch(base + route.path, { headers });
          await response.text();
          if (response.status !== 200) throw new Error(`${route.path} answered ${response.status}`);
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(
      `  ${route.path.padEnd(14)} ${(latencies.length / elapsed).toFixed(0).padStart(5)} req/s   p50 ${percentile(latencies, 50).toFixed(1)} ms   p95 ${percentile(latencies, 95).toFixed(1)} ms`,
    );
  }
  await app.close();
  db.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

benchDomain();
await benchRoutes();
