// Specification of `npm run cli -- tally <file.json> [--tie-rule lot --seed S]` (CONTRACT.md,
// "Recount format"): JSON on stdout and exit 0, or a message naming the problem on stderr, nothing
// on stdout and exit 2. Most cases run the command's function with an in-memory file; the last
// ones run the real CLI process to show it is wired the same way.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawOrder } from '../../../src/domain/tally.js';
import { runTallyCommand } from '../../../src/features/ballots/recount-command.js';

function tally(file: unknown, ...options: string[]) {
  const text = typeof file === 'string' ? file : JSON.stringify(file);
  return runTallyCommand(['ballots.json', ...options], (requested) => {
    if (requested !== 'ballots.json') throw Object.assign(new Error('not found'), { code: 'ENOENT' });
    return text;
  });
}

function refusal(file: unknown, ...options: string[]): string {
  const result = tally(file, ...options);
  expect(result.exitCode).toBe(2);
  expect(result.stdout).toBe('');
  return result.stderr;
}

const ranked = {
  method: 'ranked',
  candidates: ['Amman', 'Bristol', 'Cali'],
  ballots: [
    { choices: ['Amman'], count: 4, receipt: 'K7Q2' },
    { choices: ['Bristol', 'Cali'], count: 3 },
    { choices: ['Cali', 'Bristol'], count: 2 },
    { choices: [] },
  ],
};

describe('tally <file.json>', () => {
  it('prints the rounds of an instant runoff as the JSON of the contract, with a trailing newline', () => {
    const result = tally(ranked);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout.endsWith('}\n')).toBe(true);
    expect(JSON.parse(result.stdout)).toEqual({
      outcome: 'winner',
      winner: 'Bristol',
      rounds: [
        { tally: { Amman: 4, Bristol: 3, Cali: 2 }, eliminated: ['Cali'], exhausted: 1 },
        { tally: { Amman: 4, Bristol: 5 }, eliminated: [], exhausted: 1 },
      ],
    });
  });

  it('counts approval and single-choice ballots in one round, a ballot without a choice being exhausted', () => {
    const approval = tally({
      method: 'approval',
      candidates: ['A', 'B'],
      ballots: [{ choices: ['A', 'B'] }, { choices: ['B'], count: 2 }, { choices: [] }],
    });
    expect(JSON.parse(approval.stdout)).toEqual({
      outcome: 'winner',
      winner: 'B',
      rounds: [{ tally: { A: 1, B: 3 }, eliminated: [], exhausted: 1 }],
    });
    const single = tally({
      method: 'single',
      candidates: ['A', 'B'],
      ballots: [{ choices: ['A'] }, { choices: ['B'] }],
    });
    expect(JSON.parse(single.stdout)).toEqual({
      outcome: 'tie',
      winner: null,
      rounds: [{ tally: { A: 1, B: 1 }, eliminated: [], exhausted: 0 }],
    });
  });

  it('reports a tie that no earlier round breaks as the outcome tie, with no winner', () => {
    const level = {
      method: 'ranked',
      candidates: ['A', 'B'],
      ballots: [{ choices: ['A'] }, { choices: ['B'] }],
    };
    expect(JSON.parse(tally(level).stdout)).toMatchObject({ outcome: 'tie', winner: null });
  });

  describe('--tie-rule lot --seed S', () => {
    const level = {
      method: 'ranked',
      candidates: ['A', 'B', 'C'],
      ballots: [{ choices: ['A'] }, { choices: ['B'] }],
    };

    it('draws reproducibly: the same seed prints the same result', () => {
      const first = tally(level, '--tie-rule', 'lot', '--seed', 'ballot-12');
      expect(first.exitCode).toBe(0);
      expect(tally(level, '--tie-rule', 'lot', '--seed', 'ballot-12').stdout).toBe(first.stdout);
    });

    it('eliminates the tied candidate the seed draws last, so the one drawn first wins', () => {
      const order = drawOrder('ballot-12', ['A', 'B']);
      const result = JSON.parse(tally(level, '--tie-rule', 'lot', '--seed', 'ballot-12').stdout);
      expect(result.outcome).toBe('winner');
      expect(result.winner).toBe(order[0]);
      expect(result.rounds.map((round: { eliminated: string[] }) => round.eliminated)).toEqual([
        ['C'],
        [order[1]],
        [],
      ]);
    });

    it('lets different seeds decide differently', () => {
      const winners = new Set(
        Array.from(
          { length: 20 },
          (_, i) => JSON.parse(tally(level, '--tie-rule', 'lot', '--seed', `s${i}`).stdout).winner,
        ),
      );
      expect(winners).toEqual(new Set(['A', 'B']));
    });
  });

  describe('refuses, with exit code 2 and nothing on stdout', () => {
    it('a missing file argument, an extra argument or an unknown option', () => {
      expect(runTallyCommand([], () => '')).toMatchObject({ exitCode: 2, stdout: '' });
      expect(runTallyCommand([], () => '').stderr).toMatch(/tally needs the ballots file/);
      expect(runTallyCommand(['a.json', 'b.json'], () => '').stderr).toMatch(/takes one file/);
      expect(runTallyCommand(['a.json', '--recount'], () => '').stderr).toMatch(/Unknown option '--recount'/);
    });

    it('a tie rule other than runoff or lot, lot without a seed, or a seed without lot', () => {
      expect(refusal(ranked, '--tie-rule', 'coin')).toMatch(
        /--tie-rule must be runoff .* or lot .*, not "coin"/,
      );
      expect(refusal(ranked, '--tie-rule', 'lot')).toMatch(/--tie-rule lot needs --seed S/);
      expect(refusal(ranked, '--seed', 'x')).toMatch(/--seed is only used with --tie-rule lot/);
    });

    it('a file that cannot be read, or is not JSON', () => {
      const missing = runTallyCommand(['nowhere.json'], () => {
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      });
      expect(missing).toEqual({
        exitCode: 2,
        stdout: '',
        stderr: 'Cannot read nowhere.json: there is no such file.\n',
      });
      expect(refusal('{"method": "ranked",')).toMatch(/^ballots\.json is not valid JSON: /);
    });

    it('an unknown method, naming the ones there are', () => {
      expect(refusal({ ...ranked, method: 'borda' })).toBe(
        'ballots.json is not a recount file:\n  method: must be one of ranked, approval, single.\n',
      );
    });

    it('a choice naming no candidate, with the ballot and the place on it', () => {
      const file = { ...ranked, ballots: [{ choices: ['Amman'] }, { choices: ['Bristol', 'Zurich'] }] };
      expect(refusal(file)).toContain('ballots[1].choices[1]: "Zurich" is not a candidate.');
    });

    it('a candidate chosen twice on one ballot', () => {
      const file = { ...ranked, ballots: [{ choices: ['Amman', 'Cali', 'Amman'] }] };
      expect(refusal(file)).toContain(
        'ballots[0].choices[2]: "Amman" is chosen twice on this ballot (also at choices[0]).',
      );
    });

    it('a candidate listed twice, an empty name, or no candidates at all', () => {
      expect(refusal({ ...ranked, candidates: ['Amman', 'Bristol', 'Amman'] })).toContain(
        'candidates[2]: "Amman" is listed twice (also at candidates[0]).',
      );
      expect(refusal({ ...ranked, candidates: ['Amman', ''], ballots: [] })).toContain(
        'candidates[1]: is an empty name.',
      );
      expect(refusal({ ...ranked, candidates: [], ballots: [] })).toContain(
        'candidates: must name at least one candidate.',
      );
    });

    it('a count that is not a whole number of at least 1', () => {
      for (const [count, problem] of [
        [1.5, 'must be a whole number'],
        [0, 'must be at least 1'],
        [-2, 'must be at least 1'],
        ['2', 'must be a number'],
      ] as const) {
        expect(
          refusal({ ...ranked, ballots: [{ choices: ['Amman'] }, { choices: ['Amman'], count }] }),
        ).toContain(`ballots[1].count: ${problem}.`);
      }
    });

    it('a single-choice ballot naming several candidates', () => {
      const file = { method: 'single', candidates: ['A', 'B'], ballots: [{ choices: ['A', 'B'] }] };
      expect(refusal(file)).toContain(
        'ballots[0].choices: names 2 candidates, but a single-choice ballot names at most one.',
      );
    });

    it('a receipt code that appears on two ballots', () => {
      const file = {
        ...ranked,
        ballots: [
          { choices: ['Amman'], receipt: 'K7Q2' },
          { choices: ['Cali'], receipt: 'K7Q2' },
        ],
      };
      expect(refusal(file)).toContain('ballots[1].receipt: "K7Q2" is already the receipt of ballots[0].');
    });

    it('fields the format does not have, rather than guessing what they mean', () => {
      const file = { ...ranked, seats: 2, ballots: [{ choices: ['Amman'], weight: 3 }] };
      const stderr = refusal(file);
      expect(stderr).toContain('ballots[0]: has unknown field "weight".');
      expect(stderr).toContain('the file: has unknown field "seats".');
    });

    it('a file of the wrong shape', () => {
      expect(refusal([])).toContain('the file: must be an object with method, candidates and ballots.');
      expect(refusal({ ...ranked, ballots: [['Amman']] })).toContain(
        'ballots[0]: must be an object with choices, and optionally count and receipt.',
      );
    });
  });
});

