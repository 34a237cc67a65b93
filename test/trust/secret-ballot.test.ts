// A secret ballot’s votes, as someone holding the database file or a backup would read them
// (DESIGN.md: "for a secret ballot no link, time or order that leads back to the voter"; a backup
// must hold nothing usable). The rows carry no voter or time and sort by their random receipts;
// the audit entry of a vote names neither voter nor receipt. The audit chain does keep each
// voter's login just before the vote that followed it, so the file's bytes must not keep the
// order in which the votes were written: every voter's row is made empty when the ballot opens,
// and a vote fills a random one in place, where it already lay.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../src/db/client.js';
import { demoEmail } from '../../src/demo/seed-demo.js';
import { client, cookieValue, type TestApp } from '../helpers/app.js';
import { buildWorld, openSnapshot } from './world.js';

const VOTERS = [
  'mayor.freetown',
  'mayor.kampala',
  'mayor.los-angeles',
  'mayor.milan',
  'partner.uclg',
  'mayor.amman',
];

let t: TestApp;
let ballot: number;
/** Receipts in the order the votes were cast (Bristol's first, cast while the world was built). */
const castInOrder: string[] = [];
/** Every vote row's receipt, filled or empty. */
let receipts: string[];
let before: Buffer;
let after: Buffer;
let backup: Buffer;

/** The database file as it lies on the server's disk, the write-ahead log folded into it. */
function liveFile(): Buffer {
  t.db.$client.pragma('wal_checkpoint(TRUNCATE)');
  return fs.readFileSync(t.config.databasePath);
}

async function backupOf(name: string): Promise<Buffer> {
  const file = path.join(t.dir, 'backup', name);
  await backupDatabase(t.db, file);
  return fs.readFileSync(file);
}

beforeAll(async () => {
  const world = await buildWorld();
  t = await openSnapshot(world.snapshots.balloting);
  ballot = world.snapshots.balloting.ids.ballot;
  castInOrder.push(world.snapshots.balloting.ids.bristolReceipt!.code);
  receipts = (
    t.db.$client.prepare('SELECT receipt FROM votes WHERE ballot_id = ?').all(ballot) as Array<{
      receipt: string;
    }>
  ).map((row) => row.receipt);
  before = liveFile();
  for (const voter of VOTERS) {
    const browser = client(t);
    await browser.logIn(demoEmail(voter));
    const voted = await browser.post(`/ballots/${ballot}/votes`, { rank_1: '1', rank_2: '2', rank_3: '3' });
    if (voted.status !== 303) throw new Error(`${voter} could not vote: ${voted.status}`);
    castInOrder.push(
      decodeURIComponent(cookieValue(voted.headers['set-cookie'], `receipt-${ballot}`)!).split('.')[0]!,
    );
  }
  after = liveFile();
  backup = await backupOf('after.db');
}, 120_000);
afterAll(async () => t?.close());

describe('a secret ballot’s votes in the database file and in a backup of it', () => {
  it('hold no voter and no time, and are listed in the order of their random receipts', () => {
    const rows = t.db.$client
      .prepare('SELECT receipt, voter_id, cast_at FROM votes WHERE ballot_id = ? AND trim(choices) <> ?')
      .all(ballot, 'null') as Array<{ receipt: string; voter_id: number | null; cast_at: string | null }>;
    expect(rows.map((row) => row.receipt).sort()).toEqual([...castInOrder].sort());
    expect(rows.every((row) => row.voter_id === null && row.cast_at === null)).toBe(true);
    expect(rows.map((row) => row.receipt)).toEqual([...castInOrder].sort());
  });

  it('are audited without voter, receipt or choices', () => {
    const entries = t.db.$client
      .prepare("SELECT actor_id, actor_label, details FROM audit_log WHERE action = 'ballot.vote'")
      .all() as Array<{ actor_id: number | null; actor_label: string; details: string }>;
    expect(entries).toHaveLength(castInOrder.length);
    for (const entry of entries) {
      expect(entry).toMatchObject({ actor_id: null, actor_label: 'a voter', details: '{}' });
    }
  });

  it('each lie where the voter’s empty row lay before any vote: the order of voting leaves no trace in the file', () => {
    // One row per voter on the roll, made when the ballot opened; seven of them now filled.
    const roll = t.db.$client
      .prepare('SELECT count(*) AS n FROM voter_roll WHERE ballot_id = ?')
      .get(ballot) as {
      n: number;
    };
    expect(receipts.length).toBe(roll.n);
    for (const receipt of castInOrder) expect(receipts).toContain(receipt);
    // Every place a receipt is found (its row, and the index on the voter column, which holds the
    // table's key too) is the same before and after: nothing moved, and no copy was left behind.
    const places = (file: Buffer, receipt: string) => {
      const found: number[] = [];
      for (let at = file.indexOf(receipt); at !== -1; at = file.indexOf(receipt, at + 1)) found.push(at);
      return found;
    };
    for (const receipt of receipts) {
      expect(places(before, receipt).length, receipt).toBeGreaterThan(0);
      expect(places(after, receipt), receipt).toEqual(places(before, receipt));
    }
  });

  it('are in a backup exactly as often as in the file (no stale copy of a row), and the backup is no larger than the file (no free page comes with it)', () => {
    const count = (file: Buffer, receipt: string) => {
      let n = 0;
      for (let at = file.indexOf(receipt); at !== -1; at = file.indexOf(receipt, at + 1)) n += 1;
      return n;
    };
    for (const receipt of receipts) expect(count(backup, receipt), receipt).toBe(count(after, receipt));
    expect(backup.length).toBeLessThanOrEqual(after.length);
  });
});
