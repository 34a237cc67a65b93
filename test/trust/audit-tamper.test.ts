// Tampering with the audit log as someone holding the database file would: drop the append-only
// triggers (migrations/0001_audit_append_only.sql), then edit, delete, insert or reorder entries.
// `audit:verify` (the CLI's program, run in-process on a copy of the file) must exit 1 and name the
// first entry that no longer fits; on the untouched chain it exits 0.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoEmail } from '../../src/demo/seed-demo.js';
import { entryHash } from '../../src/features/audit-log/audit-log.js';
import { client, makeTestApp } from '../helpers/app.js';
import { type CliOutcome, cliInProcess } from '../helpers/cli.js';
import { NOW, YESTERDAY } from './world.js';

interface AuditRow {
  id: number;
  at: string;
  actor_id: number | null;
  actor_label: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

let image: Buffer;
let entries: AuditRow[];
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'board-audit-tamper-'));

beforeAll(async () => {
  // A chain written by real actions: the demo seed, logins, Montreal's term ended, nominations
  // reviewed.
  const t = await makeTestApp({ now: NOW });
  try {
    const secretariat = client(t);
    await secretariat.logIn(demoEmail('secretariat'));
    const montreal = t.db.$client
      .prepare(
        "SELECT terms.id FROM terms JOIN cities ON cities.id = terms.city_id WHERE cities.name = 'Montreal'",
      )
      .get() as { id: number };
    await secretariat.post(`/terms/${montreal.id}/end`, { endedOn: YESTERDAY, reason: 'resigned' });
    for (const id of [1, 2, 3])
      await secretariat.post(`/nominations/${id}/review`, { status: 'eligible', note: '' });
    for (const account of ['mayor.amman', 'partner.c40', 'nominator.bogota'])
      await client(t).logIn(demoEmail(account));
    image = t.db.$client.serialize();
    entries = t.db.$client.prepare('SELECT * FROM audit_log ORDER BY id').all() as AuditRow[];
  } finally {
    await t.close();
  }
}, 60_000);
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

let copies = 0;
/** A copy of the database, its append-only triggers dropped, then changed by `tamper`. */
function tamperedCopy(tamper: (db: Database.Database) => void): string {
  copies += 1;
  const file = path.join(folder, `copy-${copies}`, 'board.db');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, image);
  const db = new Database(file);
  try {
    db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    tamper(db);
  } finally {
    db.close();
  }
  return file;
}

/** `npm run cli -- audit:verify` on that file (in-process): its exit code and what it printed. */
function auditVerify(file: string, args: string[] = []): Promise<CliOutcome> {
  return cliInProcess(['audit:verify', ...args], { ...process.env, DATABASE_PATH: file, NODE_ENV: 'test' });
}

const COLUMNS = [
  'at',
  'actor_id',
  'actor_label',
  'action',
  'subject_type',
  'subject_id',
  'details',
  'prev_hash',
  'hash',
];

/** The hash an attacker computes for a forged entry: the chain's own function, nothing secret. */
function plausibleHash(fields: Omit<AuditRow, 'id' | 'hash'>): string {
  return entryHash({
    at: fields.at,
    actorId: fields.actor_id,
    actorLabel: fields.actor_label,
    action: fields.action,
    subjectType: fields.subject_type,
    subjectId: fields.subject_id,
    details: fields.details,
    prevHash: fields.prev_hash,
  });
}

/** Moves every entry after `afterId` one place on, leaving a gap at afterId + 1. */
function makeRoomAfter(db: Database.Database, afterId: number) {
  db.prepare('UPDATE audit_log SET id = id + 1000000 WHERE id > ?').run(afterId);
  db.prepare('UPDATE audit_log SET id = id - 999999 WHERE id > 1000000').run();
}

const middle = () => entries[Math.floor(entries.length / 2)]!;
const broken = (id: number) => new RegExp(`^Audit log BROKEN at entry ${id}: .+\\.$`, 'm');

