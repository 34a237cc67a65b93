// Opens the SQLite database, sets the pragmas an election system needs, and applies migrations.
import crypto from 'node:crypto';
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
  // What is deleted or moved is overwritten with zeros, not left in free space for a copy of the
  // file to show (a secret vote's earlier place, a deleted session's hash).
  sqlite.pragma('secure_delete = ON');
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

/**
 * Folds the write-ahead log into the database file and empties it, if no other connection is
 * reading at this moment: it never waits and never fails (another connection's next fold does
 * it). The log's frames keep each transaction's pages together, which for a secret vote would
 * tie the voter's line on the roll to the vote row.
 */
export function foldWriteAheadLog(db: Db): void {
  const sqlite = db.$client;
  const timeout = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma('busy_timeout = 0');
  try {
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // Busy: another process is reading or writing; the log is folded next time.
  } finally {
    sqlite.pragma(`busy_timeout = ${timeout}`);
  }
}

/**
 * A backup of the whole database, safe while the app (and other processes) write: `VACUUM INTO`
 * copies one consistent snapshot inside a single read transaction, so writers go on meanwhile
 * and a stream of writes cannot restart it forever (as it can SQLite's page-by-page backup). The
 * copy is compact: no free page of the source, so nothing deleted, comes with it. It is written
 * beside the destination and renamed into place, so the destination is never half a backup.
 */
export async function backupDatabase(db: Db, destination: string): Promise<void> {
  const target = path.resolve(destination);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial-${crypto.randomBytes(6).toString('hex')}`;
  try {
    db.$client.prepare('VACUUM INTO ?').run(partial);
    fs.renameSync(partial, target);
  } finally {
    fs.rmSync(partial, { force: true });
  }
}
