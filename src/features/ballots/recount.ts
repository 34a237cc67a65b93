// The recount file (CONTRACT.md, "Recount format"): the ballots of a closed ballot as published
// beside its results, read back and counted again by anyone entitled. A file that does not say
// exactly one thing is refused with the place and the problem, never repaired: a recount that
// quietly fixed a ballot would no longer be a recount of what was cast.
import { z } from 'zod';
import { type CastBallot, type Round, type TallyResult, tallyBallot } from '../../domain/tally.js';

export const RECOUNT_METHODS = ['ranked', 'approval', 'single'] as const;
export type RecountMethod = (typeof RECOUNT_METHODS)[number];

export interface RecountInput {
  method: RecountMethod;
  candidates: string[];
  ballots: Array<{ choices: string[]; count?: number; receipt?: string }>;
}

/** The output of CONTRACT.md, field for field; the app's richer result stays inside the app. */
export interface RecountOutput {
  outcome: 'winner' | 'tie';
  winner: string | null;
  rounds: Round[];
}

export type RecountTieRule = { rule: 'runoff' } | { rule: 'lot'; seed: string };

const ballotSchema = z.strictObject(
  {
    choices: z.array(z.string({ error: 'must be a candidate name' }), {
      error: 'must be a list of candidate names',
    }),
    count: z
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .positive({ error: 'must be at least 1' })
      .max(Number.MAX_SAFE_INTEGER, { error: 'is too large' })
      .optional(),
    receipt: z.string({ error: 'must be a string' }).optional(),
  },
  { error: 'must be an object with choices, and optionally count and receipt' },
);

const recountSchema = z
  .strictObject(
    {
      method: z.enum(RECOUNT_METHODS, { error: `must be one of ${RECOUNT_METHODS.join(', ')}` }),
      candidates: z
        .array(z.string({ error: 'must be a name' }).min(1, { error: 'is an empty name' }), {
          error: 'must be a list of names',
        })
        .min(1, { error: 'must name at least one candidate' }),
      ballots: z.array(ballotSchema, { error: 'must be a list' }),
    },
    { error: 'must be an object with method, candidates and ballots' },
  )
  .superRefine((input, context) => {
    const firstListed = new Map<string, number>();
    input.candidates.forEach((candidate, i) => {
      const earlier = firstListed.get(candidate);
      if (earlier === undefined) firstListed.set(candidate, i);
      else
        context.addIssue({
          code: 'custom',
          path: ['candidates', i],
          message: `${JSON.stringify(candidate)} is listed twice (also at candidates[${earlier}])`,
        });
    });
    const receipts = new Map<string, number>();
    let total = 0;
    input.ballots.forEach((ballot, b) => {
      total += ballot.count ?? 1;
      if (input.method === 'single' && ballot.choices.length > 1)
        context.addIssue({
          code: 'custom',
          path: ['ballots', b, 'choices'],
          message: `names ${ballot.choices.length} candidates, but a single-choice ballot names at most one`,
        });
      const onBallot = new Map<string, number>();
      ballot.choices.forEach((choice, c) => {
        if (!firstListed.has(choice))
          context.addIssue({
            code: 'custom',
            path: ['ballots', b, 'choices', c],
            message: `${JSON.stringify(choice)} is not a candidate`,
          });
        const earlier = onBallot.get(choice);
        if (earlier === undefined) onBallot.set(choice, c);
        else
          context.addIssue({
            code: 'custom',
            path: ['ballots', b, 'choices', c],
            message: `${JSON.stringify(choice)} is chosen twice on this ballot (also at choices[${earlier}])`,
          });
      });
      if (ballot.receipt !== undefined) {
        const earlier = receipts.get(ballot.receipt);
        if (earlier === undefined) receipts.set(ballot.receipt, b);
        // A receipt stands for one voter's vote, so a repeated one means the file was altered.
        else
          context.addIssue({
            code: 'custom',
            path: ['ballots', b, 'receipt'],
            message: `${JSON.stringify(ballot.receipt)} is already the receipt of ballots[${earlier}]`,
          });
      }
    });
    if (!Number.isSafeInteger(total))
      context.addIssue({
        code: 'custom',
        path: ['ballots'],
        message: 'the counts add up to more ballots than can be counted exactly',
      });
  });

export type ParsedRecount = { ok: true; input: RecountInput } | { ok: false; problems: string[] };

/** Reads an already JSON-decoded recount file; each problem names where it is, e.g. `ballots[3].choices[1]`. */
export function parseRecount(json: unknown): ParsedRecount {
  const parsed = recountSchema.safeParse(json);
  if (parsed.success) return { ok: true, input: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => `${pathLabel(issue.path)}: ${problemOf(issue)}.`),
  };
}

/** Counts a parsed recount file; under `lot` the seed makes the draw the same on every recount. */
export function recount(input: RecountInput, tieRule: RecountTieRule = { rule: 'runoff' }): RecountOutput {
  const ballots: CastBallot[] = input.ballots.map(({ choices, count }) => ({ choices, count }));
  const result: TallyResult = tallyBallot({
    method: input.method,
    candidates: input.candidates,
    ballots,
    tieRule: tieRule.rule,
    seed: tieRule.rule === 'lot' ? tieRule.seed : undefined,
  });
  // Without quorum or confirmation in the file, these two are the only outcomes a recount can have.
  if (result.outcome !== 'winner' && result.outcome !== 'tie')
    throw new Error(`A recount cannot end in ${result.outcome}.`);
  return { outcome: result.outcome, winner: result.winner, rounds: result.rounds };
}

function problemOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const fields = issue.keys.map((key) => JSON.stringify(key)).join(', ');
    return `has unknown ${issue.keys.length === 1 ? 'field' : 'fields'} ${fields}`;
  }
  return issue.message;
}

function pathLabel(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return 'the file';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
