// Specification of how a ballot is counted (DESIGN.md, "Ballots"; CONTRACT.md, "Recount format").
// Candidates are single letters so that a ballot reads as its preference order: 'CAB' ranks C
// first, then A, then B.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ADVISORY_DISCLOSURE_MINIMUM,
  applyCastingVote,
  approvalCount,
  ballotsCast,
  type CastBallot,
  confirmationCount,
  drawOrder,
  instantRunoff,
  pluralityCount,
  quorumMet,
  type TallyResult,
  tallyAdvisory,
  tallyBallot,
} from '../../src/domain/tally.js';

/** `ballots('A', 5, 'CB', 2)` is five ballots for A alone and two ranking C then B. */
function ballots(...pairs: Array<string | number>): CastBallot[] {
  const cast: CastBallot[] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    cast.push({ choices: [...String(pairs[i])], count: Number(pairs[i + 1]) });
  }
  return cast;
}

function unrolled(grouped: CastBallot[]): CastBallot[] {
  return grouped.flatMap((ballot) =>
    Array.from({ length: ballot.count ?? 1 }, () => ({ choices: ballot.choices })),
  );
}

const ABC = ['A', 'B', 'C'];
const ABCD = ['A', 'B', 'C', 'D'];
const ABCDE = ['A', 'B', 'C', 'D', 'E'];

