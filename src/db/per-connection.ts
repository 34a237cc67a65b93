// Work done once per database connection instead of once per request. Building a query with
// drizzle and preparing it in SQLite cost more than running it (a profile of the vacancy page put
// two fifths of all CPU there), so the pages' queries are built and prepared on first use and
// reused; and data that rarely changes (settings, seats) is read once and kept until anything a
// page can show is written to the database. Keyed by connection: tests open many databases in one
// process.
import type Database from 'better-sqlite3';
import type { Db, Tx } from './client.js';

/**
 * The better-sqlite3 connection behind a database or a transaction handle. A transaction shares
 * its database's session (drizzle keeps it internal), so a statement prepared for the database
 * runs inside the transaction too: it is the same connection.
 */
export function connectionOf(db: Db | Tx): Database.Database {
  const client = (db as { $client?: Database.Database }).$client;
  return client ?? (db as unknown as { session: { client: Database.Database } }).session.client;
}

/**
 * A query built and prepared once per connection: `build` runs on first use (drizzle's
 * `.prepare()`, with `sql.placeholder()` for what varies), and later calls reuse the statement.
 */
export function prepareOnce<T>(build: (db: Db | Tx) => T): (db: Db | Tx) => T {
  const statements = new WeakMap<Database.Database, T>();
  return (db) => {
    const connection = connectionOf(db);
    let statement = statements.get(connection);
    if (statement === undefined) {
      statement = build(db);
      statements.set(connection, statement);
    }
    return statement;
  };
}

interface Kept<T> {
  version: string;
  value: T;
}

/**
 * The content version: it moves with every committed change to anything a page can show, by this
 * connection or any other process (triggers on the tables bump it; see content_version in the
 * schema). Renewing a session, counting a failed login or taking a job's lease leave it alone,
 * and so does a rolled-back write. SQLite's schema version is part of it, so that dropping the
 * triggers (a tampered file) moves it too. Reading it costs one tiny statement.
 */
const versionStatement = prepareOnce((db) =>
  connectionOf(db)
    .prepare("SELECT n || '.' || schema_version FROM content_version, pragma_schema_version WHERE id = 1")
    .pluck(),
);

let versionsMadeUp = 0;

export function databaseVersion(db: Db | Tx): string {
  const version = versionStatement(db).get();
  if (typeof version === 'string') return version;
  // Its row gone (the file tampered with): a version never seen before, so that nothing is kept.
  versionsMadeUp += 1;
  return `missing ${versionsMadeUp}`;
}

/**
 * A read kept in memory until the content version moves (anything a page can show is written,
 * here or by another process); then it is read again on next use. Inside a transaction it is
 * always read afresh and not kept: the transaction may see its own uncommitted writes, which a
 * rollback would take back. What it returns is frozen, since every caller shares it.
 */
export function cacheUntilWrite<T>(read: (db: Db | Tx) => T): (db: Db | Tx) => T {
  const kept = new WeakMap<Database.Database, Kept<T>>();
  return (db) => {
    const connection = connectionOf(db);
    if (connection.inTransaction) return read(db);
    const version = databaseVersion(db);
    const entry = kept.get(connection);
    if (entry && entry.version === version) return entry.value;
    const value = deepFreeze(read(db));
    kept.set(connection, { version, value });
    return value;
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
