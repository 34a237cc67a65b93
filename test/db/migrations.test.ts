// Upgrading a database made before migration 0004: rows recorded the old way come out as the new
// schema says they must. Each test builds a database at migration 0003 (the migrations as they
// shipped then, in a folder of their own), writes rows as the app then did, and opens it the way
// the app does (openDatabase applies every later migration).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { asc } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase } from '../../src/db/client.js';
import { nominations, terms } from '../../src/db/schema.js';
import { COUNTRIES, regionOf } from '../../src/domain/countries.js';

const LAST_OLD_MIGRATION = '0003_nominations_and_accounts';

let dir: string;
let databasePath: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'board-migrations-'));
  databasePath = path.join(dir, 'board.db');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A database file at migration 0003, open for rows written the old way. */
function databaseAtMigration0003(): Database.Database {
  const folder = path.join(dir, 'migrations-0003');
  fs.mkdirSync(path.join(folder, 'meta'), { recursive: true });
  const journal = JSON.parse(
    fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'),
  ) as {
    entries: Array<{ tag: string }>;
  };
  const last = journal.entries.findIndex((entry) => entry.tag === LAST_OLD_MIGRATION);
  expect(last).toBe(3);
  journal.entries = journal.entries.slice(0, last + 1);
  fs.writeFileSync(path.join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const { tag } of journal.entries)
    fs.copyFileSync(path.join(MIGRATIONS_FOLDER, `${tag}.sql`), path.join(folder, `${tag}.sql`));

  const sqlite = new Database(databasePath);
  migrate(drizzle({ client: sqlite }), { migrationsFolder: folder });
  const termColumns = (sqlite.prepare('PRAGMA table_info(terms)').all() as Array<{ name: string }>).map(
    (column) => column.name,
  );
  expect(termColumns).not.toContain('region');
  return sqlite;
}