describe('instant runoff (ranked)', () => {
  it('elects a candidate with more than half of the first choices in round 1', () => {
    const result = instantRunoff(ABC, ballots('A', 3, 'B', 1, 'C', 1));
    expect(result).toMatchObject({ outcome: 'winner', winner: 'A', tied: [], draws: [], cast: 5 });
    expect(result.rounds).toEqual([{ tally: { A: 3, B: 1, C: 1 }, eliminated: [], exhausted: 0 }]);
  });

  it('does not elect a candidate with exactly half: the count goes on', () => {
    const result = instantRunoff(ABC, ballots('A', 4, 'B', 3, 'CA', 1));
    expect(result.rounds).toEqual([
      { tally: { A: 4, B: 3, C: 1 }, eliminated: ['C'], exhausted: 0 },
      { tally: { A: 5, B: 3 }, eliminated: [], exhausted: 0 },
    ]);
    expect(result.winner).toBe('A');
  });

  it('eliminates the candidate with the fewest votes each round and moves their ballots to the next choice', () => {
    const result = instantRunoff(ABCD, ballots('A', 5, 'BC', 4, 'CB', 3, 'DCB', 2));
    expect(result.rounds).toEqual([
      { tally: { A: 5, B: 4, C: 3, D: 2 }, eliminated: ['D'], exhausted: 0 },
      { tally: { A: 5, B: 4, C: 5 }, eliminated: ['B'], exhausted: 0 },
      { tally: { A: 5, C: 9 }, eliminated: [], exhausted: 0 },
    ]);
    expect(result.winner).toBe('C');
  });

  it('passes over choices already eliminated when a ballot moves on', () => {
    const result = instantRunoff(ABCD, ballots('A', 5, 'B', 4, 'CDA', 3, 'D', 1));
    expect(result.rounds.map((round) => round.eliminated)).toEqual([['D'], ['C'], []]);
    expect(result.rounds[2]).toEqual({ tally: { A: 8, B: 4 }, eliminated: [], exhausted: 1 });
  });

  it('counts exhausted ballots in every round and needs a majority of the continuing ballots only', () => {
    const result = instantRunoff(ABC, ballots('A', 4, 'B', 3, 'C', 2));
    expect(result.rounds).toEqual([
      { tally: { A: 4, B: 3, C: 2 }, eliminated: ['C'], exhausted: 0 },
      { tally: { A: 4, B: 3 }, eliminated: [], exhausted: 2 },
    ]);
    // 4 of 9 ballots cast, but 4 of the 7 still counting: a majority.
    expect(result.winner).toBe('A');
  });

  it('lists every continuing candidate in each round, zeros included', () => {
    const result = instantRunoff(ABCD, ballots('A', 2, 'B', 1));
    expect(result.rounds[0]!.tally).toEqual({ A: 2, B: 1, C: 0, D: 0 });
  });

  describe('a tie for last place', () => {
    it('is broken by the latest earlier round in which the tied candidates differ', () => {
      // Round 3: X and Y have 8 each. Round 2 had X 6, Y 8, so X leaves (round 1, X 6 and Y 5,
      // would have sent Y away: the latest round decides).
      const result = instantRunoff(
        ['A', 'X', 'Y', 'Q', 'P'],
        ballots('A', 15, 'X', 6, 'Y', 5, 'QX', 2, 'Q', 2, 'PY', 3),
      );
      expect(result.rounds.slice(0, 3)).toEqual([
        { tally: { A: 15, X: 6, Y: 5, Q: 4, P: 3 }, eliminated: ['P'], exhausted: 0 },
        { tally: { A: 15, X: 6, Y: 8, Q: 4 }, eliminated: ['Q'], exhausted: 0 },
        { tally: { A: 15, X: 8, Y: 8 }, eliminated: ['X'], exhausted: 2 },
      ]);
      expect(result.winner).toBe('A');
    });

    it('looks further back when the tied candidates were also level in the latest earlier round', () => {
      // Round 3: X 5, Y 5; round 2: X 5, Y 5; round 1: X 5, Y 4, so Y leaves.
      const result = instantRunoff(
        ['A', 'X', 'Y', 'Q', 'P'],
        ballots('A', 10, 'X', 5, 'Y', 4, 'Q', 3, 'PY', 1),
      );
      expect(result.rounds.map((round) => round.eliminated)).toEqual([['P'], ['Q'], ['Y'], []]);
      expect(result.rounds[2]!.tally).toEqual({ A: 10, X: 5, Y: 5 });
    });

    it('sends all the tied candidates away together when they were level in every round', () => {
      const result = instantRunoff(ABCDE, ballots('A', 6, 'B', 5, 'CB', 2, 'DB', 2, 'E', 1));
      expect(result.rounds).toEqual([
        { tally: { A: 6, B: 5, C: 2, D: 2, E: 1 }, eliminated: ['E'], exhausted: 0 },
        { tally: { A: 6, B: 5, C: 2, D: 2 }, eliminated: ['C', 'D'], exhausted: 1 },
        { tally: { A: 6, B: 9 }, eliminated: [], exhausted: 1 },
      ]);
      expect(result.winner).toBe('B');
    });

    it('is a tie among them when sending them all away would leave no one', () => {
      const result = instantRunoff(ABC, ballots('A', 3, 'B', 3, 'C', 1));
      expect(result).toMatchObject({ outcome: 'tie', winner: null, tied: ['A', 'B'] });
      expect(result.rounds).toEqual([
        { tally: { A: 3, B: 3, C: 1 }, eliminated: ['C'], exhausted: 0 },
        { tally: { A: 3, B: 3 }, eliminated: [], exhausted: 1 },
      ]);
    });

    it('between the last two is also broken by earlier rounds, and the survivor wins', () => {
      const result = instantRunoff(ABC, ballots('A', 3, 'B', 2, 'CB', 1));
      expect(result.rounds).toEqual([
        { tally: { A: 3, B: 2, C: 1 }, eliminated: ['C'], exhausted: 0 },
        { tally: { A: 3, B: 3 }, eliminated: ['B'], exhausted: 0 },
        { tally: { A: 3 }, eliminated: [], exhausted: 3 },
      ]);
      expect(result).toMatchObject({ outcome: 'winner', winner: 'A', tied: [] });
    });
  });

  it('can be tied at every round, ending in a tie', () => {
    const result = instantRunoff(ABCD, ballots('A', 4, 'B', 4, 'C', 2, 'D', 2));
    expect(result.rounds).toEqual([
      { tally: { A: 4, B: 4, C: 2, D: 2 }, eliminated: ['C', 'D'], exhausted: 0 },
      { tally: { A: 4, B: 4 }, eliminated: [], exhausted: 4 },
    ]);
    expect(result).toMatchObject({ outcome: 'tie', tied: ['A', 'B'] });
  });

  it('ends in a tie of all three when three candidates are level from the start', () => {
    const result = instantRunoff(ABC, ballots('A', 1, 'B', 1, 'C', 1));
    expect(result).toMatchObject({ outcome: 'tie', tied: ['A', 'B', 'C'], rounds: [{ eliminated: [] }] });
  });

  it('counts a ballot with a count as that many identical ballots', () => {
    const grouped = ballots('A', 5, 'B', 4, 'CB', 2);
    const result = instantRunoff(ABC, grouped);
    expect(result.rounds).toEqual([
      { tally: { A: 5, B: 4, C: 2 }, eliminated: ['C'], exhausted: 0 },
      { tally: { A: 5, B: 6 }, eliminated: [], exhausted: 0 },
    ]);
    expect(result.cast).toBe(11);
    expect(instantRunoff(ABC, unrolled(grouped))).toEqual(result);
  });

  it('treats abstentions as cast but exhausted: when everyone abstains it is a tie of all', () => {
    const result = instantRunoff(['A', 'B'], [{ choices: [] }, { choices: [], count: 2 }]);
    expect(result).toMatchObject({ outcome: 'tie', winner: null, tied: ['A', 'B'], cast: 3 });
    expect(result.rounds).toEqual([{ tally: { A: 0, B: 0 }, eliminated: [], exhausted: 3 }]);
  });

  it('with no ballots at all is a tie of every candidate', () => {
    const result = instantRunoff(ABC, []);
    expect(result).toMatchObject({ outcome: 'tie', tied: ABC, cast: 0 });
    expect(result.rounds).toEqual([{ tally: { A: 0, B: 0, C: 0 }, eliminated: [], exhausted: 0 }]);
  });

  it('elects a single candidate with at least one vote, but not one nobody voted for', () => {
    expect(instantRunoff(['A'], ballots('A', 1))).toMatchObject({ outcome: 'winner', winner: 'A' });
    expect(instantRunoff(['A'], [{ choices: [] }])).toMatchObject({
      outcome: 'tie',
      winner: null,
      tied: ['A'],
    });
  });

  it('passes over unknown names and repeated candidates on a ballot instead of counting them', () => {
    const messy: CastBallot[] = [
      { choices: ['Z', 'B'] },
      { choices: ['C', 'C', 'A'], count: 2 },
      { choices: ['A', 'A'], count: 2 },
      { choices: ['B', 'B', 'B'] },
    ];
    const clean: CastBallot[] = [
      { choices: ['B'] },
      { choices: ['C', 'A'], count: 2 },
      { choices: ['A'], count: 2 },
      { choices: ['B'] },
    ];
    expect(instantRunoff(ABC, messy)).toEqual(instantRunoff(ABC, clean));
  });

  it('refuses a candidate list with a name twice, a count that is not a whole number, or no candidate', () => {
    expect(() => instantRunoff(['A', 'A'], [])).toThrow(/listed twice/);
    expect(() => instantRunoff(ABC, [{ choices: ['A'], count: 1.5 }])).toThrow(RangeError);
    expect(() => instantRunoff(ABC, [{ choices: ['A'], count: -1 }])).toThrow(RangeError);
    expect(() => instantRunoff([], [])).toThrow(/at least one candidate/);
  });

  it('explains each refusal in a full sentence', () => {
    expect(() => instantRunoff(['A', 'A'], [])).toThrow(new RangeError('Candidate A is listed twice.'));
    expect(() => instantRunoff(ABC, [{ choices: ['A'], count: 1.5 }])).toThrow(
      new RangeError('a ballot count must be a whole number of at least 0, not 1.5.'),
    );
    expect(() => instantRunoff([], [])).toThrow(new RangeError('A count needs at least one candidate.'));
  });

  it('keeps apart ballots ranking different candidates when more than ten stand', () => {
    // Candidates 1 then 12, and 11 then 2: as digits run together both read "112".
    const thirteen = Array.from({ length: 13 }, (_, i) => `C${i}`);
    const result = instantRunoff(thirteen, [{ choices: ['C1', 'C12'] }, { choices: ['C11', 'C2'] }]);
    expect(result.rounds[0]!.tally).toMatchObject({ C1: 1, C11: 1, C2: 0, C12: 0 });
    expect(result).toMatchObject({ outcome: 'tie', tied: ['C1', 'C11'] });
  });
});

