// Every page runs the same few statements however long the board's history (issue "Fast on a
// large history"): no query per row, however many nominations, terms, ballots or audit entries
// there are. Each page is counted on the demo board, then again after adding a synthetic past
// (seed:history) and a larger one; a count that changes means a page reads something row by row.
// The statements are also checked on the larger history with EXPLAIN QUERY PLAN: none reads a
// history table whole.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { type Db, openDatabase } from '../../src/db/client.js';
import { seedDemo } from '../../src/demo/seed-demo.js';
import { seedHistory } from '../../src/demo/seed-history.js';
import { client, DEMO_PASSWORD, MutableClock, type TestApp } from '../helpers/app.js';
import {
  fullScans,
  type RecordedStatement,
  type StatementWatch,
  watchStatements,
} from '../helpers/statements.js';

const NOW = new Date('2026-11-28T09:00:00Z');

type Who = 'anonymous' | 'secretariat' | 'mayor.amman' | 'nominator.montevideo';

/**
 * The pages people open, as whom. `:ballot` is the history's latest ballot and `:vacancy` its
 * latest vacancy (with more candidates in the larger history), so those pages are counted on the
 * two histories only.
 */
const PAGES: Array<{ who: Who; url: string; history?: true }> = [
  { who: 'anonymous', url: '/' },
  { who: 'anonymous', url: '/board' },
  { who: 'anonymous', url: '/login' },
  { who: 'secretariat', url: '/' },
  { who: 'secretariat', url: '/board' },
  { who: 'secretariat', url: '/vacancies' },
  { who: 'secretariat', url: '/vacancies/1' },
  { who: 'secretariat', url: '/vacancies/:vacancy', history: true },
  { who: 'secretariat', url: '/nominations' },
  { who: 'secretariat', url: '/nominations?page=2' },
  { who: 'secretariat', url: '/nominations/1' },
  { who: 'secretariat', url: '/terms' },
  { who: 'secretariat', url: '/terms/seats/1/history' },
  { who: 'secretariat', url: '/audit' },
  { who: 'secretariat', url: '/alerts' },
  { who: 'secretariat', url: '/settings' },
  { who: 'secretariat', url: '/account' },
  { who: 'secretariat', url: '/ballots/:ballot', history: true },
  { who: 'secretariat', url: '/ballots/:ballot/results', history: true },
  { who: 'mayor.amman', url: '/' },
  { who: 'mayor.amman', url: '/vacancies/1' },
  { who: 'mayor.amman', url: '/nominations' },
  { who: 'mayor.amman', url: '/terms' },
  { who: 'mayor.amman', url: '/alerts' },
  { who: 'mayor.amman', url: '/ballots/:ballot', history: true },
  { who: 'mayor.amman', url: '/ballots/:ballot/results', history: true },
  { who: 'nominator.montevideo', url: '/' },
  { who: 'nominator.montevideo', url: '/vacancies' },
  { who: 'nominator.montevideo', url: '/nominations' },
];

/** The tables a history makes long: none may be read whole by a page. */
const HISTORY_TABLES = [
  'nominations',
  'nomination_events',
  'audit_log',
  'vacancies',
  'terms',
  'ballots',
  'votes',
  'voter_roll',
  'alerts',
  'alert_recipients',
  'users',
  'cities',
];

// Reads that walk a table in index or rowid order and stop at their LIMIT: a page of the newest
// nominations (most of which the viewer may see) and of the audit log.
const BOUNDED_WALKS = [
  /^select .* from "nominations" .* order by "nominations"\."id" desc limit \?/s,
  /^select .* from "audit_log" order by "audit_log"\."id" desc limit \?/s,
];