describe('migration 0004 keeps each term’s city as it was', () => {
  it('gives every term recorded before it its city’s region (from the country), migration contexts and secondary-city flag', () => {
    const old = databaseAtMigration0003();
    const insertCity = old.prepare(
      'INSERT INTO cities (name, country, city_key, secondary_city, contexts) VALUES (?, ?, ?, ?, ?)',
    );
    const athens = insertCity.run(
      'Athens',
      'GR',
      'GR:athens',
      0,
      '["transit","destination","refugee_hosting"]',
    );
    const kampala = insertCity.run('Kampala', 'UG', 'UG:kampala', 0, '["refugee_hosting","mixed_migration"]');
    const gaziantep = insertCity.run('Gaziantep', 'TR', 'TR:gaziantep', 1, '["refugee_hosting"]');
    const montreal = insertCity.run('Montreal', 'CA', 'CA:montreal', 0, '[]');
    const seat = old.prepare('INSERT INTO seats (number) VALUES (?)');
    const insertTerm = old.prepare(
      'INSERT INTO terms (seat_id, member_name, city_id, starts_on, ends_on) VALUES (?, ?, ?, ?, ?)',
    );
    for (const [number, member, city] of [
      [1, 'Nikos Papadakis', athens],
      [2, 'Joseph Ssempala', kampala],
      [3, 'Fatma Şahin', gaziantep],
      [4, 'Camille Tremblay', montreal],
    ] as const) {
      seat.run(number);
      insertTerm.run(number, member, city.lastInsertRowid, '2025-01-01', '2027-01-01');
    }
    old.close();

    const db = openDatabase(databasePath);
    try {
      const upgraded = db
        .select({
          member: terms.memberName,
          region: terms.region,
          contexts: terms.contexts,
          secondaryCity: terms.secondaryCity,
        })
        .from(terms)
        .orderBy(asc(terms.id))
        .all();
      expect(upgraded).toEqual([
        {
          member: 'Nikos Papadakis',
          region: 'Europe & Central Asia',
          contexts: ['transit', 'destination', 'refugee_hosting'],
          secondaryCity: false,
        },
        {
          member: 'Joseph Ssempala',
          region: 'Sub-Saharan Africa',
          contexts: ['refugee_hosting', 'mixed_migration'],
          secondaryCity: false,
        },
        {
          member: 'Fatma Şahin',
          region: 'Europe & Central Asia',
          contexts: ['refugee_hosting'],
          secondaryCity: true,
        },
        { member: 'Camille Tremblay', region: 'North America', contexts: [], secondaryCity: false },
      ]);
    } finally {
      db.$client.close();
    }
  });

  it('derives each term’s region as the app’s country table does, for every country in it', () => {
    const old = databaseAtMigration0003();
    old.prepare('INSERT INTO seats (number) VALUES (1)').run();
    const insertCity = old.prepare('INSERT INTO cities (name, country, city_key) VALUES (?, ?, ?)');
    const insertTerm = old.prepare(
      "INSERT INTO terms (seat_id, member_name, city_id, starts_on, ends_on) VALUES (1, ?, ?, '2025-01-01', '2027-01-01')",
    );
    old.transaction(() => {
      for (const country of COUNTRIES) {
        const city = insertCity.run(`Capital of ${country.name}`, country.iso2, `${country.iso2}:capital`);
        insertTerm.run(country.iso2, city.lastInsertRowid);
      }
    })();
    old.close();

    const db = openDatabase(databasePath);
    try {
      const regions = db.select({ country: terms.memberName, region: terms.region }).from(terms).all();
      expect(regions).toHaveLength(COUNTRIES.length);
      expect(regions.filter((row) => row.region !== regionOf(row.country))).toEqual([]);
    } finally {
      db.$client.close();
    }
  });

  it('sets aside all but a nominator’s newest draft for a vacancy as withdrawn, leaving other nominations as they were', () => {
    const old = databaseAtMigration0003();
    const city = old
      .prepare(
        "INSERT INTO cities (name, country, city_key, contexts) VALUES ('Bogota', 'CO', 'CO:bogota', '[]')",
      )
      .run().lastInsertRowid;
    const user = (email: string) =>
      old
        .prepare(
          "INSERT INTO users (email, display_name, role, city_id) VALUES (?, 'City hall', 'nominator', ?)",
        )
        .run(email, city).lastInsertRowid;
    const first = user('first@bogota.example');
    const second = user('second@bogota.example');
    old.prepare('INSERT INTO seats (number) VALUES (1), (2)').run();
    const vacancy = (seatId: number) =>
      old
        .prepare(
          "INSERT INTO vacancies (seat_id, reason, free_on, status) VALUES (?, 'resigned', '2026-12-01', 'open')",
        )
        .run(seatId).lastInsertRowid;
    const athensSeat = vacancy(1);
    const bristolSeat = vacancy(2);
    const nominate = (vacancyId: number | bigint, nominator: number | bigint, status: string) =>
      old
        .prepare(
          `INSERT INTO nominations (vacancy_id, nominated_by, nominee_name, nominee_title, nominee_email, city_name,
             country, city_key, contexts, mandate_ends_on, statement, status)
           VALUES (?, ?, 'Carlos Fernando Galán', 'Mayor', 'mayor@bogota.example', 'Bogota', 'CO', 'CO:bogota', '[]',
             '2030-01-01', 'Statement.', ?)`,
        )
        .run(vacancyId, nominator, status).lastInsertRowid;
    const older = nominate(athensSeat, first, 'draft');
    const middle = nominate(athensSeat, first, 'draft');
    const newest = nominate(athensSeat, first, 'draft');
    const otherNominator = nominate(athensSeat, second, 'draft');
    const otherVacancy = nominate(bristolSeat, first, 'draft');
    const submitted = nominate(bristolSeat, second, 'submitted');
    old.close();

    const db = openDatabase(databasePath);
    try {
      const statuses = Object.fromEntries(
        db
          .select({ id: nominations.id, status: nominations.status })
          .from(nominations)
          .all()
          .map((row) => [row.id, row.status]),
      );
      expect(statuses).toEqual({
        [Number(older)]: 'withdrawn',
        [Number(middle)]: 'withdrawn',
        [Number(newest)]: 'draft',
        [Number(otherNominator)]: 'draft',
        [Number(otherVacancy)]: 'draft',
        [Number(submitted)]: 'submitted',
      });
    } finally {
      db.$client.close();
    }
  });
});