describe('approval', () => {
  it('elects the candidate with the most approvals in one round; a ballot approving no one is exhausted', () => {
    const result = approvalCount(ABC, [
      { choices: ['A', 'B'] },
      { choices: ['B'] },
      { choices: ['C', 'B'] },
      { choices: [] },
    ]);
    expect(result).toMatchObject({ outcome: 'winner', winner: 'B', cast: 4 });
    expect(result.rounds).toEqual([{ tally: { A: 1, B: 3, C: 1 }, eliminated: [], exhausted: 1 }]);
  });

  it('records no draw and no tie when one candidate has the most approvals', () => {
    expect(approvalCount(['A', 'B'], [{ choices: ['A', 'B'] }, { choices: ['A'] }])).toEqual({
      outcome: 'winner',
      winner: 'A',
      tied: [],
      rounds: [{ tally: { A: 2, B: 1 }, eliminated: [], exhausted: 0 }],
      draws: [],
      cast: 2,
      castingVote: null,
    });
  });

  it('is a tie when several candidates share the most approvals', () => {
    const result = approvalCount(ABC, [{ choices: ['A', 'B'], count: 2 }, { choices: ['C'] }]);
    expect(result).toMatchObject({ outcome: 'tie', winner: null, tied: ['A', 'B'] });
    expect(result.draws).toEqual([]);
  });

  it('counts a candidate once per ballot even if approved twice', () => {
    expect(approvalCount(['A', 'B'], [{ choices: ['A', 'A'] }, { choices: ['B'] }])).toMatchObject({
      outcome: 'tie',
      tied: ['A', 'B'],
    });
  });

  it('weighs a ballot by its count', () => {
    expect(
      approvalCount(
        ['A', 'B'],
        [
          { choices: ['A'], count: 3 },
          { choices: ['B'], count: 2 },
        ],
      ).winner,
    ).toBe('A');
  });
});

