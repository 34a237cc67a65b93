// Opens the SQLite database, sets the pragmas an election system needs, and applies migrations.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** A transaction handle: what every action's write step receives. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

export function openDatabase(databasePath: string): Db {
  if (databasePath !== ':memory:') fs.mkdirSync(path.dirname(databasePath), { recursive: true });
  const sqlite = new Database(databasePath);
  sqlite.pragma('journal_mode = WAL');
  // An acknowledged vote must survive a power loss: sync the WAL on every commit.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle({ client: sqlite, schema }) as Db;
  // Every write transaction takes the write lock at BEGIN (IMMEDIATE): a transaction that reads
  // first (the audit chain's last hash, a state check) then writes would otherwise fail with
  // SQLITE_BUSY when the CLI or a job writes at the same moment.
  const deferred = db.transaction.bind(db);
  db.transaction = ((run, config) =>
    deferred(run, { behavior: 'immediate', ...config })) as Db['transaction'];
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return db;
}

/** A database-wide online backup, safe while the app is serving requests. */
export async function backupDatabase(db: Db, destination: string): Promise<void> {
  fs.mkdirSync(path.dirname(path.resolve(destination)), { recursive: true });
  await db.$client.backup(destination);
}
