// The independent peer check: fifteen elections with round-by-round results published by RCTab,
// a certified tabulator (test/fixtures/irv-peer/README.md), each recounted by the real command
// (`npm run cli -- tally <file>`, its program run in-process) and compared round by round. Agreement is as the
// README defines it: the same tally for every continuing candidate in every round, the same
// winner, and differences only where RCTab's own tie rule (candidate order, a random draw) met a
// tie that ours, the earlier rounds latest first, settles otherwise. Those places are asserted
// one by one below, so a change in how we break a tie cannot pass unnoticed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliOutcome, cliInProcess } from '../../helpers/cli.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const fixtures = path.join(root, 'test', 'fixtures', 'irv-peer');

interface PublishedRound {
  tally: Record<string, number>;
  eliminated: string[];
  batch?: boolean;
  tieBrokenAgainst?: string[];
  winnerByTiebreak?: string[];
}

interface PeerCase {
  candidates: string[];
  ballots?: string[][];
  weighted?: Array<{ ballot: string[]; count: number }>;
  expected: { winner: string; continueUntilTwo: boolean; winnerRound: number; rounds: PublishedRound[] };
}

interface OurRound {
  tally: Record<string, number>;
  eliminated: string[];
  exhausted: number;
}

interface OurResult {
  outcome: 'winner' | 'tie';
  winner: string | null;
  rounds: OurRound[];
}

/** How a round in which RCTab broke a tie compares with ours. */
type TieBreakRuling =
  | { publishedRound: number; ruling: 'same elimination'; eliminated: string[] }
  | { publishedRound: number; ruling: 'eliminated together'; eliminated: string[]; publishedRounds: number[] }
  | {
      publishedRound: number;
      ruling: 'final tie broken by an earlier round';
      eliminated: string[];
      ourWinner: string | null;
      publishedWinner: string;
    }
  | { publishedRound: number; ruling: 'final tie left open'; tied: string[] };

/**
 * Every round in which RCTab broke a tie, and what our rule does there, checked by hand:
 * - Portland round 2: Marshall and Rathband have 2 votes in rounds 1 and 2, so no count separates
 *   them and both leave at once; RCTab took them one per round by candidate order (its rounds 2
 *   and 3). From its round 4 on, our rounds are its rounds, one earlier.
 * - Portland round 7: Vail and Lapchick are level back to round 1, where Vail had 6 and Lapchick 7:
 *   Vail leaves, as in RCTab.
 * - tiebreak_use_permutation round 2: George Gervin had 2 in round 1, Yinka Dare 3: Gervin leaves,
 *   as in RCTab. Round 3 (4 to 4): Yinka Dare had 3 in round 2, Mookie Blaylock 4, so Dare leaves
 *   and Blaylock wins in a fourth round, the winner RCTab picked by candidate order.
 * - treat_blank round 3 (6 to 6): C had 4 in round 2, B 5, so C leaves and B wins; RCTab drew C at
 *   random. This is the one case where the published winner differs, and only by the tie rule.
 */
const EXPECTED_TIE_BREAKS: Record<string, TieBreakRuling[]> = {
  '2015_portland_mayor': [
    {
      publishedRound: 2,
      ruling: 'eliminated together',
      eliminated: ['Marshall, David A.', 'Rathband, Jed'],
      publishedRounds: [2, 3],
    },
    { publishedRound: 7, ruling: 'same elimination', eliminated: ['Vail, Christopher L.'] },
  ],
  tiebreak_use_permutation_in_config_test: [
    { publishedRound: 2, ruling: 'same elimination', eliminated: ['George Gervin'] },
    {
      publishedRound: 3,
      ruling: 'final tie broken by an earlier round',
      eliminated: ['Yinka Dare'],
      ourWinner: 'Mookie Blaylock',
      publishedWinner: 'Mookie Blaylock',
    },
  ],
  test_set_treat_blank_as_undeclared_write_in: [
    {
      publishedRound: 3,
      ruling: 'final tie broken by an earlier round',
      eliminated: ['C'],
      ourWinner: 'B',
      publishedWinner: 'C',
    },
  ],
};

const CASES = fs
  .readdirSync(fixtures)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''))
  .sort();

function readCase(name: string): PeerCase {
  return JSON.parse(fs.readFileSync(path.join(fixtures, `${name}.json`), 'utf8')) as PeerCase;
}

/** The conversion the README gives, into CONTRACT.md's recount format. */
function recountFile(peer: PeerCase) {
  const ballots = peer.weighted
    ? peer.weighted.map((unique) => ({ choices: unique.ballot, count: unique.count }))
    : (peer.ballots ?? []).map((choices) => ({ choices }));
  return { method: 'ranked', candidates: peer.candidates, ballots };
}