describe('single choice (plurality)', () => {
  it('elects the candidate with the most votes in one round', () => {
    const result = pluralityCount(ABC, ballots('A', 2, 'B', 1, 'C', 1).concat({ choices: [] }));
    expect(result).toMatchObject({ outcome: 'winner', winner: 'A' });
    expect(result.rounds).toEqual([{ tally: { A: 2, B: 1, C: 1 }, eliminated: [], exhausted: 1 }]);
  });

  it('is a tie when the most votes are shared', () => {
    expect(pluralityCount(ABC, ballots('A', 2, 'B', 2, 'C', 1))).toMatchObject({
      outcome: 'tie',
      tied: ['A', 'B'],
    });
  });

  it('counts only the first choice of a ballot that names several', () => {
    expect(pluralityCount(['A', 'B'], [{ choices: ['A', 'B'] }, { choices: ['B'] }])).toMatchObject({
      outcome: 'tie',
      tied: ['A', 'B'],
    });
  });
});

describe('confirmation (yes / no / abstain on one candidate)', () => {
  const yesNo = (yes: number, no: number, abstain: number): CastBallot[] => [
    { choices: ['yes'], count: yes },
    { choices: ['no'], count: no },
    { choices: ['abstain'], count: abstain },
  ];

  it('elects the candidate when yes outnumbers no, and shows abstentions apart', () => {
    const result = confirmationCount(['A'], yesNo(3, 2, 4));
    expect(result).toMatchObject({ outcome: 'winner', winner: 'A', cast: 9 });
    expect(result.rounds).toEqual([{ tally: { yes: 3, no: 2 }, eliminated: [], exhausted: 4 }]);
  });

  it('does not count abstentions as votes cast: one yes against many abstentions elects', () => {
    expect(confirmationCount(['A'], yesNo(1, 0, 5)).outcome).toBe('winner');
  });

  it('rejects the candidate when yes and no are level', () => {
    expect(confirmationCount(['A'], yesNo(2, 2, 1))).toMatchObject({ outcome: 'rejected', winner: null });
  });

  it('records neither a tie nor a draw, whether the candidate is confirmed or rejected', () => {
    expect(confirmationCount(['A'], yesNo(2, 1, 0))).toEqual({
      outcome: 'winner',
      winner: 'A',
      tied: [],
      rounds: [{ tally: { yes: 2, no: 1 }, eliminated: [], exhausted: 0 }],
      draws: [],
      cast: 3,
      castingVote: null,
    });
    expect(confirmationCount(['A'], yesNo(1, 1, 1))).toEqual({
      outcome: 'rejected',
      winner: null,
      tied: [],
      rounds: [{ tally: { yes: 1, no: 1 }, eliminated: [], exhausted: 1 }],
      draws: [],
      cast: 3,
      castingVote: null,
    });
  });

  it('rejects the candidate when no outnumbers yes', () => {
    expect(confirmationCount(['A'], yesNo(2, 3, 0)).outcome).toBe('rejected');
  });

  it('rejects the candidate when everyone abstains, an empty or unreadable ballot being an abstention too', () => {
    const result = confirmationCount(
      ['A'],
      [{ choices: ['abstain', 'yes'], count: 2 }, { choices: [] }, { choices: ['maybe'] }],
    );
    expect(result).toMatchObject({ outcome: 'rejected', cast: 4 });
    expect(result.rounds).toEqual([{ tally: { yes: 0, no: 0 }, eliminated: [], exhausted: 4 }]);
  });

  it('never draws lots or waits for the chair: level is simply rejected', () => {
    const result = tallyBallot({
      method: 'confirm',
      candidates: ['A'],
      ballots: yesNo(1, 1, 0),
      tieRule: 'lot',
      seed: 's',
    });
    expect(result).toMatchObject({ outcome: 'rejected', draws: [] });
  });

  it('refuses to confirm other than exactly one candidate', () => {
    expect(() => confirmationCount(['A', 'B'], [])).toThrow(/exactly one candidate/);
  });
});

