// The queries pages run read through an index, never a whole table: on a seeded database, each
// query's plan (EXPLAIN QUERY PLAN) must not `SCAN` nominations, audit_log, invitations, sessions,
// vacancies, terms or login_failures without an index. The queries are recorded as the real code
// runs them (the functions, or the page's request), with their parameters, from the SQLite
// connection itself; only where the code keeps a query inside a larger action is the equivalent
// written here, and the comment says so.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { nominations, users } from '../../src/db/schema.js';
import { demoEmail, seedDemo } from '../../src/demo/seed-demo.js';
import { listAccounts } from '../../src/features/accounts/accounts-overview.js';
import { revokeOpenInvitations } from '../../src/features/accounts/invitation-token.js';
import { checkLoginThrottle } from '../../src/features/auth/login-throttle.js';
import type { Viewer } from '../../src/features/auth/permissions.js';
import { deleteExpiredSessions } from '../../src/features/auth/sessions.js';
import { dashboardFor } from '../../src/features/home/dashboard.js';
import {
  draftOf,
  liveNominationOfCity,
  nominationPage,
  nominationsForVacancy,
  ownNominations,
} from '../../src/features/nominations/queries.js';
import { advanceVacancies, vacanciesDue } from '../../src/features/vacancies/advance-vacancies.js';
import { openVacancies } from '../../src/features/vacancies/queries.js';
import { DEMO_PASSWORD, logInAs, makeTestApp, type TestApp } from '../helpers/app.js';

const WATCHED = [
  'nominations',
  'audit_log',
  'invitations',
  'sessions',
  'vacancies',
  'terms',
  'login_failures',
];
const NOW = new Date('2026-11-28T09:00:00Z');
const TODAY = '2026-11-28';

interface Query {
  sql: string;
  params: unknown[];
}

/** Every statement the connection runs while `run` runs, with its parameters. */
async function queriesRunBy(client: Database.Database, run: () => unknown): Promise<Query[]> {
  const seen: Query[] = [];
  const prepare = client.prepare;
  const record = (sql: string, statement: Database.Statement): Database.Statement => {
    const proxy: Database.Statement = new Proxy(statement, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (key === 'all' || key === 'get' || key === 'run' || key === 'iterate')
            seen.push({ sql, params: args });
          const result = value.apply(target, args);
          // raw(), pluck() and the like return the statement itself: keep recording it.
          return result === target ? proxy : result;
        };
      },
    });
    return proxy;
  };
  client.prepare = ((sql: string) => record(sql, prepare.call(client, sql))) as typeof client.prepare;
  try {
    await run();
  } finally {
    client.prepare = prepare;
  }
  return seen;
}

/** The plan's lines: "SEARCH nominations USING INDEX …", "SCAN audit_log", … */
function planOf(client: Database.Database, query: Query): string[] {
  const rows = client.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...(query.params as [])) as Array<{
    detail: string;
  }>;
  return rows.map((row) => row.detail);
}

/** The watched tables a query reads whole: a SCAN without an index, aliases resolved. */
function fullScans(client: Database.Database, query: Query): string[] {
  const aliases = new Map<string, string>(WATCHED.map((table) => [table, table]));
  for (const match of query.sql.matchAll(/\b(?:from|join)\s+"?(\w+)"?\s+(?:as\s+)?"?(\w+)"?/gi)) {
    if (WATCHED.includes(match[1]!)) aliases.set(match[2]!, match[1]!);
  }
  return planOf(client, query).filter((line) => {
    const scan = /^SCAN (\w+)(.*)$/.exec(line);
    return scan && aliases.has(scan[1]!) && !/USING (COVERING )?INDEX/.test(scan[2]!);
  });
}

/** The queries matching `pattern`, at least one of them, and what each reads whole. */
function scansOf(client: Database.Database, queries: Query[], pattern: RegExp) {
  const matching = queries.filter((query) => pattern.test(query.sql));
  expect(matching.length, `no query matches ${pattern}`).toBeGreaterThan(0);
  return matching.flatMap((query) =>
    fullScans(client, query).map((line) => `${line}  <-  ${query.sql.slice(0, 300)}`),
  );
}

let t: TestApp;
let client: Database.Database;
const viewerOf = (localPart: string): Viewer => {
  const user = t.db
    .select()
    .from(users)
    .where(eq(users.email, demoEmail(localPart)))
    .get()!;
  return { ...user, sittingMember: user.role === 'board_member' };
};

beforeAll(async () => {
  t = await makeTestApp({ now: NOW });
  client = t.db.$client;
});
afterAll(async () => t.close());