let dir: string;
let db: Db;
let watch: StatementWatch;
const browsers = new Map<Who, ReturnType<typeof client>>();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'board-statements-'));
  // Without the page cache: what is counted is what a page runs to be made, not a kept copy.
  const config = loadConfig({ DATABASE_PATH: path.join(dir, 'board.db'), PORT: '3000', PAGE_CACHE: 'false' });
  db = openDatabase(config.databasePath);
  // Watched from the start: statements prepared once and kept are counted too.
  watch = watchStatements(db.$client);
  await seedDemo(db, { password: DEMO_PASSWORD, now: NOW });
  const clock = new MutableClock(NOW);
  const app = await buildApp({ config, db, clock: clock.read });
  await app.ready();
  const testApp = { app } as TestApp;
  for (const who of ['anonymous', 'secretariat', 'mayor.amman', 'nominator.montevideo'] as const) {
    const browser = client(testApp);
    if (who !== 'anonymous') await browser.logIn(`${who}@demo.mmc.example`);
    browsers.set(who, browser);
  }
  afterAll(async () => {
    await app.close();
    db.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

function latest(sql: string): string {
  return String((db.$client.prepare(sql).get() as { id: number | null }).id ?? 0);
}

/** What each page runs, on its second view (the first fills what is kept between requests). */
async function statementsOfPages(withHistory: boolean) {
  const ballot = latest("SELECT max(id) AS id FROM ballots WHERE status = 'certified'");
  const vacancy = latest("SELECT max(id) AS id FROM vacancies WHERE status = 'filled'");
  const statements = new Map<string, RecordedStatement[]>();
  for (const page of PAGES) {
    if (page.history && !withHistory) continue;
    const url = page.url.replace(':ballot', ballot).replace(':vacancy', vacancy);
    const browser = browsers.get(page.who)!;
    expect((await browser.get(url)).status, `${page.who} ${url}`).toBe(200);
    const seen = await watch.during(async () => {
      expect((await browser.get(url)).status, `${page.who} ${url}`).toBe(200);
    });
    statements.set(`${page.who} ${page.url}`, seen);
  }
  return statements;
}

const counts = (statements: Map<string, RecordedStatement[]>) =>
  Object.fromEntries([...statements].map(([page, seen]) => [page, seen.length]));

const onDemoPages = (byPage: Record<string, number>) =>
  Object.fromEntries(Object.entries(byPage).filter(([page]) => !page.includes('/:')));

describe('statements per page, whatever the history', () => {
  let onDemo: Record<string, number>;
  let onSmallHistory: Record<string, number>;
  let largeHistory: Map<string, RecordedStatement[]>;

  beforeAll(async () => {
    onDemo = counts(await statementsOfPages(false));
    seedHistory(db, { nominations: 200, terms: 16, audit: 500 }, NOW);
    onSmallHistory = counts(await statementsOfPages(true));
    seedHistory(db, { nominations: 2_000, terms: 100, audit: 5_000 }, NOW);
    largeHistory = await statementsOfPages(true);
  });

  it('runs a small, fixed number of statements on each page of the demo board', () => {
    for (const [page, count] of Object.entries(onDemo)) {
      expect(count, page).toBeGreaterThan(0);
      expect(count, page).toBeLessThanOrEqual(20);
    }
  });

  it('runs the same number on every page after a past of 16 terms, 200 nominations and 500 audit entries', () => {
    expect(onDemoPages(onSmallHistory)).toEqual(onDemo);
  });

  it('runs the same number again after a past of 116 terms, 2,200 nominations and 5,500 audit entries', () => {
    expect(counts(largeHistory)).toEqual(onSmallHistory);
  });

  it('reads no history table whole on any page (EXPLAIN QUERY PLAN on the larger history)', () => {
    const scans = [...largeHistory].flatMap(([page, seen]) =>
      seen
        .filter((statement) => !BOUNDED_WALKS.some((walk) => walk.test(statement.sql)))
        .flatMap((statement) =>
          fullScans(db.$client, statement, HISTORY_TABLES).map(
            (line) => `${page}: ${line}  <-  ${statement.sql}`,
          ),
        ),
    );
    expect(scans).toEqual([]);
  });
});