function ballotTotal(peer: PeerCase): number {
  return peer.weighted
    ? peer.weighted.reduce((sum, unique) => sum + unique.count, 0)
    : (peer.ballots ?? []).length;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name) => b.includes(name));
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'no one' : names.join(', ');
}

function tallyDifferences(where: string, published: PublishedRound, ours: OurRound, total: number): string[] {
  const problems: string[] = [];
  for (const name of new Set([...Object.keys(published.tally), ...Object.keys(ours.tally)])) {
    if (!(name in ours.tally))
      problems.push(`${where}: ${name} continues in the published round but not in ours`);
    else if (!(name in published.tally))
      problems.push(`${where}: ${name} continues in our round but not in the published one`);
    else if (ours.tally[name] !== published.tally[name])
      problems.push(`${where}: ${name} has ${ours.tally[name]} votes, published ${published.tally[name]}`);
  }
  const counted = Object.values(published.tally).reduce((sum, votes) => sum + votes, 0);
  if (ours.exhausted !== total - counted)
    problems.push(
      `${where}: ${ours.exhausted} ballots exhausted, but the published tally leaves ${total - counted}`,
    );
  return problems;
}

/**
 * Walks the published rounds beside ours. A published batch may take us several rounds (each
 * removing only candidates of that batch); a continue-until-two case is compared up to the round
 * in which the winner first had a majority, since that is where our count stops.
 */
function compareWithPublished(
  name: string,
  peer: PeerCase,
  ours: OurResult,
): { problems: string[]; tieBreaks: TieBreakRuling[] } {
  const problems: string[] = [];
  const tieBreaks: TieBreakRuling[] = [];
  const published = peer.expected.rounds;
  const total = ballotTotal(peer);
  const lastCompared = peer.expected.continueUntilTwo ? peer.expected.winnerRound - 1 : published.length - 1;
  let o = 0;
  let p = 0;

  for (;;) {
    const theirs = published[p]!;
    const mine = ours.rounds[o];
    const where = `${name}, published round ${p + 1} (our round ${o + 1})`;
    if (!mine) {
      problems.push(`${where}: our count ended after ${ours.rounds.length} rounds`);
      return { problems, tieBreaks };
    }
    problems.push(...tallyDifferences(where, theirs, mine, total));
    if (p === lastCompared) break;

    if (theirs.tieBrokenAgainst) {
      const level = [...theirs.eliminated, ...theirs.tieBrokenAgainst];
      if (sameSet(mine.eliminated, theirs.eliminated)) {
        tieBreaks.push({ publishedRound: p + 1, ruling: 'same elimination', eliminated: mine.eliminated });
      } else if (mine.eliminated.every((c) => level.includes(c)) && mine.eliminated.length > 1) {
        // We sent the level candidates away together; RCTab took them one per round.
        const publishedRounds = [p + 1];
        const removed = new Set(theirs.eliminated);
        while (removed.size < mine.eliminated.length) {
          p += 1;
          const next = published[p];
          if (!next || p >= lastCompared || !next.eliminated.every((c) => mine.eliminated.includes(c))) {
            problems.push(
              `${where}: we eliminated ${list(mine.eliminated)} together, RCTab did not follow suit`,
            );
            return { problems, tieBreaks };
          }
          for (const c of next.eliminated) removed.add(c);
          publishedRounds.push(p + 1);
        }
        tieBreaks.push({
          publishedRound: publishedRounds[0]!,
          ruling: 'eliminated together',
          eliminated: mine.eliminated,
          publishedRounds,
        });
      } else {
        problems.push(
          `${where}: RCTab broke a tie against ${list(theirs.eliminated)}, we eliminated ${list(mine.eliminated)}`,
        );
        return { problems, tieBreaks };
      }
      o += 1;
      p += 1;
      continue;
    }

    const leaving = new Set(theirs.eliminated);
    const removed = new Set<string>();
    while (removed.size < leaving.size) {
      const step = ours.rounds[o];
      const stray = step?.eliminated.filter((c) => !leaving.has(c)) ?? [];
      if (!step || step.eliminated.length === 0 || stray.length > 0) {
        problems.push(
          `${name}, our round ${o + 1}: eliminated ${list(step?.eliminated ?? [])}, but published round ${p + 1} eliminates ${list(theirs.eliminated)}`,
        );
        return { problems, tieBreaks };
      }
      for (const c of step.eliminated) removed.add(c);
      o += 1;
    }
    p += 1;
  }

  const final = published[lastCompared]!;
  const finalMine = ours.rounds[o]!;
  const where = `${name}, published round ${lastCompared + 1} (our round ${o + 1})`;
  if (final.winnerByTiebreak) {
    const tied = final.winnerByTiebreak;
    if (ours.outcome === 'tie') {
      tieBreaks.push({
        publishedRound: lastCompared + 1,
        ruling: 'final tie left open',
        tied: Object.keys(finalMine.tally),
      });
      if (o !== ours.rounds.length - 1) problems.push(`${where}: our count went on after ending in a tie`);
    } else {
      tieBreaks.push({
        publishedRound: lastCompared + 1,
        ruling: 'final tie broken by an earlier round',
        eliminated: finalMine.eliminated,
        ourWinner: ours.winner,
        publishedWinner: peer.expected.winner,
      });
      if (!tied.includes(ours.winner ?? ''))
        problems.push(`${where}: our winner ${ours.winner} was not one of the tied ${list(tied)}`);
    }
    return { problems, tieBreaks };
  }
  if (ours.outcome !== 'winner' || ours.winner !== peer.expected.winner)
    problems.push(
      `${where}: our result is ${ours.outcome} ${ours.winner}, published winner ${peer.expected.winner}`,
    );
  if (finalMine.eliminated.length > 0 || o !== ours.rounds.length - 1)
    problems.push(`${where}: the published winner has a majority here, but our count went on`);
  return { problems, tieBreaks };
}

