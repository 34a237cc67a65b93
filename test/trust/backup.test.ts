// Backups (issue 12): `npm run cli -- backup <file>`, the real command in a process of its own,
// taken while the real server (another process) is writing votes, then restored by the README's
// procedure ("Backups and restore"): the backup file alone at a fresh DATABASE_PATH, checked with
// `audit:verify`, the server started on it. The restored database must pass integrity_check and
// hold every vote acknowledged before the backup began, each whole (its row and its voter's mark).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cliInProcess } from '../helpers/cli.js';
import { startServerProcess } from '../helpers/server-process.js';
import { ballotWithVoters, voteOn } from './voters.js';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VOTERS = 400;
const WRITERS = 6;
/** The backup starts once this many votes are acknowledged, and votes go on meanwhile. */
const BACKUP_AFTER = 60;

interface Acknowledged {
  userId: number;
  receipt: string;
  /** Acknowledged before the backup command was started. */
  beforeBackup: boolean;
}

describe('a backup taken while votes are being written, restored as the README says', () => {
  const race = ballotWithVoters(VOTERS);

  it('restores to a database that passes integrity_check and holds every vote acknowledged before the backup began', async () => {
    const backupFile = path.join(race.t.dir, 'backups', 'board-backup.db');
    const acknowledged: Acknowledged[] = [];
    let backupStarted = false;
    let backupFinished = false;
    let acknowledgedDuringBackup = 0;
    let next = 0;

    const writer = async () => {
      while (next < race.voters.length) {
        const voter = race.voters[next++]!;
        const response = await voteOn(race, false, voter, (voter.userId % 3) + 1);
        expect(response.status, response.text.slice(0, 300)).toBe(303);
        const cookie = ([] as string[])
          .concat(response.headers['set-cookie'] ?? [])
          .find((line) => line.startsWith(`receipt-${race.ballotId}=`))!;
        const receipt = decodeURIComponent(cookie.split(';')[0]!.split('=')[1]!).split('.')[0]!;
        acknowledged.push({ userId: voter.userId, receipt, beforeBackup: !backupStarted });
        if (backupStarted && !backupFinished) acknowledgedDuringBackup += 1;
      }
    };
    const backup = async () => {
      while (acknowledged.length < BACKUP_AFTER) await new Promise((resolve) => setTimeout(resolve, 5));
      backupStarted = true;
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', 'src/cli.ts', 'backup', backupFile],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, DATABASE_PATH: race.t.config.databasePath, NODE_ENV: 'test' },
        },
      );
      backupFinished = true;
      expect(stdout).toContain(`to ${backupFile}`);
    };
    await Promise.all([backup(), ...Array.from({ length: WRITERS }, writer)]);
    await race.server.stop();

    // The votes really were being written while the backup was taken.
    expect(acknowledged).toHaveLength(VOTERS);
    expect(acknowledgedDuringBackup).toBeGreaterThan(0);

    // The restore: the backup file alone (no -wal, no -shm) at a fresh DATABASE_PATH.
    const restoredPath = path.join(race.t.dir, 'restored', 'board.db');
    fs.mkdirSync(path.dirname(restoredPath));
    fs.copyFileSync(backupFile, restoredPath);
    const verify = await cliInProcess(['audit:verify'], { ...process.env, DATABASE_PATH: restoredPath });
    expect(verify.stdout, verify.stderr).toMatch(/^Audit log intact: \d+ entries/);
    expect(verify.code).toBe(0);

    const restored = new Database(restoredPath, { readonly: true });
    try {
      expect(restored.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(restored.pragma('foreign_key_check')).toEqual([]);
      const filled = restored.prepare(
        "SELECT 1 FROM votes WHERE ballot_id = ? AND receipt = ? AND trim(choices) <> 'null'",
      );
      const marked = restored.prepare(
        'SELECT 1 FROM voter_roll WHERE ballot_id = ? AND user_id = ? AND voted = 1',
      );
      const before = acknowledged.filter((vote) => vote.beforeBackup);
      expect(before.length).toBeGreaterThanOrEqual(BACKUP_AFTER);
      const missing = before.filter(
        (vote) => !filled.get(race.ballotId, vote.receipt) || !marked.get(race.ballotId, vote.userId),
      );
      expect(missing, 'votes acknowledged before the backup began, missing from it').toEqual([]);
      // Every vote in the backup is whole: as many filled vote rows as voters marked on the roll.
      const { stored } = restored
        .prepare("SELECT count(*) AS stored FROM votes WHERE ballot_id = ? AND trim(choices) <> 'null'")
        .get(race.ballotId) as { stored: number };
      const { voted } = restored
        .prepare('SELECT count(*) AS voted FROM voter_roll WHERE ballot_id = ? AND voted = 1')
        .get(race.ballotId) as { voted: number };
      expect(stored).toBe(voted);
      expect(stored).toBeGreaterThanOrEqual(before.length);
    } finally {
      restored.close();
    }

    // The server starts on the restored file, and a voter whose vote is in it cannot vote again.
    const server = await startServerProcess(restoredPath);
    try {
      const voter = race.voters.find((candidate) => candidate.userId === acknowledged[0]!.userId)!;
      const again = await voteOn({ ...race, server }, false, voter, 1);
      expect(again.status).toBe(409);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