describe('tallyBallot', () => {
  it('counts a ballot with the method it was set up with', () => {
    const cast = [
      { choices: ['B', 'A'] },
      { choices: ['A', 'B'] },
      { choices: ['A'] },
      { choices: ['C', 'B'] },
    ];
    expect(tallyBallot({ method: 'ranked', candidates: ABC, ballots: cast })).toEqual(
      instantRunoff(ABC, cast),
    );
    expect(tallyBallot({ method: 'approval', candidates: ABC, ballots: cast })).toEqual(
      approvalCount(ABC, cast),
    );
    expect(tallyBallot({ method: 'single', candidates: ABC, ballots: cast })).toEqual(
      pluralityCount(ABC, cast),
    );
    const votes = [{ choices: ['yes'] }, { choices: ['no'] }, { choices: ['yes'] }];
    expect(tallyBallot({ method: 'confirm', candidates: ['A'], ballots: votes })).toEqual(
      confirmationCount(['A'], votes),
    );
  });

  it('gives approval and plurality different winners on the same ballots', () => {
    const cast = [
      { choices: ['A', 'B'] },
      { choices: ['A', 'B'] },
      { choices: ['B', 'C'] },
      { choices: ['B'] },
    ];
    expect(tallyBallot({ method: 'approval', candidates: ABC, ballots: cast }).winner).toBe('B');
    expect(tallyBallot({ method: 'single', candidates: ABC, ballots: cast })).toMatchObject({
      outcome: 'tie',
      tied: ['A', 'B'],
    });
  });
});

describe('quorum', () => {
  it('is met when cast × 100 ≥ quorum percent × eligible: 50% of 9 needs 5 ballots', () => {
    expect(quorumMet({ eligible: 9, cast: 5, quorumPercent: 50 })).toBe(true);
    expect(quorumMet({ eligible: 9, cast: 4, quorumPercent: 50 })).toBe(false);
  });

  it('is met by reaching the percentage exactly', () => {
    expect(quorumMet({ eligible: 10, cast: 5, quorumPercent: 50 })).toBe(true);
    expect(quorumMet({ eligible: 10, cast: 4, quorumPercent: 50 })).toBe(false);
    expect(quorumMet({ eligible: 3, cast: 1, quorumPercent: 33 })).toBe(true);
    expect(quorumMet({ eligible: 3, cast: 1, quorumPercent: 34 })).toBe(false);
  });

  it('at 100% needs every eligible voter, and at 0% is always met', () => {
    expect(quorumMet({ eligible: 7, cast: 7, quorumPercent: 100 })).toBe(true);
    expect(quorumMet({ eligible: 7, cast: 6, quorumPercent: 100 })).toBe(false);
    expect(quorumMet({ eligible: 7, cast: 0, quorumPercent: 0 })).toBe(true);
  });

  it('is met when no eligible voter is left (everyone recused)', () => {
    expect(quorumMet({ eligible: 0, cast: 0, quorumPercent: 50 })).toBe(true);
  });

  it('refuses a percentage outside 0 to 100 and counts that are not whole numbers', () => {
    expect(() => quorumMet({ eligible: 9, cast: 5, quorumPercent: 101 })).toThrow(RangeError);
    expect(() => quorumMet({ eligible: 9, cast: 5, quorumPercent: -1 })).toThrow(RangeError);
    expect(() => quorumMet({ eligible: -1, cast: 5, quorumPercent: 50 })).toThrow(RangeError);
    expect(() => quorumMet({ eligible: 9, cast: 2.5, quorumPercent: 50 })).toThrow(RangeError);
  });

  it('names the figure it refuses', () => {
    expect(() => quorumMet({ eligible: 9, cast: 5, quorumPercent: 101 })).toThrow(
      new RangeError('A quorum is a percentage from 0 to 100, not 101.'),
    );
    expect(() => quorumMet({ eligible: -1, cast: 5, quorumPercent: 50 })).toThrow(
      new RangeError('eligible voters must be a whole number of at least 0, not -1.'),
    );
    expect(() => quorumMet({ eligible: 9, cast: 2.5, quorumPercent: 50 })).toThrow(
      new RangeError('ballots cast must be a whole number of at least 0, not 2.5.'),
    );
  });

  it('not met makes the result no_quorum, with no winner and no rounds, whatever the method', () => {
    for (const method of ['ranked', 'approval', 'single'] as const) {
      const result = tallyBallot({
        method,
        candidates: ABC,
        ballots: ballots('A', 4),
        quorum: { eligible: 9, quorumPercent: 50 },
      });
      expect(result).toEqual({
        outcome: 'no_quorum',
        winner: null,
        tied: [],
        rounds: [],
        draws: [],
        cast: 4,
        castingVote: null,
      });
    }
  });

  it('counts abstentions towards the quorum', () => {
    const cast = [...ballots('A', 2), { choices: [] }];
    const result = tallyBallot({
      method: 'ranked',
      candidates: ['A', 'B'],
      ballots: cast,
      quorum: { eligible: 5, quorumPercent: 60 },
    });
    expect(result).toMatchObject({ outcome: 'winner', winner: 'A', cast: 3 });
  });
});