describe('nominations are read through an index', () => {
  it('by vacancy: the screening queue of a vacancy', async () => {
    const queries = await queriesRunBy(client, () => nominationsForVacancy(t.db, viewerOf('secretariat'), 1));
    expect(scansOf(client, queries, /from "nominations"/)).toEqual([]);
  });

  it('by vacancy and status: a city’s live nomination for a vacancy, and a nominator’s draft', async () => {
    const queries = await queriesRunBy(client, () => {
      liveNominationOfCity(t.db, 1, 'CO:bogota');
      draftOf(t.db, 1, viewerOf('nominator.bogota').id);
    });
    expect(scansOf(client, queries, /from "nominations"/)).toEqual([]);
  });

  it('by vacancy and status: the nominations still in play when a term fills the vacancy', () => {
    // The equivalent of the query in src/features/terms/start-term.ts that settles them (it runs
    // deep inside that action's transaction).
    const inProgress = ['submitted', 'eligible', 'ineligible', 'shortlisted'] as const;
    const query = t.db
      .select()
      .from(nominations)
      .where(and(eq(nominations.vacancyId, 1), inArray(nominations.status, [...inProgress])))
      .toSQL();
    expect(fullScans(client, query)).toEqual([]);
  });

  it('by status: the dashboard’s count of nominations awaiting screening, and the shortlist', async () => {
    const queries = await queriesRunBy(client, () => {
      dashboardFor(t.db, viewerOf('secretariat'), TODAY);
      nominationPage(t.db, viewerOf('partner.c40'), 1);
    });
    expect(scansOf(client, queries, /from "nominations" where "nominations"\."status" = \?/)).toEqual([]);
    expect(scansOf(client, queries, /"nominations"\."status" in \(/)).toEqual([]);
  });

  it('by nominator: a nominator’s own nominations, their dashboard and their page of the list', async () => {
    const nominator = viewerOf('nominator.zurich');
    const queries = await queriesRunBy(client, () => {
      ownNominations(t.db, nominator);
      nominationPage(t.db, nominator, 1);
    });
    expect(scansOf(client, queries, /from "nominations"/)).toEqual([]);
  });
});

describe('the audit log is read through an index', () => {
  let secretariat: Awaited<ReturnType<typeof logInAs>>;
  beforeAll(async () => {
    secretariat = await logInAs(t, 'secretariat');
  });

  it('by date range: the audit page and its CSV export filtered by from and to', async () => {
    const queries = await queriesRunBy(client, async () => {
      expect((await secretariat.get('/audit?from=2026-11-01&to=2026-11-30')).status).toBe(200);
      expect((await secretariat.get('/audit.csv?from=2026-11-01&to=2026-11-30')).status).toBe(200);
    });
    expect(scansOf(client, queries, /"audit_log"\."at" >= \?/)).toEqual([]);
  });

  it('by action: the audit page filtered by action, and the last whole-chain walk it shows', async () => {
    const queries = await queriesRunBy(client, async () => {
      expect((await secretariat.get('/audit?action=auth.login')).status).toBe(200);
    });
    expect(scansOf(client, queries, /"audit_log"\."action" = \?/)).toEqual([]);
  });

  it('by subject: the audit page filtered by subject', async () => {
    const queries = await queriesRunBy(client, async () => {
      expect((await secretariat.get('/audit?subject=nomination:3')).status).toBe(200);
    });
    expect(scansOf(client, queries, /"audit_log"\."subject_type" = \?/)).toEqual([]);
  });
});

describe('accounts and sign-in are read through an index', () => {
  it('invitations by user: the accounts page’s open links, and revoking an account’s links', async () => {
    const queries = await queriesRunBy(client, () => {
      listAccounts(t.db, NOW);
      revokeOpenInvitations(t.db, viewerOf('nominator.bogota').id, NOW);
    });
    expect(scansOf(client, queries, /"invitations"/)).toEqual([]);
  });

  it('sessions: the sweep of idle and expired sessions (last verified or created before a time)', async () => {
    const queries = await queriesRunBy(client, () => deleteExpiredSessions(t.db, NOW.getTime()));
    expect(scansOf(client, queries, /from "sessions"/)).toEqual([]);
  });

  it('login failures by account, by device and by address, within the window', async () => {
    const queries = await queriesRunBy(client, () => {
      const now = NOW.getTime();
      checkLoginThrottle(
        t.db,
        { email: demoEmail('secretariat'), clientAddress: '203.0.113.9', device: null },
        now,
      );
      checkLoginThrottle(
        t.db,
        { email: demoEmail('secretariat'), clientAddress: '203.0.113.9', device: 'd1' },
        now,
      );
    });
    expect(scansOf(client, queries, /"login_failures"\."email" = \?/)).toEqual([]);
    expect(scansOf(client, queries, /"login_failures"\."device" = \?/)).toEqual([]);
    expect(scansOf(client, queries, /"login_failures"\."client_address" = \?/)).toEqual([]);
  });
});

describe('vacancies and terms are read through an index', () => {
  // vacanciesDue keeps its statement per connection: a connection of its own shows it being made.
  let fresh: ReturnType<typeof openDatabase>;
  let dir: string;
  let queries: Query[];
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'board-indexes-'));
    fresh = openDatabase(path.join(dir, 'board.db'));
    await seedDemo(fresh, { password: DEMO_PASSWORD, now: NOW });
    queries = await queriesRunBy(fresh.$client, () => {
      openVacancies(fresh);
      vacanciesDue(fresh, TODAY);
      advanceVacancies(fresh, NOW);
    });
  });
  afterAll(() => {
    fresh.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('open vacancies by deadline: the list of open vacancies, and the check for those past their deadline', () => {
    expect(scansOf(fresh.$client, queries, /where "vacancies"\."status" = \? order by/)).toEqual([]);
    expect(scansOf(fresh.$client, queries, /"vacancies"\."nomination_deadline" < \?/)).toEqual([]);
    expect(scansOf(fresh.$client, queries, /nomination_deadline < @today/)).toEqual([]);
  });

  it('terms ending in a range: the check on every page read, and the terms that need a vacancy', () => {
    expect(scansOf(fresh.$client, queries, /ends_on > @today/)).toEqual([]);
    expect(scansOf(fresh.$client, queries, /"terms"\."ends_on" > \?/)).toEqual([]);
  });
});