describe('npm run cli -- tally (the real process)', () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const run = promisify(execFile);
  let dir: string;

  async function cli(...args: string[]) {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['--import', 'tsx', 'src/cli.ts', 'tally', ...args],
        {
          cwd: root,
        },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recount-command-'));
    fs.writeFileSync(path.join(dir, 'ranked.json'), JSON.stringify(ranked));
    const level = {
      method: 'ranked',
      candidates: ['A', 'B'],
      ballots: [{ choices: ['A'] }, { choices: ['B'] }],
    };
    fs.writeFileSync(path.join(dir, 'level.json'), JSON.stringify(level));
    fs.writeFileSync(
      path.join(dir, 'bad.json'),
      JSON.stringify({ ...ranked, ballots: [{ choices: ['Zurich'] }] }),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints the recount on stdout and exits 0, without needing a database', async () => {
    const result = await cli(path.join(dir, 'ranked.json'));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(tally(ranked).stdout);
  }, 60_000);

  it('exits 2 with the problem on stderr and nothing on stdout for bad input', async () => {
    const result = await cli(path.join(dir, 'bad.json'));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('ballots[0].choices[0]: "Zurich" is not a candidate.');
  }, 60_000);

  it('draws the same way on every run with the same seed', async () => {
    const file = path.join(dir, 'level.json');
    const [first, second] = await Promise.all([
      cli(file, '--tie-rule', 'lot', '--seed', 'minutes-2025-06'),
      cli(file, '--tie-rule', 'lot', '--seed', 'minutes-2025-06'),
    ]);
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(JSON.parse(first.stdout).winner).toBe(drawOrder('minutes-2025-06', ['A', 'B'])[0]);
  }, 60_000);
});