describe('advisory partner votes', () => {
  it(`shows only how many were cast when fewer than ${ADVISORY_DISCLOSURE_MINIMUM}, so no single choice is exposed`, () => {
    expect(
      tallyAdvisory({ method: 'single', candidates: ['A', 'B'], ballots: ballots('A', 1, 'B', 1) }),
    ).toEqual({
      disclosed: false,
      cast: 2,
    });
  });

  it('shows the tally from three ballots on', () => {
    const advisory = tallyAdvisory({
      method: 'single',
      candidates: ['A', 'B'],
      ballots: ballots('A', 2, 'B', 1),
    });
    expect(advisory).toMatchObject({ disclosed: true, cast: 3, result: { outcome: 'winner', winner: 'A' } });
  });

  it('counts abstentions as cast, and shows an advisory tie as a tie without drawing lots', () => {
    const advisory = tallyAdvisory({
      method: 'ranked',
      candidates: ['A', 'B'],
      ballots: [...ballots('A', 1, 'B', 1), { choices: [] }],
    });
    expect(advisory).toMatchObject({ disclosed: true, cast: 3, result: { outcome: 'tie', draws: [] } });
  });
});

describe('tie rules', () => {
  const levelPair = ballots('A', 3, 'B', 3);

  it('under runoff (the default) and chair, a tie stays a tie for a new ballot or the casting vote', () => {
    expect(tallyBallot({ method: 'ranked', candidates: ['A', 'B'], ballots: levelPair }).outcome).toBe('tie');
    expect(
      tallyBallot({ method: 'ranked', candidates: ['A', 'B'], ballots: levelPair, tieRule: 'chair' }),
    ).toMatchObject({
      outcome: 'tie',
      tied: ['A', 'B'],
      draws: [],
    });
  });

  describe('lot', () => {
    it('orders the tied by SHA-256 of seed, newline and name, whatever order they were listed in', () => {
      const hash = (name: string) => createHash('sha256').update(`board-2025\n${name}`).digest('hex');
      const expected = ABCDE.slice().sort((a, b) => (hash(a) < hash(b) ? -1 : 1));
      expect(drawOrder('board-2025', ABCDE)).toEqual(expected);
      expect(drawOrder('board-2025', ABCDE.slice().reverse())).toEqual(expected);
    });

    it('is reproducible: the same seed gives the same result, with the draw recorded', () => {
      const first = tallyBallot({
        method: 'ranked',
        candidates: ['A', 'B'],
        ballots: levelPair,
        tieRule: 'lot',
        seed: 'Q3',
      });
      const again = tallyBallot({
        method: 'ranked',
        candidates: ['A', 'B'],
        ballots: levelPair,
        tieRule: 'lot',
        seed: 'Q3',
      });
      expect(again).toEqual(first);
      const order = drawOrder('Q3', ['A', 'B']);
      expect(first.draws).toEqual([
        { round: 1, purpose: 'eliminate', seed: 'Q3', tied: ['A', 'B'], order, chosen: order[1] },
      ]);
      expect(first).toMatchObject({ outcome: 'winner', winner: order[0], tied: [] });
    });

    it('lets the seed decide: some seeds elect one of two level candidates, some the other', () => {
      const seeds = Array.from({ length: 20 }, (_, i) => `seed-${i}`);
      const winners = new Set(
        seeds.map((seed) => instantRunoff(['A', 'B'], levelPair, { tieRule: 'lot', seed }).winner),
      );
      expect(winners).toEqual(new Set(['A', 'B']));
    });

    it('eliminates just one of the candidates level in every round, instead of all of them', () => {
      const result = instantRunoff(ABCDE, ballots('A', 6, 'B', 5, 'CB', 2, 'DB', 2, 'E', 1), {
        tieRule: 'lot',
        seed: 'x',
      });
      const [, loser] = drawOrder('x', ['C', 'D']);
      const survivor = loser === 'C' ? 'D' : 'C';
      expect(result.rounds.map((round) => round.eliminated)).toEqual([['E'], [loser], [survivor], []]);
      expect(result.draws).toEqual([
        {
          round: 2,
          purpose: 'eliminate',
          seed: 'x',
          tied: ['C', 'D'],
          order: drawOrder('x', ['C', 'D']),
          chosen: loser,
        },
      ]);
      expect(result.winner).toBe('B');
    });

    it('is not used when earlier rounds break the tie', () => {
      const result = instantRunoff(ABC, ballots('A', 3, 'B', 2, 'CB', 1), { tieRule: 'lot', seed: 'x' });
      expect(result).toMatchObject({ winner: 'A', draws: [] });
    });

    it('elects by draw when no ballot counts for anyone', () => {
      const result = instantRunoff(ABC, [{ choices: [] }], { tieRule: 'lot', seed: 'x' });
      const order = drawOrder('x', ABC);
      expect(result).toMatchObject({ outcome: 'winner', winner: order[0] });
      expect(result.draws).toEqual([
        { round: 1, purpose: 'elect', seed: 'x', tied: ABC, order, chosen: order[0] },
      ]);
    });

    it('settles an approval or plurality tie for first among the tied only', () => {
      for (const count of [approvalCount, pluralityCount]) {
        const result = count(ABC, ballots('A', 2, 'B', 2, 'C', 1), { tieRule: 'lot', seed: 'y' });
        const order = drawOrder('y', ['A', 'B']);
        expect(result).toMatchObject({ outcome: 'winner', winner: order[0] });
        expect(result.draws).toEqual([
          { round: 1, purpose: 'elect', seed: 'y', tied: ['A', 'B'], order, chosen: order[0] },
        ]);
      }
    });

    it('needs a seed', () => {
      expect(() => instantRunoff(['A', 'B'], levelPair, { tieRule: 'lot' })).toThrow(/needs a seed/);
      expect(() => instantRunoff(['A', 'B'], levelPair, { tieRule: 'lot', seed: '' })).toThrow(
        new RangeError('The lot tie rule needs a seed, recorded with the ballot, so the draw can be redone.'),
      );
    });
  });

  describe("the chair's casting vote", () => {
    // Counted inside each test, never while the file is collected: a count that throws there would
    // fail no test, so mutation testing could not tell a broken count from a working one.
    const tiedCount = () =>
      tallyBallot({
        method: 'ranked',
        candidates: ABC,
        ballots: ballots('A', 3, 'B', 3, 'C', 1),
        tieRule: 'chair',
      });

    it('turns a tie into a win for one of the tied, keeping the count that led to it', () => {
      const tied = tiedCount();
      const settled = applyCastingVote(tied, 'B');
      expect(settled).toEqual({
        ok: true,
        result: { ...tied, outcome: 'winner', winner: 'B', castingVote: 'B' },
      });
    });

    it('refuses a candidate who was not tied', () => {
      expect(applyCastingVote(tiedCount(), 'C')).toEqual({
        ok: false,
        reason: 'Cannot record a casting vote for C, because only A, B tied.',
      });
    });

    it('refuses a result that is not a tie', () => {
      const won = tallyBallot({ method: 'single', candidates: ABC, ballots: ballots('A', 2) });
      expect(applyCastingVote(won, 'A')).toEqual({
        ok: false,
        reason: "Cannot record a casting vote, because the count ended in 'winner', not a tie.",
      });
    });
  });
});