describe('audit:verify on a database whose append-only triggers were dropped', () => {
  it('has a chain of real entries to tamper with', () => {
    expect(entries.length).toBeGreaterThanOrEqual(10);
    expect(entries.map((entry) => entry.action)).toEqual(expect.arrayContaining(['term.end', 'auth.login']));
  });

  it('refuses to rewrite or remove an entry while the triggers stand', () => {
    const file = path.join(folder, 'with-triggers.db');
    fs.writeFileSync(file, image);
    const db = new Database(file);
    try {
      expect(() => db.prepare("UPDATE audit_log SET details = '{}' WHERE id = 1").run()).toThrow(
        /append-only/,
      );
      expect(() => db.prepare('DELETE FROM audit_log WHERE id = 1').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });

  it('exits 0 on the untouched chain, counting every entry', async () => {
    const result = await auditVerify(tamperedCopy(() => {}));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Audit log intact: ${entries.length} entries, hash chain verified.`);
  });

  it('exits 1 naming an edited entry', async () => {
    const target = middle();
    const file = tamperedCopy((db) =>
      db
        .prepare('UPDATE audit_log SET details = ? WHERE id = ?')
        .run('{"note":"nothing happened"}', target.id),
    );
    const result = await auditVerify(file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(broken(target.id));
    expect(result.stderr).toContain('its content does not match its hash');
  });

  it('exits 1 naming the entry after an edited one whose own hash was recomputed', async () => {
    const target = middle();
    const file = tamperedCopy((db) => {
      const details = '{"note":"nothing happened"}';
      db.prepare('UPDATE audit_log SET details = ?, hash = ? WHERE id = ?').run(
        details,
        plausibleHash({ ...target, details }),
        target.id,
      );
    });
    const result = await auditVerify(file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(broken(target.id + 1));
  });

  it('exits 1 naming the entry after a deleted one, and saying which is missing', async () => {
    const target = middle();
    const result = await auditVerify(
      tamperedCopy((db) => db.prepare('DELETE FROM audit_log WHERE id = ?').run(target.id)),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(broken(target.id + 1));
    expect(result.stderr).toContain(`entries ${target.id}–${target.id} are missing`);
  });

  it('exits 1 naming the second entry when the first is deleted', async () => {
    const result = await auditVerify(
      tamperedCopy((db) => db.prepare('DELETE FROM audit_log WHERE id = 1').run()),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(broken(2));
  });

  it('exits 1 naming an entry inserted in the middle with a plausible-looking hash', async () => {
    const before = middle();
    const file = tamperedCopy((db) => {
      makeRoomAfter(db, before.id);
      db.prepare(
        `INSERT INTO audit_log (id, ${COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        before.id + 1,
        before.at,
        null,
        'system',
        'vacancy.open',
        'vacancy',
        '2',
        '{}',
        before.hash,
        'a'.repeat(64),
      );
    });
    const result = await auditVerify(file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(broken(before.id + 1));
  });

  it('exits 1 naming the entry after one inserted in the middle with its hash correctly computed', async () => {
    const before = middle();
    const file = tamperedCopy((db) => {
      makeRoomAfter(db, before.id);
      const forged = {
        at: before.at,
        actor_id: null,
        actor_label: 'system',
        action: 'vacancy.open',
        subject_type: 'vacancy',
        subject_id: '2',
        details: '{}',
        prev_hash: before.hash,
      };
      db.prepare(
        `INSERT INTO audit_log (id, ${COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(before.id + 1, ...Object.values(forged), plausibleHash(forged));
    });
    const result = await auditVerify(file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(broken(before.id + 2));
  });

  it('exits 1 naming the first of two entries swapped (reordered)', async () => {
    const first = middle();
    const second = entries.find((entry) => entry.id === first.id + 1)!;
    const file = tamperedCopy((db) => {
      const put = db.prepare(
        `UPDATE audit_log SET ${COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`,
      );
      const values = (row: AuditRow) => COLUMNS.map((column) => row[column as keyof AuditRow]);
      put.run(...values(second), first.id);
      put.run(...values(first), second.id);
    });
    const result = await auditVerify(file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(broken(first.id));
  });

  // KNOWN GAPS (reported): the chain is an unkeyed hash with no anchor outside the file, so the
  // end of the log can be cut off, or extended with correctly hashed entries, unnoticed. These
  // specify what audit:verify should do; they fail today and are marked so.
  it('prints the head to keep outside the server, and exits 0 given that head on the untouched chain', async () => {
    const last = entries.at(-1)!;
    const untouched = tamperedCopy(() => {});
    const result = await auditVerify(untouched);
    expect(result.stdout).toContain(`Head: ${last.id}:${last.hash}`);
    expect((await auditVerify(untouched, ['--head', `${last.id}:${last.hash}`])).code).toBe(0);
  });

  it('exits 1 when the last entry is deleted, given the head kept before', async () => {
    const last = entries.at(-1)!;
    const file = tamperedCopy((db) => db.prepare('DELETE FROM audit_log WHERE id = ?').run(last.id));
    expect((await auditVerify(file)).code).toBe(0); // the chain left holds together: hence the head
    const result = await auditVerify(file, ['--head', `${last.id}:${last.hash}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(broken(last.id));
    expect(result.stderr).toContain('the log was cut back');
  });

  it('exits 1 when the log is cut back below a checkpoint the audit page recorded', async () => {
    const last = entries.at(-1)!;
    const file = tamperedCopy((db) => {
      db.prepare(
        'INSERT INTO audit_checkpoints (last_entry_id, last_hash, entries, verified_at) VALUES (?, ?, ?, ?)',
      ).run(last.id, last.hash, entries.length, last.at);
      db.prepare('DELETE FROM audit_log WHERE id = ?').run(last.id);
    });
    const result = await auditVerify(file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(broken(last.id));
    expect(result.stderr).toContain('removed after it had been verified');
  });

  // The chain is not keyed: whoever can write the file can append an entry as the app would. The
  // README says so; the head kept outside the server dates what came after it.
  it.fails('KNOWN GAP: exits 1 when an entry is appended with its hash correctly computed (today: exit 0)', async () => {
    const last = entries.at(-1)!;
    const file = tamperedCopy((db) => {
      const forged = {
        at: last.at,
        actor_id: null,
        actor_label: 'system',
        action: 'ballot.certify',
        subject_type: 'ballot',
        subject_id: '1',
        details: '{}',
        prev_hash: last.hash,
      };
      db.prepare(
        `INSERT INTO audit_log (id, ${COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(last.id + 1, ...Object.values(forged), plausibleHash(forged));
    });
    const result = await auditVerify(file);
    expect(result.code).toBe(1);
  });
});
