// Watches what a SQLite connection runs. better-sqlite3 has no statement hook, so the connection's
// `prepare` is wrapped, from the moment it is opened: statements the app prepares once and keeps
// (src/db/per-connection.ts) are watched too. Every run of a statement (run, get, all, iterate)
// is recorded with its SQL and parameters while recording is on.
import type Database from 'better-sqlite3';

export interface RecordedStatement {
  sql: string;
  params: unknown[];
}

export interface StatementWatch {
  /** Records everything the connection runs while `run` runs (awaited), and returns it. */
  during(run: () => unknown): Promise<RecordedStatement[]>;
}

const EXECUTIONS = new Set<PropertyKey>(['run', 'get', 'all', 'iterate']);

export function watchStatements(client: Database.Database): StatementWatch {
  let recording: RecordedStatement[] | null = null;
  const prepare = client.prepare.bind(client);
  const wrap = (sql: string, statement: Database.Statement): Database.Statement => {
    const proxy: Database.Statement = new Proxy(statement, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (recording && EXECUTIONS.has(key)) recording.push({ sql, params: args });
          const result = value.apply(target, args);
          // raw(), pluck() and the like return the statement itself: keep watching it.
          return result === target ? proxy : result;
        };
      },
    });
    return proxy;
  };
  client.prepare = ((sql: string) => wrap(sql, prepare(sql))) as typeof client.prepare;
  return {
    async during(run) {
      const seen: RecordedStatement[] = [];
      recording = seen;
      try {
        await run();
      } finally {
        recording = null;
      }
      return seen;
    },
  };
}

/** The plan's lines: "SEARCH nominations USING INDEX …", "SCAN audit_log", … */
export function planOf(client: Database.Database, statement: RecordedStatement): string[] {
  const rows = client
    .prepare(`EXPLAIN QUERY PLAN ${statement.sql}`)
    .all(...(statement.params as [])) as Array<{ detail: string }>;
  return rows.map((row) => row.detail);
}

/** The lines of the plan that read one of `tables` whole (a SCAN without an index), aliases resolved. */
export function fullScans(
  client: Database.Database,
  statement: RecordedStatement,
  tables: string[],
): string[] {
  const aliases = new Map<string, string>(tables.map((table) => [table, table]));
  for (const match of statement.sql.matchAll(/\b(?:from|join)\s+"?(\w+)"?\s+(?:as\s+)?"?(\w+)"?/gi)) {
    if (tables.includes(match[1]!)) aliases.set(match[2]!, match[1]!);
  }
  return planOf(client, statement).filter((line) => {
    const scan = /^SCAN (\w+)(.*)$/.exec(line);
    return scan && aliases.has(scan[1]!) && !/USING (COVERING )?INDEX/.test(scan[2]!);
  });
}