// Properties over random small elections: up to five candidates, up to 25 distinct ballots.
const election = fc.integer({ min: 1, max: 5 }).chain((size) => {
  const candidates = ABCDE.slice(0, size);
  return fc.record({
    candidates: fc.constant(candidates),
    ballots: fc.array(
      fc.record({ choices: fc.shuffledSubarray(candidates), count: fc.integer({ min: 1, max: 4 }) }),
      { maxLength: 25 },
    ),
  });
});

function expectConsistent(result: TallyResult, candidates: string[]) {
  if (result.outcome === 'winner') {
    expect(candidates).toContain(result.winner);
    expect(result.tied).toEqual([]);
  } else {
    expect(result.winner).toBeNull();
    expect(result.tied.length).toBeGreaterThan(0);
    for (const name of result.tied) expect(candidates).toContain(name);
  }
}

describe('properties of instant runoff', () => {
  it('with two candidates, gives the same result as plurality on first choices', () => {
    const twoWay = fc.array(
      fc.record({ choices: fc.shuffledSubarray(['A', 'B']), count: fc.integer({ min: 1, max: 5 }) }),
      {
        maxLength: 20,
      },
    );
    fc.assert(
      fc.property(twoWay, (cast) => {
        const runoff = instantRunoff(['A', 'B'], cast);
        const plurality = pluralityCount(['A', 'B'], cast);
        expect({ outcome: runoff.outcome, winner: runoff.winner, tied: runoff.tied }).toEqual({
          outcome: plurality.outcome,
          winner: plurality.winner,
          tied: plurality.tied,
        });
        expect(runoff.rounds[0]).toEqual(plurality.rounds[0]);
      }),
    );
  });

  it('elects a candidate with a majority of first choices in round 1', () => {
    const withMajority = election.chain(({ candidates, ballots: cast }) =>
      fc.record({
        candidates: fc.constant(candidates),
        ballots: fc.constant(cast),
        favourite: fc.constantFrom(...candidates),
      }),
    );
    fc.assert(
      fc.property(withMajority, ({ candidates, ballots: cast, favourite }) => {
        const block = { choices: [favourite], count: ballotsCast(cast) + 1 };
        const result = instantRunoff(candidates, [...cast, block]);
        expect(result.winner).toBe(favourite);
        expect(result.rounds).toHaveLength(1);
      }),
    );
  });

  it('accounts for every ballot in every round: the votes plus the exhausted make the ballots cast', () => {
    fc.assert(
      fc.property(election, ({ candidates, ballots: cast }) => {
        const result = instantRunoff(candidates, cast);
        for (const round of result.rounds) {
          const votes = Object.values(round.tally).reduce((sum, n) => sum + n, 0);
          expect(votes + round.exhausted).toBe(ballotsCast(cast));
        }
      }),
    );
  });

  it('never depends on the order of the ballots, nor on grouping them', () => {
    const shuffled = election.chain(({ candidates, ballots: cast }) =>
      fc.record({
        candidates: fc.constant(candidates),
        ballots: fc.constant(cast),
        reordered: fc.shuffledSubarray(cast, { minLength: cast.length }),
        lot: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(shuffled, ({ candidates, ballots: cast, reordered, lot }) => {
        const options = lot ? { tieRule: 'lot' as const, seed: 'order' } : {};
        const result = instantRunoff(candidates, cast, options);
        expect(instantRunoff(candidates, reordered, options)).toEqual(result);
        expect(instantRunoff(candidates, unrolled(cast), options)).toEqual(result);
      }),
    );
  });

  it('always ends with a winner among the candidates, or a tie naming only candidates', () => {
    fc.assert(
      fc.property(election, fc.boolean(), ({ candidates, ballots: cast }, lot) => {
        const result = instantRunoff(candidates, cast, lot ? { tieRule: 'lot', seed: 'w' } : {});
        expectConsistent(result, candidates);
        if (lot) expect(result.outcome).toBe('winner');
      }),
    );
  });

  it('eliminates only candidates with the fewest votes of their round, and elects only with a majority', () => {
    fc.assert(
      fc.property(election, ({ candidates, ballots: cast }) => {
        const result = instantRunoff(candidates, cast);
        for (const round of result.rounds) {
          const fewest = Math.min(...Object.values(round.tally));
          for (const name of round.eliminated) expect(round.tally[name]).toBe(fewest);
        }
        const last = result.rounds.at(-1)!;
        if (result.winner !== null)
          expect(last.tally[result.winner]! * 2).toBeGreaterThan(ballotsCast(cast) - last.exhausted);
      }),
    );
  });

  it('under lot, draws only among the candidates level for last place in that round', () => {
    fc.assert(
      fc.property(election, fc.string(), ({ candidates, ballots: cast }, seed) => {
        const result = instantRunoff(candidates, cast, { tieRule: 'lot', seed: `s${seed}` });
        for (const draw of result.draws) {
          const round = result.rounds[draw.round - 1]!;
          const fewest = Math.min(...Object.values(round.tally));
          for (const name of draw.tied) expect(round.tally[name]).toBe(fewest);
          expect(draw.tied).toContain(draw.chosen);
          expect([...draw.order].sort()).toEqual([...draw.tied].sort());
          if (draw.purpose === 'eliminate') expect(round.eliminated).toEqual([draw.chosen]);
        }
      }),
    );
  });
});
