// The content version (content_version in src/db/schema.ts, migration 0009): one number that moves
// with every committed change to anything a page can show, whoever writes it. The page cache and
// the reads kept in memory (settings, seats) are dropped when it moves, so a table that changes
// without moving it would leave a stale page on screen. Sessions, failed logins and job leases
// are left out on purpose: no page shows them, and they change on reads and on every job run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/db/client.js';
import { databaseVersion } from '../../src/db/per-connection.js';
import { takeLease } from '../../src/jobs/lease.js';

/** Tables no page shows: their changes must not empty the page cache. */
const NOT_SHOWN = ['sessions', 'login_failures', 'job_leases'];
const OPERATIONS = ['insert', 'update', 'delete'];

describe('the content version', () => {
  let dir: string;
  let db: Db;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'board-content-version-'));
    db = openDatabase(path.join(dir, 'board.db'));
  });
  afterAll(() => {
    db.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const tables = () =>
    db.$client
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' AND name <> 'content_version'",
      )
      .pluck()
      .all() as string[];
  const triggersOn = (table: string) =>
    db.$client
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?")
      .all(table) as Array<{ name: string; sql: string }>;

  it('is moved by an insert, an update and a delete on every table a page can show, a table added later included', () => {
    const shown = tables().filter((table) => !NOT_SHOWN.includes(table));
    expect(shown.length).toBeGreaterThan(15);
    for (const table of shown) {
      const bumps = triggersOn(table)
        .filter((trigger) => /UPDATE `content_version` SET `n` = `n` \+ 1/.test(trigger.sql))
        .map((trigger) => /AFTER (INSERT|UPDATE|DELETE) ON/i.exec(trigger.sql)?.[1]?.toLowerCase());
      expect({ table, bumps: bumps.sort() }).toEqual({ table, bumps: [...OPERATIONS].sort() });
    }
  });

  it('is left alone by sessions, failed logins and job leases, which no page shows', () => {
    for (const table of NOT_SHOWN) {
      expect(tables()).toContain(table);
      expect(triggersOn(table).filter((trigger) => /content_version/.test(trigger.sql))).toEqual([]);
    }
    const before = databaseVersion(db);
    db.$client
      .prepare(
        "INSERT INTO login_failures (email, client_address, at) VALUES ('someone@example.org', '127.0.0.1', 1)",
      )
      .run();
    expect(takeLease(db, 'alerts', 'a test', new Date(), 60_000)).toBe(true);
    expect(databaseVersion(db)).toBe(before);
  });

  it('moves with a committed change and not with a rolled-back one', () => {
    const before = databaseVersion(db);
    db.$client.exec('BEGIN IMMEDIATE');
    db.$client.prepare('INSERT INTO seats (number) VALUES (999)').run();
    db.$client.exec('ROLLBACK');
    expect(databaseVersion(db)).toBe(before);
    db.$client.prepare('INSERT INTO seats (number) VALUES (997)').run();
    expect(databaseVersion(db)).not.toBe(before);
  });

  it('moves with a change committed by another connection (another process: the CLI, a second server)', () => {
    const before = databaseVersion(db);
    const other = new Database(path.join(dir, 'board.db'));
    other.prepare('INSERT INTO seats (number) VALUES (998)').run();
    other.close();
    expect(databaseVersion(db)).not.toBe(before);
  });

  it('moves when a trigger is dropped (a tampered file), and is never the same twice once its row is gone', () => {
    const before = databaseVersion(db);
    db.$client.exec('DROP TRIGGER `terms_update_content_version`');
    expect(databaseVersion(db)).not.toBe(before);
    db.$client.exec('DELETE FROM content_version');
    const gone = databaseVersion(db);
    expect(databaseVersion(db)).not.toBe(gone);
  });
});