/** Runs at most `parallel` at a time: each is a Node process, and the machine is shared. */
async function inTurn<T, R>(items: T[], parallel: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) {
        const i = next;
        next += 1;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}

function tallyCommand(file: string): Promise<CliOutcome> {
  return cliInProcess(['tally', file]);
}

describe('the recount command agrees with RCTab on fifteen published elections', () => {
  let dir: string;
  const runs = new Map<string, { code: number; stdout: string; stderr: string }>();

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'irv-peer-'));
    const outputs = await inTurn(CASES, 2, (name) => {
      const file = path.join(dir, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(recountFile(readCase(name))));
      return tallyCommand(file);
    });
    CASES.forEach((name, i) => {
      runs.set(name, outputs[i]!);
    });
  }, 240_000);
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('holds all fifteen cases of the corpus', () => {
    expect(CASES).toHaveLength(15);
  });

  it.each(CASES)('%s: same rounds and winner, differing only where a tie was broken', (name) => {
    const output = runs.get(name)!;
    expect(output.stderr).toBe('');
    expect(output.code).toBe(0);
    const ours = JSON.parse(output.stdout) as OurResult;
    expect(Object.keys(ours)).toEqual(['outcome', 'winner', 'rounds']);
    const { problems, tieBreaks } = compareWithPublished(name, readCase(name), ours);
    expect(problems).toEqual([]);
    expect(tieBreaks).toEqual(EXPECTED_TIE_BREAKS[name] ?? []);
  });
});

// The checker is itself a specification: it must notice a count that differs from RCTab's.
describe('the peer checker', () => {
  const peer = readCase('dominion_alaska');
  const agreeing: OurResult = {
    outcome: 'winner',
    winner: peer.expected.winner,
    rounds: peer.expected.rounds.map((round) => ({
      tally: round.tally,
      eliminated: round.eliminated,
      exhausted: ballotTotal(peer) - Object.values(round.tally).reduce((sum, votes) => sum + votes, 0),
    })),
  };
  const altered = (change: (copy: OurResult) => void): OurResult => {
    const copy = structuredClone(agreeing);
    change(copy);
    return copy;
  };

  it('accepts a count equal to the published one', () => {
    expect(compareWithPublished('dominion_alaska', peer, agreeing).problems).toEqual([]);
  });

  it('names the case and round of a differing tally', () => {
    const problems = compareWithPublished(
      'dominion_alaska',
      peer,
      altered((copy) => {
        copy.rounds[3]!.tally['Tom Steyer']! += 1;
      }),
    ).problems;
    expect(problems[0]).toMatch(
      /^dominion_alaska, published round 4 \(our round 4\): Tom Steyer has \d+ votes, published/,
    );
  });

  it('notices a different elimination, a different winner and a count that goes on', () => {
    const wrongElimination = altered((copy) => {
      copy.rounds[0]!.eliminated = ['Elizabeth Warren'];
    });
    expect(compareWithPublished('dominion_alaska', peer, wrongElimination).problems).toEqual([
      'dominion_alaska, our round 1: eliminated Elizabeth Warren, but published round 1 eliminates Amy Klobuchar',
    ]);
    const wrongWinner = altered((copy) => {
      copy.winner = 'Joseph R. Biden';
    });
    expect(compareWithPublished('dominion_alaska', peer, wrongWinner).problems).toHaveLength(1);
    const goesOn = altered((copy) => {
      copy.rounds.push({ tally: {}, eliminated: [], exhausted: 0 });
    });
    expect(compareWithPublished('dominion_alaska', peer, goesOn).problems).toHaveLength(1);
  });
});
