// `npm run cli -- seed:history`: a synthetic past for benchmarks, added to a seeded board. It adds
// exactly what is asked, keeps the audit chain intact, and is a past the jobs have already dealt
// with: its ballots are counted as the app counts them and its alerts were raised long ago.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BallotResult } from '../../src/db/schema.js';
import { tallyBallot } from '../../src/domain/tally.js';
import { cliInProcess } from '../helpers/cli.js';

let dir: string;
let env: NodeJS.ProcessEnv;

function cli(...args: string[]) {
  return cliInProcess(args, env);
}

function read<T>(sql: string): T[] {
  const db = new Database(path.join(dir, 'board.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const count = (table: string) => read<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)[0]!.n;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'board-history-'));
  env = { ...process.env, DATABASE_PATH: path.join(dir, 'board.db'), NODE_ENV: 'test' };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// Each case starts a real process (about a second each), so these tests get generous time.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

describe('npm run cli -- seed:history', () => {
  it('refuses a database without a board: the history is a board’s past', async () => {
    const result = await cli('seed:history', '--terms', '8');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('run seed:demo first');
  });

  it('refuses a count that is not a whole number, and nominations without past terms, writing nothing', async () => {
    expect((await cli('seed:demo')).code).toBe(0);
    const before = count('nominations');
    for (const args of [
      ['--terms', 'many'],
      ['--audit', '-5'],
      ['--nominations', '10', '--terms', '0'],
    ]) {
      const result = await cli('seed:history', ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/--(terms|audit)/);
    }
    expect(count('nominations')).toBe(before);
  });

  describe('on the demo board', () => {
    const before = { terms: 0, nominations: 0, audit: 0 };
    beforeAll(async () => {
      before.terms = count('terms');
      before.nominations = count('nominations');
      before.audit = count('audit_log');
      const result = await cli('seed:history', '--nominations', '400', '--terms', '40', '--audit', '3000');
      expect(result.code, result.stderr).toBe(0);
    });

    it('adds exactly the terms, nominations and audit entries asked for', () => {
      expect(count('terms') - before.terms).toBe(40);
      expect(count('nominations') - before.nominations).toBe(400);
      expect(count('audit_log') - before.audit).toBe(3000);
    });

    it('continues the audit chain: audit:verify finds it intact', async () => {
      const result = await cli('audit:verify');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Audit log intact: ${before.audit + 3000} entries`);
    });

    it('keeps the past in the past: no two terms on a seat overlap, and its vacancies are filled', () => {
      const overlapping = read<{ n: number }>(
        `SELECT count(*) AS n FROM terms a JOIN terms b ON a.seat_id = b.seat_id AND a.id < b.id
          WHERE a.starts_on < coalesce(b.ended_on, b.ends_on) AND b.starts_on < coalesce(a.ended_on, a.ends_on)`,
      );
      expect(overlapping[0]!.n).toBe(0);
      expect(read<{ n: number }>("SELECT count(*) AS n FROM vacancies WHERE status = 'filled'")[0]!.n).toBe(
        40,
      );
    });

    it('stores each closed ballot’s result as the tally of its votes', () => {
      const ballots = read<{ id: number; result: string }>(
        "SELECT id, result FROM ballots WHERE status = 'certified'",
      );
      expect(ballots.length).toBeGreaterThan(0);
      for (const ballot of ballots) {
        const candidates = read<{ id: number }>(
          `SELECT nomination_id AS id FROM ballot_candidates WHERE ballot_id = ${ballot.id} ORDER BY position`,
        ).map((row) => String(row.id));
        const votes = read<{ choices: string }>(`SELECT choices FROM votes WHERE ballot_id = ${ballot.id}`);
        const recount = tallyBallot({
          method: 'ranked',
          candidates,
          ballots: votes.map((vote) => ({ choices: JSON.parse(vote.choices) as string[] })),
        });
        const stored = JSON.parse(ballot.result) as BallotResult;
        expect(stored.winner).toBe(recount.winner);
        expect(stored.rounds).toEqual(recount.rounds);
      }
    });

    it('is a past the jobs have dealt with: alerts:run raises nothing for it', async () => {
      const result = await cli('alerts:run');
      expect(result.code).toBe(0);
      expect(result.stdout).not.toMatch(/ballot_closed|ballot_opened/);
    });
  });
});
